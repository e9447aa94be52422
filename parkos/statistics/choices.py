from django.db import models
from django.utils.translation import gettext_lazy as _


class ReportSource(models.TextChoices):
    TENANT = "tenant", _("企业填报")
    OFFICER = "officer", _("园区代填")
    IMPORT = "import", _("批量导入")
    DEMO = "demo", _("演示数据")


class MujuCategory(models.TextChoices):
    """Who takes part in the 亩均 evaluation; the exempt categories match parkos.statistics.muju."""

    RATED = "", _("参评")
    UTILITY = "utility", _("水电气热等公用事业")
    NEW_PRODUCTION = "new_production", _("投产未满两年")
    UNDER_CONSTRUCTION = "under_construction", _("在建项目")
    POLICY_SUPPORTED = "policy_supported", _("享受税收政策扶持")


class SubmissionStatus(models.TextChoices):
    """A tenant's submission of a month: the first is applied at once, a re-submission waits."""

    APPLIED = "applied", _("已生效")
    PENDING = "pending", _("待审核")
    APPROVED = "approved", _("已批准")
    REJECTED = "rejected", _("已驳回")
    SUPERSEDED = "superseded", _("已被新提交取代")


class ProductUnit(models.TextChoices):
    """Units of 主要产品产量, as the 统计用产品分类目录 states them for the park's products (a declared set:
    a product's output in two units cannot be added up)."""

    TEN_THOUSAND_ITEMS = "10k_items", _("万件")
    ITEMS = "items", _("件")
    UNITS = "units", _("台")
    SETS = "sets", _("套")
    TONNES = "tonnes", _("吨")
    KILOGRAMS = "kg", _("千克")
    KILOLITRES = "kl", _("千升")
    TEN_THOUSAND_PIECES = "10k_pieces", _("万只")
    TEN_THOUSAND_STICKS = "10k_sticks", _("万支")
    TEN_THOUSAND_BOXES = "10k_boxes", _("万盒")
    TEN_THOUSAND_BOTTLES = "10k_bottles", _("万瓶")
    TEN_THOUSAND_TABLETS = "10k_tablets", _("万片")
    TEN_THOUSAND_CAPSULES = "10k_capsules", _("万粒")
    TEN_THOUSAND_TESTS = "10k_tests", _("万人份")


class InvestmentBasis(models.TextChoices):
    """What a park's 工业投资 is counted from (RULES §5.2)."""

    PROJECTS = "projects", _("产业项目完成投资")
    ENTERPRISES = "enterprises", _("企业填报的固定资产投资")
    BOTH = "both", _("两者合并（不重复计算）")
