"""The 开票 requests as a workbook that invoicing software imports (数电票 batch issue).

ParkOS does not talk to the tax system (RULES §14.8). The officer exports the pending requests,
imports the file into the invoicing software (电子税务局 "批量开具" or a vendor's client), issues the
invoices there and records their numbers back in ParkOS. The layout — three sheets: invoices, their
lines, and the 不动产经营租赁 details that rent invoices must carry — follows the 电子税务局 batch
template as remembered ([M]): column names can be renamed in the software's import mapping.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from openpyxl import Workbook

from parkos.billing import services
from parkos.billing.choices import InvoiceScope, InvoiceType
from parkos.billing.models import InvoiceRequest
from parkos.core.xlsx import MONEY_FORMAT, Column, write_sheet

_TYPE_NAMES = {InvoiceType.SPECIAL: "数电票（增值税专用发票）", InvoiceType.NORMAL: "数电票（普通发票）"}
LEASE_BUSINESS = "不动产经营租赁服务"


def serial(request: InvoiceRequest) -> str:
    """The invoice's serial in the file (发票流水号), which links its three sheets."""
    return f"PK{request.pk:08d}"


def _invoice_rows(requests: list[InvoiceRequest]) -> list[dict[str, Any]]:
    return [
        {
            "serial": serial(r),
            "type": _TYPE_NAMES[InvoiceType(r.invoice_type)],
            "business": LEASE_BUSINESS if r.scope == InvoiceScope.LEASE else "",
            "tax_included": "是",
            "buyer": r.buyer_name,
            "code": r.buyer_credit_code,
            "address": r.buyer_address,
            "phone": r.buyer_phone,
            "bank": r.buyer_bank,
            "account": r.buyer_bank_account,
            "note": f"账单{r.bill.number} {r.note}".strip(),
            "email": r.email,
        }
        for r in requests
    ]


def _line_rows(requests: list[InvoiceRequest]) -> list[dict[str, Any]]:
    rows = []
    for r in requests:
        for line in services.invoice_lines(r.bill, r.scope).order_by("pk"):
            rows.append(
                {
                    "serial": serial(r),
                    "item": line.invoice_item,
                    "code": line.tax_code,
                    "spec": line.description[:40],
                    "unit": line.unit or ("月" if line.period_start else ""),
                    "quantity": line.quantity if line.quantity is not None else 1,
                    "price": line.unit_price if line.unit_price is not None else line.amount,
                    "amount": line.amount,
                    "rate": line.tax_rate,
                    "tax": line.tax_amount,
                }
            )
    return rows


def _lease_rows(requests: list[InvoiceRequest]) -> list[dict[str, Any]]:
    rows = []
    for r in requests:
        if r.scope != InvoiceScope.LEASE:
            continue
        lines = list(services.invoice_lines(r.bill, r.scope).select_related("contract__park"))
        starts = [line.period_start for line in lines if line.period_start]
        ends = [line.period_end for line in lines if line.period_end]
        park = r.bill.park
        rows.append(
            {
                "serial": serial(r),
                "region": f"{park.province}{park.city}{park.district}",
                "address": park.address,
                "start": min(starts).isoformat() if starts else "",
                "end": max(ends).isoformat() if ends else "",
                "cross_city": "否",
                "certificate": "",
                "area_unit": "平方米",
            }
        )
    return rows


def export_workbook(requests: Iterable[InvoiceRequest]) -> Workbook:
    chosen = list(requests)
    workbook = Workbook(write_only=True)
    write_sheet(
        workbook,
        "1-发票基本信息",
        [
            Column("发票流水号", "serial"),
            Column("发票类型", "type", width=24),
            Column("特定业务类型", "business", width=20),
            Column("是否含税", "tax_included"),
            Column("购买方名称", "buyer", width=30),
            Column("购买方纳税人识别号", "code", width=22),
            Column("购买方地址", "address", width=30),
            Column("购买方电话", "phone"),
            Column("购买方开户银行", "bank", width=24),
            Column("购买方银行账号", "account", width=24),
            Column("备注", "note", width=30),
            Column("收票人邮箱", "email", width=24),
        ],
        _invoice_rows(chosen),
    )
    write_sheet(
        workbook,
        "2-发票明细信息",
        [
            Column("发票流水号", "serial"),
            Column("项目名称", "item", width=26),
            Column("商品和服务税收分类编码", "code", width=22),
            Column("规格型号", "spec", width=30),
            Column("单位", "unit"),
            Column("数量", "quantity"),
            Column("单价", "price"),
            Column("金额", "amount", MONEY_FORMAT),
            Column("税率", "rate", "0%"),
            Column("税额", "tax", MONEY_FORMAT),
        ],
        _line_rows(chosen),
    )
    write_sheet(
        workbook,
        "3-不动产经营租赁",
        [
            Column("发票流水号", "serial"),
            Column("不动产地址（省市区县）", "region", width=24),
            Column("详细地址", "address", width=30),
            Column("租赁期起", "start"),
            Column("租赁期止", "end"),
            Column("跨地（市）标志", "cross_city"),
            Column("产权证书/不动产权证号", "certificate", width=24),
            Column("面积单位", "area_unit"),
        ],
        _lease_rows(chosen),
    )
    return workbook
