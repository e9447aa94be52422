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
