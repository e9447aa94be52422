from django.db import models
from django.utils.translation import gettext_lazy as _


class ProgrammeKind(models.TextChoices):
    MAKER_SPACE = "maker_space", _("众创空间")
    INCUBATOR = "incubator", _("孵化器")
    ACCELERATOR = "accelerator", _("加速器")


class ApplicationStatus(models.TextChoices):
    SUBMITTED = "submitted", _("待初审")
    IN_REVIEW = "in_review", _("评审中")
    ADMITTED = "admitted", _("准予入孵")
    REJECTED = "rejected", _("未通过")
    WITHDRAWN = "withdrawn", _("已撤回")


class ApplicationSource(models.TextChoices):
    PORTAL = "portal", _("门户在线申请")
    STAFF = "staff", _("工作人员录入")


class AttachmentKind(models.TextChoices):
    BUSINESS_PLAN = "business_plan", _("商业计划书")
    IP = "ip", _("知识产权证明")
    FINANCIAL = "financial", _("财务或融资材料")
    OTHER = "other", _("其他材料")


class DecisionOutcome(models.TextChoices):
    ADMIT = "admit", _("准予入孵")
    REJECT = "reject", _("不予入孵")
    DEFER = "defer", _("暂缓，下次再议")


class IncubationStage(models.TextChoices):
    PRE_INCUBATION = "pre_incubation", _("预孵化")
    INCUBATING = "incubating", _("在孵")
    ACCELERATING = "accelerating", _("加速")
    GRADUATED = "graduated", _("毕业")
    EXITED = "exited", _("退出")


class GraduationBasis(models.TextChoices):
    """The graduation criteria of RULES §13.2; a programme chooses which of them count."""

    HIGH_TECH = "high_tech", _("认定为高新技术企业")
    REVENUE = "revenue", _("连续两年营业收入累计达标")
    ACQUIRED = "acquired", _("被兼并收购")
    LISTED = "listed", _("上市或挂牌")


class ExitReason(models.TextChoices):
    PERIOD_EXPIRED = "period_expired", _("孵化期满未毕业")
    RELOCATED = "relocated", _("迁出园区")
    DEREGISTERED = "deregistered", _("注销或破产")
    AGREEMENT_BREACH = "agreement_breach", _("违反入孵协议")
    OTHER = "other", _("其他")


class ServiceCategory(models.TextChoices):
    POLICY = "policy", _("政策咨询")
    FINANCING = "financing", _("融资对接")
    IP = "ip", _("知识产权")
    REGULATORY = "regulatory", _("注册申报（NMPA/GMP辅导）")
    TESTING = "testing", _("检验检测")
    HR = "hr", _("人力资源")
    LEGAL_TAX = "legal_tax", _("法律财税")
    PROPERTY = "property", _("物业维修")
    OTHER = "other", _("其他服务")


class SlaUnit(models.TextChoices):
    HOURS = "hours", _("工作小时")
    DAYS = "days", _("工作日")


class ProviderKind(models.TextChoices):
    INTERNAL = "internal", _("园区服务团队")
    PARTNER = "partner", _("合作服务机构")


class RequestStatus(models.TextChoices):
    NEW = "new", _("待分派")
    ASSIGNED = "assigned", _("待响应")
    IN_PROGRESS = "in_progress", _("处理中")
    WAITING_TENANT = "waiting_tenant", _("待企业补充")
    RESOLVED = "resolved", _("已解决待确认")
    CLOSED = "closed", _("已关闭")
    CANCELLED = "cancelled", _("已撤销")


class RequestChannel(models.TextChoices):
    TENANT = "tenant", _("企业提交")
    STAFF = "staff", _("园区代提")


class Visibility(models.TextChoices):
    PUBLIC = "public", _("企业可见")
    INTERNAL = "internal", _("内部备注")


class RequestEventKind(models.TextChoices):
    CREATED = "created", _("提交")
    ASSIGNED = "assigned", _("分派")
    RESPONDED = "responded", _("首次响应")
    STATUS = "status", _("状态变更")
    PAUSED = "paused", _("等待企业补充（暂停计时）")
    RESUMED = "resumed", _("恢复计时")
    RESPONSE_BREACHED = "response_breached", _("响应超时")
    RESOLUTION_BREACHED = "resolution_breached", _("解决超时")
    ESCALATED = "escalated", _("升级")
    RESOLVED = "resolved", _("已解决")
    REOPENED = "reopened", _("重新打开")
    CLOSED = "closed", _("关闭")
    RATED = "rated", _("评价")
    CANCELLED = "cancelled", _("撤销")


class NotificationKind(models.TextChoices):
    ESCALATION = "escalation", _("服务超时升级")
    ASSIGNMENT = "assignment", _("服务分派")
    REQUEST_UPDATE = "request_update", _("服务进展")
    REVIEW = "review", _("评审任务")
    RISK_DIGEST = "risk_digest", _("每周预警")
    OTHER = "other", _("其他")


class SchemeLevel(models.TextChoices):
    NATIONAL = "national", _("国家级")
    MUNICIPAL = "municipal", _("市级")
    DISTRICT = "district", _("区县级")
    PARK = "park", _("园区")


class EligibilityFact(models.TextChoices):
    """Facts about an enterprise that ParkOS holds and scheme criteria are written over (RULES §13.5)."""

    ABOVE_SCALE = "above_scale", _("规上企业")
    HIGH_TECH = "high_tech", _("高新技术企业（有效期内）")
    SPECIALISED = "specialised", _("专精特新企业")
    RD_INTENSITY = "rd_intensity", _("上年R&D经费占营业收入比例（%）")
    REVENUE_WAN = "revenue_wan", _("上年营业收入（万元）")
    INDUSTRY = "industry", _("行业代码")
    EMPLOYEES = "employees", _("从业人员（人）")
    AGE_YEARS = "age_years", _("成立年限（年）")
    IN_PARK_YEARS = "in_park_years", _("入园年限（年）")
    STAGE = "stage", _("孵化阶段")


class CriterionOperator(models.TextChoices):
    IS_TRUE = "is_true", _("是")
    IS_FALSE = "is_false", _("否")
    GTE = "gte", _("不低于")
    LTE = "lte", _("不高于")
    GT = "gt", _("高于")
    LT = "lt", _("低于")
    PREFIX = "prefix", _("属于以下行业（代码前缀）")
    IN = "in", _("属于以下之一")


class SchemeApplicationStatus(models.TextChoices):
    PLANNED = "planned", _("拟申报")
    SUBMITTED = "submitted", _("已申报")
    APPROVED = "approved", _("已获批")
    AWARDED = "awarded", _("已兑现")
    REJECTED = "rejected", _("未获批")
    WITHDRAWN = "withdrawn", _("放弃申报")


class RiskLevel(models.TextChoices):
    HIGH = "high", _("高风险")
    MEDIUM = "medium", _("中风险")
    LOW = "low", _("低风险")
