"""Import a park's projects, monthly investment, products, their stages and milestones (.xlsx or CSV).

The format is `WORKBOOK` (parkos.core.importing reads the file, its encoding and the units in the
headers: money in 元, 万元 or 亿元 — 万元 when a header names none — stored in 元; areas in m² or 亩).
Sheets are applied parents first: 建设项目, 月度完成投资, 研发产品, 产品阶段, 里程碑. A workbook may hold
any of them; a CSV file is one sheet, chosen on upload.

Every row goes through the same services as the pages — with their rules (actual dates not in the
future, phases in order, investment within the plan's margin, registration numbers by format, no
step back without a reason) and their audit entries — each in a savepoint, so a refused row leaves
nothing behind. Rows are matched by natural key (a project by name in the park, a product by its
enterprise's credit code and name, a month by project, year and month, a stage entry by product,
stage and date, a milestone by its enterprise, kind, date and identifying number): importing the same
file twice changes nothing the second time. All or nothing (the default) or valid rows only.
"""

from __future__ import annotations

import dataclasses
import datetime
import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import IO, TYPE_CHECKING, Any, Final

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from parkos.accounts.access import Capability, has_capability
from parkos.core.audit import audit_record
from parkos.core.importing import (
    AREA,
    MONEY,
    Boolean,
    Choice,
    Column,
    Date,
    ImportContext,
    ImportMode,
    ImportOutcome,
    Integer,
    Number,
    Row,
    Source,
    TableImporter,
    TableSpec,
    Text,
    Validated,
    WorkbookSpec,
    jobs,
    run_import,
    template_workbook,
)
from parkos.core.models import AuditAction, ImportJob
from parkos.enterprises import credit_code
from parkos.enterprises.choices import ListingStatus
from parkos.enterprises.models import Enterprise
from parkos.innovation import services
from parkos.innovation.choices import FinancingRound, MilestoneKind, PatentStatus, PatentType, ProjectKind
from parkos.innovation.models import Milestone, Product, ProductStage, Project, ProjectProgress
from parkos.innovation.regulatory import ClinicalStage, DeviceClass, DeviceStage, DrugFamily, ProductKind
from parkos.parks.models import Park

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

    from parkos.accounts.models import User

IMPORTER: Final = "innovation.workbook"
_AMOUNT: Final = MONEY.with_units(stored="元", default="万元")
_LIMIT: Final = Decimal("1e16")


def _money(field: str, label: StrOrPromise, *, example: object = None) -> Column:
    return Column(field, label, Number(minimum=Decimal(0), maximum=_LIMIT, places=2), unit=_AMOUNT, example=example)


def _stage(text: str) -> str:
    """A stage of either pathway, by its Chinese or English name or its value."""
    key = " ".join(text.split()).casefold()
    for choices in (ClinicalStage, DeviceStage):
        for value, label in choices.choices:
            if key in (value, str(label).casefold()):
                return str(value)
    raise ValidationError(_("“%(value)s”不是研发阶段") % {"value": text})


def _code(text: str) -> str:
    code = credit_code.normalize(text)
    if not code:
        raise ValidationError(_("请填写统一社会信用代码"))
    return code


# --- the tables ----------------------------------------------------------------------------------


@dataclass
class ProjectRow:
    name: str
    kind: str = ProjectKind.INDUSTRIAL
    credit_code: str = ""
    planned_investment: Decimal | None = None
    floor_area_sqm: Decimal | None = None
    planned_signed_on: datetime.date | None = None
    signed_on: datetime.date | None = None
    planned_delivered_on: datetime.date | None = None
    delivered_on: datetime.date | None = None
    planned_started_on: datetime.date | None = None
    started_on: datetime.date | None = None
    planned_structure_done_on: datetime.date | None = None
    structure_done_on: datetime.date | None = None
    planned_accepted_on: datetime.date | None = None
    accepted_on: datetime.date | None = None
    planned_completed_on: datetime.date | None = None
    completed_on: datetime.date | None = None
    note: str = ""


_PHASE_COLUMNS: Final = (
    ("planned_signed_on", gettext_lazy("计划签约日期")),
    ("signed_on", gettext_lazy("签约日期")),
    ("planned_delivered_on", gettext_lazy("计划供地/交付日期")),
    ("delivered_on", gettext_lazy("供地/交付日期")),
    ("planned_started_on", gettext_lazy("计划开工日期")),
    ("started_on", gettext_lazy("开工日期")),
    ("planned_structure_done_on", gettext_lazy("计划主体完工日期")),
    ("structure_done_on", gettext_lazy("主体完工日期")),
    ("planned_accepted_on", gettext_lazy("计划竣工验收日期")),
    ("accepted_on", gettext_lazy("竣工验收日期")),
    ("planned_completed_on", gettext_lazy("计划投产日期")),
    ("completed_on", gettext_lazy("建成投用日期")),
)

PROJECTS: Final = TableSpec[ProjectRow](
    name="projects",
    title=gettext_lazy("建设项目"),
    row_type=ProjectRow,
    key=("name",),
    columns=(
        Column("name", gettext_lazy("项目名称"), Text(max_length=200), required=True, example="生物药产业化基地一期"),
        Column("kind", gettext_lazy("项目类型"), Choice(ProjectKind), blank=ProjectKind.INDUSTRIAL,
               example=ProjectKind.INDUSTRIAL),
        Column("credit_code", gettext_lazy("建设单位统一社会信用代码"), Text(), blank="",
               hint=gettext_lazy("园区自建项目留空"), example="91500113MA4CL12T2E"),
        _money("planned_investment", gettext_lazy("计划总投资"), example=30000),
        Column("floor_area_sqm", gettext_lazy("建筑面积"), Number(minimum=Decimal(0), places=2), unit=AREA, example=24000),
        *(Column(field, label, Date()) for field, label in _PHASE_COLUMNS),
        Column("note", gettext_lazy("备注"), Text(), blank=""),
    ),
)  # fmt: skip


@dataclass
class ProgressRow:
    name: str
    year: int
    month: int
    construction: Decimal | None = None
    installation: Decimal | None = None
    equipment: Decimal | None = None
    other: Decimal | None = None
    note: str = ""


PROGRESS: Final = TableSpec[ProgressRow](
    name="progress",
    title=gettext_lazy("月度完成投资"),
    row_type=ProgressRow,
    key=("name", "year", "month"),
    columns=(
        Column("name", gettext_lazy("项目名称"), Text(), required=True, example="生物药产业化基地一期"),
        Column("year", gettext_lazy("年份"), Integer(minimum=2000, maximum=2100), required=True, example=2025),
        Column("month", gettext_lazy("月份"), Integer(minimum=1, maximum=12), required=True, example=6),
        _money("construction", gettext_lazy("建筑工程"), example=300),
        _money("installation", gettext_lazy("安装工程"), example=50),
        _money("equipment", gettext_lazy("设备工器具购置"), example=120),
        _money("other", gettext_lazy("其他费用"), example=30),
        Column("note", gettext_lazy("说明"), Text(max_length=200), blank=""),
    ),
)


@dataclass
class ProductRow:
    credit_code: str
    name: str
    kind: str
    drug_family: str = ""
    drug_category: str = ""
    device_class: str = ""
    device_number: str = ""
    approval_number: str = ""
    indication: str = ""
    is_key: bool = True
    stage: str = ""
    stage_on: datetime.date | None = None


PRODUCTS: Final = TableSpec[ProductRow](
    name="products",
    title=gettext_lazy("研发产品"),
    row_type=ProductRow,
    key=("credit_code", "name"),
    columns=(
        Column("credit_code", gettext_lazy("企业统一社会信用代码"), Validated(_code), required=True,
               example="91500113MA4CL12T2E"),
        Column("name", gettext_lazy("产品名称"), Text(max_length=200), required=True, example="BC-101 注射液"),
        Column("kind", gettext_lazy("产品类型"), Choice(ProductKind), required=True, example=ProductKind.DRUG),
        Column("drug_family", gettext_lazy("药品注册类别"), Choice(DrugFamily), blank="", example=DrugFamily.CHEMICAL),
        Column("drug_category", gettext_lazy("注册分类"), Text(max_length=4), blank="", example="1"),
        Column("device_class", gettext_lazy("器械类别"), Choice(DeviceClass), blank=""),
        Column("device_number", gettext_lazy("注册证/备案编号"), Text(max_length=40), blank=""),
        Column("approval_number", gettext_lazy("药品批准文号"), Text(max_length=20), blank=""),
        Column("indication", gettext_lazy("适应症/预期用途"), Text(max_length=200), blank="", example="非小细胞肺癌"),
        Column("is_key", gettext_lazy("重点产品"), Boolean(), blank=True, example=True),
        Column("stage", gettext_lazy("当前阶段"), Validated(_stage), blank="", example="三期临床"),
        Column("stage_on", gettext_lazy("进入该阶段日期"), Date(), example="2025-09-01"),
    ),
)  # fmt: skip


@dataclass
class StageRow:
    credit_code: str
    name: str
    stage: str
    on: datetime.date
    reason: str = ""
    note: str = ""


STAGES: Final = TableSpec[StageRow](
    name="stages",
    title=gettext_lazy("产品阶段"),
    row_type=StageRow,
    key=("credit_code", "name", "stage", "on"),
    columns=(
        Column("credit_code", gettext_lazy("企业统一社会信用代码"), Validated(_code), required=True,
               example="91500113MA4CL12T2E"),
        Column("name", gettext_lazy("产品名称"), Text(), required=True, example="BC-101 注射液"),
        Column("stage", gettext_lazy("阶段"), Validated(_stage), required=True, example="IND已获批"),
        Column("on", gettext_lazy("日期"), Date(), required=True, example="2024-08-20"),
        Column("reason", gettext_lazy("原因"), Text(max_length=300), blank="", hint=gettext_lazy("阶段倒退时必填")),
        Column("note", gettext_lazy("说明"), Text(max_length=300), blank=""),
    ),
)  # fmt: skip


@dataclass
class MilestoneRow:
    credit_code: str
    kind: str
    on: datetime.date
    exchange: str = ""
    stock_code: str = ""
    short_name: str = ""
    market_value: Decimal | None = None
    certificate_number: str = ""
    valid_until: datetime.date | None = None
    financing_round: str = ""
    amount: Decimal | None = None
    investors: str = ""
    patent_type: str = ""
    patent_status: str = ""
    patent_number: str = ""
    quantity: int = 1
    title: str = ""
    note: str = ""


MILESTONES: Final = TableSpec[MilestoneRow](
    name="milestones",
    title=gettext_lazy("里程碑"),
    row_type=MilestoneRow,
    key=("credit_code", "kind", "on", "stock_code", "certificate_number", "patent_number", "title"),
    needs=(("credit_code",), ("kind",), ("on",)),
    columns=(
        Column("credit_code", gettext_lazy("企业统一社会信用代码"), Validated(_code), required=True,
               example="91500113MA4CL12T2E"),
        Column("kind", gettext_lazy("类型"), Choice(MilestoneKind), required=True, example=MilestoneKind.LISTING),
        Column("on", gettext_lazy("日期"), Date(), required=True, example="2025-06-18"),
        Column("exchange", gettext_lazy("上市板块"), Choice(ListingStatus), blank="", example=ListingStatus.STAR),
        Column("stock_code", gettext_lazy("股票代码"), Text(max_length=12), blank="", example="688001"),
        Column("short_name", gettext_lazy("证券简称"), Text(max_length=40), blank=""),
        _money("market_value", gettext_lazy("上市首日总市值")),
        Column("certificate_number", gettext_lazy("证书编号"), Text(max_length=40), blank=""),
        Column("valid_until", gettext_lazy("有效期至"), Date()),
        Column("financing_round", gettext_lazy("融资轮次"), Choice(FinancingRound), blank=""),
        _money("amount", gettext_lazy("金额")),
        Column("investors", gettext_lazy("投资方"), Text(max_length=300), blank=""),
        Column("patent_type", gettext_lazy("专利类型"), Choice(PatentType), blank=""),
        Column("patent_status", gettext_lazy("专利状态"), Choice(PatentStatus), blank=""),
        Column("patent_number", gettext_lazy("专利号/申请号"), Text(max_length=40), blank=""),
        Column("quantity", gettext_lazy("数量"), Integer(minimum=1), blank=1),
        Column("title", gettext_lazy("名称"), Text(max_length=200), blank=""),
        Column("note", gettext_lazy("说明"), Text(max_length=200), blank=""),
    ),
)  # fmt: skip

WORKBOOK: Final = WorkbookSpec(tables=(PROJECTS, PROGRESS, PRODUCTS, STAGES, MILESTONES))
#: Who may import each table (besides IMPORT_DATA for the import itself).
NEEDS: Final = {
    PROJECTS.name: Capability.MANAGE_PROJECTS,
    PROGRESS.name: Capability.MANAGE_PROJECTS,
    PRODUCTS.name: Capability.MANAGE_SERVICES,
    STAGES.name: Capability.MANAGE_SERVICES,
    MILESTONES.name: Capability.MANAGE_SERVICES,
}


# --- the importer --------------------------------------------------------------------------------


class InnovationImporter(TableImporter[Any]):
    workbook = WORKBOOK
    batch_size = 500

    def __init__(self, *, park: Park, actor: User | None) -> None:
        self.park = park
        self.actor = actor
        self.applied = 0  # rows that created or changed something: only those warrant the summary audit

    def check(self, table: TableSpec[Any], rows: Sequence[Row[Any]], ctx: ImportContext) -> None:
        """The role may import the table; enterprises named by credit code are in the pool."""
        if self.actor is not None and not has_capability(self.actor, NEEDS[table.name]):
            for row in rows:
                ctx.error(row, _("您的角色无权导入“%(table)s”") % {"table": table.sheet_title})
            return
        if "credit_code" not in {c.field for c in table.columns}:
            return
        codes = {r.data.credit_code for r in rows if r.data.credit_code}
        known = set(Enterprise.objects.filter(credit_code__in=codes).values_list("credit_code", flat=True))
        for row in rows:
            code = row.data.credit_code
            if code and code not in known:
                ctx.error(
                    row,
                    _("企业库中没有代码为“%(code)s”的企业") % {"code": code},
                    column=table.header_of("credit_code"),
                )

    def apply(self, table: TableSpec[Any], rows: Sequence[Row[Any]], ctx: ImportContext) -> None:
        handlers: dict[str, Callable[[Any], str]] = {
            PROJECTS.name: self._project,
            PROGRESS.name: self._progress,
            PRODUCTS.name: self._product,
            STAGES.name: self._stage,
            MILESTONES.name: self._milestone,
        }
        handle = handlers[table.name]
        for row in rows:
            try:
                with transaction.atomic():  # a savepoint: a refused row leaves nothing
                    outcome = handle(row.data)
            except ValidationError as exc:
                ctx.refused(row, exc, table=table)
                continue
            ctx.count(table.name, **{outcome: 1})
            if outcome != "unchanged":
                self.applied += 1

    # Each handler returns "created", "updated" or "unchanged".

    def _enterprise(self, code: str) -> Enterprise:
        return Enterprise.objects.active().get(credit_code=code)

    def _project(self, data: ProjectRow) -> str:
        fields = dataclasses.asdict(data)
        code = fields.pop("credit_code")
        fields["enterprise"] = self._enterprise(code) if code else None
        existing = Project.objects.filter(park=self.park, name=data.name).order_by("pk").first()
        if existing is None:
            services.project_create(data=services.ProjectData(park=self.park, **fields), actor=self.actor)
            return "created"
        changed = {name: value for name, value in fields.items() if getattr(existing, name) != value}
        if not changed:
            return "unchanged"
        services.project_update(project=existing, actor=self.actor, **changed)
        return "updated"

    def _progress(self, data: ProgressRow) -> str:
        project = Project.objects.filter(park=self.park, name=data.name).order_by("pk").first()
        if project is None:
            raise ValidationError({"name": _("园区内没有名为“%(name)s”的项目") % {"name": data.name}})
        split = services.InvestmentSplit(
            construction=data.construction or Decimal(0),
            installation=data.installation or Decimal(0),
            equipment=data.equipment or Decimal(0),
            other=data.other or Decimal(0),
        )
        existing = ProjectProgress.objects.filter(project=project, year=data.year, month=data.month).first()
        same = existing is not None and (
            existing.investment,
            existing.construction,
            existing.installation,
            existing.equipment,
            existing.other,
            existing.note,
        ) == (split.total, split.construction, split.installation, split.equipment, split.other, data.note)
        if same:
            return "unchanged"
        services.project_progress_record(
            project=project, year=data.year, month=data.month, split=split, note=data.note, actor=self.actor
        )
        return "created" if existing is None else "updated"

    def _product(self, data: ProductRow) -> str:
        enterprise = self._enterprise(data.credit_code)
        fields = {
            name: getattr(data, name)
            for name in ("name", "kind", "drug_family", "drug_category", "device_class", "device_number")
        } | {"approval_number": data.approval_number, "indication": data.indication, "is_key": data.is_key}
        existing = Product.objects.filter(park=self.park, enterprise=enterprise, name=data.name).first()
        if existing is None:
            if not data.stage or data.stage_on is None:
                raise ValidationError({"stage": _("新产品须填写当前阶段及进入该阶段日期")})
            services.product_create(
                data=services.ProductData(park=self.park, enterprise=enterprise, **fields),
                stage=data.stage,
                stage_on=data.stage_on,
                actor=self.actor,
            )
            return "created"
        changed = {name: value for name, value in fields.items() if getattr(existing, name) != value}
        if changed:
            services.product_update(product=existing, actor=self.actor, **changed)
        moved = bool(data.stage) and data.stage_on is not None and self._enter(existing, data.stage, data.stage_on)
        return "updated" if changed or moved else "unchanged"

    def _enter(self, product: Product, stage: str, on: datetime.date, reason: str = "", note: str = "") -> bool:
        """Enter a stage unless the history already has it on that day; True when something was added."""
        if ProductStage.objects.filter(product=product, stage=stage, on=on).exists():
            return False
        services.product_stage_enter(product=product, stage=stage, on=on, reason=reason, note=note, actor=self.actor)
        return True

    def _stage(self, data: StageRow) -> str:
        product = Product.objects.filter(
            park=self.park, enterprise__credit_code=data.credit_code, name=data.name
        ).first()
        if product is None:
            raise ValidationError({"name": _("园区内该企业没有名为“%(name)s”的产品") % {"name": data.name}})
        return "created" if self._enter(product, data.stage, data.on, data.reason, data.note) else "unchanged"

    def _milestone(self, data: MilestoneRow) -> str:
        enterprise = self._enterprise(data.credit_code)
        fields = dataclasses.asdict(data)
        fields.pop("credit_code")
        identity = {
            name: fields[name] for name in ("kind", "on", "stock_code", "certificate_number", "patent_number", "title")
        }
        existing = Milestone.objects.filter(park=self.park, enterprise=enterprise, **identity).first()
        if existing is not None and all(getattr(existing, name) == value for name, value in fields.items()):
            return "unchanged"
        milestone = existing or Milestone(park=self.park, enterprise=enterprise)
        for name, value in fields.items():
            setattr(milestone, name, value)
        services.milestone_record(milestone=milestone, actor=self.actor)
        return "created" if existing is None else "updated"

    def finish(self, ctx: ImportContext) -> None:
        if ctx.dry_run or not self.applied:
            return
        audit_record(
            actor=self.actor,
            action=AuditAction.IMPORT,
            object_type="innovation.workbook",
            object_repr=_("创新生态导入：%(park)s") % {"park": self.park.name},
            changes=ctx.counts_by_table(),
            park_id=self.park.pk,
        )


def import_workbook(
    *,
    park: Park,
    name: str,
    data: bytes | IO[bytes],
    actor: User | None,
    mode: str = ImportMode.ALL_OR_NOTHING,
    dry_run: bool = False,
    csv_table: str | None = None,
) -> ImportOutcome:
    """Import a file into a park (see the module docstring)."""
    stream = io.BytesIO(data) if isinstance(data, bytes) else data
    return run_import(
        InnovationImporter(park=park, actor=actor),
        Source.from_stream(stream, name),
        mode=mode,
        dry_run=dry_run,
        csv_table=csv_table,
    )


def build_importer(job: ImportJob) -> InnovationImporter:
    return InnovationImporter(park=Park.objects.get(pk=job.options["park"]), actor=job.created_by)


def create_job(
    *, park: Park, upload: IO[bytes], name: str, actor: User | None, mode: str, csv_table: str | None = None
) -> ImportJob:
    """A background job for a large file (the caller enqueues it)."""
    options: dict[str, Any] = {"park": park.pk}
    if csv_table:
        options["table"] = csv_table
    return jobs.create_job(importer=IMPORTER, upload=upload, name=name, mode=mode, actor=actor, options=options)


def template_bytes() -> bytes:
    """The import template: every sheet with its headers, units and an example row (skipped on import)."""
    buffer = io.BytesIO()
    template_workbook(WORKBOOK).save(buffer)
    return buffer.getvalue()
