from __future__ import annotations

from decimal import Decimal
from typing import Any

from rest_framework import serializers

from parkos.billing.choices import PaymentMethod
from parkos.billing.models import Account, BankStatementLine, Bill, BillLine, BillRun, Payment
from parkos.parks.models import Park


class BillRunSerializer(serializers.ModelSerializer[BillRun]):
    class Meta:
        model = BillRun
        fields = [
            "id", "park", "period", "sequence", "status", "bills_count", "lines_count", "total_amount", "issued_on",
            "warnings", "created_at",
        ]  # fmt: skip
        read_only_fields = fields


class BillRunStartSerializer(serializers.Serializer[Any]):
    park = serializers.PrimaryKeyRelatedField(queryset=Park.objects.all())
    period = serializers.DateField(help_text="Any day of the month to bill (YYYY-MM-DD)")


class BillLineSerializer(serializers.ModelSerializer[BillLine]):
    outstanding = serializers.DecimalField(max_digits=14, decimal_places=2, read_only=True)

    class Meta:
        model = BillLine
        fields = [
            "id", "kind", "contract", "description", "period_start", "period_end", "quantity", "unit", "unit_price",
            "amount", "tax_rate", "tax_amount", "invoice_item", "due_on", "settled_amount", "outstanding",
            "credits_line",
        ]  # fmt: skip
        read_only_fields = fields


class BillSerializer(serializers.ModelSerializer[Bill]):
    lines = BillLineSerializer(many=True, read_only=True)
    enterprise = serializers.IntegerField(source="account.enterprise_id", read_only=True)

    class Meta:
        model = Bill
        fields = [
            "id", "number", "kind", "status", "park", "account", "enterprise", "run", "credit_of", "reason",
            "period_start", "period_end", "issued_on", "due_on", "total_amount", "tax_amount", "buyer_name",
            "buyer_credit_code", "lines",
        ]  # fmt: skip
        read_only_fields = fields


class CreditAmountSerializer(serializers.Serializer[Any]):
    line = serializers.IntegerField()
    amount = serializers.DecimalField(max_digits=14, decimal_places=2, min_value=Decimal("0.01"))


class CreditNoteSerializer(serializers.Serializer[Any]):
    reason = serializers.CharField(max_length=300)
    amounts = CreditAmountSerializer(many=True)


class PaymentSerializer(serializers.ModelSerializer[Payment]):
    """A payment. On create, the money is allocated oldest first (`bills`: ids to settle first)."""

    account = serializers.PrimaryKeyRelatedField(queryset=Account.objects.all())
    bills = serializers.PrimaryKeyRelatedField(queryset=Bill.objects.all(), many=True, write_only=True, required=False)
    method = serializers.ChoiceField(choices=PaymentMethod.choices, default=PaymentMethod.BANK_TRANSFER)

    class Meta:
        model = Payment
        fields = [
            "id", "number", "park", "account", "received_on", "amount", "allocated_amount", "method", "payer_name",
            "payer_account", "reference", "match_method", "note", "voided_on", "bills",
        ]  # fmt: skip
        read_only_fields = ["number", "park", "allocated_amount", "match_method", "voided_on"]


class VoidSerializer(serializers.Serializer[Any]):
    reason = serializers.CharField(max_length=300)


class StatementLineSerializer(serializers.ModelSerializer[BankStatementLine]):
    class Meta:
        model = BankStatementLine
        fields = [
            "id", "statement", "park", "row_number", "booked_on", "amount", "payer_name", "payer_account",
            "reference", "serial", "status", "suggested_account", "match_method", "match_note",
        ]  # fmt: skip
        read_only_fields = fields


class MatchSerializer(serializers.Serializer[Any]):
    account = serializers.PrimaryKeyRelatedField(queryset=Account.objects.all())


class AgeingRowSerializer(serializers.Serializer[Any]):
    key = serializers.IntegerField(allow_null=True)
    name = serializers.CharField(help_text="企业或园区名称")
    park = serializers.CharField()
    not_due = serializers.DecimalField(max_digits=16, decimal_places=2)
    d0_30 = serializers.DecimalField(max_digits=16, decimal_places=2)
    d31_90 = serializers.DecimalField(max_digits=16, decimal_places=2)
    d91_180 = serializers.DecimalField(max_digits=16, decimal_places=2)
    d181 = serializers.DecimalField(max_digits=16, decimal_places=2)
    total = serializers.DecimalField(max_digits=16, decimal_places=2)


class ReconciliationSerializer(serializers.Serializer[Any]):
    rent_roll_total = serializers.DecimalField(max_digits=16, decimal_places=2)
    billed_rent_total = serializers.DecimalField(max_digits=16, decimal_places=2)
    billed = serializers.DecimalField(max_digits=16, decimal_places=2)
    collected = serializers.DecimalField(max_digits=16, decimal_places=2)
    credited = serializers.DecimalField(max_digits=16, decimal_places=2)
    written_off = serializers.DecimalField(max_digits=16, decimal_places=2)
    outstanding = serializers.DecimalField(max_digits=16, decimal_places=2)
    balanced = serializers.BooleanField()
    rent_differences = serializers.ListField(child=serializers.DictField())
