"""Import 主要产品产量 (.xlsx or CSV) on the shared import framework: one row per enterprise, month and product.

Money (出口交货值) in the unit its header names — 元, 万元 or 亿元; 万元 when it names none — stored in
元. The quantity's unit is a column of its own (a declared choice: 万件, 吨, 台, …). Rows go through
`product_output.output_record` (its checks and audit entry) each in a savepoint; matched by
enterprise credit code, year, month and product name, so importing a file twice changes nothing.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import IO, TYPE_CHECKING, Any, Final

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from parkos.core.audit import audit_record
from parkos.core.importing import (
    MONEY,
    Choice,
    Column,
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
    run_import,
    template_workbook,
)
from parkos.core.models import AuditAction
from parkos.enterprises import credit_code
from parkos.enterprises.models import Enterprise
from parkos.parks.models import Park
from parkos.statistics import product_output
from parkos.statistics.choices import ProductUnit, ReportSource

if TYPE_CHECKING:
    from parkos.accounts.models import User

_AMOUNT: Final = MONEY.with_units(stored="元", default="万元")


def _code(text: str) -> str:
    code = credit_code.normalize(text)
    if not code:
        raise ValidationError(_("请填写统一社会信用代码"))
    return code


@dataclass
class OutputRow:
    credit_code: str
    year: int
    month: int
    product_name: str
    unit: str
    quantity: Decimal
    product_code: str = ""
    exports: Decimal | None = None
    note: str = ""


OUTPUTS: Final = TableSpec[OutputRow](
    name="outputs",
    title=gettext_lazy("主要产品产量"),
    row_type=OutputRow,
    key=("credit_code", "year", "month", "product_name"),
    columns=(
        Column("credit_code", gettext_lazy("企业统一社会信用代码"), Validated(_code), required=True,
               example="91500113MA4CL12T2E"),
        Column("year", gettext_lazy("年份"), Integer(minimum=2000, maximum=2100), required=True, example=2025),
        Column("month", gettext_lazy("月份"), Integer(minimum=1, maximum=12), required=True, example=6),
        Column("product_name", gettext_lazy("产品名称"), Text(max_length=100), required=True, example="医用防护服"),
        Column("product_code", gettext_lazy("产品代码"), Text(max_length=12), blank="", example="1784"),
        Column("unit", gettext_lazy("计量单位"), Choice(ProductUnit), required=True, example=ProductUnit.TEN_THOUSAND_ITEMS),
        Column("quantity", gettext_lazy("本月产量"), Number(minimum=Decimal(0), maximum=Decimal("1e12"), places=3),
               required=True, example=12.5),
        Column("exports", gettext_lazy("出口交货值"), Number(minimum=Decimal(0), maximum=Decimal("1e16"), places=2),
               unit=_AMOUNT, example=80),
        Column("note", gettext_lazy("备注"), Text(max_length=200), blank=""),
    ),
)  # fmt: skip

WORKBOOK: Final = WorkbookSpec(tables=(OUTPUTS,))


class OutputImporter(TableImporter[OutputRow]):
    workbook = WORKBOOK
    batch_size = 500

    def __init__(self, *, park: Park, actor: User | None) -> None:
        self.park = park
        self.actor = actor
        self.enterprises: dict[str, Enterprise] = {}
        self.changed = 0

    def check(self, table: TableSpec[Any], rows: Sequence[Row[OutputRow]], ctx: ImportContext) -> None:
        codes = {row.data.credit_code for row in rows}
        self.enterprises |= {
            e.credit_code: e for e in Enterprise.objects.filter(credit_code__in=codes) if e.credit_code
        }
        for row in rows:
            if row.data.credit_code not in self.enterprises:
                ctx.error(
                    row,
                    _("企业库中没有代码为“%(code)s”的企业") % {"code": row.data.credit_code},
                    column=table.header_of("credit_code"),
                )

    def apply(self, table: TableSpec[Any], rows: Sequence[Row[OutputRow]], ctx: ImportContext) -> None:
        for row in rows:
            data = row.data
            try:
                with transaction.atomic():  # a savepoint: a refused row leaves nothing
                    existed = product_output.exists(
                        self.enterprises[data.credit_code], data.year, data.month, data.product_name
                    )
                    _row, changed = product_output.output_record(
                        park=self.park,
                        enterprise=self.enterprises[data.credit_code],
                        year=data.year,
                        month=data.month,
                        data=product_output.OutputData(
                            product_name=data.product_name,
                            unit=data.unit,
                            quantity=data.quantity,
                            exports=data.exports,
                            product_code=data.product_code,
                            note=data.note,
                        ),
                        actor=self.actor,
                        source=ReportSource.IMPORT,
                    )
            except ValidationError as exc:
                ctx.refused(row, exc, table=table)
                continue
            outcome = "unchanged" if not changed else "updated" if existed else "created"
            ctx.count(table.name, **{outcome: 1})
            self.changed += changed

    def finish(self, ctx: ImportContext) -> None:
        if ctx.dry_run or not self.changed:
            return
        audit_record(
            actor=self.actor,
            action=AuditAction.IMPORT,
            object_type="park_statistics.productoutput",
            object_repr=_("主要产品产量导入：%(park)s") % {"park": self.park.name},
            changes=ctx.counts_by_table(),
            park_id=self.park.pk,
        )


def import_outputs(
    *, park: Park, name: str, data: bytes | IO[bytes], actor: User | None, dry_run: bool = False
) -> ImportOutcome:
    """Import a file of product output into a park (all or nothing)."""
    stream = io.BytesIO(data) if isinstance(data, bytes) else data
    return run_import(
        OutputImporter(park=park, actor=actor),
        Source.from_stream(stream, name),
        mode=ImportMode.ALL_OR_NOTHING,
        dry_run=dry_run,
    )


def template_bytes() -> bytes:
    buffer = io.BytesIO()
    template_workbook(WORKBOOK).save(buffer)
    return buffer.getvalue()
