from django.db import models
from django.utils.translation import gettext_lazy as _


class ContractKind(models.TextChoices):
    LEASE = "lease", _("租赁")
    SALE = "sale", _("销售")


class ContractStatus(models.TextChoices):
    """The workflow facts that are stored. Whether a signed contract is active, expiring or ended is
    derived from its dates (see `ContractLifecycle` and `Contract.lifecycle_on`)."""

    DRAFT = "draft", _("草稿")
    APPROVED = "approved", _("已审批")
    SIGNED = "signed", _("已签约")
    TERMINATED = "terminated", _("提前终止")
    CANCELLED = "cancelled", _("已作废")


class ContractLifecycle(models.TextChoices):
    """What a contract is on a given day: its stored status combined with its dates."""

    DRAFT = "draft", _("草稿")
    APPROVED = "approved", _("已审批")
    SIGNED = "signed", _("已签约待起租")
    ACTIVE = "active", _("执行中")
    EXPIRING = "expiring", _("即将到期")
    ENDED = "ended", _("已到期")
    RENEWED = "renewed", _("已续签")
    TERMINATED = "terminated", _("提前终止")
    CANCELLED = "cancelled", _("已作废")


class PaymentPeriod(models.TextChoices):
    """Stored values equal `parkos.leasing.schedule.PaymentPeriod`."""

    MONTHLY = "monthly", _("月付")
    QUARTERLY = "quarterly", _("季付")
    HALF_YEARLY = "half_yearly", _("半年付")
    YEARLY = "yearly", _("年付")


class ContractEventKind(models.TextChoices):
    CREATED = "created", _("起草")
    APPROVED = "approved", _("审批通过")
    SIGNED = "signed", _("签约")
    TERMINATED = "terminated", _("提前终止")
    RENEWAL_DRAFTED = "renewal_drafted", _("发起续签")
    CANCELLED = "cancelled", _("作废")


class RenewalTaskStatus(models.TextChoices):
    OPEN = "open", _("待跟进")
    DONE = "done", _("已完成")
    CANCELLED = "cancelled", _("已取消")


class TerminationReason(models.TextChoices):
    TENANT_REQUEST = "tenant_request", _("承租方申请退租")
    ARREARS = "arrears", _("欠租违约")
    RELOCATION = "relocation", _("企业迁出/扩租换房")
    BANKRUPTCY = "bankruptcy", _("企业注销/破产")
    OTHER = "other", _("其他")
