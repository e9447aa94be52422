from django.db import models
from django.utils.translation import gettext_lazy as _


class ProjectKind(models.TextChoices):
    INDUSTRIAL = "industrial", _("工业项目")
    STANDARD_FACTORY = "standard_factory", _("标准厂房（园区自建）")
    INFRASTRUCTURE = "infrastructure", _("基础设施")
    SERVICE = "service", _("配套服务")


class ProjectPhase(models.TextChoices):
    """The phases of a construction project, in order; each has a planned and an actual date."""

    SIGNED = "signed", _("签约")
    DELIVERED = "delivered", _("供地/租赁交付")
    STARTED = "started", _("开工")
    STRUCTURE_DONE = "structure_done", _("主体完工")
    ACCEPTED = "accepted", _("竣工验收")
    COMPLETED = "completed", _("投产（建成投用）")


class ProjectIssueStatus(models.TextChoices):
    OPEN = "open", _("待解决")
    RESOLVED = "resolved", _("已解决")
    DROPPED = "dropped", _("已撤销")


class ProductPartnerRole(models.TextChoices):
    CRO = "cro", _("CRO（合同研究组织）")
    CLINICAL_SITE = "clinical_site", _("临床试验机构")
    LICENSING = "licensing", _("许可/授权合作方")
    CDMO = "cdmo", _("CDMO/CMO（委托生产）")
    CO_DEVELOPMENT = "co_development", _("联合开发方")
    OTHER = "other", _("其他")


class MilestoneKind(models.TextChoices):
    LISTING = "listing", _("上市")
    HIGH_TECH = "high_tech", _("认定高新技术企业")
    SPECIALISED = "specialised", _("专精特新中小企业")
    LITTLE_GIANT = "little_giant", _("专精特新“小巨人”")
    FINANCING = "financing", _("融资")
    PATENT = "patent", _("专利")
    OTHER = "other", _("其他")


class FinancingRound(models.TextChoices):
    ANGEL = "angel", _("天使轮")
    PRE_A = "pre_a", _("Pre-A轮")
    A = "a", _("A轮")
    B = "b", _("B轮")
    C = "c", _("C轮")
    D_PLUS = "d_plus", _("D轮及以后")
    STRATEGIC = "strategic", _("战略投资")
    PRE_IPO = "pre_ipo", _("Pre-IPO")
    OTHER = "other", _("其他")


class PatentType(models.TextChoices):
    INVENTION = "invention", _("发明专利")
    UTILITY_MODEL = "utility_model", _("实用新型")
    DESIGN = "design", _("外观设计")


class PatentStatus(models.TextChoices):
    APPLIED = "applied", _("已申请")
    GRANTED = "granted", _("已授权")


class InstitutionKind(models.TextChoices):
    UNIVERSITY = "university", _("高校")
    RESEARCH_INSTITUTE = "research_institute", _("科研院所")
    HOSPITAL = "hospital", _("医院")
    INDUSTRY_INSTITUTE = "industry_institute", _("产业研究院/新型研发机构")
    OTHER = "other", _("其他")


class AgreementKind(models.TextChoices):
    STRATEGIC = "strategic", _("战略合作")
    JOINT_LAB = "joint_lab", _("共建实验室/研发中心")
    CLINICAL = "clinical", _("临床研究合作")
    TALENT = "talent", _("人才培养")
    OTHER = "other", _("其他")


class JointProjectStatus(models.TextChoices):
    ONGOING = "ongoing", _("进行中")
    COMPLETED = "completed", _("已结题")
    TERMINATED = "terminated", _("已终止")


class PlatformKind(models.TextChoices):
    PILOT_GMP = "pilot_gmp", _("GMP中试生产线")
    TESTING = "testing", _("检验检测中心")
    ANIMAL = "animal", _("实验动物中心")
    CLEANROOM = "cleanroom", _("共享洁净车间")
    INSTRUMENTS = "instruments", _("大型仪器共享")
    OTHER = "other", _("其他")


class TransferKind(models.TextChoices):
    ASSIGNMENT = "assignment", _("技术转让")
    LICENCE = "licence", _("许可使用")
    SERVICE = "service", _("技术开发/服务")


class FundKind(models.TextChoices):
    DIRECT = "direct", _("运营方直投")
    FUND = "fund", _("产业基金")


class InvestmentKind(models.TextChoices):
    INITIAL = "initial", _("首次投资")
    FOLLOW_ON = "follow_on", _("追加投资")


class ValuationMethod(models.TextChoices):
    RECENT_ROUND = "recent_round", _("最近融资价格")
    MARKET = "market", _("上市公司股价")
    LISTING = "listing", _("上市首日市值")
    MODEL = "model", _("估值模型")
    WRITE_DOWN = "write_down", _("减值")


class ExitKind(models.TextChoices):
    IPO_SALE = "ipo_sale", _("上市后减持")
    TRANSFER = "transfer", _("股权转让")
    BUYBACK = "buyback", _("回购")
    WRITE_OFF = "write_off", _("核销")
