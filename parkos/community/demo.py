"""Demo data of the flagship park: rooms, a roadshow hall, the exhibition hall, a shared instrument and the
pilot line with tariffs; bookings (one weekly) of its tenants; events with registrants (one 招商推介会
already held, one fully booked with a waitlist); jobs, a recruitment fair, training; talent programmes,
talent records, applications and the talent apartments with a queue.

Written through the services (rules, quota, no overlap) by the demo park manager, so the data is what
the pages would have produced. Idempotent: a park that already has bookable resources is left alone.
"""

from __future__ import annotations

import datetime
import random
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import OutputWrapper
from django.db import transaction
from django.utils import timezone

from parkos.accounts.choices import Role
from parkos.accounts.models import User
from parkos.community.choices import (
    ApplicationKind,
    ApplicationStatus,
    Benefit,
    BookingAudience,
    CourseStatus,
    Degree,
    EventKind,
    FairStatus,
    ProfessionalTitle,
    ProgrammeLevel,
    ResourceKind,
    RoomType,
    TalentField,
    TalentLevel,
)
from parkos.community.models import BookableResource, Event, TalentProgramme
from parkos.community.services import bookings as booking_services
from parkos.community.services import events as event_services
from parkos.community.services import jobs as job_services
from parkos.community.services import talent as talent_services
from parkos.core.workdays import next_working_day
from parkos.enterprises.choices import EnterpriseLifecycle
from parkos.enterprises.models import Enterprise
from parkos.parks.models import Park

SEED = 20261203
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高梁郑谢宋唐许邓冯韩曹彭曾肖田董潘袁蔡蒋余于杜叶程魏苏吕丁任卢姚沈钟姜崔谭陆范汪廖石金韦贾夏付方邹熊白孟秦邱侯江尹薛闫段雷黎史龙陶贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红鹏辉建宇浩然子涵欣怡梓轩思远雨桐嘉怡俊杰晨曦博文婷雪梅海燕志强文静晓东佳琪"
COMPANIES = ("重庆", "渝", "巴渝", "长江", "山城")


def _name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))


def _mobile(rng: random.Random) -> str:
    return f"+861{rng.choice('3578')}{rng.randint(0, 9)}{rng.randint(10_000_000, 99_999_999)}"


def _manager(park: Park) -> User:
    """The demo park manager (created by the accounts loader); an admin-like fallback otherwise."""
    user = User.objects.filter(role=Role.PARK_MANAGER, parks=park, is_active=True).order_by("pk").first()
    if user is None:
        user = User.objects.filter(role=Role.OPERATOR_ADMIN, is_active=True).order_by("pk").first()
    if user is None:
        user, _created = User.objects.get_or_create(
            username="community-demo", defaults={"role": Role.OPERATOR_ADMIN, "display_name": "演示数据"}
        )
    return user


def _at(day: datetime.date, hhmm: str) -> datetime.datetime:
    hour, minute = (int(x) for x in hhmm.split(":"))
    return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=timezone.get_default_timezone())


def _tenants(park: Park, rng: random.Random) -> list[Enterprise]:
    tenants = list(
        Enterprise.objects.active().filter(parks=park, lifecycle=EnterpriseLifecycle.TENANT).order_by("pk")[:40]
    )
    demo_login = User.objects.filter(username="tenant").select_related("enterprise").first()
    if demo_login is not None and demo_login.enterprise is not None:
        enterprise = demo_login.enterprise
        # The demo tenant login books in the flagship: its enterprise is one of the park's tenants.
        if not enterprise.parks.filter(pk=park.pk).exists():
            enterprise.parks.add(park)
        if enterprise.lifecycle != EnterpriseLifecycle.TENANT:
            Enterprise.objects.filter(pk=enterprise.pk).update(lifecycle=EnterpriseLifecycle.TENANT)
            enterprise.lifecycle = EnterpriseLifecycle.TENANT
        tenants = [enterprise, *[t for t in tenants if t.pk != enterprise.pk]]
    if not tenants:
        for n in range(8):
            enterprise = Enterprise.objects.create(
                name=f"{rng.choice(COMPANIES)}康源医疗科技有限公司{n + 1:02d}",
                lifecycle=EnterpriseLifecycle.TENANT,
                city="重庆市",
                district="巴南区",
                industry_code="3581",
            )
            enterprise.parks.add(park)
            tenants.append(enterprise)
    return tenants


def _resources(park: Park, actor: User, tenants: list[Enterprise]) -> dict[str, BookableResource]:
    save = booking_services.tariff_save
    rooms = save(actor=actor, park=park, name="会议室", free_minutes_per_month=480, price_per_hour=Decimal(80))
    hall_tariff = save(
        actor=actor, park=park, name="路演厅与展厅", free_minutes_per_month=120, price_per_hour=Decimal(300)
    )
    instrument_tariff = save(
        actor=actor, park=park, name="共享仪器", free_minutes_per_month=0, price_per_hour=Decimal(260)
    )
    common: dict[str, Any] = {"actor": actor, "park": park}
    return {
        "mr301": booking_services.resource_save(
            **common,
            kind=ResourceKind.MEETING_ROOM,
            code="MR-301",
            name="301会议室",
            location="综合服务楼3楼",
            capacity=12,
            tariff=rooms,
        ),
        "mr302": booking_services.resource_save(
            **common,
            kind=ResourceKind.MEETING_ROOM,
            code="MR-302",
            name="302洽谈室",
            location="综合服务楼3楼",
            capacity=6,
            tariff=rooms,
        ),
        "mr101": booking_services.resource_save(
            **common,
            kind=ResourceKind.MEETING_ROOM,
            code="MR-101",
            name="一楼多功能会议室",
            location="综合服务楼1楼",
            capacity=60,
            tariff=rooms,
            approval_above_attendees=30,
        ),
        "hall": booking_services.resource_save(
            **common,
            kind=ResourceKind.ROADSHOW_HALL,
            code="RS-HALL",
            name="路演厅",
            location="双创中心2楼",
            capacity=150,
            tariff=hall_tariff,
            max_minutes=480,
            approval_above_attendees=80,
            approval_above_minutes=240,
            opens_at=datetime.time(8, 30),
            closes_at=datetime.time(21, 0),
            max_advance_days=90,
        ),
        "expo": booking_services.resource_save(
            **common,
            kind=ResourceKind.EXHIBITION_HALL,
            code="EXPO",
            name="健康产品展厅",
            location="展示中心1楼",
            capacity=300,
            tariff=hall_tariff,
            working_days_only=False,
            slot_minutes=60,
            min_minutes=60,
            max_minutes=600,
            opens_at=datetime.time(9, 0),
            closes_at=datetime.time(19, 0),
            approval_above_minutes=0,
            max_advance_days=90,
        ),
        "hplc": booking_services.resource_save(
            **common,
            kind=ResourceKind.INSTRUMENT,
            code="HPLC-01",
            name="高效液相色谱仪（HPLC）",
            location="公共检测平台B座2楼",
            tariff=instrument_tariff,
            slot_minutes=60,
            min_minutes=60,
            max_minutes=480,
            min_lead_minutes=24 * 60,
            audience=BookingAudience.LISTED,
            allowed_enterprises=tenants[:6],
        ),
        "pilot": booking_services.resource_save(
            **common,
            kind=ResourceKind.PILOT_LINE,
            code="PILOT-01",
            name="固体制剂中试线",
            location="中试车间C座",
            tariff=instrument_tariff,
            slot_minutes=60,
            min_minutes=240,
            max_minutes=600,
            opens_at=datetime.time(8, 0),
            closes_at=datetime.time(20, 0),
            min_lead_minutes=48 * 60,
            approval_above_minutes=0,
            audience=BookingAudience.LISTED,
            allowed_enterprises=tenants[:3],
            max_advance_days=90,
        ),
    }


TITLES = (
    "项目评审会",
    "客户洽谈",
    "部门例会",
    "供应商交流",
    "质量体系培训",
    "注册申报讨论",
    "投融资对接",
    "新品发布筹备",
)


def _bookings(
    resources: dict[str, BookableResource], actor: User, tenants: list[Enterprise], rng: random.Random
) -> int:
    today = timezone.localdate()
    made = 0
    for offset in range(21):
        day = today + datetime.timedelta(days=offset)
        for key in ("mr301", "mr302", "mr101", "hall", "hplc"):
            for _ in range(rng.randint(0, 3)):
                resource = resources[key]
                step = resource.slot_minutes
                start_minute = rng.randrange(9 * 60, 16 * 60, step)
                length = max(resource.min_minutes, rng.choice((1, 2, 2, 3, 4)) * max(step, 30))
                start = _at(day, f"{start_minute // 60}:{start_minute % 60:02d}")
                enterprise = rng.choice(tenants[:6] if key == "hplc" else tenants)
                try:
                    booking_services.booking_create(
                        data=booking_services.BookingInput(
                            resource=resource,
                            starts_at=start,
                            ends_at=start + datetime.timedelta(minutes=length),
                            title=rng.choice(TITLES),
                            attendees=rng.randint(2, 10),
                            enterprise=enterprise,
                        ),
                        actor=actor,
                    )
                    made += 1
                except ValidationError:
                    continue  # closed day, taken slot or too long: the demo simply skips it
    return made


def _register(
    event: Event, rng: random.Random, count: int, *, now: datetime.datetime, companies: list[str]
) -> list[Any]:
    made = []
    for _ in range(count):
        registration, _created = event_services.event_register(
            event=event,
            data=event_services.RegistrationInput(
                name=_name(rng),
                mobile=_mobile(rng),
                company=rng.choice(companies),
                job_title=rng.choice(("总经理", "董事长", "投资总监", "研发总监", "采购经理")),
            ),
            now=now,
        )
        made.append(registration)
    return made


def _events(park: Park, actor: User, resources: dict[str, BookableResource], rng: random.Random) -> None:
    today = timezone.localdate()
    prospects = [
        "成都瑞康生物医药有限公司",
        "武汉华科精密医疗器械有限公司",
        "杭州安博制药有限公司",
        "深圳启明健康科技有限公司",
        "西安唯新检测技术有限公司",
        "上海和瑞生命科学有限公司",
    ]
    # A promotion held last week: registrants checked in, ready to become leads.
    held_day = today - datetime.timedelta(days=7)
    promotion = event_services.event_create(
        park=park,
        actor=actor,
        kind=EventKind.INVESTMENT_PROMOTION,
        title="重庆国际生物城医疗器械产业招商推介会",
        summary="介绍园区标准厂房、GMP洁净车间和产业扶持政策，现场对接意向项目。",
        description="议程：\n1. 园区产业规划与载体介绍\n2. 医疗器械注册人制度与审评服务\n3. 重点项目签约\n4. 一对一洽谈",
        starts_at=_at(held_day, "14:00"),
        ends_at=_at(held_day, "17:00"),
        venue="双创中心2楼路演厅",
        capacity=80,
        waitlist_limit=20,
        registration_closes_at=None,
    )
    event_services.event_publish(event=promotion, actor=actor)
    registrations = _register(
        promotion, rng, 18, now=_at(held_day - datetime.timedelta(days=10), "10:00"), companies=prospects
    )
    for registration in registrations[:14]:
        event_services.checkin(code=registration.checkin_code, actor=actor, now=_at(held_day, "13:40"))
    # A roadshow in the hall next week, with the hall booked for it.
    roadshow_day = next_working_day(today + datetime.timedelta(days=9))
    roadshow = event_services.event_create(
        park=park,
        actor=actor,
        hall=resources["hall"],
        kind=EventKind.ROADSHOW,
        title="生物医药创新项目路演（第12期）",
        summary="6个在孵项目路演，投资机构点评。",
        description="面向投资机构、产业资本和园区企业开放。",
        starts_at=_at(roadshow_day, "14:00"),
        ends_at=_at(roadshow_day, "17:30"),
        venue="双创中心2楼路演厅",
        capacity=100,
        waitlist_limit=30,
        registration_closes_at=_at(roadshow_day, "12:00"),
    )
    event_services.event_publish(event=roadshow, actor=actor)
    _register(
        roadshow, rng, 37, now=timezone.now(), companies=["重庆高新创投", "渝富资本", "长江健康产业基金", *prospects]
    )
    # A policy briefing, and a small exhibition that is full with a waitlist.
    briefing_day = next_working_day(today + datetime.timedelta(days=14))
    briefing = event_services.event_create(
        park=park,
        actor=actor,
        kind=EventKind.POLICY_BRIEFING,
        title="高新技术企业认定及研发费用加计扣除政策宣讲",
        summary="区科技局、税务局现场解读，答疑。",
        starts_at=_at(briefing_day, "09:30"),
        ends_at=_at(briefing_day, "11:30"),
        venue="综合服务楼1楼多功能会议室",
        capacity=60,
        waitlist_limit=20,
        registration_closes_at=None,
    )
    event_services.event_publish(event=briefing, actor=actor)
    _register(briefing, rng, 23, now=timezone.now(), companies=["园区企业"])
    expo_day = today + datetime.timedelta(days=20)
    expo = event_services.event_create(
        park=park,
        actor=actor,
        kind=EventKind.EXHIBITION_SALE,
        title="巴南健康产品展销会（周末场）",
        summary="园区企业保健食品、医疗器械展示与体验。",
        starts_at=_at(expo_day, "10:00"),
        ends_at=_at(expo_day, "16:00"),
        venue="展示中心1楼健康产品展厅",
        capacity=12,
        waitlist_limit=10,
        registration_closes_at=None,
    )
    event_services.event_publish(event=expo, actor=actor)
    _register(expo, rng, 15, now=timezone.now(), companies=[""])


def _jobs_and_training(park: Park, actor: User, tenants: list[Enterprise], rng: random.Random) -> None:
    today = timezone.localdate()
    openings = [
        ("注册专员（医疗器械）", TalentField.QUALITY_REGULATORY, Degree.BACHELOR, 2, 8000, 12000),
        ("QA质量保证工程师", TalentField.QUALITY_REGULATORY, Degree.BACHELOR, 3, 9000, 14000),
        ("制剂研发工程师", TalentField.CHEMICAL_DRUGS, Degree.MASTER, 3, 12000, 20000),
        ("分析检测员（HPLC）", TalentField.BIOPHARMA, Degree.COLLEGE, 1, 6000, 8500),
        ("有源医疗器械硬件工程师", TalentField.MEDICAL_DEVICES, Degree.BACHELOR, 3, 12000, 22000),
        ("生产车间主管（GMP）", TalentField.MANUFACTURING, Degree.COLLEGE, 5, 9000, 13000),
        ("保健食品配方研发", TalentField.HEALTH_PRODUCTS, Degree.MASTER, 2, 10000, 16000),
        ("医学事务经理", TalentField.BIOPHARMA, Degree.DOCTOR, 5, 25000, 40000),
        ("软件测试工程师（医疗软件）", TalentField.DIGITAL, Degree.BACHELOR, 2, 9000, 15000),
        ("设备工程师", TalentField.MANUFACTURING, Degree.BACHELOR, 3, 8000, 12000),
    ]
    jobs = []
    for index, (title, field, degree, years, low, high) in enumerate(openings):
        enterprise = tenants[index % len(tenants)]
        job = job_services.job_save(
            actor=actor,
            park=park,
            enterprise=enterprise,
            title=title,
            field=field,
            degree=degree,
            min_experience_years=years,
            headcount=rng.randint(1, 4),
            salary_min=low,
            salary_max=high,
            location="重庆市巴南区国际生物城",
            description=f"岗位职责：负责{title}相关工作。\n任职要求：{Degree(degree).label}及以上学历，{years}年以上相关经验。",
            closes_on=today + datetime.timedelta(days=60),
        )
        job = job_services.job_submit(job=job, actor=actor)
        if index < 8:
            job = job_services.job_decide(job=job, approve=True, actor=actor)
        jobs.append(job)
    fair_day = next_working_day(today + datetime.timedelta(days=16))
    fair = job_services.fair_save(
        actor=actor,
        park=park,
        title="2027年生物城春季人才招聘会",
        starts_at=_at(fair_day, "09:30"),
        ends_at=_at(fair_day, "15:30"),
        venue="双创中心1楼大厅",
        description="园区医疗器械、生物医药企业集中招聘，欢迎应届毕业生和社会人才。",
    )
    for number, job in enumerate(jobs[:8], start=1):
        if fair.booths.filter(enterprise=job.enterprise).exists():
            continue
        job_services.booth_save(fair=fair, enterprise=job.enterprise, number=f"A{number:02d}", actor=actor, jobs=[job])
    job_services.fair_set_status(fair=fair, status=FairStatus.PUBLISHED, actor=actor)
    for title, field, days in (
        ("医疗器械GMP现场检查要点", TalentField.QUALITY_REGULATORY, 6),
        ("研发费用归集与高企申报实务", TalentField.MANAGEMENT, 11),
    ):
        start = _at(next_working_day(today + datetime.timedelta(days=days)), "09:00")
        course = job_services.course_save(
            actor=actor,
            park=park,
            title=title,
            provider="园区企业服务中心",
            field=field,
            starts_at=start,
            ends_at=start + datetime.timedelta(hours=6),
            venue="综合服务楼1楼多功能会议室",
            capacity=40,
            hours=Decimal(6),
            fee=Decimal(0),
            description="含案例讲解与答疑。",
        )
        job_services.course_set_status(course=course, status=CourseStatus.OPEN, actor=actor)
        for _ in range(rng.randint(8, 16)):
            job_services.training_register(
                course=course,
                participant_name=_name(rng),
                participant_mobile=_mobile(rng),
                actor=actor,
                enterprise=rng.choice(tenants),
            )


def _talent(park: Park, actor: User, tenants: list[Enterprise], rng: random.Random, count: int) -> None:
    today = timezone.localdate()
    programmes = [
        talent_services.programme_save(
            actor=actor,
            name="国家高层次人才特殊支持计划",
            level=ProgrammeLevel.NATIONAL,
            authority="中共中央组织部",
            criteria="在自然科学、工程技术领域取得突出成就的杰出人才、领军人才和青年拔尖人才。",
            min_level=TalentLevel.B,
            benefits=[Benefit.RESEARCH_FUNDING, Benefit.SALARY_SUBSIDY],
            subsidy_wan=Decimal(100),
        ),
        talent_services.programme_save(
            actor=actor,
            name="重庆英才计划",
            level=ProgrammeLevel.PROVINCIAL,
            authority="重庆市人才工作领导小组办公室",
            criteria="优秀科学家、名家名师、创新创业领军人才、青年拔尖人才。",
            min_level=TalentLevel.C,
            benefits=[
                Benefit.RESEARCH_FUNDING,
                Benefit.HOUSING_SUBSIDY,
                Benefit.CHILDREN_SCHOOLING,
                Benefit.MEDICAL_CARE,
            ],
            subsidy_wan=Decimal(50),
        ),
        talent_services.programme_save(
            actor=actor,
            name="巴南区“巴渝菁英”人才引进计划",
            level=ProgrammeLevel.DISTRICT,
            authority="巴南区委组织部",
            criteria="在巴南区企业全职工作、签订3年以上劳动合同的硕士及以上或中级以上职称人才。",
            min_degree=Degree.MASTER,
            benefits=[Benefit.SETTLEMENT_GRANT, Benefit.APARTMENT, Benefit.HUKOU],
            subsidy_wan=Decimal(10),
            apartment_eligible=True,
        ),
        talent_services.programme_save(
            actor=actor,
            name="生物城青年人才安居计划",
            level=ProgrammeLevel.PARK,
            authority="园区管委会",
            criteria="35周岁以下、在园企业全职工作的本科及以上青年人才。",
            min_degree=Degree.BACHELOR,
            benefits=[Benefit.APARTMENT],
            apartment_eligible=True,
            parks=[park],
        ),
    ]
    levels = [TalentLevel.B] * 2 + [TalentLevel.C] * 6 + [TalentLevel.D] * 20 + [TalentLevel.E] * 40
    fields = [
        TalentField.MEDICAL_DEVICES,
        TalentField.BIOPHARMA,
        TalentField.CHEMICAL_DRUGS,
        TalentField.HEALTH_PRODUCTS,
        TalentField.QUALITY_REGULATORY,
        TalentField.MANUFACTURING,
        TalentField.DIGITAL,
    ]
    talents = []
    for _ in range(count):
        level = rng.choice(levels)
        degree = {TalentLevel.B: Degree.DOCTOR, TalentLevel.C: Degree.DOCTOR}.get(level) or rng.choice(
            (Degree.MASTER, Degree.BACHELOR, Degree.BACHELOR, Degree.DOCTOR)
        )
        talents.append(
            talent_services.talent_create(
                park=park,
                enterprise=rng.choice(tenants),
                actor=actor,
                name=_name(rng),
                mobile=_mobile(rng),
                birth_year=rng.randint(1968, 2000),
                level=level,
                degree=degree,
                title=rng.choice(
                    (
                        ProfessionalTitle.NONE,
                        ProfessionalTitle.INTERMEDIATE,
                        ProfessionalTitle.ASSOCIATE_SENIOR,
                        ProfessionalTitle.SENIOR,
                    )
                ),
                field=rng.choice(fields),
                position=rng.choice(("研发总监", "首席科学家", "质量负责人", "研发工程师", "注册经理", "生产经理")),
                returnee=rng.random() < 0.15,
                arrived_on=today - datetime.timedelta(days=rng.randint(30, 2000)),
            )
        )
    for talent in talents[:12]:
        programme = (
            programmes[0]
            if talent.level == TalentLevel.B
            else programmes[1]
            if talent.level == TalentLevel.C
            else programmes[2]
        )
        application = talent_services.application_create(
            programme=programme, talent=talent, kind=rng.choice(ApplicationKind.values), year=today.year, actor=actor
        )
        application = talent_services.application_advance(
            application=application, to_status=ApplicationStatus.SUBMITTED, actor=actor
        )
        if rng.random() < 0.6:
            outcome = rng.choice((ApplicationStatus.APPROVED, ApplicationStatus.APPROVED, ApplicationStatus.REJECTED))
            talent_services.application_advance(
                application=application,
                to_status=outcome,
                actor=actor,
                note="已公示" if outcome == ApplicationStatus.APPROVED else "未达分数线",
                granted_wan=programme.subsidy_wan if outcome == ApplicationStatus.APPROVED else None,
            )
    rooms = []
    for floor in (2, 3, 4):
        for number in range(1, 5):
            rooms.append(
                talent_services.room_save(
                    actor=actor,
                    park=park,
                    building="生物城人才公寓1栋",
                    number=f"{floor}0{number}",
                    room_type=RoomType.ONE_BEDROOM if number < 3 else RoomType.TWO_BEDROOM,
                    area_sqm=Decimal(45) if number < 3 else Decimal(68),
                    monthly_rent=Decimal(600) if number < 3 else Decimal(900),
                )
            )
    for room, talent in zip(rooms[:9], talents[:9], strict=True):
        talent_services.apartment_allocate(
            room=room,
            talent=talent,
            starts_on=today - datetime.timedelta(days=rng.randint(30, 300)),
            planned_end_on=today + datetime.timedelta(days=rng.randint(60, 700)),
            actor=actor,
            monthly_rent=Decimal(0),
        )
    for talent in talents[9:15]:
        talent_services.waitlist_add(
            talent=talent,
            actor=actor,
            requested_on=today - datetime.timedelta(days=rng.randint(1, 90)),
            room_type=rng.choice(("", RoomType.ONE_BEDROOM, RoomType.TWO_BEDROOM)),
        )


def load_demo(*, scale: str = "demo", stdout: OutputWrapper | None = None) -> dict[str, int]:
    """Community demo of the flagship park (idempotent: nothing happens once it has bookable resources)."""
    park = Park.objects.filter(code="CQ-BIO-01").first() or Park.objects.active().order_by("pk").first()
    if park is None or BookableResource.objects.filter(park=park).exists():
        return {"resources": 0}
    rng = random.Random(SEED)
    actor = _manager(park)
    with transaction.atomic():
        tenants = _tenants(park, rng)
        resources = _resources(park, actor, tenants)
        if not TalentProgramme.objects.exists():
            _talent(park, actor, tenants, rng, 160 if scale == "full" else 60)
        _jobs_and_training(park, actor, tenants, rng)
        _events(park, actor, resources, rng)
    made = _bookings(resources, actor, tenants, rng)
    if stdout is not None:
        stdout.write(f"人才与活动：{len(resources)} 个可预订资源，{made} 条预订，4 场活动，10 个职位，1 场招聘会\n")
    return {"resources": len(resources), "bookings": made}
