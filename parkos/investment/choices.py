from django.db import models
from django.utils.translation import gettext_lazy as _


class LeadSource(models.TextChoices):
    PORTAL_FORM = "portal_form", _("门户需求表单")
    PHONE = "phone", _("电话")
    WECHAT = "wechat", _("微信")
    REFERRAL = "referral", _("中介或客户推荐")
    EVENT = "event", _("推介活动")
    GOVERNMENT_REFERRAL = "government_referral", _("政府推荐")


class LeadStage(models.TextChoices):
    """The pipeline, in order; LOST leaves it from any open stage and needs a reason."""

    NEW = "new", _("新线索")
    CONTACTED = "contacted", _("已接洽")
    SITE_VISIT = "site_visit", _("已考察")
    NEGOTIATING = "negotiating", _("洽谈中")
    SIGNED = "signed", _("已签约")
    SETTLED = "settled", _("已入驻/投产")
    LOST = "lost", _("已流失")


#: The stages a lead passes through, in order (LOST is off the line).
PIPELINE: tuple[LeadStage, ...] = (
    LeadStage.NEW,
    LeadStage.CONTACTED,
    LeadStage.SITE_VISIT,
    LeadStage.NEGOTIATING,
    LeadStage.SIGNED,
    LeadStage.SETTLED,
)
OPEN_STAGES: frozenset[str] = frozenset({"new", "contacted", "site_visit", "negotiating"})
#: Default win probability (%) per stage, used when the officer has not set one.
STAGE_PROBABILITY: dict[str, int] = {
    "new": 10,
    "contacted": 20,
    "site_visit": 40,
    "negotiating": 60,
    "signed": 100,
    "settled": 100,
    "lost": 0,
}


class SpaceKind(models.TextChoices):
    """What the prospect needs; the unit types are those of `parks.choices.SpaceType` (same values)."""

    FACTORY = "factory", _("厂房")
    LAB = "lab", _("研发实验")
    OFFICE = "office", _("办公")
    WAREHOUSE = "warehouse", _("仓储")
    COLD_STORAGE = "cold_storage", _("冷库")
    LAND = "land", _("土地")


class FloorPreference(models.TextChoices):
    """Where in a building the prospect can work: ground floor only, as low as possible, top floor only."""

    ANY = "", _("不限")
    GROUND = "ground", _("仅限首层")
    LOWEST = "lowest", _("楼层越低越好")
    TOP = "top", _("仅限顶层")


class Tenure(models.TextChoices):
    LEASE = "lease", _("租赁")
    BUY = "buy", _("购买")
    EITHER = "either", _("租购均可")


class AreaUnit(models.TextChoices):
    SQM = "sqm", _("m²")
    MU = "mu", _("亩")


class EiaCategory(models.TextChoices):
    """建设项目环境影响评价分类管理名录 (2021): what the project will need (RULES §9)."""

    UNKNOWN = "", _("未确定")
    REPORT = "report", _("环境影响报告书")
    FORM = "form", _("环境影响报告表")
    REGISTRATION = "registration", _("环境影响登记表")
    EXEMPT = "exempt", _("不纳入环评管理")


class FireClassSource(models.TextChoices):
    UNKNOWN = "", _("未确定")
    DIRECT = "direct", _("直接填写")
    DERIVED = "derived", _("按工艺推定")


class ActivityKind(models.TextChoices):
    CALL = "call", _("电话")
    SITE_VISIT = "site_visit", _("实地考察")
    MEETING = "meeting", _("会谈")
    NOTE = "note", _("备注")
    SUBMISSION = "submission", _("门户提交")
    VIEWING_REQUEST = "viewing_request", _("预约看房")


class NotificationKind(models.TextChoices):
    ASSIGNED = "assigned", _("新线索分配")
    SPACE_MATCH = "space_match", _("新空间匹配")
    UNASSIGNED = "unassigned", _("线索待分配超时")
    VIEWING = "viewing", _("预约看房")
