from django.db import models
from django.utils.translation import gettext_lazy as _


class ChargeKind(models.TextChoices):
    """What a bill line charges for; each kind has its own VAT rate and 发票 item (`TaxRule`)."""

    RENT = "rent", _("租金")
    PROPERTY_FEE = "property_fee", _("物业费")
    DEPOSIT = "deposit", _("保证金")
    ELECTRICITY = "electricity", _("电费")
    WATER = "water", _("水费")
    GAS = "gas", _("燃气费")
    STEAM = "steam", _("蒸汽费")
    CHILLED_WATER = "chilled_water", _("空调冷量费")
    BOOKING = "booking", _("场地预订费")
    SERVICE = "service", _("企业服务费")
    LATE_FEE = "late_fee", _("滞纳金")
    OTHER = "other", _("其他费用")


#: Utility kinds as monitoring names them (`ConsumptionLine.kind`), each billed as the same ChargeKind.
UTILITY_KINDS = (
    ChargeKind.ELECTRICITY,
    ChargeKind.WATER,
    ChargeKind.GAS,
    ChargeKind.STEAM,
    ChargeKind.CHILLED_WATER,
)


class BillRunStatus(models.TextChoices):
    GENERATING = "generating", _("生成中")
    PREVIEW = "preview", _("待审核")
    APPROVED = "approved", _("已审核")
    ISSUED = "issued", _("已出账")
    DISCARDED = "discarded", _("已作废")


#: A park and period has at most one run in these states: a second start resumes it.
OPEN_RUN_STATUSES = (BillRunStatus.GENERATING, BillRunStatus.PREVIEW, BillRunStatus.APPROVED)


class BillKind(models.TextChoices):
    BILL = "bill", _("账单")
    CREDIT_NOTE = "credit_note", _("红字冲销单")


class BillStatus(models.TextChoices):
    DRAFT = "draft", _("待出账")
    ISSUED = "issued", _("已出账")
    DISCARDED = "discarded", _("已作废")


class PaymentMethod(models.TextChoices):
    BANK_TRANSFER = "bank_transfer", _("银行转账")
    CASH = "cash", _("现金")
    CHEQUE = "cheque", _("支票")
    ONLINE = "online", _("线上支付")
    OTHER = "other", _("其他")


class AllocationKind(models.TextChoices):
    """How a bill line was settled; amounts are signed (a reversal is negative)."""

    PAYMENT = "payment", _("收款核销")
    DEPOSIT = "deposit", _("保证金抵扣")
    CREDIT_NOTE = "credit_note", _("红字冲销")
    WRITE_OFF = "write_off", _("坏账核销")


#: Allocation kinds that bring money in (reconciliation: collected).
COLLECTED_KINDS = (AllocationKind.PAYMENT, AllocationKind.DEPOSIT)


class DepositMovementKind(models.TextChoices):
    OPENING = "opening", _("期初结存")
    RECEIVED = "received", _("收取")
    OFFSET = "offset", _("抵扣欠费")
    REFUNDED = "refunded", _("退还")


class StatementLineStatus(models.TextChoices):
    UNMATCHED = "unmatched", _("待匹配")
    MATCHED = "matched", _("已入账")
    IGNORED = "ignored", _("已忽略")


class MatchMethod(models.TextChoices):
    REFERENCE = "reference", _("按账单号")
    NAME = "name", _("按付款户名")
    FORMER_NAME = "former_name", _("按曾用名")
    AMOUNT = "amount", _("按金额")
    MANUAL = "manual", _("人工匹配")


class WriteOffStatus(models.TextChoices):
    REQUESTED = "requested", _("待审批")
    APPROVED = "approved", _("已核销")
    REJECTED = "rejected", _("已驳回")


class InvoiceType(models.TextChoices):
    SPECIAL = "special", _("数电票（增值税专用发票）")
    NORMAL = "normal", _("数电票（普通发票）")


class InvoiceScope(models.TextChoices):
    """Which lines of a bill one 发票 covers: rent is invoiced apart (特定业务：不动产经营租赁服务)."""

    LEASE = "lease", _("租金（不动产经营租赁）")
    OTHER = "other", _("其他费用")


class InvoiceRequestStatus(models.TextChoices):
    REQUESTED = "requested", _("待开票")
    ISSUED = "issued", _("已开票")
    CANCELLED = "cancelled", _("已取消")


class DayBasis(models.TextChoices):
    """How a contract counts overdue days for late fees."""

    CALENDAR = "calendar", _("自然日")
    WORKING = "working", _("工作日")


class ReminderChannel(models.TextChoices):
    """How a reminder reached the tenant: a notice on its home page (ParkOS sends no email yet)."""

    NOTICE = "notice", _("站内通知")
