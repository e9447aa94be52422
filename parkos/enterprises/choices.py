from django.db import models
from django.utils.translation import gettext_lazy as _


class LegalForm(models.TextChoices):
    LIMITED = "limited", _("有限责任公司")
    JOINT_STOCK = "joint_stock", _("股份有限公司")
    SOLE_PROPRIETORSHIP = "sole_proprietorship", _("个人独资企业")
    PARTNERSHIP = "partnership", _("合伙企业")
    INDIVIDUAL_BUSINESS = "individual_business", _("个体工商户")
    FOREIGN_INVESTED = "foreign_invested", _("外商投资企业")
    BRANCH = "branch", _("分公司")
    STATE_OWNED = "state_owned", _("全民所有制企业")
    COLLECTIVE = "collective", _("集体所有制企业")
    OTHER = "other", _("其他")


class EnterpriseSize(models.TextChoices):
    LARGE = "large", _("大型")
    MEDIUM = "medium", _("中型")
    SMALL = "small", _("小型")
    MICRO = "micro", _("微型")


class ListingStatus(models.TextChoices):
    UNLISTED = "unlisted", _("未上市")
    SH_MAIN = "sh_main", _("上交所主板")
    SZ_MAIN = "sz_main", _("深交所主板")
    STAR = "star", _("科创板")
    CHINEXT = "chinext", _("创业板")
    BSE = "bse", _("北交所")
    NEEQ = "neeq", _("新三板")
    HKEX = "hkex", _("港交所")
    OVERSEAS = "overseas", _("境外其他")


class EnterpriseSource(models.TextChoices):
    MANUAL = "manual", _("手工录入")
    IMPORT = "import", _("批量导入")
    PORTAL = "portal", _("门户需求")
    DEMO = "demo", _("演示数据")


class EnterpriseLifecycle(models.TextChoices):
    PROSPECT = "prospect", _("潜在客户")
    TENANT = "tenant", _("在园企业")
    FORMER_TENANT = "former_tenant", _("已迁出企业")


class Qualification(models.TextChoices):
    HIGH_TECH = "high_tech", _("高新技术企业")
    SME_TECH = "sme_tech", _("科技型中小企业")
    SPECIALISED = "specialised", _("专精特新中小企业")
    LITTLE_GIANT = "little_giant", _("专精特新“小巨人”")
    GAZELLE = "gazelle", _("瞪羚企业")
    UNICORN = "unicorn", _("独角兽企业")


class MergeBasis(models.TextChoices):
    """Why two records were merged: the duplicate finder proposed them, or a person gave a reason."""

    NAME = "name", _("名称相同")
    MOBILE = "mobile", _("联系人手机相同")
    MANUAL = "manual", _("人工确认")
