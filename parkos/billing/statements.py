"""Reading bank statements (银行流水) in the layouts Chinese banks export, into typed rows.

A `Layout` names the header texts of each column a bank uses (RULES §14.5: the built-in layouts of
the large banks are from memory, [M], and every layout can be changed or added as a
`BankStatementLayout` row). Reading:
1. Find the header row among the first rows (banks put the account and the period above it).
2. Map each needed column by its header (NFKC, spaces and bracketed notes ignored).
3. Read each row below: the date, the incoming amount (a credit column, or an amount with a
   debit/credit flag, or a signed amount), the payer's name and account, the reference (摘要, 用途,
   附言 joined) and the bank's serial number. Outgoing payments are skipped; a row that cannot be
   read is reported with its row number and the reason.
"""

from __future__ import annotations

import datetime
import hashlib
import io
import re
import unicodedata
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext as _

from parkos.billing.money import to_fen
from parkos.core.importing.errors import FileRejected
from parkos.core.importing.reading import Deadline, ImportLimits, Source, TableFile

if TYPE_CHECKING:
    from parkos.billing.models import BankStatementLayout

HEADER_SEARCH_ROWS = 30
MAX_ROWS = 50_000
_BRACKETED = re.compile(r"[(（\[【].*?[)）\]】]")


def _split(text: str) -> tuple[str, ...]:
    return tuple(part for part in (p.strip() for p in text.split("|")) if part)


@dataclass(frozen=True)
class Layout:
    """Which headers carry each field in one bank's export (several spellings each)."""

    name: str
    date: tuple[str, ...]
    payer_name: tuple[str, ...]
    credit: tuple[str, ...] = ()
    debit: tuple[str, ...] = ()
    amount: tuple[str, ...] = ()
    direction: tuple[str, ...] = ()
    credit_markers: tuple[str, ...] = ("贷", "收入", "收", "C", "CR")
    payer_account: tuple[str, ...] = ()
    reference: tuple[str, ...] = ()
    serial: tuple[str, ...] = ()

    @classmethod
    def from_model(cls, row: BankStatementLayout) -> Layout:
        """A layout configured as a `BankStatementLayout` row."""
        return cls(
            name=row.name,
            date=_split(row.date_headers),
            payer_name=_split(row.payer_name_headers),
            credit=_split(row.credit_headers),
            debit=_split(row.debit_headers),
            amount=_split(row.amount_headers),
            direction=_split(row.direction_headers),
            credit_markers=_split(row.credit_markers) or cls.credit_markers,
            payer_account=_split(row.payer_account_headers),
            reference=_split(row.reference_headers),
            serial=_split(row.serial_headers),
        )


#: The layouts of the banks park operators use most ([M]: from memory of their corporate online
#: banking exports; real files vary by branch and version, so every header has its alternatives).
BUILTIN_LAYOUTS: tuple[Layout, ...] = (
    Layout(
        name="中国工商银行",
        date=("交易时间", "交易日期", "记账日期"),
        credit=("贷方发生额", "收入金额", "贷方金额"),
        debit=("借方发生额", "支出金额", "借方金额"),
        payer_name=("对方单位名称", "对方户名", "对方单位"),
        payer_account=("对方账号", "对方帐号"),
        reference=("摘要", "用途", "附言", "备注"),
        serial=("交易流水号", "凭证号", "流水号"),
    ),
    Layout(
        name="中国建设银行",
        date=("交易时间", "记账日期", "交易日期"),
        credit=("贷方发生额", "收入金额"),
        debit=("借方发生额", "支出金额"),
        payer_name=("对方户名", "对方单位名称"),
        payer_account=("对方账号", "对方帐号"),
        reference=("摘要", "备注", "用途"),
        serial=("账户明细编号-交易流水号", "交易流水号", "流水号"),
    ),
    Layout(
        name="中国农业银行",
        date=("交易日期", "交易时间"),
        credit=("收入金额", "贷方发生额"),
        debit=("支出金额", "借方发生额"),
        payer_name=("对方户名", "对方单位名称"),
        payer_account=("对方账号", "对方帐号"),
        reference=("交易用途", "摘要", "附言"),
        serial=("交易流水号", "流水号"),
    ),
    Layout(
        name="中国银行",
        date=("交易日期", "记账日期"),
        amount=("交易金额", "发生额"),
        payer_name=("付款人名称", "对方户名", "对方单位名称"),
        payer_account=("付款人账号", "对方账号"),
        reference=("摘要", "用途", "附言", "交易附言"),
        serial=("交易流水号", "流水号"),
    ),
    Layout(
        name="招商银行",
        date=("交易日", "交易日期"),
        credit=("贷方金额", "收入金额"),
        debit=("借方金额", "支出金额"),
        payer_name=("收(付)方名称", "收/付方名称", "对方户名"),
        payer_account=("收(付)方帐号", "收(付)方账号", "收/付方账号", "对方账号"),
        reference=("摘要", "用途", "业务参考号"),
        serial=("流水号", "交易流水号"),
    ),
    Layout(
        name="重庆农村商业银行",
        date=("交易日期", "记账日期", "交易时间"),
        amount=("发生额", "交易金额"),
        direction=("借贷标志", "借贷方向", "收支标志"),
        payer_name=("对方户名", "对方名称"),
        payer_account=("对方账号",),
        reference=("摘要", "附言", "用途"),
        serial=("流水号", "交易流水号"),
    ),
    Layout(
        name="通用格式",
        date=("日期", "交易日期", "到账日期"),
        credit=("收入", "收入金额", "金额"),
        debit=("支出", "支出金额"),
        payer_name=("付款方", "对方户名", "付款户名"),
        payer_account=("付款账号", "对方账号"),
        reference=("摘要", "附言", "备注"),
        serial=("流水号",),
    ),
)


def normalise_header(text: object) -> str:
    """NFKC, no spaces, lower case; "贷方发生额（收入）" and "贷方发生额" both become "贷方发生额"."""
    value = unicodedata.normalize("NFKC", str(text or "")).strip()
    return re.sub(r"\s+", "", value).lower()


def _header_matches(header: str, spellings: Sequence[str]) -> bool:
    plain = _BRACKETED.sub("", header)
    return any(normalise_header(s) in (header, plain) for s in spellings)


@dataclass(frozen=True, slots=True)
class StatementRow:
    row_number: int
    booked_on: datetime.date
    amount: Decimal
    payer_name: str
    payer_account: str
    reference: str
    serial: str


@dataclass
class ReadResult:
    rows: list[StatementRow] = field(default_factory=list)
    errors: list[tuple[int | None, str]] = field(default_factory=list)
    skipped: int = 0
    read: int = 0


class StatementError(Exception):
    """The file as a whole cannot be read with the layout; the message is for the user."""


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


_DATE_PATTERNS = (
    re.compile(r"^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})"),
    re.compile(r"^(\d{4})(\d{2})(\d{2})"),
)


def parse_date(value: object) -> datetime.date:
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    text = _cell_text(value)
    for pattern in _DATE_PATTERNS:
        found = pattern.match(text)
        if found:
            return datetime.date(int(found[1]), int(found[2]), int(found[3]))
    raise ValueError(text)


def parse_amount(value: object) -> Decimal | None:
    """A money cell as Decimal (None when blank); floats from Excel are read by their shortest repr."""
    if value is None:
        return None
    if isinstance(value, int | float) and not isinstance(value, bool):
        return Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
    text = unicodedata.normalize("NFKC", str(value)).replace(",", "").replace("¥", "").replace("元", "").strip()
    if not text or text in {"-", "--"}:
        return None
    try:
        return Decimal(text)
    except InvalidOperation:
        raise ValueError(text) from None


@dataclass(frozen=True)
class _Columns:
    date: int
    payer_name: int
    credit: int | None
    debit: int | None
    amount: int | None
    direction: int | None
    payer_account: int | None
    reference: tuple[int, ...]
    serial: int | None


def _find(headers: list[str], spellings: Sequence[str]) -> int | None:
    if not spellings:
        return None
    for wanted in spellings:  # the layout's order of preference
        for index, header in enumerate(headers):
            if header and _header_matches(header, (wanted,)):
                return index
    return None


def _columns(headers: list[str], layout: Layout) -> _Columns | None:
    date = _find(headers, layout.date)
    payer = _find(headers, layout.payer_name)
    credit = _find(headers, layout.credit)
    amount = _find(headers, layout.amount)
    if date is None or payer is None or (credit is None and amount is None):
        return None
    reference = []
    for spelling in layout.reference:
        index = _find(headers, (spelling,))
        if index is not None and index not in reference:
            reference.append(index)
    return _Columns(
        date=date,
        payer_name=payer,
        credit=credit,
        debit=_find(headers, layout.debit),
        amount=amount if credit is None else None,
        direction=_find(headers, layout.direction),
        payer_account=_find(headers, layout.payer_account),
        reference=tuple(reference),
        serial=_find(headers, layout.serial),
    )


def _incoming(values: list[Any], cols: _Columns, layout: Layout) -> Decimal | None:
    """The incoming amount of a row, or None for an outgoing one."""
    if cols.credit is not None:
        credit = parse_amount(values[cols.credit])
        return credit if credit is not None and credit > 0 else None
    assert cols.amount is not None
    amount = parse_amount(values[cols.amount])
    if amount is None or amount == 0:
        return None
    if cols.direction is not None:
        flag = normalise_header(values[cols.direction])
        markers = {normalise_header(m) for m in layout.credit_markers}
        return abs(amount) if flag in markers else None
    return amount if amount > 0 else None


def _cell(values: list[Any], index: int | None) -> Any:
    return values[index] if index is not None and index < len(values) else None


def _read_rows(table: Iterator[tuple[int, list[Any]]], layout: Layout) -> ReadResult:
    result = ReadResult()
    cols = None
    for number, values in table:
        if cols is None:
            if number > HEADER_SEARCH_ROWS:
                break
            cols = _columns([normalise_header(v) for v in values], layout)
            continue
        if not any(_cell_text(v) for v in values):
            continue
        result.read += 1
        if result.read > MAX_ROWS:
            raise StatementError(_("流水超过%(n)d行，请按月份分批导入") % {"n": MAX_ROWS})
        padded = [*values, *([None] * 40)]
        try:
            booked_on = parse_date(padded[cols.date])
        except ValueError:
            if _cell_text(padded[cols.date]).startswith(("合计", "总计", "本页")):
                result.skipped += 1  # the totals line at the end of many exports
                continue
            result.errors.append((number, _("交易日期无法识别：%(value)s") % {"value": _cell_text(padded[cols.date])}))
            continue
        try:
            amount = _incoming(padded, cols, layout)
        except ValueError as exc:
            result.errors.append((number, _("金额无法识别：%(value)s") % {"value": exc}))
            continue
        if amount is None:
            result.skipped += 1
            continue
        result.rows.append(
            StatementRow(
                row_number=number,
                booked_on=booked_on,
                amount=to_fen(amount),
                payer_name=_cell_text(padded[cols.payer_name])[:200],
                payer_account=_cell_text(_cell(padded, cols.payer_account)).replace(" ", "")[:60],
                reference=" ".join(t for t in (_cell_text(padded[i]) for i in cols.reference) if t)[:300],
                serial=_cell_text(_cell(padded, cols.serial))[:80],
            )
        )
    if cols is None:
        raise StatementError(
            _("未找到“%(layout)s”格式的表头（需要交易日期、对方户名和收入金额列），请确认选择的银行格式")
            % {"layout": layout.name}
        )
    return result


def read_table(data: bytes, file_name: str) -> Iterator[tuple[int, list[Any]]]:
    """The non-blank rows of the first sheet of an .xlsx, or of a CSV, as (row number, cells).

    Read by the shared import framework's reader (`parkos.core.importing`): the upload limits, zip-bomb
    and oversized-sheet checks, and the CSV encoding detection (UTF-8, BOMs, GBK/GB18030) are its.
    """
    limits = ImportLimits.from_settings()
    source = Source.from_stream(io.BytesIO(data), file_name, len(data))
    try:
        with TableFile(source, limits, Deadline(limits.seconds)) as table:
            if not table.titles:
                raise StatementError(_("工作簿中没有工作表"))
            for number, cells in table.rows(table.titles[0]):
                yield number, list(cells)
    except FileRejected as exc:
        raise StatementError(str(exc)) from exc


def read_statement(data: bytes, file_name: str, layout: Layout) -> ReadResult:
    """The incoming transfers of a statement file (.xlsx or .csv) read with `layout`."""
    return _read_rows(read_table(data, file_name), layout)


def dedupe_keys(rows: Sequence[StatementRow]) -> list[str]:
    """A key per row that is the same when the same transfer is imported again.

    The bank's serial number when it has one; otherwise the row's facts and how many identical rows
    came before it in the file (two equal transfers on one day stay two).
    """
    seen: dict[str, int] = {}
    keys = []
    for row in rows:
        if row.serial:
            basis = f"s|{row.serial}"
        else:
            facts = f"{row.booked_on}|{row.amount}|{row.payer_name}|{row.payer_account}|{row.reference}"
            seen[facts] = seen.get(facts, 0) + 1
            basis = f"r|{facts}|{seen[facts]}"
        keys.append(hashlib.sha256(basis.encode()).hexdigest())
    return keys
