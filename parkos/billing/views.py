"""Billing pages for park staff, and tenants' own bills: thin layers over services and selectors.

Reading needs a visible park; writes need MANAGE_BILLING (run bills, record payments, remind, take
开票 requests) or APPROVE_BILLING (approve and issue runs, credit notes, decide write-offs, refund
deposits) in the object's park.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet, Sum
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from parkos.accounts.access import (
    Capability,
    acting_user,
    has_capability,
    is_staff_member,
    scope_to_parks,
    visible_park_ids,
    visible_parks,
)
from parkos.billing import billrun, documents, invoicing, readings, selectors, services, statements
from parkos.billing.choices import BillKind, BillRunStatus, BillStatus, ChargeKind, InvoiceRequestStatus
from parkos.billing.filtersets import (
    BILL_ORDERING,
    PAYMENT_ORDERING,
    BillFilterSet,
    BillRunFilterSet,
    InvoiceRequestFilterSet,
    PaymentFilterSet,
    ReminderFilterSet,
    WriteOffFilterSet,
)
from parkos.billing.forms import (
    DepositForm,
    ExtraChargeForm,
    InvoiceRecordForm,
    InvoiceRequestForm,
    LineAmountsForm,
    MatchForm,
    PaymentForm,
    ProfileForm,
    ReadingImportForm,
    ReasonForm,
    RunStartForm,
    StatementImportForm,
    TaxRuleForm,
)
from parkos.billing.models import (
    Account,
    BankStatement,
    BankStatementLine,
    Bill,
    BillingProfile,
    BillLine,
    BillRun,
    DepositMovement,
    ExtraCharge,
    InvoiceRequest,
    Payment,
    Reminder,
    TaxRule,
    UtilityReading,
    WriteOff,
)
from parkos.billing.permissions import may_bill
from parkos.billing.tasks import generate_bill_run_task
from parkos.core.xlsx import (
    MONEY_FORMAT,
    Column,
    content_disposition,
    stamped_filename,
    workbook_response,
    xlsx_response,
)
from parkos.leasing.models import Contract
from parkos.parks.models import Park
from parkos.statistics.views import TenantMixin
from parkos.web.forms import FormData
from parkos.web.views_generic import FilteredListView, Paginable, ParkScopedMixin, apply_validation_error

#: Runs of parks with more leases than this generate in the background (`manage.py db_worker`).
INLINE_RUN_LEASES = 3000


class BillingAccessMixin(ParkScopedMixin):
    """Park-scoped staff pages that also need a billing capability, even to read."""

    def dispatch(self, request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
        if is_staff_member(request.user) and not may_bill(request.user):
            raise PermissionDenied(_("您的角色无权查看账单与收款。"))
        return super().dispatch(request, *args, **kwargs)


def _park_ids(request: HttpRequest) -> list[int] | None:
    """The parks a report covers: `?park=` if visible, else the active park, else all visible parks."""
    visible = visible_park_ids(request.user)
    wanted = request.GET.get("park") or getattr(getattr(request, "active_park", None), "pk", None)
    try:
        park_id = int(wanted) if wanted else None
    except ValueError:
        park_id = None
    if park_id is not None and (visible is None or park_id in visible):
        return [park_id]
    return visible


def _parks(request: HttpRequest) -> QuerySet[Any]:
    return visible_parks(request.user).filter(archived_at__isnull=True).order_by("name")


def _date_param(request: HttpRequest, name: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(request.GET.get(name, ""))
    except ValueError:
        return timezone.localdate()


def _accounts(request: HttpRequest) -> QuerySet[Account]:
    accounts = scope_to_parks(request.user, Account.objects.all())
    park_ids = _park_ids(request)
    return accounts if park_ids is None else accounts.filter(park_id__in=park_ids)


def _crumbs(*items: tuple[str, str]) -> list[tuple[str, str]]:
    return [(_("账单与收款"), reverse("billing:home")), *items]


def _error(request: HttpRequest, exc: ValidationError) -> None:
    messages.error(request, "；".join(exc.messages))


class BillingHomeView(BillingAccessMixin, TemplateView):
    """Where billing work starts: this month's runs, money owed, and what waits for an officer."""

    template_name = "billing/home.html"

    def get_context_data(self, **kwargs: object) -> dict[str, Any]:
        park_ids = _park_ids(self.request)
        runs = scope_to_parks(self.request.user, BillRun.objects.select_related("park"))
        if park_ids is not None:
            runs = runs.filter(park_id__in=park_ids)
        today = timezone.localdate()
        report = selectors.ageing_report(park_ids=park_ids, as_of=today, group_by="portfolio")
        return super().get_context_data(
            status=selectors.billing_status(park_ids, today),
            runs=runs.order_by("-period", "-pk")[:8],
            ageing=report,
            form=RunStartForm(parks=_parks(self.request), initial={"period": today.replace(day=1)}),
            can_manage=has_capability(self.request.user, Capability.MANAGE_BILLING),
            breadcrumbs=[(_("账单与收款"), "")],
            **kwargs,
        )


# --- Bill runs -----------------------------------------------------------------------------------


class RunListView(BillingAccessMixin, FilteredListView):
    model = BillRun
    filterset_class = BillRunFilterSet
    template_name = "billing/run_list.html"
    default_ordering = "-period"
    ordering_fields = ("period", "total_amount")

    def get_queryset(self) -> QuerySet[BillRun]:
        return super().get_queryset().select_related("park", "created_by")

    def get_context_data(self, *, object_list: Paginable | None = None, **kwargs: object) -> dict[str, Any]:
        return super().get_context_data(
            object_list=object_list,
            form=RunStartForm(parks=_parks(self.request), initial={"period": timezone.localdate().replace(day=1)}),
            can_manage=has_capability(self.request.user, Capability.MANAGE_BILLING),
            breadcrumbs=_crumbs((_("出账批次"), "")),
            **kwargs,
        )


class RunStartView(BillingAccessMixin, View):
    """Open (or resume) the run of a park and month and generate its preview."""

    def post(self, request: HttpRequest) -> HttpResponse:
        form = RunStartForm(request.POST, parks=_parks(request))
        if not form.is_valid():
            messages.error(request, form.errors.as_text())
            return HttpResponseRedirect(reverse("billing:run_list"))
        park = form.cleaned_data["park"]
        self.require(Capability.MANAGE_BILLING, park)
        actor = acting_user(request)
        try:
            run = billrun.bill_run_start(park=park, period=form.cleaned_data["period"], actor=actor)
        except ValidationError as exc:
            _error(request, exc)
            return HttpResponseRedirect(reverse("billing:run_list"))
        _generate(request, run)
        return HttpResponseRedirect(run.get_absolute_url())


def _generate(request: HttpRequest, run: BillRun) -> None:
    if run.status != BillRunStatus.GENERATING:
        return
    if Contract.objects.filter(park_id=run.park_id).count() > INLINE_RUN_LEASES:
        transaction.on_commit(lambda: generate_bill_run_task.enqueue(run.pk))
        messages.info(request, _("出账批次正在后台生成，请稍后刷新。"))
        return
    billrun.bill_run_generate(run=run, actor=acting_user(request))
    messages.success(request, _("账单预览已生成，请核对后审核。"))


class RunDetailView(BillingAccessMixin, View):
    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        run = get_object_or_404(scope_to_parks(request.user, BillRun.objects.select_related("park")), pk=pk)
        lines = BillLine.objects.filter(bill__run=run)
        if request.GET.get("format") == "xlsx":
            rows = lines.select_related("bill", "account__enterprise", "contract").order_by("bill__number", "pk")
            workbook = documents.lines_workbook(rows.iterator(chunk_size=2000), _("账单明细"))
            return workbook_response(workbook, stamped_filename(f"{_('出账批次')}-{run.park.code}-{run.period:%Y%m}"))
        by_kind = lines.values("kind").annotate(total=Sum("amount"), tax=Sum("tax_amount")).order_by("kind")
        bills = Bill.objects.filter(run=run).select_related("account__enterprise").order_by("number")
        context = {
            "run": run,
            "by_kind": [(ChargeKind(row["kind"]).label, row["total"], row["tax"]) for row in by_kind],
            "bills": bills[:300],
            "more_bills": max(run.bills_count - 300, 0),
            "can_manage": has_capability(request.user, Capability.MANAGE_BILLING),
            "can_approve": has_capability(request.user, Capability.APPROVE_BILLING),
            "breadcrumbs": _crumbs((_("出账批次"), reverse("billing:run_list")), (str(run), "")),
        }
        return render(request, "billing/run_detail.html", context)


class RunActionView(BillingAccessMixin, View):
    """POST-only: generate (resume), approve, issue, discard."""

    def post(self, request: HttpRequest, pk: int, action: str) -> HttpResponse:
        run = get_object_or_404(scope_to_parks(request.user, BillRun.objects.all()), pk=pk)
        needs = Capability.MANAGE_BILLING if action in ("generate", "discard") else Capability.APPROVE_BILLING
        self.require(needs, run.park_id)
        actor = acting_user(request)
        try:
            if action == "generate":
                _generate(request, run)
            elif action == "approve":
                billrun.bill_run_approve(run=run, actor=actor)
                messages.success(request, _("出账批次已审核。"))
            elif action == "issue":
                run = billrun.bill_run_issue(run=run, actor=actor)
                messages.success(request, _("已出账 %(n)d 份账单。") % {"n": run.bills_count})
            elif action == "discard":
                billrun.bill_run_discard(run=run, actor=actor)
                messages.success(request, _("出账批次已作废，可重新出账。"))
            else:
                raise Http404
        except ValidationError as exc:
            _error(request, exc)
        return HttpResponseRedirect(reverse("billing:run_detail", args=[run.pk]))


# --- Bills ---------------------------------------------------------------------------------------


class BillListView(BillingAccessMixin, FilteredListView):
    model = Bill
    filterset_class = BillFilterSet
    template_name = "billing/bill_list.html"
    partial_template_name = "billing/_bill_table.html"
    ordering_fields = BILL_ORDERING
    default_ordering = "-issued_on"

    def get_queryset(self) -> QuerySet[Bill]:
        return super().get_queryset().exclude(status=BillStatus.DISCARDED).select_related("park", "account__enterprise")

    def get(self, request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
        if request.GET.get("format") == "xlsx":
            return xlsx_response(
                _("账单"),
                [
                    Column(_("单号"), "number"),
                    Column(_("类型"), "get_kind_display"),
                    Column(_("状态"), "get_status_display"),
                    Column(_("园区"), "park.name"),
                    Column(_("企业"), "account.enterprise.name"),
                    Column(_("出账日期"), "issued_on"),
                    Column(_("最早应付日期"), "due_on"),
                    Column(_("合计（元，含税）"), "total_amount", MONEY_FORMAT),
                    Column(_("其中税额（元）"), "tax_amount", MONEY_FORMAT),
                ],
                self.get_queryset()[:50000].iterator(),
            )
        return super().get(request, *args, **kwargs)

    def get_context_data(self, *, object_list: Paginable | None = None, **kwargs: object) -> dict[str, Any]:
        return super().get_context_data(object_list=object_list, breadcrumbs=_crumbs((_("账单"), "")), **kwargs)


def _scoped_bill(request: HttpRequest, pk: int) -> Bill:
    return get_object_or_404(
        scope_to_parks(request.user, Bill.objects.select_related("park", "account__enterprise", "run", "credit_of")),
        pk=pk,
    )


class BillDetailView(BillingAccessMixin, View):
    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        bill = _scoped_bill(request, pk)
        return render(request, "billing/bill_detail.html", _bill_page(request, bill))


def _bill_page(request: HttpRequest, bill: Bill, *, invoice_form: InvoiceRequestForm | None = None) -> dict[str, Any]:
    can_manage = has_capability(request.user, Capability.MANAGE_BILLING)
    can_approve = has_capability(request.user, Capability.APPROVE_BILLING)
    context = documents.bill_context(bill)
    context.update(
        settlements=[
            a
            for line in context["lines"]
            for a in line.allocations.select_related("payment", "credit_line__bill").order_by("on_date", "pk")
        ],
        credit_notes=bill.credit_notes.order_by("issued_on"),
        invoice_requests=bill.invoice_requests.order_by("-created_at"),
        can_credit=can_approve and bill.status == BillStatus.ISSUED and bill.kind == BillKind.BILL,
        can_request_invoice=can_manage and bill.status == BillStatus.ISSUED,
        invoice_form=invoice_form or InvoiceRequestForm.for_enterprise(bill.account.enterprise),
        breadcrumbs=_crumbs((_("账单"), reverse("billing:bill_list")), (bill.number, "")),
    )
    return context


class BillPdfView(BillingAccessMixin, View):
    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        return _pdf_response(_scoped_bill(request, pk))


def _pdf_response(bill: Bill) -> HttpResponse:
    response = HttpResponse(documents.bill_pdf(bill), content_type="application/pdf")
    response["Content-Disposition"] = content_disposition(f"{bill.number}.pdf")
    return response


class BillXlsxView(BillingAccessMixin, View):
    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        bill = _scoped_bill(request, pk)
        lines = bill.lines.select_related("bill", "account__enterprise", "contract").order_by("pk")
        return workbook_response(documents.lines_workbook(lines, bill.number), f"{bill.number}.xlsx")


class CreditNoteView(BillingAccessMixin, View):
    """Correct an issued bill: an amount per line to credit, and why."""

    def _form(self, bill: Bill, data: FormData | None = None) -> LineAmountsForm:
        lines = []
        for line in bill.lines.filter(amount__gt=0).order_by("pk"):
            credited = line.credit_lines.aggregate(total=Sum("amount"))["total"] or Decimal(0)
            lines.append((line, line.amount + credited))
        return LineAmountsForm(data, lines=lines)

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        bill = _scoped_bill(request, pk)
        self.require(Capability.APPROVE_BILLING, bill.park_id)
        return self._render(request, bill, self._form(bill))

    def _render(self, request: HttpRequest, bill: Bill, form: LineAmountsForm) -> HttpResponse:
        crumbs = _crumbs(
            (_("账单"), reverse("billing:bill_list")), (bill.number, bill.get_absolute_url()), (_("红字冲销"), "")
        )
        return render(request, "billing/credit_note_form.html", {"bill": bill, "form": form, "breadcrumbs": crumbs})

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        bill = _scoped_bill(request, pk)
        self.require(Capability.APPROVE_BILLING, bill.park_id)
        form = self._form(bill, request.POST)
        if form.is_valid():
            try:
                note = services.credit_note_issue(
                    bill=bill, amounts=form.amounts(), reason=form.cleaned_data["reason"], actor=acting_user(request)
                )
            except ValidationError as exc:
                apply_validation_error(form, exc)
            else:
                messages.success(request, _("已开具红字冲销单 %(n)s。") % {"n": note.number})
                return HttpResponseRedirect(note.get_absolute_url())
        return self._render(request, bill, form)


class InvoiceRequestCreateView(BillingAccessMixin, View):
    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        bill = _scoped_bill(request, pk)
        self.require(Capability.MANAGE_BILLING, bill.park_id)
        form = InvoiceRequestForm(request.POST)
        if form.is_valid():
            try:
                _create_invoice_requests(request, bill, form)
            except ValidationError as exc:
                apply_validation_error(form, exc)
            else:
                return HttpResponseRedirect(bill.get_absolute_url())
        return render(request, "billing/bill_detail.html", _bill_page(request, bill, invoice_form=form))


def _create_invoice_requests(request: HttpRequest, bill: Bill, form: InvoiceRequestForm) -> None:
    data = form.cleaned_data
    buyer = services.Buyer(
        name=data["buyer_name"],
        credit_code=data["buyer_credit_code"],
        address=data["buyer_address"],
        phone=data["buyer_phone"],
        bank=data["buyer_bank"],
        bank_account=data["buyer_bank_account"],
        email=data["email"],
    )
    made = services.invoice_request_create(
        bill=bill, buyer=buyer, invoice_type=data["invoice_type"], actor=acting_user(request), note=data["note"]
    )
    messages.success(request, _("已提交 %(n)d 份开票申请。") % {"n": len(made)})


# --- Accounts (a tenant's statement) ---------------------------------------------------------------------


class AccountDetailView(BillingAccessMixin, View):
    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        account = get_object_or_404(
            scope_to_parks(request.user, Account.objects.select_related("park", "enterprise")), pk=pk
        )
        contracts = Contract.objects.filter(park_id=account.park_id, enterprise_id=account.enterprise_id).order_by(
            "-start_on"
        )
        context = {
            "account": account,
            "summary": selectors.account_summary(account),
            "open_lines": selectors.open_lines(account)[:200],
            "bills": selectors.account_bills(account)[:50],
            "payments": Payment.objects.filter(account=account).order_by("-received_on", "-pk")[:50],
            "reminders": Reminder.objects.filter(account=account).order_by("-sent_at")[:20],
            "deposits": [
                (c, services.deposit_held(c.pk)) for c in contracts if c.deposit or services.deposit_held(c.pk)
            ],
            "deposit_movements": DepositMovement.objects.filter(account=account).select_related("contract")[:50],
            "can_manage": has_capability(request.user, Capability.MANAGE_BILLING),
            "can_approve": has_capability(request.user, Capability.APPROVE_BILLING),
            "breadcrumbs": _crumbs((_("账龄分析"), reverse("billing:ageing")), (account.enterprise.name, "")),
        }
        return render(request, "billing/account_detail.html", context)


def _scoped_account(request: HttpRequest, pk: int) -> Account:
    return get_object_or_404(scope_to_parks(request.user, Account.objects.select_related("park", "enterprise")), pk=pk)


class AccountActionView(BillingAccessMixin, View):
    """POST-only: remind, apply credit."""

    def post(self, request: HttpRequest, pk: int, action: str) -> HttpResponse:
        account = _scoped_account(request, pk)
        self.require(Capability.MANAGE_BILLING, account.park_id)
        actor = acting_user(request)
        try:
            if action == "remind":
                level = request.POST.get("level")
                reminder = services.reminder_send(account=account, actor=actor, level=int(level) if level else None)
                messages.success(request, _("已发送第%(level)d级催缴通知。") % {"level": reminder.level})
            elif action == "apply-credit":
                made = services.account_apply_credit(account=account, actor=actor)
                messages.success(request, _("已核销 %(n)d 笔。") % {"n": len(made)})
            else:
                raise Http404
        except ValidationError as exc:
            _error(request, exc)
        return HttpResponseRedirect(account.get_absolute_url())


class DepositActionView(BillingAccessMixin, View):
    """POST-only: offset arrears from a lease's deposit, or refund it (APPROVE_BILLING)."""

    def post(self, request: HttpRequest, pk: int, action: str) -> HttpResponse:
        contract = get_object_or_404(scope_to_parks(request.user, Contract.objects.all()), pk=pk)
        self.require(Capability.APPROVE_BILLING, contract.park_id)
        form = DepositForm(request.POST)
        account = services.account_for(park_id=contract.park_id, enterprise_id=contract.enterprise_id)
        if not form.is_valid():
            messages.error(request, form.errors.as_text())
            return HttpResponseRedirect(account.get_absolute_url())
        amount, actor = form.cleaned_data["amount"], acting_user(request)
        try:
            if action == "offset":
                services.deposit_offset(contract=contract, actor=actor, amount=amount)
                messages.success(request, _("已以保证金抵扣欠费。"))
            elif action == "refund":
                if amount is None:
                    raise ValidationError(_("请填写退还金额"))
                services.deposit_refund(contract=contract, amount=amount, actor=actor, note=form.cleaned_data["note"])
                messages.success(request, _("已登记保证金退还。"))
            else:
                raise Http404
        except ValidationError as exc:
            _error(request, exc)
        return HttpResponseRedirect(account.get_absolute_url())


class WriteOffRequestView(BillingAccessMixin, View):
    def _form(self, account: Account, data: FormData | None = None) -> LineAmountsForm:
        return LineAmountsForm(data, lines=[(line, line.outstanding) for line in selectors.open_lines(account)[:200]])

    def _render(self, request: HttpRequest, account: Account, form: LineAmountsForm) -> HttpResponse:
        crumbs = _crumbs((account.enterprise.name, account.get_absolute_url()), (_("申请坏账核销"), ""))
        return render(request, "billing/write_off_form.html", {"account": account, "form": form, "breadcrumbs": crumbs})

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        account = _scoped_account(request, pk)
        self.require(Capability.MANAGE_BILLING, account.park_id)
        return self._render(request, account, self._form(account))

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        account = _scoped_account(request, pk)
        self.require(Capability.MANAGE_BILLING, account.park_id)
        form = self._form(account, request.POST)
        if form.is_valid():
            try:
                services.write_off_request(
                    account=account,
                    amounts=form.amounts(),
                    reason=form.cleaned_data["reason"],
                    actor=acting_user(request),
                )
            except ValidationError as exc:
                apply_validation_error(form, exc)
            else:
                messages.success(request, _("核销申请已提交，待审批。"))
                return HttpResponseRedirect(reverse("billing:write_off_list"))
        return self._render(request, account, form)


class WriteOffListView(BillingAccessMixin, FilteredListView):
    model = WriteOff
    filterset_class = WriteOffFilterSet
    template_name = "billing/write_off_list.html"
    default_ordering = "-created_at"

    def get_queryset(self) -> QuerySet[WriteOff]:
        return super().get_queryset().select_related("account__enterprise", "requested_by", "decided_by")

    def get_context_data(self, *, object_list: Paginable | None = None, **kwargs: object) -> dict[str, Any]:
        return super().get_context_data(
            object_list=object_list,
            can_approve=has_capability(self.request.user, Capability.APPROVE_BILLING),
            breadcrumbs=_crumbs((_("坏账核销"), "")),
            **kwargs,
        )


class WriteOffDecideView(BillingAccessMixin, View):
    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        write_off = get_object_or_404(scope_to_parks(request.user, WriteOff.objects.all()), pk=pk)
        self.require(Capability.APPROVE_BILLING, write_off.park_id)
        approve = request.POST.get("decision") == "approve"
        try:
            services.write_off_decide(
                write_off=write_off, approve=approve, actor=acting_user(request), note=request.POST.get("note", "")
            )
            messages.success(request, _("已核销。") if approve else _("已驳回。"))
        except ValidationError as exc:
            _error(request, exc)
        return HttpResponseRedirect(reverse("billing:write_off_list"))


# --- Payments and bank statements ----------------------------------------------------------------


class PaymentListView(BillingAccessMixin, FilteredListView):
    model = Payment
    filterset_class = PaymentFilterSet
    template_name = "billing/payment_list.html"
    ordering_fields = PAYMENT_ORDERING
    default_ordering = "-received_on"

    def get_queryset(self) -> QuerySet[Payment]:
        return super().get_queryset().select_related("park", "account__enterprise")

    def get_context_data(self, *, object_list: Paginable | None = None, **kwargs: object) -> dict[str, Any]:
        return super().get_context_data(
            object_list=object_list,
            can_manage=has_capability(self.request.user, Capability.MANAGE_BILLING),
            breadcrumbs=_crumbs((_("收款"), "")),
            **kwargs,
        )


class PaymentCreateView(BillingAccessMixin, View):
    def _render(self, request: HttpRequest, form: PaymentForm) -> HttpResponse:
        crumbs = _crumbs((_("收款"), reverse("billing:payment_list")), (_("登记收款"), ""))
        return render(request, "billing/payment_form.html", {"form": form, "breadcrumbs": crumbs})

    def get(self, request: HttpRequest) -> HttpResponse:
        self.require(Capability.MANAGE_BILLING)
        initial = {"received_on": timezone.localdate(), "account": request.GET.get("account")}
        return self._render(request, PaymentForm(initial=initial, accounts=_accounts(request)))

    def post(self, request: HttpRequest) -> HttpResponse:
        self.require(Capability.MANAGE_BILLING)
        form = PaymentForm(request.POST, accounts=_accounts(request))
        if form.is_valid():
            data = form.cleaned_data
            account: Account = data["account"]
            self.require(Capability.MANAGE_BILLING, account.park_id)
            bill_ids = list(
                Bill.objects.filter(account=account, number__in=data["bill_numbers"]).values_list("pk", flat=True)
            )
            try:
                payment = services.payment_record(
                    park=account.park,
                    enterprise=account.enterprise,
                    data=services.PaymentInput(
                        amount=data["amount"],
                        received_on=data["received_on"],
                        method=data["method"],
                        payer_name=data["payer_name"],
                        reference=data["reference"],
                        note=data["note"],
                    ),
                    actor=acting_user(request),
                    bill_ids=bill_ids,
                )
            except ValidationError as exc:
                apply_validation_error(form, exc)
            else:
                messages.success(request, _("已登记收款 %(n)s。") % {"n": payment.number})
                return HttpResponseRedirect(payment.get_absolute_url())
        return self._render(request, form)


class PaymentDetailView(BillingAccessMixin, View):
    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        payment = get_object_or_404(
            scope_to_parks(request.user, Payment.objects.select_related("account__enterprise", "park")), pk=pk
        )
        context = {
            "payment": payment,
            "allocations": payment.allocations.select_related("line__bill").order_by("on_date", "pk"),
            "can_manage": has_capability(request.user, Capability.MANAGE_BILLING),
            "breadcrumbs": _crumbs((_("收款"), reverse("billing:payment_list")), (payment.number, "")),
        }
        return render(request, "billing/payment_detail.html", context)


class PaymentActionView(BillingAccessMixin, View):
    def post(self, request: HttpRequest, pk: int, action: str) -> HttpResponse:
        payment = get_object_or_404(scope_to_parks(request.user, Payment.objects.all()), pk=pk)
        self.require(Capability.MANAGE_BILLING, payment.park_id)
        actor = acting_user(request)
        try:
            if action == "allocate":
                made = services.payment_allocate(payment=payment, actor=actor)
                messages.success(request, _("已核销 %(n)d 笔。") % {"n": len(made)})
            elif action == "void":
                form = ReasonForm(request.POST)
                if not form.is_valid():
                    raise ValidationError(_("请填写作废原因"))
                services.payment_void(payment=payment, actor=actor, reason=form.cleaned_data["reason"])
                messages.success(request, _("收款已作废，核销已冲回。"))
            else:
                raise Http404
        except ValidationError as exc:
            _error(request, exc)
        return HttpResponseRedirect(payment.get_absolute_url())


class StatementListView(BillingAccessMixin, View):
    """Imported statements, the import form, and the transfers waiting for an officer."""

    def get(
        self,
        request: HttpRequest,
        form: StatementImportForm | None = None,
        errors: Sequence[tuple[int | None, str]] = (),
    ) -> HttpResponse:
        park_ids = _park_ids(request)
        statements_qs = scope_to_parks(request.user, BankStatement.objects.all())
        if park_ids is not None:
            statements_qs = statements_qs.filter(park_id__in=park_ids)
        context = {
            "form": form or StatementImportForm(parks=_parks(request)),
            "statements": statements_qs.select_related("park", "imported_by")[:30],
            "unmatched": selectors.unmatched_statement_lines(park_ids)[:200],
            "errors": errors or [],
            "can_manage": has_capability(request.user, Capability.MANAGE_BILLING),
            "breadcrumbs": _crumbs((_("银行流水"), "")),
        }
        return render(request, "billing/statement_list.html", context)

    def post(self, request: HttpRequest) -> HttpResponse:
        self.require(Capability.MANAGE_BILLING)
        form = StatementImportForm(request.POST, request.FILES, parks=_parks(request))
        if not form.is_valid():
            return self.get(request, form=form)
        park = form.cleaned_data["park"]
        self.require(Capability.MANAGE_BILLING, park)
        upload = form.cleaned_data["file"]
        try:
            result = services.statement_import(
                park=park,
                data=upload.read(),
                file_name=upload.name,
                layout=form.cleaned_data["layout"],
                actor=acting_user(request),
                auto_match=form.cleaned_data["auto_match"],
            )
        except statements.StatementError as exc:
            form.add_error("file", str(exc))
            return self.get(request, form=form)
        statement = result.statement
        messages.success(
            request,
            _("已导入 %(new)d 笔收入流水（重复 %(dup)d 笔），自动入账 %(matched)d 笔。")
            % {"new": statement.lines_created, "dup": statement.lines_duplicate, "matched": result.matched},
        )
        if result.errors:
            return self.get(request, errors=result.errors)
        return HttpResponseRedirect(statement.get_absolute_url())


class StatementDetailView(BillingAccessMixin, View):
    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        statement = get_object_or_404(scope_to_parks(request.user, BankStatement.objects.select_related("park")), pk=pk)
        lines = statement.lines.select_related("suggested_account__enterprise", "payment").order_by("row_number")
        accounts = scope_to_parks(request.user, Account.objects.filter(park_id=statement.park_id))
        context = {
            "statement": statement,
            "rows": [
                (
                    line,
                    MatchForm(initial={"account": line.suggested_account_id}, accounts=accounts, prefix=f"l{line.pk}"),
                )
                for line in lines
            ],
            "can_manage": has_capability(request.user, Capability.MANAGE_BILLING),
            "breadcrumbs": _crumbs((_("银行流水"), reverse("billing:statement_list")), (statement.file_name, "")),
        }
        return render(request, "billing/statement_detail.html", context)


class StatementLineActionView(BillingAccessMixin, View):
    def post(self, request: HttpRequest, pk: int, action: str) -> HttpResponse:
        line = get_object_or_404(scope_to_parks(request.user, BankStatementLine.objects.all()), pk=pk)
        self.require(Capability.MANAGE_BILLING, line.park_id)
        actor = acting_user(request)
        try:
            if action == "match":
                accounts = scope_to_parks(request.user, Account.objects.filter(park_id=line.park_id))
                form = MatchForm(request.POST, accounts=accounts, prefix=f"l{line.pk}")
                if not form.is_valid():
                    raise ValidationError(_("请选择入账企业"))
                payment = services.statement_line_match(line=line, account=form.cleaned_data["account"], actor=actor)
                messages.success(request, _("已入账，收款 %(n)s 已按最早到期优先核销。") % {"n": payment.number})
            elif action == "ignore":
                services.statement_line_ignore(line=line, actor=actor, note=request.POST.get("note", ""))
                messages.success(request, _("已标记为非租户收款。"))
            else:
                raise Http404
        except ValidationError as exc:
            _error(request, exc)
        return HttpResponseRedirect(reverse("billing:statement_detail", args=[line.statement_id]))


# --- Reports -------------------------------------------------------------------------------------


def _bucket_cell(key: str) -> Callable[[selectors.AgeingRow], Decimal]:
    def cell(row: selectors.AgeingRow) -> Decimal:
        return row.buckets[key]

    return cell


class AgeingView(BillingAccessMixin, View):
    def get(self, request: HttpRequest) -> HttpResponse:
        as_of = _date_param(request, "as_of")
        group_by = request.GET.get("group", "account")
        if group_by not in ("account", "park", "portfolio"):
            group_by = "account"
        park_ids = _park_ids(request)
        report = selectors.ageing_report(park_ids=park_ids, as_of=as_of, group_by=group_by)
        if request.GET.get("format") == "xlsx":
            columns = [Column(_("企业") if group_by == "account" else _("园区"), "label", width=32)]
            if group_by == "account":
                columns.append(Column(_("园区"), "park", width=24))
            columns += [Column(str(b.label), _bucket_cell(b.key), MONEY_FORMAT) for b in report.buckets]
            columns.append(Column(_("合计（元）"), "total", MONEY_FORMAT))
            return xlsx_response(f"{_('账龄分析')}-{as_of:%Y%m%d}", columns, [*report.rows, report.totals])
        context = {
            "report": report,
            "rows": report.rows[:500],
            "as_of": as_of,
            "group_by": group_by,
            "parks": _parks(request),
            "park_id": request.GET.get("park", ""),
            "querystring": request.GET.urlencode(),
            "breadcrumbs": _crumbs((_("账龄分析"), "")),
        }
        return render(request, "billing/ageing.html", context)


class ReconciliationView(BillingAccessMixin, View):
    def get(self, request: HttpRequest) -> HttpResponse:
        today = timezone.localdate()
        try:
            year = int(request.GET.get("year", today.year))
            month = int(request.GET["month"]) if request.GET.get("month") else None
        except ValueError:
            year, month = today.year, None
        if not 2000 <= year <= 2100 or (month is not None and not 1 <= month <= 12):
            year, month = today.year, None
        result = selectors.reconciliation(park_ids=_park_ids(request), year=year, month=month)
        context = {
            "r": result,
            "year": year,
            "month": month,
            "months": range(1, 13),
            "parks": _parks(request),
            "park_id": request.GET.get("park", ""),
            "breadcrumbs": _crumbs((_("对账"), "")),
        }
        return render(request, "billing/reconciliation.html", context)


class ReminderListView(BillingAccessMixin, FilteredListView):
    model = Reminder
    filterset_class = ReminderFilterSet
    template_name = "billing/reminder_list.html"
    default_ordering = "-sent_at"

    def get_queryset(self) -> QuerySet[Reminder]:
        return super().get_queryset().select_related("account__enterprise", "sent_by")

    def get_context_data(self, *, object_list: Paginable | None = None, **kwargs: object) -> dict[str, Any]:
        return super().get_context_data(
            object_list=object_list,
            can_manage=has_capability(self.request.user, Capability.MANAGE_BILLING),
            breadcrumbs=_crumbs((_("催缴"), "")),
            **kwargs,
        )

    def post(self, request: HttpRequest) -> HttpResponse:
        self.require(Capability.MANAGE_BILLING)
        park_ids = _park_ids(request)
        count = services.reminders_send_due(park_ids=park_ids, actor=acting_user(request))
        messages.success(request, _("已发送 %(n)d 份催缴通知。") % {"n": count})
        return HttpResponseRedirect(reverse("billing:reminder_list"))


class InvoiceRequestListView(BillingAccessMixin, FilteredListView):
    model = InvoiceRequest
    filterset_class = InvoiceRequestFilterSet
    template_name = "billing/invoice_list.html"
    default_ordering = "-created_at"

    def get_queryset(self) -> QuerySet[InvoiceRequest]:
        return super().get_queryset().select_related("bill", "requested_by")

    def get(self, request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
        if request.GET.get("format") == "xlsx":
            pending = self.get_queryset().filter(status=InvoiceRequestStatus.REQUESTED).select_related("bill__park")
            workbook = invoicing.export_workbook(pending.order_by("pk")[:5000])
            return workbook_response(workbook, stamped_filename(_("开票申请")))
        return super().get(request, *args, **kwargs)

    def get_context_data(self, *, object_list: Paginable | None = None, **kwargs: object) -> dict[str, Any]:
        return super().get_context_data(
            object_list=object_list,
            record_form=InvoiceRecordForm(initial={"issued_on": timezone.localdate()}),
            can_manage=has_capability(self.request.user, Capability.MANAGE_BILLING),
            breadcrumbs=_crumbs((_("开票"), "")),
            **kwargs,
        )


class InvoiceRequestActionView(BillingAccessMixin, View):
    def post(self, request: HttpRequest, pk: int, action: str) -> HttpResponse:
        invoice_request = get_object_or_404(scope_to_parks(request.user, InvoiceRequest.objects.all()), pk=pk)
        self.require(Capability.MANAGE_BILLING, invoice_request.park_id)
        actor = acting_user(request)
        try:
            if action == "record":
                form = InvoiceRecordForm(request.POST)
                if not form.is_valid():
                    raise ValidationError(form.errors.as_text())
                services.invoice_record_issued(
                    request=invoice_request,
                    number=form.cleaned_data["invoice_number"],
                    issued_on=form.cleaned_data["issued_on"],
                    actor=actor,
                )
                messages.success(request, _("已登记发票号码。"))
            elif action == "cancel":
                services.invoice_request_cancel(request=invoice_request, actor=actor, note=request.POST.get("note", ""))
                messages.success(request, _("开票申请已取消。"))
            else:
                raise Http404
        except ValidationError as exc:
            _error(request, exc)
        return HttpResponseRedirect(reverse("billing:invoice_list"))


# --- Charges awaiting a run, configuration -------------------------------------------------------------


class ChargesView(BillingAccessMixin, View):
    """One-off charges and reading sheets waiting for the next run."""

    def get(
        self,
        request: HttpRequest,
        charge_form: ExtraChargeForm | None = None,
        reading_form: ReadingImportForm | None = None,
        errors: Sequence[tuple[int | None, str]] = (),
    ) -> HttpResponse:
        park_ids = _park_ids(request)
        extras = scope_to_parks(request.user, ExtraCharge.objects.select_related("enterprise", "park"))
        reads = scope_to_parks(request.user, UtilityReading.objects.select_related("enterprise", "park"))
        if park_ids is not None:
            extras, reads = extras.filter(park_id__in=park_ids), reads.filter(park_id__in=park_ids)
        context = {
            "extras": extras[:100],
            "readings": reads[:100],
            "billed_extra": set(
                BillLine.objects.filter(source_type=billrun.EXTRA_SOURCE).values_list("source_id", flat=True)
            ),
            "billed_reading": set(
                BillLine.objects.filter(source_type=billrun.READING_SOURCE).values_list("source_id", flat=True)
            ),
            "charge_form": charge_form
            or ExtraChargeForm(initial={"charge_on": timezone.localdate()}, accounts=_accounts(request)),
            "reading_form": reading_form or ReadingImportForm(parks=_parks(request)),
            "errors": errors or [],
            "can_manage": has_capability(request.user, Capability.MANAGE_BILLING),
            "breadcrumbs": _crumbs((_("其他费用与抄表"), "")),
        }
        return render(request, "billing/charges.html", context)

    def post(self, request: HttpRequest) -> HttpResponse:
        self.require(Capability.MANAGE_BILLING)
        actor = acting_user(request)
        if "file" in request.FILES:
            reading_form = ReadingImportForm(request.POST, request.FILES, parks=_parks(request))
            if not reading_form.is_valid():
                return self.get(request, reading_form=reading_form)
            park = reading_form.cleaned_data["park"]
            self.require(Capability.MANAGE_BILLING, park)
            upload = reading_form.cleaned_data["file"]
            try:
                sheet = readings.read_sheet(upload.read(), upload.name)
            except statements.StatementError as exc:
                reading_form.add_error("file", str(exc))
                return self.get(request, reading_form=reading_form)
            if sheet.errors:
                return self.get(request, reading_form=reading_form, errors=sheet.errors)
            try:
                created, kept = services.readings_import(park=park, readings=sheet.readings, actor=actor)
            except ValidationError as exc:
                return self.get(request, reading_form=reading_form, errors=[(None, m) for m in exc.messages])
            messages.success(request, _("已导入 %(n)d 条抄表记录（已有 %(k)d 条未变）。") % {"n": created, "k": kept})
            return HttpResponseRedirect(reverse("billing:charges"))
        form = ExtraChargeForm(request.POST, accounts=_accounts(request))
        if form.is_valid():
            data = form.cleaned_data
            account: Account = data["account"]
            self.require(Capability.MANAGE_BILLING, account.park_id)
            try:
                services.extra_charge_create(
                    park=account.park,
                    enterprise=account.enterprise,
                    kind=data["kind"],
                    description=data["description"],
                    unit_price=data["unit_price"],
                    charge_on=data["charge_on"],
                    quantity=data["quantity"],
                    unit=data["unit"],
                    actor=actor,
                )
            except ValidationError as exc:
                apply_validation_error(form, exc)
            else:
                messages.success(request, _("已登记，将在下次出账时计入账单。"))
                return HttpResponseRedirect(reverse("billing:charges"))
        return self.get(request, charge_form=form)


class SettingsView(BillingAccessMixin, View):
    """Billing profiles and tax rules: read by staff, changed by those who approve billing."""

    def get(
        self, request: HttpRequest, profile_form: ProfileForm | None = None, tax_form: TaxRuleForm | None = None
    ) -> HttpResponse:
        park_ids = visible_park_ids(request.user)
        profiles = BillingProfile.objects.select_related("park").order_by("park__name")
        rules = TaxRule.objects.select_related("park").order_by("kind", "park__name", "-effective_from")
        if park_ids is not None:
            profiles = profiles.filter(park_id__in=park_ids) | profiles.filter(park__isnull=True)
            rules = rules.filter(park_id__in=park_ids) | rules.filter(park__isnull=True)
        can_edit = has_capability(request.user, Capability.APPROVE_BILLING)
        context = {
            "profiles": profiles,
            "rules": rules,
            "profile_form": profile_form or ProfileForm(parks=_parks(request)),
            "tax_form": tax_form or TaxRuleForm(parks=_parks(request)),
            "can_edit": can_edit,
            "breadcrumbs": _crumbs((_("收款设置"), "")),
        }
        return render(request, "billing/settings.html", context)

    def post(self, request: HttpRequest) -> HttpResponse:
        actor = acting_user(request)
        if request.POST.get("form") == "tax":
            tax_form = TaxRuleForm(request.POST, parks=_parks(request))
            if not tax_form.is_valid():
                return self.get(request, tax_form=tax_form)
            park = tax_form.cleaned_data.get("park")
            self._require_edit(park)
            data = tax_form.cleaned_data
            try:
                services.tax_rule_create(
                    kind=data["kind"],
                    rate=data["rate"],
                    effective_from=data["effective_from"],
                    actor=actor,
                    park=park,
                    invoice_item=data["invoice_item"],
                    tax_code=data["tax_code"],
                    note=data["note"],
                )
            except ValidationError as exc:
                apply_validation_error(tax_form, exc)
                return self.get(request, tax_form=tax_form)
            messages.success(request, _("已添加税率。"))
            return HttpResponseRedirect(reverse("billing:settings"))
        instance = None
        if request.POST.get("profile"):
            instance = get_object_or_404(BillingProfile, pk=request.POST["profile"])
        profile_form = ProfileForm(request.POST, request.FILES, instance=instance, parks=_parks(request))
        if not profile_form.is_valid():
            return self.get(request, profile_form=profile_form)
        self._require_edit(profile_form.cleaned_data.get("park"))
        try:
            services.profile_save(profile=profile_form.instance, actor=actor)
        except ValidationError as exc:
            apply_validation_error(profile_form, exc)
            return self.get(request, profile_form=profile_form)
        messages.success(request, _("已保存。"))
        return HttpResponseRedirect(reverse("billing:settings"))

    def _require_edit(self, park: Park | int | None) -> None:
        # Operator-wide rows (no park) are for operator admins; a park's rows for its approvers.
        if park is None and not getattr(self.request.user, "is_operator_admin", False):
            raise PermissionDenied(_("只有运营管理员可以修改全部园区的默认设置。"))
        self.require(Capability.APPROVE_BILLING, park)


# --- Tenants ---------------------------------------------------------------------------------------


class TenantBillsView(TenantMixin, View):
    """A tenant's bills in every park, what is open, and the reminders it received."""

    def get(self, request: HttpRequest) -> HttpResponse:
        user = acting_user(request)
        assert user.enterprise_id is not None
        context = {
            "bills": selectors.tenant_bills(user.enterprise_id)[:100],
            "reminders": selectors.tenant_reminders(user.enterprise_id)[:10],
            "accounts": [(a, selectors.account_summary(a)) for a in selectors.tenant_accounts(user.enterprise_id)],
        }
        return render(request, "billing/tenant_bills.html", context)


def _tenant_bill(request: HttpRequest, pk: int) -> Bill:
    user = acting_user(request)
    return get_object_or_404(
        Bill.objects.select_related("park", "account__enterprise"),
        pk=pk,
        account__enterprise_id=user.enterprise_id,
        status=BillStatus.ISSUED,
    )


class TenantBillDetailView(TenantMixin, View):
    def get(self, request: HttpRequest, pk: int, form: InvoiceRequestForm | None = None) -> HttpResponse:
        bill = _tenant_bill(request, pk)
        context = documents.bill_context(bill) | {
            "invoice_requests": bill.invoice_requests.order_by("-created_at"),
            "invoice_form": form or InvoiceRequestForm.for_enterprise(bill.account.enterprise),
        }
        return render(request, "billing/tenant_bill_detail.html", context)

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        bill = _tenant_bill(request, pk)
        form = InvoiceRequestForm(request.POST)
        if form.is_valid():
            try:
                _create_invoice_requests(request, bill, form)
            except ValidationError as exc:
                apply_validation_error(form, exc)
            else:
                return HttpResponseRedirect(reverse("billing:tenant_bill", args=[bill.pk]))
        return self.get(request, pk, form=form)


class TenantBillPdfView(TenantMixin, View):
    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        return _pdf_response(_tenant_bill(request, pk))
