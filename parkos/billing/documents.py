"""Bills as documents: the PDF on the operator's letterhead (WeasyPrint, Noto Sans CJK) and .xlsx.

A bill's document is rendered from its stored rows each time, so it is the same whenever it is
downloaded: an issued bill never changes.
"""

from __future__ import annotations

import base64
import mimetypes
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _
from openpyxl import Workbook

from parkos.billing import services
from parkos.billing.charges import DOCUMENT_LANGUAGE
from parkos.billing.models import Bill, BillingProfile, BillLine
from parkos.billing.money import ZERO, amount_in_words
from parkos.core.xlsx import DATE_FORMAT, MONEY_FORMAT, Column, write_sheet


@dataclass(frozen=True)
class TaxSummary:
    rate: Decimal
    amount: Decimal
    tax: Decimal

    @property
    def net(self) -> Decimal:
        return self.amount - self.tax


def _logo_uri(profile: BillingProfile) -> str:
    """The letterhead logo inlined as a data URI (WeasyPrint then needs no file access)."""
    if not profile.logo:
        return ""
    try:
        with profile.logo.open("rb") as handle:
            data = handle.read()
    except OSError:
        return ""
    kind = mimetypes.guess_type(profile.logo.name or "")[0] or "image/png"
    return f"data:{kind};base64,{base64.b64encode(data).decode()}"


def bill_context(bill: Bill) -> dict[str, Any]:
    """What the bill page, its PDF and its workbook show."""
    profile = services.profile_for(bill.park_id)
    lines = list(bill.lines.select_related("contract").order_by("contract_id", "period_start", "kind", "pk"))
    by_rate: dict[Decimal, list[BillLine]] = {}
    for line in lines:
        by_rate.setdefault(line.tax_rate, []).append(line)
    taxes = [
        TaxSummary(rate, sum((x.amount for x in group), ZERO), sum((x.tax_amount for x in group), ZERO))
        for rate, group in sorted(by_rate.items())
    ]
    open_amount = sum((line.outstanding for line in lines if line.amount > 0), ZERO)
    return {
        "bill": bill,
        "profile": profile,
        "lines": lines,
        "taxes": taxes,
        "total_words": amount_in_words(bill.total_amount),
        "open_amount": open_amount,
        "enterprise": bill.account.enterprise,
    }


def bill_pdf(bill: Bill) -> bytes:
    """The bill as a PDF on the operator's letterhead, in Chinese (the document language)."""
    # WeasyPrint loads pango and its fonts (about 0.3 s and 40 MB); only this export needs them.
    from weasyprint import HTML  # noqa: PLC0415

    with translation.override(DOCUMENT_LANGUAGE):
        context = bill_context(bill) | {"logo": _logo_uri(services.profile_for(bill.park_id))}
        html = render_to_string("billing/bill_pdf.html", context)
    pdf: bytes = HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf()
    return pdf


def _line_columns() -> list[Column]:
    return [
        Column(_("账单号"), "bill.number", width=26),
        Column(_("企业"), "account.enterprise.name", width=30),
        Column(_("合同"), lambda line: line.contract.number if line.contract_id else "", width=24),
        Column(_("费用类型"), "get_kind_display"),
        Column(_("摘要"), "description", width=40),
        Column(_("计费期起"), "period_start", DATE_FORMAT),
        Column(_("计费期止"), "period_end", DATE_FORMAT),
        Column(_("数量"), "quantity"),
        Column(_("单位"), "unit"),
        Column(_("单价（元）"), "unit_price"),
        Column(_("金额（元，含税）"), "amount", MONEY_FORMAT),
        Column(_("税率"), "tax_rate", "0%"),
        Column(_("税额（元）"), "tax_amount", MONEY_FORMAT),
        Column(_("应付日期"), "due_on", DATE_FORMAT),
        Column(_("已结算（元）"), "settled_amount", MONEY_FORMAT),
    ]


def lines_workbook(lines: Iterable[BillLine], title: str) -> Workbook:
    """Bill lines as one sheet (a bill, or a whole run)."""
    workbook = Workbook(write_only=True)
    write_sheet(workbook, title, _line_columns(), lines)
    return workbook
