"""Import enterprises and their contacts from Excel (.xlsx) or CSV: streaming, resumable, idempotent.

The format is `TABLE` (parkos.core.importing): the framework reads the file, matches headers (and
their units: 注册资本 and 营业收入 in 元, 万元 or 亿元), parses every cell and runs the job — batches,
checkpoint and resume, "valid rows" or "all or nothing", the error report. This module keeps what is
particular to enterprises:

1. `check`: the park codes the importing person may use, a contact needs a name, a listed company a
   stock code;
2. `apply`: each batch upserts its enterprises by credit code (by normalised name for rows without a
   code) with one prepared INSERT … ON CONFLICT through executemany, then contacts, parks and tags, and
   writes one audit entry. A crash loses at most the batch in flight; the upsert makes even a fresh
   job over the same file write each enterprise once.
"""

from __future__ import annotations

import datetime
import io
import json
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, Final

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from parkos.accounts.access import visible_park_ids
from parkos.core.audit import audit_record
from parkos.core.importing import (
    MONEY,
    Boolean,
    Choice,
    Column,
    Date,
    ImportContext,
    Integer,
    Number,
    Row,
    TableImporter,
    TableSpec,
    Text,
    Validated,
    WorkbookSpec,
    jobs,
)
from parkos.core.importing import template_workbook as build_template
from parkos.core.models import AuditAction, ImportJob
from parkos.enterprises import search
from parkos.enterprises.choices import EnterpriseLifecycle, EnterpriseSource, LegalForm, ListingStatus
from parkos.enterprises.models import Contact, Enterprise, Tag
from parkos.enterprises.phones import parse_phone
from parkos.enterprises.services import clean_credit_code, clean_industry_codes, compute_size
from parkos.parks.models import Park

if TYPE_CHECKING:
    from parkos.accounts.models import User

IMPORTER: Final = "enterprises"
BATCH_SIZE: Final = 1000
SimulatedCrash = jobs.SimulatedCrash
_TAG_SPLIT: Final = re.compile(r"[,，;；、|/]")
_AMOUNT_WAN: Final = MONEY.with_units(stored="万元", default="万元")
_LIMIT: Final = Decimal("1e12")


def _name(text: str) -> str:
    name = " ".join(text.split())
    if len(name) > 200:
        raise ValidationError(_("企业名称不能超过200个字符"))
    return name


def _industry(text: str) -> str:
    return clean_industry_codes(text)[0]


def _tags(text: str) -> list[str]:
    return [t.strip()[:40] for t in _TAG_SPLIT.split(text) if t.strip()]


def _mobile(text: str) -> str:
    parsed = parse_phone(text)
    if parsed.kind != "mobile":
        raise ValidationError(_("请填写11位手机号码，座机请填写在“联系人座机”列"))
    return parsed.e164


def _landline(text: str) -> tuple[str, str]:
    parsed = parse_phone(text)
    if parsed.kind == "mobile":
        raise ValidationError(_("这是手机号码，请填写在“联系人手机”列"))
    return parsed.e164, parsed.extension or ""


def _email(text: str) -> str:
    try:
        validate_email(text)
    except ValidationError:
        raise ValidationError(_("“%(value)s”不是有效的邮箱地址") % {"value": text}) from None
    return text.lower()


@dataclass
class EnterpriseRow:
    """One row of the file, typed; fields left out of the file keep their defaults (and, on update,
    the enterprise keeps its value: see `update_fields_for`)."""

    name: str
    credit_code: str | None = None
    legal_form: str = ""
    registered_capital_wan: Decimal | None = None
    founded_on: datetime.date | None = None
    registered_address: str = ""
    city: str = ""
    district: str = ""
    industry_code: str = ""
    business_scope: str = ""
    employees: int | None = None
    annual_revenue_wan: Decimal | None = None
    listing_status: str = ListingStatus.UNLISTED
    stock_code: str = ""
    high_tech: bool = False
    tags: list[str] = field(default_factory=list)
    lifecycle: str = EnterpriseLifecycle.PROSPECT
    park_code: str = ""
    contact_name: str = ""
    contact_title: str = ""
    contact_mobile: str = ""
    contact_landline: tuple[str, str] | None = None
    contact_email: str = ""
    contact_wechat: str = ""


TABLE: Final = TableSpec[EnterpriseRow](
    name="enterprise",
    title=gettext_lazy("企业"),
    row_type=EnterpriseRow,
    key=("credit_code",),
    needs=(("name",),),
    columns=(
        Column("name", gettext_lazy("企业名称"), Validated(_name), required=True, aliases=("名称", "公司名称", "企业名"),
               example="重庆博腾医疗器械有限公司"),
        Column("credit_code", gettext_lazy("统一社会信用代码"), Validated(clean_credit_code),
               aliases=("信用代码", "社会信用代码", "统一代码"), example="91500113MA4CL12T2E"),
        Column("legal_form", gettext_lazy("企业类型"), Choice(LegalForm), blank="", aliases=("类型",),
               example=LegalForm.LIMITED),
        Column("registered_capital_wan", gettext_lazy("注册资本"), Number(minimum=Decimal(0), maximum=_LIMIT),
               unit=_AMOUNT_WAN, example=1000),
        Column("founded_on", gettext_lazy("成立日期"), Date(not_after_today=True), aliases=("成立时间",),
               example="2018-03-15"),
        Column("registered_address", gettext_lazy("注册地址"), Text(300), blank="", aliases=("地址",),
               example="重庆市巴南区麻柳大道699号"),
        Column("city", gettext_lazy("城市"), Text(40), blank="", example="重庆市"),
        Column("district", gettext_lazy("区县"), Text(40), blank="", aliases=("所在区县", "所属区县"), example="巴南区"),
        Column("industry_code", gettext_lazy("行业代码"), Validated(_industry), blank="",
               aliases=("国民经济行业代码", "行业分类代码"), example="C3581"),
        Column("business_scope", gettext_lazy("经营范围"), Text(), blank="", example="医疗器械研发、生产、销售"),
        Column("employees", gettext_lazy("从业人员"), Integer(minimum=0), aliases=("从业人数", "员工人数"), example=120),
        Column("annual_revenue_wan", gettext_lazy("营业收入"), Number(minimum=Decimal(0), maximum=_LIMIT),
               unit=_AMOUNT_WAN, aliases=("年营业收入",), example=8600),
        Column("listing_status", gettext_lazy("上市情况"), Choice(ListingStatus), blank=ListingStatus.UNLISTED,
               aliases=("上市状态",), example=ListingStatus.UNLISTED),
        Column("stock_code", gettext_lazy("股票代码"), Text(12), blank=""),
        Column("high_tech", gettext_lazy("高新技术企业"), Boolean(), blank=False, aliases=("高新",), example=True),
        Column("tags", gettext_lazy("标签"), Validated(_tags), blank=[], example="重点招商"),
        Column("lifecycle", gettext_lazy("阶段"), Choice(EnterpriseLifecycle), blank=EnterpriseLifecycle.PROSPECT,
               aliases=("企业阶段",), example=EnterpriseLifecycle.PROSPECT),
        Column("park_code", gettext_lazy("园区编码"), Text(), blank=""),
        Column("contact_name", gettext_lazy("联系人"), Text(50), blank="", aliases=("联系人姓名",), example="张伟"),
        Column("contact_title", gettext_lazy("联系人职务"), Text(50), blank="", aliases=("职务",), example="总经理"),
        Column("contact_mobile", gettext_lazy("联系人手机"), Validated(_mobile), blank="", aliases=("手机", "手机号"),
               example="13800138000"),
        Column("contact_landline", gettext_lazy("联系人座机"), Validated(_landline), aliases=("座机", "固定电话"),
               example="023-67891234"),
        Column("contact_email", gettext_lazy("联系人邮箱"), Validated(_email), blank="", aliases=("邮箱",)),
        Column("contact_wechat", gettext_lazy("联系人微信"), Text(50), blank="", aliases=("微信",)),
    ),
)  # fmt: skip
WORKBOOK: Final = WorkbookSpec(tables=(TABLE,), first_sheet=True)
COLUMNS: Final = TABLE.columns
ENTERPRISE_FIELDS: Final = (
    "name", "legal_form", "registered_capital_wan", "founded_on", "registered_address", "city", "district",
    "industry_code", "business_scope", "employees", "annual_revenue_wan", "listing_status", "stock_code", "high_tech",
    "lifecycle",
)  # fmt: skip
_CONTACT_FIELDS: Final = ("name", "title", "mobile", "email", "wechat")


def update_fields_for(present: frozenset[str]) -> list[str]:
    """Columns present in the file: a re-import updates those and leaves the others alone."""
    fields: list[str] = [f for f in ENTERPRISE_FIELDS if f in present]
    if present & {"industry_code", "employees", "annual_revenue_wan"}:
        fields += ["size_class", "above_scale", "above_scale_since"]
    return [*fields, "former_names", "name_key", "search_text", "updated_at"]


@dataclass
class Prepared:
    """A valid row as the batch writer stores it: enterprise fields (with the derived ones), contact, links."""

    number: int
    enterprise: dict[str, Any]
    contact: dict[str, Any] | None
    park_code: str
    tags: list[str]


def _prepare(row: Row[EnterpriseRow]) -> Prepared:
    data = row.data
    enterprise: dict[str, Any] = {name: getattr(data, name) for name in ENTERPRISE_FIELDS}
    enterprise["credit_code"] = data.credit_code
    enterprise["size_class"], enterprise["above_scale"] = compute_size(
        data.industry_code, data.employees, data.annual_revenue_wan
    )
    enterprise["above_scale_since"] = timezone.localdate() if enterprise["above_scale"] else None
    enterprise["name_key"] = search.name_key(data.name)
    contact: dict[str, Any] | None = None
    if _has_contact(data):
        landline, extension = data.contact_landline or ("", "")
        contact = {key: getattr(data, f"contact_{key}") for key in _CONTACT_FIELDS}
        contact.update(landline=landline, landline_ext=extension)
    return Prepared(row.number, enterprise, contact, data.park_code, data.tags)


def _has_contact(data: EnterpriseRow) -> bool:
    return bool(data.contact_landline) or any(getattr(data, f"contact_{key}") for key in _CONTACT_FIELDS)


class EnterpriseImporter(TableImporter[EnterpriseRow]):
    workbook = WORKBOOK
    batch_size = BATCH_SIZE
    apply_can_fail = False

    def __init__(self, *, actor: User | None, job: ImportJob | None = None) -> None:
        self.actor = actor
        self.job = job
        self.park_codes = _park_codes_for(actor)
        self.writer: BatchWriter | None = None

    def check(self, table: TableSpec[EnterpriseRow], rows: Sequence[Row[EnterpriseRow]], ctx: ImportContext) -> None:
        for row in rows:
            data = row.data
            if data.park_code and data.park_code not in self.park_codes:
                message = _("园区编码“%(code)s”不存在或您无权操作该园区") % {"code": data.park_code}
                ctx.error(row, message, column=table.header_of("park_code"))
            if _has_contact(data) and not data.contact_name:
                ctx.error(row, _("填写了联系方式时须填写联系人姓名"), column=table.header_of("contact_name"))
            if data.listing_status != ListingStatus.UNLISTED and not data.stock_code:
                ctx.error(row, _("已上市企业须填写股票代码"), column=table.header_of("stock_code"))

    def apply(self, table: TableSpec[EnterpriseRow], rows: Sequence[Row[EnterpriseRow]], ctx: ImportContext) -> None:
        if self.writer is None:
            self.writer = BatchWriter(present=rows[0].present, park_codes=self.park_codes)
        updated = self.writer.write([_prepare(row) for row in rows])
        ctx.count(table.name, created=len(rows) - len(updated), updated=len(updated))
        audit_record(
            actor=self.actor,
            action=AuditAction.IMPORT,
            obj=self.job,
            object_type="" if self.job else "enterprises.enterprise",
            changes={"rows": [rows[0].number, rows[-1].number], "ok": len(rows)},
        )


def _park_codes_for(user: User | None) -> dict[str, int]:
    parks = Park.objects.all()
    if user is not None:
        park_ids = visible_park_ids(user)
        if park_ids is not None:
            parks = parks.filter(pk__in=park_ids)
    return dict(parks.values_list("code", "pk"))


class BatchWriter:
    """Writes one batch of valid rows: upsert enterprises, then contacts, parks and tags."""

    def __init__(
        self, *, present: frozenset[str], park_codes: dict[str, int], source: str = EnterpriseSource.IMPORT
    ) -> None:
        self.present = present
        self.park_codes = park_codes
        self.update_fields = update_fields_for(present)
        self.source = source
        self.tag_ids: dict[str, int] = {}

    def write(self, rows: list[Prepared]) -> set[int]:
        """Upsert the rows; returns the row numbers that updated an existing enterprise."""
        # Later rows win within a batch (a codeless name repeated in the file updates the same record).
        coded: dict[str, Prepared] = {}
        codeless: dict[str, Prepared] = {}
        for row in rows:
            code = row.enterprise["credit_code"]
            if code:
                coded[code] = row
            else:
                codeless[row.enterprise["name_key"]] = row
        ids: dict[int, int] = {}  # row number → enterprise id
        updated: set[int] = set()
        if coded:
            updated |= self._upsert_coded(coded, ids)
        if codeless:
            updated |= self._upsert_codeless(codeless, ids)
        for row in rows:  # rows shadowed by a later duplicate in the same batch share its enterprise
            key_row = (
                coded.get(row.enterprise["credit_code"])
                if row.enterprise["credit_code"]
                else codeless.get(row.enterprise["name_key"])
            )
            if key_row is not None and row.number not in ids:
                ids[row.number] = ids[key_row.number]
        self._contacts(rows, ids)
        self._links(rows, ids)
        return updated

    def _existing_former(self, existing: dict[str, Any], new_name: str) -> list[str]:
        former = list(existing["former_names"] or [])
        if existing["name"] != new_name and existing["name"] not in former:
            former.append(existing["name"])  # a renamed enterprise stays findable by its old name
        return former

    def _build(self, row: Prepared, existing: dict[str, Any] | None) -> Enterprise:
        data = row.enterprise
        former = self._existing_former(existing, data["name"]) if existing else []
        scope = (
            data["business_scope"] if "business_scope" in self.present or not existing else existing["business_scope"]
        )
        enterprise = Enterprise(
            **{k: v for k, v in data.items() if k != "credit_code"},
            credit_code=data["credit_code"],
            former_names=former,
            source=self.source,
            search_text=search.build_search_text(name=data["name"], former_names=former, business_scope=scope),
        )
        if existing:
            enterprise.pk = existing["pk"]
            enterprise.updated_at = timezone.now()  # bulk_update does not apply auto_now
        return enterprise

    def _upsert_coded(self, coded: dict[str, Prepared], ids: dict[int, int]) -> set[int]:
        existing: dict[str | None, dict[str, Any]] = {
            row["credit_code"]: dict(row)
            for row in Enterprise.objects.filter(credit_code__in=list(coded)).values(
                "pk", "credit_code", "name", "former_names", "business_scope"
            )
        }
        # INSERT … ON CONFLICT (credit_code) DO UPDATE: safe even if another job inserted the code meanwhile.
        # One prepared statement through executemany: the ORM's bulk_create spends more time building
        # SQL for 1,000 rows than the database spends writing them.
        now = timezone.now()
        with connection.cursor() as cursor:
            cursor.executemany(
                self._upsert_sql(), [self._values(row, existing.get(code), now) for code, row in coded.items()]
            )
        by_code = dict(Enterprise.objects.filter(credit_code__in=list(coded)).values_list("credit_code", "pk"))
        for code, row in coded.items():
            ids[row.number] = by_code[code]
        return {row.number for code, row in coded.items() if code in existing}

    _INSERT_COLUMNS: Final = (
        "name", "former_names", "credit_code", "credit_code_override", "legal_form", "registered_capital_wan",
        "founded_on", "registered_address", "city", "district", "industry_code", "secondary_industry_codes",
        "business_scope", "employees", "annual_revenue_wan", "size_class", "above_scale", "above_scale_since",
        "listing_status", "stock_code", "high_tech", "qualifications", "source", "lifecycle", "name_key",
        "search_text", "created_at", "updated_at",
    )  # fmt: skip
    _JSON_COLUMNS: Final = frozenset({"former_names", "secondary_industry_codes", "qualifications"})

    def _upsert_sql(self) -> str:
        json_cast = "CAST(%s AS jsonb)" if connection.vendor == "postgresql" else "%s"
        placeholders = ", ".join(json_cast if c in self._JSON_COLUMNS else "%s" for c in self._INSERT_COLUMNS)
        updates = ", ".join(f"{c} = excluded.{c}" for c in self.update_fields)
        return (
            f"INSERT INTO enterprises_enterprise ({', '.join(self._INSERT_COLUMNS)}) VALUES ({placeholders}) "  # noqa: S608 - column names are constants
            f"ON CONFLICT (credit_code) DO UPDATE SET {updates}"
        )

    def _values(self, row: Prepared, existing: dict[str, Any] | None, now: datetime.datetime) -> tuple[Any, ...]:
        data = row.enterprise
        former = self._existing_former(existing, data["name"]) if existing else []
        scope = (
            data["business_scope"] if "business_scope" in self.present or not existing else existing["business_scope"]
        )
        ops = connection.ops
        values = {
            **data,
            "former_names": json.dumps(former, ensure_ascii=False),
            "credit_code_override": False,
            "secondary_industry_codes": "[]",
            "qualifications": "[]",
            "source": self.source,
            "search_text": search.build_search_text(name=data["name"], former_names=former, business_scope=scope),
            "registered_capital_wan": ops.adapt_decimalfield_value(data["registered_capital_wan"], 16, 4),
            "annual_revenue_wan": ops.adapt_decimalfield_value(data["annual_revenue_wan"], 16, 2),
            "founded_on": ops.adapt_datefield_value(data["founded_on"]),
            "above_scale_since": ops.adapt_datefield_value(data["above_scale_since"]),
            "created_at": ops.adapt_datetimefield_value(now),
            "updated_at": ops.adapt_datetimefield_value(now),
        }
        return tuple(values[c] for c in self._INSERT_COLUMNS)

    def _upsert_codeless(self, codeless: dict[str, Prepared], ids: dict[int, int]) -> set[int]:
        existing: dict[str, dict[str, Any]] = {}
        for row in (
            Enterprise.objects.active()
            .filter(credit_code__isnull=True, name_key__in=list(codeless))
            .order_by("pk")
            .values("pk", "name_key", "name", "former_names", "business_scope")
        ):
            existing.setdefault(row["name_key"], dict(row))
        new: list[tuple[Prepared, Enterprise]] = []
        changed: list[tuple[Prepared, Enterprise]] = []
        for key, parsed in codeless.items():
            enterprise = self._build(parsed, existing.get(key))
            (changed if enterprise.pk else new).append((parsed, enterprise))
        Enterprise.objects.bulk_create([e for _r, e in new])
        if changed:
            Enterprise.objects.bulk_update([e for _r, e in changed], self.update_fields)
        for written, enterprise in (*new, *changed):
            ids[written.number] = enterprise.pk
        return {written.number for written, _e in changed}

    def _contacts(self, rows: list[Prepared], ids: dict[int, int]) -> None:
        with_contact = [row for row in rows if row.contact]
        if not with_contact:
            return
        existing: dict[tuple[int, str], int] = {}
        for pk, enterprise_id, mobile, name in Contact.objects.filter(
            enterprise_id__in={ids[r.number] for r in with_contact}, erased_at__isnull=True
        ).values_list("pk", "enterprise_id", "mobile", "name"):
            existing.setdefault((enterprise_id, mobile or f"name:{name}"), pk)
        new: dict[tuple[int, str], Contact] = {}
        changed: dict[int, Contact] = {}
        for row in with_contact:
            contact = row.contact or {}
            enterprise_id = ids[row.number]
            key = (enterprise_id, contact["mobile"] or f"name:{contact['name']}")
            obj = Contact(enterprise_id=enterprise_id, **contact)
            if key in existing:
                obj.pk = existing[key]
                changed[obj.pk] = obj
            else:
                new[key] = obj
        Contact.objects.bulk_create(list(new.values()))
        if changed:
            Contact.objects.bulk_update(
                list(changed.values()), ["name", "title", "mobile", "landline", "landline_ext", "email", "wechat"]
            )

    def _links(self, rows: list[Prepared], ids: dict[int, int]) -> None:
        park_links = {(ids[r.number], self.park_codes[r.park_code]) for r in rows if r.park_code}
        if park_links:
            through = Enterprise.parks.through
            through.objects.bulk_create(
                [through(enterprise_id=e, park_id=p) for e, p in park_links], ignore_conflicts=True
            )
        tag_links = set()
        for row in rows:
            for name in row.tags:
                if name not in self.tag_ids:
                    self.tag_ids[name] = Tag.objects.get_or_create(name=name)[0].pk
                tag_links.add((ids[row.number], self.tag_ids[name]))
        if tag_links:
            through_tags = Enterprise.tags.through
            through_tags.objects.bulk_create(
                [through_tags(enterprise_id=e, tag_id=t) for e, t in tag_links], ignore_conflicts=True
            )


# --- Jobs ----------------------------------------------------------------------------------------


def build_importer(job: ImportJob) -> EnterpriseImporter:
    return EnterpriseImporter(actor=job.created_by, job=job)


def create_job(*, upload: IO[bytes] | Path, name: str, mode: str, actor: User | None) -> ImportJob:
    """Store the uploaded file and create its pending job (the caller enqueues or runs it)."""
    return jobs.create_job(importer=IMPORTER, upload=upload, name=name, mode=mode, actor=actor)


def run_import(
    job_id: int,
    *,
    batch_size: int | None = None,
    on_progress: Callable[[ImportJob], None] | None = None,
    crash_after_batches: int | None = None,
) -> ImportJob:
    """Run (or resume) an enterprise import job to the end (see `parkos.core.importing.jobs.run_job`;
    `crash_after_batches` is for the tests that kill an import half-way)."""
    return jobs.run_job(job_id, batch_size=batch_size, on_progress=on_progress, crash_after_batches=crash_after_batches)


def template_workbook() -> bytes:
    """The import template: every column header and one example row (marked "#", skipped on import)."""
    buffer = io.BytesIO()
    build_template(WORKBOOK).save(buffer)
    return buffer.getvalue()
