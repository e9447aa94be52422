from django.db import models
from django.utils.translation import gettext_lazy as _

# --- Talent ----------------------------------------------------------------------------------------


class ProgrammeLevel(models.TextChoices):
    """Who runs a talent programme (国家级 / 市级 / 区级 / 园区)."""

    NATIONAL = "national", _("国家级")
    PROVINCIAL = "provincial", _("省（直辖市）级")
    DISTRICT = "district", _("区县级")
    PARK = "park", _("园区级")


class Benefit(models.TextChoices):
    """What a programme gives the people it recognises."""

    APARTMENT = "apartment", _("人才公寓")
    HOUSING_SUBSIDY = "housing_subsidy", _("住房补贴")
    SETTLEMENT_GRANT = "settlement_grant", _("安家补助")
    RESEARCH_FUNDING = "research_funding", _("科研经费资助")
    SALARY_SUBSIDY = "salary_subsidy", _("薪酬补贴")
    CHILDREN_SCHOOLING = "children_schooling", _("子女入学")
    MEDICAL_CARE = "medical_care", _("医疗保障")
    HUKOU = "hukou", _("落户")


class TalentLevel(models.TextChoices):
    """The municipal talent classification (A–E 类) most programmes and reports use."""

    A = "a", _("A类（顶尖人才）")
    B = "b", _("B类（国家级领军人才）")
    C = "c", _("C类（省市级领军人才）")
    D = "d", _("D类（高级人才）")
    E = "e", _("E类（青年及基础人才）")


#: Waiting-list priority of each level: lower goes first.
LEVEL_PRIORITY: dict[str, int] = {"a": 1, "b": 2, "c": 3, "d": 4, "e": 5}


class Degree(models.TextChoices):
    """Highest degree; the order of the members is the order of the degrees (for "at least")."""

    OTHER = "other", _("其他")
    COLLEGE = "college", _("大专")
    BACHELOR = "bachelor", _("本科")
    MASTER = "master", _("硕士")
    DOCTOR = "doctor", _("博士")


DEGREE_RANK: dict[str, int] = {value: rank for rank, value in enumerate(Degree.values)}


class ProfessionalTitle(models.TextChoices):
    NONE = "none", _("无")
    JUNIOR = "junior", _("初级")
    INTERMEDIATE = "intermediate", _("中级")
    ASSOCIATE_SENIOR = "associate_senior", _("副高级")
    SENIOR = "senior", _("正高级")


class TalentField(models.TextChoices):
    """Fields of work, for talent counts and the job board (the park's industries first)."""

    BIOPHARMA = "biopharma", _("生物医药")
    CHEMICAL_DRUGS = "chemical_drugs", _("化学药")
    MEDICAL_DEVICES = "medical_devices", _("医疗器械")
    HEALTH_PRODUCTS = "health_products", _("健康产品")
    TCM = "tcm", _("中医药")
    QUALITY_REGULATORY = "quality_regulatory", _("质量与注册")
    DIGITAL = "digital", _("信息技术")
    MANUFACTURING = "manufacturing", _("智能制造")
    MANAGEMENT = "management", _("经营管理")
    OTHER = "other", _("其他")


class TalentStatus(models.TextChoices):
    ACTIVE = "active", _("在园")
    LEFT = "left", _("已离园")


class ApplicationKind(models.TextChoices):
    RECOMMENDATION = "recommendation", _("园区推荐")
    APPLICATION = "application", _("企业申报")


class ApplicationStatus(models.TextChoices):
    """An application's course; approved, rejected and withdrawn are outcomes."""

    DRAFT = "draft", _("草稿")
    SUBMITTED = "submitted", _("已报送")
    UNDER_REVIEW = "under_review", _("评审中")
    APPROVED = "approved", _("已入选")
    REJECTED = "rejected", _("未入选")
    WITHDRAWN = "withdrawn", _("已撤回")


OPEN_APPLICATION_STATUSES = frozenset({"draft", "submitted", "under_review"})
APPLICATION_OUTCOMES = frozenset({"approved", "rejected", "withdrawn"})


class RoomType(models.TextChoices):
    SINGLE = "single", _("单间")
    ONE_BEDROOM = "one_bedroom", _("一室一厅")
    TWO_BEDROOM = "two_bedroom", _("两室一厅")
    THREE_BEDROOM = "three_bedroom", _("三室一厅")


class ApartmentLeaseStatus(models.TextChoices):
    ACTIVE = "active", _("在住")
    ENDED = "ended", _("已退房")


class WaitlistStatus(models.TextChoices):
    WAITING = "waiting", _("排队中")
    HOUSED = "housed", _("已入住")
    WITHDRAWN = "withdrawn", _("已撤销")


# --- Jobs, fairs, training -------------------------------------------------------------------------


class JobStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    PENDING = "pending", _("待审核")
    APPROVED = "approved", _("已发布")
    REJECTED = "rejected", _("已退回")
    CLOSED = "closed", _("已关闭")


class FairStatus(models.TextChoices):
    DRAFT = "draft", _("筹备中")
    PUBLISHED = "published", _("已发布")
    CANCELLED = "cancelled", _("已取消")


class CourseStatus(models.TextChoices):
    DRAFT = "draft", _("筹备中")
    OPEN = "open", _("报名中")
    CLOSED = "closed", _("报名截止")
    CANCELLED = "cancelled", _("已取消")


class TrainingRegistrationStatus(models.TextChoices):
    REGISTERED = "registered", _("已报名")
    CANCELLED = "cancelled", _("已取消")


# --- Bookable spaces and equipment -------------------------------------------------------------------


class ResourceKind(models.TextChoices):
    MEETING_ROOM = "meeting_room", _("会议室")
    ROADSHOW_HALL = "roadshow_hall", _("路演厅")
    EXHIBITION_HALL = "exhibition_hall", _("展厅")
    PILOT_LINE = "pilot_line", _("中试线")
    INSTRUMENT = "instrument", _("分析检测仪器")


EQUIPMENT_KINDS = frozenset({"pilot_line", "instrument"})


class BookingAudience(models.TextChoices):
    """Who may book a resource (besides staff who manage it)."""

    STAFF = "staff", _("仅园区工作人员")
    TENANTS = "tenants", _("园区工作人员和在园企业")
    LISTED = "listed", _("园区工作人员和指定企业")


class BookingStatus(models.TextChoices):
    PENDING = "pending", _("待审批")
    CONFIRMED = "confirmed", _("已确认")
    CANCELLED = "cancelled", _("已取消")
    REJECTED = "rejected", _("已驳回")


#: Bookings that hold their slot: the no-overlap guarantee covers exactly these.
ACTIVE_BOOKING_STATUSES = ("pending", "confirmed")


# --- Events --------------------------------------------------------------------------------------------


class EventKind(models.TextChoices):
    EXHIBITION_SALE = "exhibition_sale", _("展销会")
    ROADSHOW = "roadshow", _("路演")
    INVESTMENT_PROMOTION = "investment_promotion", _("招商推介会")
    POLICY_BRIEFING = "policy_briefing", _("政策宣讲")


class EventStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    PUBLISHED = "published", _("已发布")
    CANCELLED = "cancelled", _("已取消")


class RegistrationStatus(models.TextChoices):
    CONFIRMED = "confirmed", _("报名成功")
    WAITLISTED = "waitlisted", _("候补中")
    CANCELLED = "cancelled", _("已取消")


class LeadOutcome(models.TextChoices):
    """What turning a registrant into a lead did (see services.events.registrants_to_leads)."""

    CREATED = "created", _("新建线索")
    ATTACHED = "attached", _("并入已有线索")
    SKIPPED_TENANT = "skipped_tenant", _("在园企业，未建线索")
