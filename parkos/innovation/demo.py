"""Demo innovation data: flagship projects from signing to production, an R&D pipeline with dated
stages (a drug through IND to phase III, devices to registration), a listing, 产学研 and stakes.

Two loaders, because the annual report of the demo counts what the first one makes:
- `load_park_pipeline` — a park's projects (with their phases, monthly investment by 构成, an issue
  log), products (with their stage histories and partners), a listing and tech-transfer contracts.
  The statistics demo calls it for each park it fills with monthly figures, right after the figures,
  with its own seeded generator: the projects' and products' figures are drawn from the same stream
  as before they moved here, so the demo report reads exactly as it did. Everything added since
  (phase dates, splits, histories) comes from a second generator, so that stream is not disturbed.
- `load_demo` (registered with `web.demo`, order 50) — what belongs to the operator and the flagship
  park whatever the statistics: partner institutions, agreements, joint projects, shared platforms,
  milestones (高新, 专精特新, financing, patents), funds and stakes with marks and exits.

A system load, not a person's change: rows are created directly (validated), without audit entries.
Idempotent: a park with projects, or an operator with institutions, is left alone.
"""

from __future__ import annotations

import datetime
import random
from collections.abc import Sequence
from decimal import Decimal
from typing import Any, TextIO

from django.db import transaction
from django.utils import timezone

from parkos.enterprises.choices import ListingStatus, Qualification
from parkos.enterprises.models import Enterprise
from parkos.innovation import portfolio
from parkos.innovation.choices import (
    AgreementKind,
    ExitKind,
    FinancingRound,
    FundKind,
    InstitutionKind,
    InvestmentKind,
    JointProjectStatus,
    MilestoneKind,
    PatentStatus,
    PatentType,
    PlatformKind,
    ProductPartnerRole,
    ProjectIssueStatus,
    ProjectKind,
    TransferKind,
    ValuationMethod,
)
from parkos.innovation.models import (
    Agreement,
    Fund,
    Institution,
    JointProject,
    Milestone,
    Platform,
    PlatformUse,
    Product,
    ProductPartner,
    ProductStage,
    Project,
    ProjectIssue,
    ProjectProgress,
    Stake,
    StakeExit,
    StakeInvestment,
    StakeValuation,
    TechTransfer,
)
from parkos.innovation.regulatory import (
    CLINICAL_STAGE_ORDER,
    ClinicalStage,
    DeviceClass,
    DeviceStage,
    DrugFamily,
    DrugRegistrationCategory,
    ProductKind,
)
from parkos.parks.models import Park

SEED = 20261125
FLAGSHIP = "CQ-BIO-01"
#: name, indication, family, class, stage now (the stage's date is drawn from the shared stream).
DRUGS = (
    ("BC-101 注射液", "非小细胞肺癌", DrugFamily.CHEMICAL, DrugRegistrationCategory.CAT_1, ClinicalStage.PHASE3),
    ("BC-205 片", "2型糖尿病", DrugFamily.CHEMICAL, DrugRegistrationCategory.CAT_1, ClinicalStage.PHASE2),
    ("HX-3 单抗", "类风湿关节炎", DrugFamily.THERAPEUTIC_BIOLOGIC, "1", ClinicalStage.PHASE1),
    ("YL-88 缓释片", "高血压", DrugFamily.CHEMICAL, DrugRegistrationCategory.CAT_2_2, ClinicalStage.PHASE3),
    ("KT-12 胶囊", "慢性乙肝", DrugFamily.CHEMICAL, DrugRegistrationCategory.CAT_1, ClinicalStage.PHASE1),
    ("TF-7 注射液", "急性髓系白血病", DrugFamily.CHEMICAL, DrugRegistrationCategory.CAT_1, ClinicalStage.IND_APPROVED),
    ("SM-40 吸入剂", "慢阻肺", DrugFamily.CHEMICAL, DrugRegistrationCategory.CAT_2_4, ClinicalStage.PHASE3),
    ("ZY-9 片", "阿尔茨海默病", DrugFamily.CHEMICAL, DrugRegistrationCategory.CAT_1, ClinicalStage.PRECLINICAL),
    ("GX-21 注射液", "乳腺癌", DrugFamily.CHEMICAL, DrugRegistrationCategory.CAT_1, ClinicalStage.PHASE2),
    ("LM-5 仿制片", "抑郁症", DrugFamily.CHEMICAL, DrugRegistrationCategory.CAT_4, ClinicalStage.NDA_FILED),
    ("PR-33 疫苗", "带状疱疹", DrugFamily.PREVENTIVE_BIOLOGIC, "1", ClinicalStage.PHASE3),
    ("AK-2 片", "痛风", DrugFamily.CHEMICAL, DrugRegistrationCategory.CAT_3, ClinicalStage.APPROVED),
)
DEVICES = (
    ("一次性使用无菌注射器", DeviceClass.CLASS_III, DeviceStage.REGISTERED, "国械注准20233140123"),
    ("医用电子体温计", DeviceClass.CLASS_II, DeviceStage.REGISTERED, "渝械注准20222070015"),
    ("医用检查手套", DeviceClass.CLASS_I, DeviceStage.FILED, "渝渝械备20230042号"),
    ("心脏封堵器", DeviceClass.CLASS_III, DeviceStage.IN_REVIEW, ""),
    ("血糖仪", DeviceClass.CLASS_II, DeviceStage.IN_DEVELOPMENT, ""),
)
PROJECTS = (
    "生物药产业化基地一期", "高端制剂生产线", "医疗器械洁净厂房", "CDMO 研发中心", "疫苗灌装车间",
    "体外诊断试剂工厂", "原料药绿色升级", "细胞治疗中试平台", "冷链物流中心", "研发中试楼",
    "标准厂房三期", "人才公寓配套",
)  # fmt: skip
DEVICE_PATH: tuple[str, ...] = (DeviceStage.IN_DEVELOPMENT, DeviceStage.TYPE_TESTING, DeviceStage.IN_REVIEW)
ISSUES = (
    ("施工用电增容审批滞后，影响设备调试", "园区工程部、供电公司"),
    ("环评批复待取得，洁净车间不能开始安装", "企业EHS部、区生态环境局"),
    ("消防验收资料不全", "企业工程部"),
    ("人才公寓交付时间需与企业投产衔接", "园区招商服务部"),
)


def _money(value: float) -> Decimal:
    return Decimal(f"{value:.2f}")


def _months_before(day: datetime.date, months: int) -> datetime.date:
    index = day.year * 12 + day.month - 1 - months
    return datetime.date(index // 12, index % 12 + 1, min(day.day, 28))


# --- what the statistics demo asks for, park by park ---------------------------------------------


def _stage_history(
    product: Product, path: Sequence[str], current: str, since: datetime.date, extra: random.Random
) -> None:
    """Dated entries from the start of the path to the current stage, the last on `since`."""
    steps = list(path[: list(path).index(current) + 1])
    day = since
    dates = [day]
    for _step in steps[:-1]:
        day = _months_before(day, extra.randint(4, 14))
        dates.append(day)
    ProductStage.objects.bulk_create(
        ProductStage(product=product, stage=stage, on=on) for stage, on in zip(steps, reversed(dates), strict=True)
    )


def _pipeline(
    park: Park, enterprises: list[Enterprise], year: int, rng: random.Random, extra: random.Random
) -> list[Product]:
    products = []
    for index, (name, indication, family, category, stage) in enumerate(DRUGS):
        since = datetime.date(year, rng.randint(1, 12), 15)
        product = Product(
            park=park,
            enterprise=enterprises[index % len(enterprises)],
            name=name,
            kind=ProductKind.DRUG,
            indication=indication,
            drug_family=family,
            drug_category=category,
            stage=stage,
            stage_since=since,
        )
        product.full_clean()
        product.save()
        _stage_history(product, CLINICAL_STAGE_ORDER, stage, since, extra)
        products.append(product)
    for index, (name, device_class, device_stage, number) in enumerate(DEVICES):
        product = Product(
            park=park,
            enterprise=enterprises[(index + 5) % len(enterprises)],
            name=name,
            kind=ProductKind.DEVICE,
            device_class=device_class,
            device_stage=device_stage,
            device_number=number,
        )
        product.full_clean()
        product.save()
        path: tuple[str, ...] = DEVICE_PATH
        if device_stage in (DeviceStage.REGISTERED, DeviceStage.FILED):
            path = (*DEVICE_PATH, device_stage)
        if device_class == DeviceClass.CLASS_I:
            path = (DeviceStage.IN_DEVELOPMENT, device_stage)  # class I is filed, not registered
        _stage_history(product, path, device_stage, datetime.date(year - 1, extra.randint(1, 12), 10), extra)
        products.append(product)
    ProductPartner.objects.bulk_create(
        [
            ProductPartner(
                product=products[0], role=ProductPartnerRole.CRO, name="泰格医药", since=datetime.date(year - 2, 3, 1)
            ),
            ProductPartner(
                product=products[0],
                role=ProductPartnerRole.CLINICAL_SITE,
                name="重庆医科大学附属第一医院",
                since=datetime.date(year - 1, 5, 1),
            ),
            ProductPartner(
                product=products[2], role=ProductPartnerRole.CDMO, name="药明生物", since=datetime.date(year - 1, 2, 1)
            ),
            ProductPartner(
                product=products[10],
                role=ProductPartnerRole.LICENSING,
                name="Nordic Vaccine AS",
                since=datetime.date(year - 2, 9, 1),
            ),
        ]
    )
    return products


def _split(total: Decimal, extra: random.Random) -> dict[str, Decimal]:
    construction = (total * Decimal(str(round(extra.uniform(0.45, 0.62), 3)))).quantize(Decimal("0.01"))
    installation = (total * Decimal(str(round(extra.uniform(0.08, 0.15), 3)))).quantize(Decimal("0.01"))
    equipment = (total * Decimal(str(round(extra.uniform(0.15, 0.30), 3)))).quantize(Decimal("0.01"))
    return {
        "construction": construction,
        "installation": installation,
        "equipment": equipment,
        "other": total - construction - installation - equipment,
    }


def _phases(
    start: datetime.date, completed: datetime.date | None, today: datetime.date, extra: random.Random
) -> dict[str, datetime.date | None]:
    """Planned and actual dates around the drawn start and production dates (some phases run late)."""
    signed = _months_before(start, extra.randint(4, 8))
    delivered = _months_before(start, extra.randint(1, 2))
    slip = extra.choice((0, 0, 1, 2, 4))
    actual: dict[str, datetime.date | None] = {"signed": signed, "delivered": delivered, "started": start}
    if completed is not None:
        structure = max(_months_before(completed, extra.randint(6, 9)), start)
        actual |= {
            "structure_done": structure,
            "accepted": max(_months_before(completed, extra.randint(1, 2)), structure),
            "completed": completed,
        }
        planned = {name: _months_before(day, slip if name != "signed" else 0) for name, day in actual.items() if day}
    else:
        structure = _months_before(start, -extra.randint(10, 14))
        done = _months_before(start, -extra.randint(24, 30))
        actual["structure_done"] = structure if structure <= today - datetime.timedelta(days=60) else None
        planned = {
            "signed": signed,
            "delivered": delivered,
            "started": _months_before(start, slip),
            "structure_done": structure,
            "accepted": _months_before(done, 2),
            "completed": done,
        }
    dates: dict[str, datetime.date | None] = {}
    floor = datetime.date.min
    for name in ("signed", "delivered", "started", "structure_done", "accepted", "completed"):
        if name in planned:
            floor = max(planned[name], floor)  # a plan runs forward, whatever the slip
            dates[f"planned_{name}_on"] = floor
        if actual.get(name) is not None:
            dates[f"{name}_on"] = actual[name]
    return dates


def _projects(
    park: Park, enterprises: list[Enterprise], years: Sequence[int], rng: random.Random, extra: random.Random
) -> list[Project]:
    last_full = years[-2]
    today = timezone.localdate()
    projects = []
    for index, name in enumerate(PROJECTS):
        completed = index < 9
        start = datetime.date(years[0], rng.randint(2, 10), 1)
        kind = (
            ProjectKind.INDUSTRIAL
            if index < 10
            else (ProjectKind.STANDARD_FACTORY if index == 10 else ProjectKind.SERVICE)
        )
        project = Project(
            park=park,
            enterprise=enterprises[index % len(enterprises)] if index < 10 else None,
            name=name,
            kind=kind,
            planned_investment=_money(rng.uniform(0.8, 6.0) * 1e8),
        )
        completed_on = datetime.date(last_full, rng.randint(3, 12), 28) if completed else None
        for field, value in _phases(start, completed_on, today, extra).items():
            setattr(project, field, value)
        project.floor_area_sqm = Decimal(extra.randrange(8_000, 60_000, 500))
        project.full_clean()
        project.save()
        progress = []
        for y in years:
            for m in range(1, 13):
                if (y, m) >= (start.year, start.month) and (y, m) <= (last_full + 1, 6):
                    total = _money(float(project.planned_investment or 0) / 30 * rng.uniform(0.6, 1.4))
                    progress.append(
                        ProjectProgress(project=project, year=y, month=m, investment=total, **_split(total, extra))
                    )
        ProjectProgress.objects.bulk_create(progress)
        projects.append(project)
    for project, (problem, owner) in zip((projects[9], projects[10], projects[2], projects[11]), ISSUES, strict=True):
        raised = min(today, _months_before(today, extra.randint(1, 5)))
        resolved = project.completed_on is not None
        ProjectIssue.objects.create(
            project=project,
            raised_on=raised,
            meeting=f"第{extra.randint(8, 20)}次项目推进会",
            problem=problem,
            owner=owner,
            due_on=raised + datetime.timedelta(days=30),
            status=ProjectIssueStatus.RESOLVED if resolved else ProjectIssueStatus.OPEN,
            resolution="已协调解决" if resolved else "",
            resolved_on=raised + datetime.timedelta(days=20) if resolved else None,
        )
    return projects


def _listing(park: Park, listed: Enterprise, year: int) -> Milestone:
    milestone = Milestone(
        park=park,
        enterprise=listed,
        kind=MilestoneKind.LISTING,
        on=datetime.date(year, 6, 18),
        exchange=ListingStatus.STAR,
        stock_code="688" + f"{listed.pk % 1000:03d}",
        short_name=listed.name[:4],
        market_value=Decimal("8500000000"),
    )
    milestone.full_clean()
    milestone.save()
    Enterprise.objects.filter(pk=listed.pk).update(listing_status=milestone.exchange, stock_code=milestone.stock_code)
    # The listing marks the operator's holdings (as `services.milestone_record` does).
    for stake in Stake.objects.filter(enterprise=listed):
        figures = portfolio.stake_figures(_flows(stake), milestone.on)
        value = portfolio.listing_mark(milestone.market_value or Decimal(0), figures.share_pct)
        if value is not None and not figures.exited:
            StakeValuation.objects.create(
                stake=stake, on=milestone.on, fair_value=value, method=ValuationMethod.LISTING, milestone=milestone
            )
    return milestone


def _flows(stake: Stake) -> portfolio.StakeFlows:
    return portfolio.StakeFlows(
        [portfolio.Investment(i.on, i.amount, i.share_pct) for i in stake.investments.all()],
        [portfolio.Mark(m.on, m.fair_value) for m in stake.valuations.all()],
        [portfolio.Exit(e.on, e.proceeds, e.share_pct, e.kind == ExitKind.WRITE_OFF) for e in stake.exits.all()],
    )


def _transfers(park: Park, products: list[Product], year: int) -> None:
    institutions = list(Institution.objects.order_by("pk")[:3])
    if not institutions:
        return
    for product, institution, kind, ip, amount in (
        (products[0], institutions[0], TransferKind.LICENCE, "ZL201910123456.7 一种EGFR抑制剂及其用途", "12000000"),
        (
            products[8],
            institutions[1 % len(institutions)],
            TransferKind.ASSIGNMENT,
            "ZL202010654321.0 抗体偶联药物制备方法",
            "8000000",
        ),
    ):
        transfer = TechTransfer.objects.create(
            park=park,
            kind=kind,
            institution=institution,
            enterprise=product.enterprise,
            ip=ip,
            amount=Decimal(amount),
            signed_on=datetime.date(year - 2, 4, 20),
        )
        transfer.products.set([product])


@transaction.atomic
def load_park_pipeline(*, park: Park, enterprises: list[Enterprise], years: Sequence[int], rng: random.Random) -> None:
    """A park's projects, pipeline, listing and transfers (see the module docstring); `rng` is the
    statistics demo's generator, drawn from exactly as before the move."""
    if Project.objects.filter(park=park).exists():
        return
    extra = random.Random(SEED + park.pk)
    products = _pipeline(park, enterprises, years[-2], rng, extra)
    _projects(park, enterprises, years, rng, extra)
    _listing(park, enterprises[0], years[-2])
    _transfers(park, products, years[-2])


# --- the operator's own: institutions, platforms, milestones, stakes -----------------------------

INSTITUTIONS = (
    ("重庆医科大学", InstitutionKind.UNIVERSITY, False, "药学、基础医学、生物医学工程"),
    ("陆军军医大学", InstitutionKind.UNIVERSITY, False, "战创伤医学、免疫学"),
    ("重庆医科大学附属第一医院", InstitutionKind.HOSPITAL, True, "肿瘤、心血管、内分泌"),
    ("中国科学院重庆绿色智能技术研究院", InstitutionKind.RESEARCH_INSTITUTE, False, "智能医疗器械、生物材料"),
    ("重庆国际免疫研究院", InstitutionKind.INDUSTRY_INSTITUTE, False, "疫苗与抗体"),
    ("四川大学华西医院", InstitutionKind.HOSPITAL, True, "全学科临床试验"),
)


def _institutions() -> list[Institution]:
    made = []
    for name, kind, site, specialties in INSTITUTIONS:
        institution, _created = Institution.objects.get_or_create(
            name=name,
            defaults={
                "kind": kind,
                "clinical_trial_site": site,
                "specialties": specialties,
                "city": name[:2] if name[:2] in ("重庆", "四川") else "重庆",
            },
        )
        made.append(institution)
    return made


def _cooperation(park: Park, tenants: list[Enterprise], institutions: list[Institution], today: datetime.date) -> None:
    year = today.year
    Agreement.objects.bulk_create(
        [
            Agreement(park=park, institution=institutions[0], title="重庆医科大学—生物城产学研战略合作协议", kind=AgreementKind.STRATEGIC, signed_on=datetime.date(year - 3, 9, 10), expires_on=datetime.date(year + 2, 9, 9)),
            Agreement(park=park, institution=institutions[2], enterprise=tenants[1], title="创新药临床研究合作协议", kind=AgreementKind.CLINICAL, signed_on=datetime.date(year - 1, 3, 1), amount=Decimal("3500000")),
            Agreement(park=park, institution=institutions[3], enterprise=tenants[5], title="智能可穿戴医疗器械联合实验室", kind=AgreementKind.JOINT_LAB, signed_on=_months_before(today, 10), amount=Decimal("5000000")),
            Agreement(park=park, institution=institutions[1], title="生物医药人才联合培养协议", kind=AgreementKind.TALENT, signed_on=datetime.date(year - 2, 6, 30), expires_on=datetime.date(year - 1, 6, 29)),
        ]
    )  # fmt: skip
    JointProject.objects.bulk_create(
        [
            JointProject(park=park, institution=institutions[0], enterprise=tenants[1], title="新型EGFR抑制剂成药性研究", started_on=datetime.date(year - 2, 5, 1), budget=Decimal("6000000"), funding="国家重点研发计划"),
            JointProject(park=park, institution=institutions[4], enterprise=tenants[10 % len(tenants)], title="带状疱疹重组疫苗佐剂研究", started_on=datetime.date(year - 1, 8, 1), budget=Decimal("4200000"), funding="重庆市技术创新与应用发展专项"),
            JointProject(park=park, institution=institutions[3], enterprise=tenants[5], title="医用柔性传感器产业化", started_on=datetime.date(year - 3, 3, 1), ended_on=datetime.date(year - 1, 12, 31), budget=Decimal("2500000"), funding="企业自筹", status=JointProjectStatus.COMPLETED),
        ]
    )  # fmt: skip
    platforms = [
        Platform.objects.create(park=park, name="生物药GMP中试生产线", kind=PlatformKind.PILOT_GMP, operator_name="园区运营公司", opened_on=datetime.date(year - 3, 10, 1), capacity="2000L一次性生物反应器2套、B级灌装线1条"),
        Platform.objects.create(park=park, name="医疗器械检验检测中心", kind=PlatformKind.TESTING, institution=institutions[3], opened_on=datetime.date(year - 2, 4, 1), capacity="电气安全、EMC、生物相容性检测"),
        Platform.objects.create(park=park, name="SPF级实验动物中心", kind=PlatformKind.ANIMAL, institution=institutions[1], opened_on=datetime.date(year - 4, 6, 1), capacity="大小鼠屏障设施3000 m²"),
    ]  # fmt: skip
    PlatformUse.objects.bulk_create(
        PlatformUse(
            platform=platforms[i % 3], enterprise=tenant, since=datetime.date(year - 2 + i % 2, 1 + i, 1), note=""
        )
        for i, tenant in enumerate(tenants[:8])
    )


def _milestones(park: Park, tenants: list[Enterprise], today: datetime.date) -> None:
    year = today.year
    rows = [
        Milestone(park=park, enterprise=tenants[1], kind=MilestoneKind.HIGH_TECH, on=datetime.date(year - 2, 11, 20), certificate_number=f"GR{year - 2}51000123", valid_until=datetime.date(year + 1, 11, 19)),
        Milestone(park=park, enterprise=tenants[2], kind=MilestoneKind.HIGH_TECH, on=datetime.date(year - 1, 12, 8), certificate_number=f"GR{year - 1}51000456", valid_until=datetime.date(year + 2, 12, 7)),
        Milestone(park=park, enterprise=tenants[3], kind=MilestoneKind.SPECIALISED, on=datetime.date(year - 1, 7, 1), title="重庆市专精特新中小企业"),
        Milestone(park=park, enterprise=tenants[1], kind=MilestoneKind.LITTLE_GIANT, on=_months_before(today, 4), title="第六批专精特新“小巨人”企业"),
        Milestone(park=park, enterprise=tenants[1], kind=MilestoneKind.FINANCING, on=datetime.date(year - 1, 4, 16), financing_round=FinancingRound.C, amount=Decimal("350000000"), investors="高瓴创投、重庆产业引导基金"),
        Milestone(park=park, enterprise=tenants[4], kind=MilestoneKind.FINANCING, on=_months_before(today, 8), financing_round=FinancingRound.A, amount=Decimal("80000000"), investors="启明创投"),
        Milestone(park=park, enterprise=tenants[1], kind=MilestoneKind.PATENT, on=_months_before(today, 6), patent_type=PatentType.INVENTION, patent_status=PatentStatus.GRANTED, quantity=6, title="EGFR抑制剂系列专利"),
        Milestone(park=park, enterprise=tenants[5], kind=MilestoneKind.PATENT, on=_months_before(today, 2), patent_type=PatentType.UTILITY_MODEL, patent_status=PatentStatus.APPLIED, quantity=4),
    ]  # fmt: skip
    for milestone in rows:
        milestone.full_clean()
    Milestone.objects.bulk_create(rows)
    for milestone in rows:
        enterprise = milestone.enterprise
        qualification = {
            MilestoneKind.HIGH_TECH: Qualification.HIGH_TECH,
            MilestoneKind.SPECIALISED: Qualification.SPECIALISED,
            MilestoneKind.LITTLE_GIANT: Qualification.LITTLE_GIANT,
        }.get(MilestoneKind(milestone.kind))
        if qualification is not None and qualification not in enterprise.qualifications:
            enterprise.qualifications = [*enterprise.qualifications, qualification.value]
            Enterprise.objects.filter(pk=enterprise.pk).update(
                qualifications=enterprise.qualifications,
                high_tech=enterprise.high_tech or milestone.kind == MilestoneKind.HIGH_TECH,
            )


def _stakes(park: Park, tenants: list[Enterprise], today: datetime.date) -> None:
    year = today.year
    fund = Fund.objects.create(
        name="重庆生物城产业投资基金",
        kind=FundKind.FUND,
        manager="重庆生物城私募基金管理有限公司",
        size=Decimal("2000000000"),
        vintage=year - 5,
    )
    direct = Fund.objects.create(name="园区运营公司直投", kind=FundKind.DIRECT, manager="园区运营公司投资部")
    plans: tuple[tuple[Any, ...], ...] = (
        # fund, tenant, [(on, amount, share %, round, post-money)], marks [(on, value)], exits [(kind, on, proceeds, share)]
        (fund, 0, [(datetime.date(year - 5, 3, 10), "30000000", "3.5", FinancingRound.B, "857000000")], [], []),
        (fund, 1, [(datetime.date(year - 4, 6, 1), "20000000", "5", FinancingRound.A, "400000000"), (datetime.date(year - 2, 9, 1), "15000000", "1.5", FinancingRound.C, "1000000000")], [(datetime.date(year - 1, 4, 16), "120000000")], []),
        (direct, 2, [(datetime.date(year - 3, 1, 20), "5000000", "10", FinancingRound.ANGEL, "50000000")], [(datetime.date(year - 1, 12, 31), "9000000")], []),
        (fund, 3, [(datetime.date(year - 4, 11, 5), "12000000", "6", FinancingRound.PRE_A, "200000000")], [], [(ExitKind.TRANSFER, datetime.date(year - 1, 8, 20), "21000000", "6")]),
        (direct, 4, [(datetime.date(year - 2, 2, 14), "3000000", "8", FinancingRound.ANGEL, "37500000")], [], [(ExitKind.WRITE_OFF, _months_before(today, 5), "0", None)]),
        (fund, 5, [(datetime.date(year - 1, 10, 8), "25000000", "4", FinancingRound.B, "625000000")], [(_months_before(today, 5), "31000000")], []),
    )  # fmt: skip
    for vehicle, index, investments, marks, exits in plans:
        stake = Stake.objects.create(fund=vehicle, enterprise=tenants[index], park=park)
        StakeInvestment.objects.bulk_create(
            StakeInvestment(stake=stake, kind=InvestmentKind.INITIAL if n == 0 else InvestmentKind.FOLLOW_ON, on=on, amount=Decimal(amount), share_pct=Decimal(share), financing_round=round_, post_money=Decimal(post))
            for n, (on, amount, share, round_, post) in enumerate(investments)
        )  # fmt: skip
        StakeValuation.objects.bulk_create(
            StakeValuation(stake=stake, on=on, fair_value=Decimal(value), method=ValuationMethod.RECENT_ROUND)
            for on, value in marks
        )
        StakeExit.objects.bulk_create(
            StakeExit(
                stake=stake, kind=kind, on=on, proceeds=Decimal(proceeds), share_pct=Decimal(share) if share else None
            )
            for kind, on, proceeds, share in exits
        )


@transaction.atomic
def load_demo(*, scale: str = "demo", stdout: TextIO | None = None) -> dict[str, int]:
    """Institutions, agreements, platforms, milestones and stakes for the flagship park; run twice, nothing doubles."""
    park = Park.objects.filter(code=FLAGSHIP).first() or Park.objects.order_by("pk").first()
    if park is None or Institution.objects.exists():
        return {"stakes": 0}
    tenants = list(Enterprise.objects.active().filter(parks=park).order_by("pk")[:12])
    if len(tenants) < 12:
        return {"stakes": 0}
    today = timezone.localdate()
    institutions = _institutions()
    _cooperation(park, tenants, institutions, today)
    _milestones(park, tenants, today)
    _stakes(park, tenants, today)
    if stdout is not None:
        stdout.write(f"创新生态：{len(institutions)} 家合作机构、{Stake.objects.count()} 笔持股\n")
    return {"stakes": Stake.objects.count()}
