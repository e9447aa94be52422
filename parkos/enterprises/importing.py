"""Import enterprises and their contacts from Excel (.xlsx) or CSV: streaming, resumable, idempotent.

How a job runs (`run_import`):

1. Rows are streamed (openpyxl ``read_only`` / the csv module), never loaded whole, and validated
   one by one with the domain modules (credit code, industry code, phones, sizing).
2. Valid rows are written in batches. Each batch is one transaction that upserts its enterprises by
   credit code (by normalised name for rows without a code), their contacts, parks and tags, stores
   the batch's row errors, writes one audit entry and advances the job's checkpoint `last_row`.
   A crash loses at most the batch in flight; running the job again skips every row up to the
   checkpoint, and the upsert makes even a fresh job over the same file write each enterprise once.
3. In "all or nothing" mode the whole file is validated first and nothing is written if any row is
   wrong; otherwise the valid rows are committed and the wrong ones reported.
4. The error report is an .xlsx of the rejected rows with their original columns plus 行号 and 错误.
"""

from __future__ import annotations

import csv
import datetime
import io
import json
import re
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, Final

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.validators import validate_email
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook

from parkos.accounts.access import visible_park_ids
from parkos.core.audit import audit_record
from parkos.core.models import AuditAction
from parkos.enterprises import credit_code, search
from parkos.enterprises.choices import (
    EnterpriseLifecycle,
    EnterpriseSource,
    ImportMode,
    ImportStatus,
    LegalForm,
    ListingStatus,
)
from parkos.enterprises.models import Contact, Enterprise, ImportJob, ImportRowError, Tag
from parkos.enterprises.phones import parse_phone
from parkos.enterprises.services import clean_credit_code, clean_industry_codes, compute_size
from parkos.parks.models import Park

if TYPE_CHECKING:
    from parkos.accounts.models import User

BATCH_SIZE: Final = 1000


@dataclass(frozen=True)
class Column:
    field: str
    header: str
    aliases: tuple[str, ...] = ()


COLUMNS: Final[tuple[Column, ...]] = (
    Column("name", "企业名称", ("名称", "公司名称", "企业名")),
    Column("credit_code", "统一社会信用代码", ("信用代码", "社会信用代码", "统一代码")),
    Column("legal_form", "企业类型", ("类型",)),
    Column("registered_capital_wan", "注册资本（万元）", ("注册资本",)),
    Column("founded_on", "成立日期", ("成立时间",)),
    Column("registered_address", "注册地址", ("地址",)),
    Column("city", "城市"),
    Column("district", "区县", ("所在区县", "所属区县")),
    Column("industry_code", "行业代码", ("国民经济行业代码", "行业分类代码")),
    Column("business_scope", "经营范围"),
    Column("employees", "从业人员", ("从业人数", "员工人数")),
    Column("annual_revenue_wan", "营业收入（万元）", ("营业收入", "年营业收入（万元）")),
    Column("listing_status", "上市情况", ("上市状态",)),
    Column("stock_code", "股票代码"),
    Column("high_tech", "高新技术企业", ("高新",)),
    Column("tags", "标签"),
    Column("lifecycle", "阶段", ("企业阶段",)),
    Column("park_code", "园区编码"),
    Column("contact_name", "联系人", ("联系人姓名",)),
    Column("contact_title", "联系人职务", ("职务",)),
    Column("contact_mobile", "联系人手机", ("手机", "手机号")),
    Column("contact_landline", "联系人座机", ("座机", "固定电话")),
    Column("contact_email", "联系人邮箱", ("邮箱",)),
    Column("contact_wechat", "联系人微信", ("微信",)),
)
HEADER_BY_FIELD: Final = {c.field: c.header for c in COLUMNS}
ENTERPRISE_FIELDS: Final = (
    "name", "legal_form", "registered_capital_wan", "founded_on", "registered_address", "city", "district",
    "industry_code", "business_scope", "employees", "annual_revenue_wan", "listing_status", "stock_code", "high_tech",
    "lifecycle",
)  # fmt: skip
_YES: Final = frozenset({"是", "有", "y", "yes", "true", "1", "√", "✓"})
_NO: Final = frozenset({"否", "无", "n", "no", "false", "0", ""})
_DATE_PATTERN: Final = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?")
_TAG_SPLIT: Final = re.compile(r"[,，;；、|/]")


def _header_key(text: str) -> str:
    return re.sub(r"\s", "", unicodedata.normalize("NFKC", str(text or ""))).replace("(", "（").replace(")", "）")


_FIELD_BY_HEADER: Final[dict[str, str]] = {
    _header_key(name): column.field for column in COLUMNS for name in (column.header, *column.aliases)
}


def _choice_lookup(choices: Any) -> dict[str, str]:
    table = {str(value): str(value) for value in choices.values}
    table.update({str(label): str(value) for value, label in choices.choices})
    return table


# --- Reading -------------------------------------------------------------------------------------


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return value.date().isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _open_text(path: Path) -> IO[str]:
    """CSV files come from Excel as UTF-8 with BOM or as GB18030 (GBK): try them in that order."""
    raw = path.open("rb")
    head = raw.read(65536)
    raw.seek(0)
    encoding = "utf-8-sig"
    try:
        head.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        if exc.start < len(head) - 4:  # not just a multi-byte character cut by the 64 KiB boundary
            encoding = "gb18030"
    return io.TextIOWrapper(raw, encoding=encoding, newline="")


def is_excel(path: Path | str) -> bool:
    return str(path).lower().endswith((".xlsx", ".xlsm"))


def read_rows(path: Path) -> Iterator[list[Any]]:
    """Every row of the file (header first) as a list of raw cell values, streamed."""
    if is_excel(path):
        workbook = load_workbook(path, read_only=True, data_only=True)
        try:
            sheet = workbook.worksheets[0]
            for row in sheet.iter_rows(values_only=True):
                yield list(row)
        finally:
            workbook.close()
    else:
        with _open_text(path) as text:
            yield from csv.reader(text)


def count_rows(path: Path) -> int:
    """Data rows, for the progress bar (a header row is not counted; an estimate is fine)."""
    if is_excel(path):
        workbook = load_workbook(path, read_only=True)
        try:
            max_row = workbook.worksheets[0].max_row
        finally:
            workbook.close()
        if max_row:
            return max(0, int(max_row) - 1)
        return sum(1 for _row in read_rows(path)) - 1
    lines = 0
    with path.open("rb") as raw:
        while chunk := raw.read(1 << 20):
            lines += chunk.count(b"\n")
    return max(0, lines - 1)


# --- Validating one row --------------------------------------------------------------------------


@dataclass
class ParsedRow:
    number: int
    values: list[Any]
    enterprise: dict[str, Any] = field(default_factory=dict)
    contact: dict[str, Any] | None = None
    park_code: str = ""
    tags: list[str] = field(default_factory=list)
    errors: list[tuple[str, str]] = field(default_factory=list)


class RowValidator:
    """Turns a raw row into clean enterprise and contact fields, or into (column, message) errors."""

    def __init__(self, headers: list[Any], *, park_codes: dict[str, int]) -> None:
        self.headers = [_cell_text(h) for h in headers]
        self.index: dict[str, int] = {}
        for position, header in enumerate(self.headers):
            name = _FIELD_BY_HEADER.get(_header_key(header))
            if name and name not in self.index:
                self.index[name] = position
        self.park_codes = park_codes
        self.legal_forms = _choice_lookup(LegalForm)
        self.listing = _choice_lookup(ListingStatus)
        self.lifecycles = _choice_lookup(EnterpriseLifecycle)
        self.seen_codes: dict[str, int] = {}

    @property
    def missing_required(self) -> list[str]:
        return [HEADER_BY_FIELD["name"]] if "name" not in self.index else []

    @property
    def enterprise_update_fields(self) -> list[str]:
        """Columns present in the file: a re-import updates those and leaves the others alone."""
        fields: list[str] = [f for f in ENTERPRISE_FIELDS if f in self.index]
        if "industry_code" in self.index or "employees" in self.index or "annual_revenue_wan" in self.index:
            fields += ["size_class", "above_scale", "above_scale_since"]
        return [*fields, "former_names", "name_key", "search_text", "updated_at"]

    def get(self, row: list[Any], name: str) -> str:
        position = self.index.get(name)
        if position is None or position >= len(row):
            return ""
        return _cell_text(row[position])

    def parse(self, number: int, row: list[Any]) -> ParsedRow:
        parsed = ParsedRow(number=number, values=row)
        data = parsed.enterprise
        errors = parsed.errors

        def fail(name: str, message: Any) -> None:
            errors.append((HEADER_BY_FIELD[name], str(message)))

        name = " ".join(self.get(row, "name").split())
        if not name:
            fail("name", _("请填写企业名称"))
        elif len(name) > 200:
            fail("name", _("企业名称不能超过200个字符"))
        data["name"] = name
        try:
            code = clean_credit_code(self.get(row, "credit_code"))
        except ValidationError as exc:
            fail("credit_code", exc.messages[0])
            code = None
        if code is not None:
            first = self.seen_codes.get(code)
            if first is not None and first != number:
                fail("credit_code", _("与第%(row)d行的统一社会信用代码重复") % {"row": first})
            else:
                self.seen_codes[code] = number
        data["credit_code"] = code
        self._choice(row, "legal_form", self.legal_forms, data, fail, default="")
        data["registered_capital_wan"] = self._decimal(row, "registered_capital_wan", fail)
        data["founded_on"] = self._date(row, "founded_on", fail)
        for text_field, limit in (("registered_address", 300), ("city", 40), ("district", 40)):
            value = self.get(row, text_field)
            if len(value) > limit:
                fail(text_field, _("不能超过%(n)d个字符") % {"n": limit})
            data[text_field] = value
        try:
            data["industry_code"], _others = clean_industry_codes(self.get(row, "industry_code"))
        except ValidationError as exc:
            fail("industry_code", exc.messages[0])
            data["industry_code"] = ""
        data["business_scope"] = self.get(row, "business_scope")
        employees = self._decimal(row, "employees", fail)
        if employees is not None and employees != employees.to_integral_value():
            fail("employees", _("从业人员应为整数"))
        data["employees"] = int(employees) if employees is not None else None
        data["annual_revenue_wan"] = self._decimal(row, "annual_revenue_wan", fail)
        self._choice(row, "listing_status", self.listing, data, fail, default=ListingStatus.UNLISTED)
        data["stock_code"] = self.get(row, "stock_code")[:12]
        if data["listing_status"] != ListingStatus.UNLISTED and not data["stock_code"]:
            fail("stock_code", _("已上市企业须填写股票代码"))
        high_tech = self.get(row, "high_tech").lower()
        if high_tech not in _YES and high_tech not in _NO:
            fail("high_tech", _("请填写“是”或“否”"))
        data["high_tech"] = high_tech in _YES
        self._choice(row, "lifecycle", self.lifecycles, data, fail, default=EnterpriseLifecycle.PROSPECT)
        park_code = self.get(row, "park_code")
        if park_code and park_code not in self.park_codes:
            fail("park_code", _("园区编码“%(code)s”不存在或您无权操作该园区") % {"code": park_code})
        parsed.park_code = park_code
        parsed.tags = [t.strip()[:40] for t in _TAG_SPLIT.split(self.get(row, "tags")) if t.strip()]
        parsed.contact = self._contact(row, fail)
        if not errors:
            self._derive(data)
        return parsed

    def _derive(self, data: dict[str, Any]) -> None:
        data["size_class"], data["above_scale"] = compute_size(
            data["industry_code"], data["employees"], data["annual_revenue_wan"]
        )
        data["above_scale_since"] = timezone.localdate() if data["above_scale"] else None
        data["name_key"] = search.name_key(data["name"])

    def _choice(
        self,
        row: list[Any],
        name: str,
        table: dict[str, str],
        data: dict[str, Any],
        fail: Callable[[str, Any], None],
        *,
        default: str,
    ) -> None:
        value = self.get(row, name)
        if not value:
            data[name] = str(default)
        elif value in table:
            data[name] = table[value]
        else:
            fail(name, _("“%(value)s”不是有效的选项") % {"value": value})
            data[name] = str(default)

    def _decimal(self, row: list[Any], name: str, fail: Callable[[str, Any], None]) -> Decimal | None:
        value = self.get(row, name).replace(",", "").replace("，", "")
        if not value:
            return None
        try:
            number = Decimal(value)
        except InvalidOperation:
            fail(name, _("“%(value)s”不是有效的数字") % {"value": value})
            return None
        if not number.is_finite() or number < 0:
            fail(name, _("不能为负数"))
            return None
        if number >= Decimal("1e12"):
            fail(name, _("数值过大"))
            return None
        return number

    def _date(self, row: list[Any], name: str, fail: Callable[[str, Any], None]) -> datetime.date | None:
        value = self.get(row, name)
        if not value:
            return None
        match = _DATE_PATTERN.fullmatch(value)
        try:
            if not match:
                raise ValueError(value)
            parsed = datetime.date(int(match[1]), int(match[2]), int(match[3]))
        except ValueError:
            fail(name, _("“%(value)s”不是有效的日期，请使用 2020-01-31 格式") % {"value": value})
            return None
        if parsed > timezone.localdate():
            fail(name, _("成立日期不能晚于今天"))
            return None
        return parsed

    def _contact(self, row: list[Any], fail: Callable[[str, Any], None]) -> dict[str, Any] | None:
        values = {
            key: self.get(row, f"contact_{key}") for key in ("name", "title", "mobile", "landline", "email", "wechat")
        }
        if not any(values.values()):
            return None
        contact: dict[str, Any] = {**values, "landline_ext": ""}
        if not values["name"]:
            fail("contact_name", _("填写了联系方式时须填写联系人姓名"))
        if values["mobile"]:
            try:
                parsed = parse_phone(values["mobile"])
                if parsed.kind != "mobile":
                    raise ValidationError(_("请填写11位手机号码，座机请填写在“联系人座机”列"))
                contact["mobile"] = parsed.e164
            except ValidationError as exc:
                fail("contact_mobile", exc.messages[0])
        if values["landline"]:
            try:
                parsed = parse_phone(values["landline"])
                if parsed.kind == "mobile":
                    raise ValidationError(_("这是手机号码，请填写在“联系人手机”列"))
                contact["landline"], contact["landline_ext"] = parsed.e164, parsed.extension or ""
            except ValidationError as exc:
                fail("contact_landline", exc.messages[0])
        if values["email"]:
            try:
                validate_email(values["email"])
                contact["email"] = values["email"].lower()
            except ValidationError:
                fail("contact_email", _("“%(value)s”不是有效的邮箱地址") % {"value": values["email"]})
        return contact


# --- Writing a batch -----------------------------------------------------------------------------


class BatchWriter:
    """Writes one batch of valid rows: upsert enterprises, then contacts, parks and tags."""

    def __init__(self, validator: RowValidator, *, source: str = EnterpriseSource.IMPORT) -> None:
        self.validator = validator
        self.update_fields = validator.enterprise_update_fields
        self.source = source
        self.tag_ids: dict[str, int] = {}

    def write(self, rows: list[ParsedRow]) -> None:
        # Later rows win within a batch (a codeless name repeated in the file updates the same record).
        coded: dict[str, ParsedRow] = {}
        codeless: dict[str, ParsedRow] = {}
        for row in rows:
            code = row.enterprise["credit_code"]
            if code:
                coded[code] = row
            else:
                codeless[row.enterprise["name_key"]] = row
        ids: dict[int, int] = {}  # row number → enterprise id
        if coded:
            self._upsert_coded(coded, ids)
        if codeless:
            self._upsert_codeless(codeless, ids)
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

    def _existing_former(self, existing: dict[str, Any], new_name: str) -> list[str]:
        former = list(existing["former_names"] or [])
        if existing["name"] != new_name and existing["name"] not in former:
            former.append(existing["name"])  # a renamed enterprise stays findable by its old name
        return former

    def _build(self, row: ParsedRow, existing: dict[str, Any] | None) -> Enterprise:
        data = row.enterprise
        former = self._existing_former(existing, data["name"]) if existing else []
        scope = (
            data["business_scope"]
            if "business_scope" in self.validator.index or not existing
            else existing["business_scope"]
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

    def _upsert_coded(self, coded: dict[str, ParsedRow], ids: dict[int, int]) -> None:
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

    def _values(self, row: ParsedRow, existing: dict[str, Any] | None, now: datetime.datetime) -> tuple[Any, ...]:
        data = row.enterprise
        former = self._existing_former(existing, data["name"]) if existing else []
        scope = (
            data["business_scope"]
            if "business_scope" in self.validator.index or not existing
            else existing["business_scope"]
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

    def _upsert_codeless(self, codeless: dict[str, ParsedRow], ids: dict[int, int]) -> None:
        existing: dict[str, dict[str, Any]] = {}
        for row in (
            Enterprise.objects.active()
            .filter(credit_code__isnull=True, name_key__in=list(codeless))
            .order_by("pk")
            .values("pk", "name_key", "name", "former_names", "business_scope")
        ):
            existing.setdefault(row["name_key"], dict(row))
        new: list[tuple[ParsedRow, Enterprise]] = []
        changed: list[tuple[ParsedRow, Enterprise]] = []
        for key, parsed in codeless.items():
            enterprise = self._build(parsed, existing.get(key))
            (changed if enterprise.pk else new).append((parsed, enterprise))
        Enterprise.objects.bulk_create([e for _r, e in new])
        if changed:
            Enterprise.objects.bulk_update([e for _r, e in changed], self.update_fields)
        for written, enterprise in (*new, *changed):
            ids[written.number] = enterprise.pk

    def _contacts(self, rows: list[ParsedRow], ids: dict[int, int]) -> None:
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

    def _links(self, rows: list[ParsedRow], ids: dict[int, int]) -> None:
        park_links = {(ids[r.number], self.validator.park_codes[r.park_code]) for r in rows if r.park_code}
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


# --- Running a job -------------------------------------------------------------------------------


class SimulatedCrash(RuntimeError):
    """Raised by tests (via `crash_after_batches`) to kill an import half-way."""


def _park_codes_for(user: User | None) -> dict[str, int]:

    parks = Park.objects.all()
    if user is not None:
        park_ids = visible_park_ids(user)
        if park_ids is not None:
            parks = parks.filter(pk__in=park_ids)
    return dict(parks.values_list("code", "pk"))


def job_path(job: ImportJob) -> Path:
    return Path(job.file.path)


def create_job(*, upload: IO[bytes] | Path, name: str, mode: str, actor: User | None) -> ImportJob:
    """Store the uploaded file and create its pending job (the caller enqueues or runs it)."""
    if not name.lower().endswith((".xlsx", ".xlsm", ".csv")):
        raise ValidationError(_("仅支持 .xlsx 或 .csv 文件"), code="file_type")
    job = ImportJob(original_name=name[:255], mode=mode, created_by=actor if actor and actor.is_authenticated else None)
    if isinstance(upload, Path):
        with upload.open("rb") as handle:
            job.file.save(name, ContentFile(handle.read()), save=False)
    else:
        job.file.save(name, upload, save=False)  # type: ignore[arg-type]
    job.save()
    return job


def _progress(job: ImportJob, **fields: Any) -> None:
    """Progress written outside the batch transactions, so the job page sees it at once."""
    for name, value in fields.items():
        setattr(job, name, value)
    ImportJob.objects.filter(pk=job.pk).update(**fields)


def run_import(
    job_id: int,
    *,
    batch_size: int = BATCH_SIZE,
    crash_after_batches: int | None = None,
    on_progress: Callable[[ImportJob], None] | None = None,
) -> ImportJob:
    """Run (or resume) an import job to the end; see the module docstring."""
    job = ImportJob.objects.select_related("created_by").get(pk=job_id)
    if job.finished:
        return job
    path = job_path(job)
    resuming_write = job.status == ImportStatus.RUNNING and job.last_row > 0
    if job.started_at is None:
        _progress(job, started_at=timezone.now())
    _progress(job, rows_total=count_rows(path), message="")
    try:
        if job.mode == ImportMode.ALL_OR_NOTHING and not resuming_write:
            if not _validate_all(job, path, batch_size, on_progress):
                _finish(job, ImportStatus.REJECTED)
                return job
            _progress(job, rows_processed=0, rows_ok=0, rows_failed=0, last_row=0)
        _progress(job, status=ImportStatus.RUNNING)
        _write(job, path, batch_size, crash_after_batches, on_progress)
    except SimulatedCrash:
        raise
    except Exception as exc:
        _progress(job, status=ImportStatus.FAILED, message=str(exc)[:2000], finished_at=timezone.now())
        raise
    _finish(job, ImportStatus.DONE)
    return job


def _rows_with_numbers(path: Path) -> tuple[list[Any], Iterator[tuple[int, list[Any]]]]:
    rows = read_rows(path)
    headers = next(rows, [])

    def numbered() -> Iterator[tuple[int, list[Any]]]:
        for number, row in enumerate(rows, start=2):
            if any(cell not in (None, "") for cell in row):
                yield number, row

    return headers, numbered()


def _validator(job: ImportJob, headers: list[Any]) -> RowValidator:
    validator = RowValidator(headers, park_codes=_park_codes_for(job.created_by))
    if validator.missing_required:
        raise ValidationError(
            _("文件缺少必需的列：%(columns)s") % {"columns": "、".join(validator.missing_required)}, code="columns"
        )
    return validator


def _error_objects(job: ImportJob, rows: list[ParsedRow]) -> list[ImportRowError]:
    return [
        ImportRowError(
            job=job,
            row_number=row.number,
            column=column,
            message=message[:500],
            values=[_cell_text(v) for v in row.values],
        )
        for row in rows
        for column, message in row.errors
    ]


def _validate_all(job: ImportJob, path: Path, batch_size: int, on_progress: Callable[[ImportJob], None] | None) -> bool:
    """All-or-nothing, pass 1: validate every row, store the errors, write nothing."""
    ImportRowError.objects.filter(job=job).delete()
    _progress(job, status=ImportStatus.VALIDATING, rows_processed=0, rows_ok=0, rows_failed=0)
    headers, rows = _rows_with_numbers(path)
    validator = _validator(job, headers)
    processed = ok = failed = 0
    bad: list[ParsedRow] = []
    for number, raw in rows:
        parsed = validator.parse(number, raw)
        processed += 1
        if parsed.errors:
            failed += 1
            bad.append(parsed)
        else:
            ok += 1
        if processed % batch_size == 0:
            ImportRowError.objects.bulk_create(_error_objects(job, bad))
            bad = []
            _progress(job, rows_processed=processed, rows_ok=ok, rows_failed=failed)
            if on_progress:
                on_progress(job)
    ImportRowError.objects.bulk_create(_error_objects(job, bad))
    _progress(job, rows_processed=processed, rows_ok=ok, rows_failed=failed)
    return failed == 0


def _write(
    job: ImportJob,
    path: Path,
    batch_size: int,
    crash_after_batches: int | None,
    on_progress: Callable[[ImportJob], None] | None,
) -> None:
    headers, rows = _rows_with_numbers(path)
    validator = _validator(job, headers)
    writer = BatchWriter(validator)
    checkpoint = job.last_row
    failed_before = set(job.row_errors.values_list("row_number", flat=True)) if checkpoint else set()
    batch: list[tuple[int, list[Any]]] = []
    batches = 0
    for number, raw in rows:
        if number <= checkpoint:
            # Resuming: these rows are committed. Remember their codes so in-file duplicates are still caught.
            if number not in failed_before:
                code = validator.get(raw, "credit_code")
                if code:
                    validator.seen_codes.setdefault(credit_code.normalize(code), number)
            continue
        batch.append((number, raw))
        if len(batch) >= batch_size:
            _commit_batch(job, validator, writer, batch)
            batch = []
            batches += 1
            if on_progress:
                on_progress(job)
            if crash_after_batches is not None and batches >= crash_after_batches:
                raise SimulatedCrash(f"simulated crash after {batches} batches")
    if batch:
        _commit_batch(job, validator, writer, batch)


def _commit_batch(
    job: ImportJob, validator: RowValidator, writer: BatchWriter, batch: list[tuple[int, list[Any]]]
) -> None:
    parsed = [validator.parse(number, raw) for number, raw in batch]
    good = [row for row in parsed if not row.errors]
    bad = [row for row in parsed if row.errors]
    last = batch[-1][0]
    with transaction.atomic():
        # Lock the job: two workers resuming the same job cannot both commit this batch.
        current = ImportJob.objects.select_for_update().get(pk=job.pk)
        if current.last_row >= last:
            return
        if good:
            writer.write(good)
        ImportRowError.objects.bulk_create(_error_objects(job, bad))
        job.rows_processed = current.rows_processed + len(parsed)
        job.rows_ok = current.rows_ok + len(good)
        job.rows_failed = current.rows_failed + len(bad)
        job.last_row = last
        ImportJob.objects.filter(pk=job.pk).update(
            rows_processed=job.rows_processed, rows_ok=job.rows_ok, rows_failed=job.rows_failed, last_row=last
        )
        audit_record(
            actor=job.created_by,
            action=AuditAction.IMPORT,
            obj=job,
            changes={"rows": [batch[0][0], last], "ok": len(good), "failed": len(bad)},
        )


def _finish(job: ImportJob, status: str) -> None:
    if job.rows_failed or job.row_errors.exists():
        write_error_report(job)
    _progress(job, status=status, finished_at=timezone.now(), rows_processed=max(job.rows_processed, 0))


def write_error_report(job: ImportJob) -> None:
    """The rejected rows with their original columns plus 行号 and 错误, as .xlsx (streamed)."""

    headers, _rows = _rows_with_numbers(job_path(job))
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("错误报告"))
    sheet.append([_("行号"), *[_cell_text(h) for h in headers], _("错误")])
    current: int | None = None
    values: list[Any] = []
    messages: list[str] = []
    for error in job.row_errors.order_by("row_number", "pk").iterator(chunk_size=2000):
        if error.row_number != current:
            if current is not None:
                sheet.append([current, *values, "；".join(messages)])
            current, values, messages = error.row_number, error.values, []
        messages.append(f"{error.column}：{error.message}" if error.column else error.message)
    if current is not None:
        sheet.append([current, *values, "；".join(messages)])
    buffer = io.BytesIO()
    workbook.save(buffer)
    stem = Path(job.original_name).stem
    job.error_report.save(f"{stem}-错误报告.xlsx", ContentFile(buffer.getvalue()), save=False)
    ImportJob.objects.filter(pk=job.pk).update(error_report=job.error_report.name)


def template_workbook() -> bytes:
    """An empty import template with every column header and one example row."""

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("企业导入模板"))
    sheet.append([c.header for c in COLUMNS])
    sheet.append([
        "重庆博腾医疗器械有限公司", "91500113MA4CL12T2E", "有限责任公司", "1000", "2018-03-15",
        "重庆市巴南区麻柳大道699号", "重庆市", "巴南区", "C3581", "医疗器械研发、生产、销售", "120", "8600",
        "未上市", "", "是", "重点招商", "潜在客户", "", "张伟", "总经理", "13800138000", "023-67891234", "", "",
    ])  # fmt: skip
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
