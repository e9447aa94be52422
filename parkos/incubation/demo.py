"""Demo data of incubation: the flagship's incubator with two intakes, a dozen applications at different
review steps, 30 enterprises in incubation, 200 service requests across a year (some past their SLA),
three policy schemes with applications and awards.

Idempotent: nothing is loaded when the flagship already has the demo programme. Applications, reviews,
decisions and admissions go through the services (with no actor: the audit says "system"); the year of
service history is written in bulk with its SLA times computed by `sla`, as it would have been.
"""

from __future__ import annotations

import datetime
import random
from decimal import Decimal
from typing import TextIO

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from parkos.accounts.choices import Role
from parkos.accounts.models import User
from parkos.core.workdays import add_working_hours, clock_start
from parkos.enterprises.choices import EnterpriseLifecycle
from parkos.enterprises.models import Enterprise
from parkos.incubation import desk, services, sla
from parkos.incubation.choices import (
    AttachmentKind,
    CriterionOperator,
    DecisionOutcome,
    EligibilityFact,
    IncubationStage,
    ProgrammeKind,
    ProviderKind,
    RequestChannel,
    RequestEventKind,
    RequestStatus,
    SchemeApplicationStatus,
    SchemeLevel,
    ServiceCategory,
    SlaUnit,
    Visibility,
)
from parkos.incubation.models import (
    AnnualReturn,
    IncubationRecord,
    Intake,
    Programme,
    Scheme,
    SchemeApplication,
    ServiceEvent,
    ServiceMessage,
    ServiceOffering,
    ServiceProvider,
    ServiceRequest,
)
from parkos.innovation.choices import MilestoneKind
from parkos.innovation.models import Milestone
from parkos.leasing import services as leasing_services
from parkos.leasing.choices import ContractStatus
from parkos.leasing.models import Contract
from parkos.leasing.schedule import term_end
from parkos.parks.choices import Occupancy
from parkos.parks.models import Park, Unit
from parkos.statistics.models import MonthlyReport

SEED = 1818
FLAGSHIP = "CQ-BIO-01"
PROGRAMME_NAME = "生物城创新孵化器"
DEMO_PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"

OFFERINGS = (
    # category, name, provider key, response (n, unit), resolution (n, unit), price 元, price unit
    (ServiceCategory.POLICY, "政策咨询与申报辅导", "team", (4, SlaUnit.HOURS), (3, SlaUnit.DAYS), None, ""),
    (ServiceCategory.FINANCING, "融资对接与路演", "team", (1, SlaUnit.DAYS), (10, SlaUnit.DAYS), None, ""),
    (ServiceCategory.IP, "专利申请代理", "ip", (1, SlaUnit.DAYS), (15, SlaUnit.DAYS), Decimal(3500), "件"),
    (
        ServiceCategory.REGULATORY,
        "NMPA注册申报与GMP辅导",
        "reg",
        (1, SlaUnit.DAYS),
        (20, SlaUnit.DAYS),
        Decimal(8000),
        "次",
    ),
    (ServiceCategory.TESTING, "检验检测预约", "lab", (4, SlaUnit.HOURS), (5, SlaUnit.DAYS), Decimal(1200), "批次"),
    (ServiceCategory.HR, "人才招聘与落户", "team", (1, SlaUnit.DAYS), (5, SlaUnit.DAYS), None, ""),
    (ServiceCategory.LEGAL_TAX, "财税法律咨询", "law", (1, SlaUnit.DAYS), (5, SlaUnit.DAYS), None, ""),
    (ServiceCategory.PROPERTY, "物业报修", "property", (2, SlaUnit.HOURS), (1, SlaUnit.DAYS), None, ""),
)
PROVIDERS = {
    "team": ("园区企业服务中心", ProviderKind.INTERNAL),
    "ip": ("重庆渝知知识产权代理有限公司", ProviderKind.PARTNER),
    "reg": ("西部医疗器械注册服务中心", ProviderKind.PARTNER),
    "lab": ("生物城公共检测平台", ProviderKind.INTERNAL),
    "law": ("重庆渝信律师事务所", ProviderKind.PARTNER),
    "property": ("园区物业服务部", ProviderKind.INTERNAL),
}
SUBJECTS: dict[str, tuple[str, str, str]] = {
    ServiceCategory.POLICY: ("咨询高新技术企业认定条件", "申请研发费用加计扣除", "了解巴南区人才补贴"),
    ServiceCategory.FINANCING: ("寻求A轮融资对接", "申请参加投融资路演", "咨询知识价值信用贷款"),
    ServiceCategory.IP: ("发明专利申请", "实用新型专利申请", "商标注册"),
    ServiceCategory.REGULATORY: ("二类医疗器械注册申报", "GMP现场检查前辅导", "体外诊断试剂注册咨询"),
    ServiceCategory.TESTING: ("无菌检验送样", "生物相容性检测预约", "理化检测"),
    ServiceCategory.HR: ("招聘研发工程师", "员工人才公寓申请", "高层次人才落户"),
    ServiceCategory.LEGAL_TAX: ("劳动合同审查", "股权激励方案咨询", "增值税留抵退税"),
    ServiceCategory.PROPERTY: ("空调不制冷", "洁净间门禁故障", "实验室下水堵塞"),
}
APPLICANTS = (
    ("重庆瑞康细胞治疗技术有限公司", "2761", "submitted"),
    ("重庆微纳医疗器械科技有限公司", "3581", "submitted"),
    ("巴南区智愈康复科技团队", "3589", "submitted"),
    ("重庆华研生物医药有限公司", "2710", "in_review_none"),
    ("重庆精准诊断技术有限公司", "2770", "in_review_one"),
    ("重庆康源医用材料有限公司", "3589", "in_review_two"),
    ("重庆睿影医学影像有限公司", "3581", "in_review_two"),
    ("重庆禾润健康食品有限公司", "1491", "admitted"),
    ("重庆博济药物研究有限公司", "2710", "admitted"),
    ("重庆晨曦养老服务有限公司", "8514", "rejected"),
    ("重庆海纳贸易有限公司", "5191", "rejected"),
    ("重庆云医数据科技有限公司", "6513", "withdrawn"),
)


def _flagship() -> Park | None:
    return Park.objects.filter(code=FLAGSHIP).first() or Park.objects.order_by("pk").first()


def _staff(park: Park) -> dict[str, User]:
    found = {u.username: u for u in User.objects.filter(username__in=("manager", "services", "admin"))}
    if "services" not in found:
        found["services"] = User.objects.create(username="services", role=Role.SERVICES_OFFICER, display_name="刘服务")
    for user in found.values():
        if not user.is_operator_admin:
            user.parks.add(park)
    return found


@transaction.atomic
def load_demo(*, scale: str = "demo", stdout: TextIO | None = None) -> dict[str, int]:
    park = _flagship()
    if park is None or Programme.objects.filter(park=park, name=PROGRAMME_NAME).exists():
        return {"requests": 0}
    rng = random.Random(SEED)
    today = timezone.localdate()
    staff = _staff(park)
    programme = _programme(park)
    intakes = _intakes(programme, today)
    records = _records(programme, intakes, park, today, rng, staff.get("services"))
    _tenant_lease(park, records[0])
    _applications(programme, intakes, staff, today)
    offerings = _catalogue(park, staff)
    requests = _service_history(park, offerings, [r.enterprise_id for r in records], staff, today, rng)
    _schemes(park, [r.enterprise_id for r in records], today, rng)
    if stdout is not None:
        stdout.write(f"孵化与服务：1 个孵化项目，{len(records)} 家在孵企业，{len(requests)} 项服务申请，3 项政策\n")
    return {"records": len(records), "requests": len(requests)}


def _programme(park: Park) -> Programme:
    programme = services.programme_save(
        programme=Programme(
            park=park,
            name=PROGRAMME_NAME,
            kind=ProgrammeKind.INCUBATOR,
            description="面向医疗器械、化学药、生物药和大健康领域的早期企业，提供研发场地、注册申报辅导、融资对接和检验检测服务。",
            incubation_area_sqm=Decimal(12000),
            entry_max_age_years=3,
            entry_industry_prefixes=["27", "35", "14", "65", "73"],
            rent_free_months=6,
            rent_discount_rate=Decimal("0.5"),
            rent_discount_months=12,
        ),
        actor=None,
    )
    services.rubric_set(
        programme=programme,
        criteria=[
            services.CriterionInput("团队", Decimal(3), 10, "核心团队的专业背景、完整度和投入"),
            services.CriterionInput("技术与产品", Decimal(3), 10, "技术先进性、研发进展、注册路径"),
            services.CriterionInput("市场前景", Decimal(2), 10, "目标市场规模、商业模式、竞争"),
            services.CriterionInput("知识产权", Decimal(2), 10, "专利布局、授权许可"),
        ],
        actor=None,
    )
    return programme


def _intakes(programme: Programme, today: datetime.date) -> list[Intake]:
    made = []
    for year, name in ((today.year - 1, f"{today.year - 1}年度批次"), (today.year, f"{today.year}年度批次")):
        made.append(
            services.intake_save(
                intake=Intake(
                    programme=programme,
                    name=name,
                    year=year,
                    opens_on=datetime.date(year, 1, 1),
                    closes_on=datetime.date(year, 12, 31),
                ),
                actor=None,
            )
        )
    return made


def _incubatees(park: Park, count: int) -> list[Enterprise]:
    """The flagship's enterprises, those that report statistics first (the tenant login's among them)."""
    tenant_login = User.objects.filter(username="tenant").values_list("enterprise_id", flat=True).first()
    reporting = MonthlyReport.objects.filter(enterprise=OuterRef("pk"), park=park)
    candidates = list(
        Enterprise.objects.active()
        .filter(parks=park, lifecycle=EnterpriseLifecycle.TENANT)
        .annotate(reports=Exists(reporting))
        .order_by("-reports", "pk")[: count * 2]
    )
    ordered = sorted(candidates, key=lambda e: (e.pk != tenant_login,))
    return ordered[:count]


def _records(
    programme: Programme,
    intakes: list[Intake],
    park: Park,
    today: datetime.date,
    rng: random.Random,
    mentor: User | None,
) -> list[IncubationRecord]:
    records = []
    for index, enterprise in enumerate(_incubatees(park, 30)):
        # Two recent intakes, plus earlier cohorts admitted one to five years ago.
        if index < 10:
            intake, admitted = intakes[1], today - datetime.timedelta(days=rng.randint(20, 150))
        elif index < 20:
            intake, admitted = intakes[0], datetime.date(today.year - 1, rng.randint(2, 11), rng.randint(1, 28))
        elif index < 26:
            intake, admitted = None, today - datetime.timedelta(days=rng.randint(800, 1400))
        else:  # past even the 60-month period: overdue unless they graduate or leave
            intake, admitted = None, today - datetime.timedelta(days=rng.randint(1900, 2000))
        stage = IncubationStage.PRE_INCUBATION if index % 9 == 4 else IncubationStage.INCUBATING
        record = services.record_admit(
            programme=programme, enterprise=enterprise, admitted_on=admitted, intake=intake, stage=stage, actor=None
        )
        if index % 2 == 0:
            IncubationRecord.objects.filter(pk=record.pk).update(mentor=mentor)
        if index >= 20 and index % 3 == 0:
            services.record_advance(
                record=record,
                to_stage=IncubationStage.ACCELERATING,
                on=admitted + datetime.timedelta(days=500),
                actor=None,
                note="产品取得注册证，进入加速阶段",
            )
        records.append(record)
    # Two recognised as 高新技术企业 after admission: graduation candidates.
    for number, record in enumerate(records[20:22], start=1):
        Milestone.objects.create(
            park=park,
            enterprise=record.enterprise,
            kind=MilestoneKind.HIGH_TECH,
            on=min(today, record.admitted_on + datetime.timedelta(days=600)),
            certificate_number=f"GR20255100{number:04d}",
            note="高新技术企业证书",
        )
    # One older enterprise graduated, one left: they stay in the cohort figures.
    if len(records) > 27:
        services.record_graduate(
            record=records[26],
            basis="high_tech",
            on=today - datetime.timedelta(days=40),
            actor=None,
            note="认定为高新技术企业",
        )
        services.record_exit(record=records[27], reason="relocated", on=today - datetime.timedelta(days=70), actor=None)
    for record in records[:15]:
        AnnualReturn.objects.create(
            record=record,
            year=today.year - 1,
            employees=rng.randint(8, 60),
            college_educated=rng.randint(5, 8),
            returnees=rng.randint(0, 2),
            patent_applications=rng.randint(0, 4),
            patents_granted=rng.randint(0, 2),
            invention_patents_held=rng.randint(0, 3),
            ip_held=rng.randint(1, 12),
            financing_wan=Decimal(rng.choice((0, 0, 300, 500, 1200))),
        )
    return records


def _tenant_lease(park: Park, record: IncubationRecord) -> None:
    """The demo tenant's lease, signed at admission: it takes over the programme's rent support."""
    if (
        Contract.objects.filter(enterprise=record.enterprise, park=park)
        .exclude(status=ContractStatus.CANCELLED)
        .exists()
    ):
        return
    unit = (
        Unit.objects.filter(park=park, occupancy=Occupancy.VACANT, lettable=True, archived_at__isnull=True)
        .filter(area_sqm__lte=800)
        .order_by("area_sqm", "pk")
        .first()
    )
    if unit is None:
        return
    start = record.admitted_on
    contract = leasing_services.contract_create_draft(
        actor=None,
        park=park,
        enterprise=record.enterprise,
        units=[unit],
        start_on=start,
        end_on=term_end(start, 36),
        rent_per_sqm_month=unit.rent_yuan_per_sqm_month or Decimal(25),
        payment_period="quarterly",
        property_fee_per_sqm_month=Decimal("3.5"),
        deposit=Decimal(20000),
    )
    leasing_services.contract_approve(contract=contract, actor=None)
    leasing_services.contract_sign(contract=contract, actor=None, signed_on=start)


def _applications(programme: Programme, intakes: list[Intake], staff: dict[str, User], today: datetime.date) -> None:
    reviewers = [staff["manager"], staff["services"]] if "manager" in staff else [staff["services"]]
    meeting = services.meeting_record(
        programme=programme,
        held_on=today - datetime.timedelta(days=10),
        title="入孵评审决策会",
        attendees="园区总经理、企业服务中心、外部评审专家",
        minutes="审议评审结果，形成入孵决定。",
        actor=None,
    )
    criteria = list(programme.rubric.all())
    for index, (name, industry, step) in enumerate(APPLICANTS):
        application, _created = services.application_submit(
            programme=programme,
            data=services.ApplicationInput(
                company_name=name,
                contact_name="张" + "伟芳娜敏静丽强磊军洋勇艳"[index],
                contact_mobile=f"1390238{index:04d}",
                project_summary=f"{name}专注于{industry}相关产品的研发，已完成原型样机，计划两年内完成注册。",
                company_registered=False,
                industry_code=industry,
                team_size=3 + index,
                team_description="创始人为生物医学工程博士，核心成员来自三甲医院和知名器械企业。",
                ip_description="已申请发明专利2件" if index % 2 == 0 else "",
                patents=2 if index % 2 == 0 else 0,
                founded_on=today - datetime.timedelta(days=200 + 90 * index),
                space_need_sqm=Decimal(200 + 50 * index),
            ),
            uploads=[services.Upload(AttachmentKind.BUSINESS_PLAN, ContentFile(DEMO_PDF, name="商业计划书.pdf"))],
            actor=None,
        )
        if step == "submitted":
            continue
        if step == "withdrawn":
            services.application_withdraw(application=application, actor=None, note="申请人决定暂缓入驻")
            continue
        reviews = services.reviewers_assign(application=application, reviewers=reviewers, actor=None)
        scored = {"in_review_none": 0, "in_review_one": 1}.get(step, len(reviews))
        for position, review in enumerate(reviews[:scored]):
            base = (8 if step == "admitted" else (4 if step == "rejected" else 6)) + position
            services.review_submit(
                review=review,
                data=services.ReviewInput(
                    scores={c.pk: Decimal(min(10, base + (i + position) % 3 - 1)) for i, c in enumerate(criteria)},
                    comment="团队扎实，注册路径清晰。" if base >= 7 else "商业模式尚不清晰，建议补充临床资源。",
                    recommendation=DecisionOutcome.ADMIT if base >= 7 else DecisionOutcome.REJECT,
                ),
                actor=review.reviewer,
            )
        if step in ("admitted", "rejected"):
            services.application_decide(
                application=application,
                outcome=DecisionOutcome.ADMIT if step == "admitted" else DecisionOutcome.REJECT,
                meeting=meeting,
                note="评审通过" if step == "admitted" else "不符合园区产业方向",
                admitted_on=today - datetime.timedelta(days=7),
                actor=None,
            )


def _catalogue(park: Park, staff: dict[str, User]) -> list[ServiceOffering]:
    providers = {}
    for key, (name, kind) in PROVIDERS.items():
        providers[key] = desk.provider_save(
            provider=ServiceProvider(park=park, name=name, kind=kind, manager=staff.get("manager")),
            actor=None,
            members=[staff["services"]],
        )
    offerings = []
    for position, (category, name, provider, response, resolution, price, unit) in enumerate(OFFERINGS):
        offerings.append(
            desk.offering_save(
                offering=ServiceOffering(
                    park=park,
                    category=category,
                    name=name,
                    provider=providers[provider],
                    response_target=response[0],
                    response_unit=response[1],
                    resolution_target=resolution[0],
                    resolution_unit=resolution[1],
                    unit_price=price,
                    price_unit=unit or "次",
                    position=position,
                ),
                actor=None,
            )
        )
    return offerings


def _moment(day: datetime.date, rng: random.Random) -> datetime.datetime:
    tz = timezone.get_current_timezone()
    return datetime.datetime.combine(day, datetime.time(rng.randint(8, 17), rng.choice((0, 15, 30, 45))), tzinfo=tz)


def _service_history(
    park: Park,
    offerings: list[ServiceOffering],
    enterprise_ids: list[int],
    staff: dict[str, User],
    today: datetime.date,
    rng: random.Random,
) -> list[ServiceRequest]:
    """200 requests over the last year: most answered in time, some late; the last fortnight's still open."""
    now = timezone.now()
    officer = staff["services"]
    tenant_users = {
        u.enterprise_id: u for u in User.objects.filter(role=Role.ENTERPRISE_USER, enterprise_id__in=enterprise_ids)
    }
    made: list[ServiceRequest] = []
    for index in range(200):
        offering = rng.choice(offerings)
        enterprise_id = enterprise_ids[index % len(enterprise_ids)] if index % 4 else enterprise_ids[0]
        raised = _moment(today - datetime.timedelta(days=rng.randint(0, 364)), rng)
        if raised > now:
            raised = now - datetime.timedelta(hours=3)
        response_target = sla.Target(offering.response_target, offering.response_unit)
        resolution_target = sla.Target(offering.resolution_target, offering.resolution_unit)
        request = ServiceRequest(
            park=park,
            enterprise_id=enterprise_id,
            offering=offering,
            provider=offering.provider,
            assignee=officer,
            subject=rng.choice(SUBJECTS[offering.category]),
            description="请园区协助办理，具体情况已电话沟通。",
            channel=RequestChannel.TENANT if enterprise_id in tenant_users and index % 2 else RequestChannel.STAFF,
            raised_by=tenant_users.get(enterprise_id),
            raised_at=raised,
            response_due_at=sla.due_at(raised, response_target),
            resolution_due_at=sla.due_at(raised, resolution_target),
            status=RequestStatus.ASSIGNED,
        )
        late = rng.random() < 0.12
        start = clock_start(timezone.localtime(raised))
        allowed = resolution_target.working_time()
        response = add_working_hours(start, response_target.working_time() * (1.6 if late else rng.uniform(0.1, 0.9)))
        resolved = add_working_hours(start, allowed * (1.5 if late else rng.uniform(0.2, 0.95)))
        if response <= now:
            request.first_response_at = response
            request.status = RequestStatus.IN_PROGRESS
            request.response_breached = response > request.response_due_at
        if resolved <= now:
            request.resolved_at = resolved
            request.status = RequestStatus.RESOLVED
            request.resolution_seconds = sla.resolution_seconds(raised, resolved, 0)
            request.resolution_breached = resolved > request.resolution_due_at
            if offering.is_charged:
                request.quantity = Decimal(rng.randint(1, 3))
            if resolved < now - datetime.timedelta(days=7):
                request.status = RequestStatus.CLOSED
                request.closed_at = resolved + datetime.timedelta(days=2)
                if rng.random() < 0.8:
                    request.rating = rng.choice((5, 5, 4, 4, 3)) if not late else rng.choice((2, 3, 4))
                    request.rated_at = request.closed_at
        elif request.resolution_due_at < now:
            request.resolution_breached = True
        request.escalation_level = int(request.response_breached) + int(request.resolution_breached)
        made.append(request)
    ServiceRequest.objects.bulk_create(made)
    made = list(ServiceRequest.objects.filter(park=park).order_by("raised_at", "pk"))
    _history_threads(made, officer)
    return made


def _history_threads(made: list[ServiceRequest], officer: User) -> None:
    """References, events and the desk's messages of the year's requests, dated as they happened."""
    events: list[ServiceEvent] = []
    messages: list[ServiceMessage] = []
    message_times: list[datetime.datetime] = []
    for request in made:
        request.reference = f"FW-{timezone.localtime(request.raised_at):%Y%m}-{request.pk:06d}"
        events.append(ServiceEvent(request=request, kind=RequestEventKind.CREATED, at=request.raised_at))
        if request.first_response_at:
            events.append(
                ServiceEvent(
                    request=request, kind=RequestEventKind.RESPONDED, at=request.first_response_at, actor=officer
                )
            )
            messages.append(
                ServiceMessage(
                    request=request, author=officer, visibility=Visibility.PUBLIC, body="已收到，正在为您安排。"
                )
            )
            message_times.append(request.first_response_at)
        for flag, kind, due in (
            (request.response_breached, RequestEventKind.RESPONSE_BREACHED, request.response_due_at),
            (request.resolution_breached, RequestEventKind.RESOLUTION_BREACHED, request.resolution_due_at),
        ):
            if flag:
                events.append(ServiceEvent(request=request, kind=kind, at=due))
                events.append(ServiceEvent(request=request, kind=RequestEventKind.ESCALATED, at=due, note="园区总经理"))
        if request.resolved_at:
            events.append(
                ServiceEvent(request=request, kind=RequestEventKind.RESOLVED, at=request.resolved_at, actor=officer)
            )
            messages.append(
                ServiceMessage(request=request, author=officer, visibility=Visibility.PUBLIC, body="已办理完毕。")
            )
            message_times.append(request.resolved_at)
        if request.rated_at:
            events.append(
                ServiceEvent(
                    request=request, kind=RequestEventKind.RATED, at=request.rated_at, note=f"{request.rating}★"
                )
            )
    ServiceRequest.objects.bulk_update(made, ["reference"])
    ServiceEvent.objects.bulk_create(events)
    # auto_now_add stamps "now" on insert; the history's messages are dated when they were written.
    created = ServiceMessage.objects.bulk_create(messages)
    for message, when in zip(created, message_times, strict=True):
        message.created_at = when
    ServiceMessage.objects.bulk_update(created, ["created_at"])


def _schemes(park: Park, enterprise_ids: list[int], today: datetime.date, rng: random.Random) -> None:
    specs = (
        (
            "重庆市高新技术企业认定奖励", SchemeLevel.MUNICIPAL, "重庆市科学技术局", "渝科局发〔2023〕45号", "首次认定奖励20万元", Decimal(20),
            [(EligibilityFact.HIGH_TECH, CriterionOperator.IS_TRUE, ""), (EligibilityFact.RD_INTENSITY, CriterionOperator.GTE, "3"),
             (EligibilityFact.IN_PARK_YEARS, CriterionOperator.GTE, "1")],
        ),
        (
            "专精特新中小企业培育奖励", SchemeLevel.DISTRICT, "巴南区经济和信息化委员会", "巴南经信发〔2024〕12号", "一次性奖励30万元", Decimal(30),
            [(EligibilityFact.SPECIALISED, CriterionOperator.IS_TRUE, ""), (EligibilityFact.REVENUE_WAN, CriterionOperator.GTE, "1000"),
             (EligibilityFact.RD_INTENSITY, CriterionOperator.GTE, "3")],
        ),
        (
            "在孵企业房租补贴", SchemeLevel.PARK, "园区管委会", "", "按实际租金的30%补贴，最长24个月", Decimal(15),
            [(EligibilityFact.STAGE, CriterionOperator.IN, "在孵, 加速"), (EligibilityFact.AGE_YEARS, CriterionOperator.LT, "5"),
             (EligibilityFact.INDUSTRY, CriterionOperator.PREFIX, "27, 35, 14")],
        ),
    )  # fmt: skip
    schemes = []
    for name, level, issuer, ref, benefit, max_wan, rules in specs:
        schemes.append(
            services.scheme_save(
                scheme=Scheme(
                    park=park,
                    name=name,
                    level=level,
                    issuer=issuer,
                    document_ref=ref,
                    benefit=benefit,
                    max_award_wan=max_wan,
                    opens_on=datetime.date(today.year, 3, 1),
                    closes_on=datetime.date(today.year, 11, 30),
                    documents="申报书\n营业执照复印件\n上年度财务审计报告",
                ),
                rules=[services.RuleInput(f, o, v) for f, o, v in rules],
                actor=None,
            )
        )
    rent = schemes[2]
    for position, enterprise_id in enumerate(enterprise_ids[:5]):
        application = SchemeApplication.objects.create(
            scheme=rent, park=park, enterprise_id=enterprise_id, year=today.year, status=SchemeApplicationStatus.PLANNED
        )
        day = today - datetime.timedelta(days=60 - position)
        if position < 4:
            services.scheme_application_advance(
                application=application, status="submitted", on=day, amount=Decimal(60000), actor=None
            )
        if position < 3:
            services.scheme_application_advance(
                application=application, status="approved", on=day + datetime.timedelta(days=20), actor=None
            )
        if position < 2:
            services.scheme_application_advance(
                application=application,
                status="awarded",
                on=day + datetime.timedelta(days=35),
                amount=Decimal(rng.choice((36000, 48000, 52000))),
                actor=None,
            )
