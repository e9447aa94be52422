from __future__ import annotations

from typing import Any

from django.utils import timezone
from rest_framework import serializers

from parkos.leasing.choices import ContractKind, TerminationReason
from parkos.leasing.forms import DRAFT_FIELDS
from parkos.leasing.models import Contract, ContractSpace, RenewalTask
from parkos.parks.models import LandParcel, Park, Unit


class ContractSpaceSerializer(serializers.ModelSerializer[ContractSpace]):
    class Meta:
        model = ContractSpace
        fields = ["id", "unit", "parcel", "building", "area_sqm", "occupies", "start_on", "end_on"]


class ContractSerializer(serializers.ModelSerializer[Contract]):
    """A contract; on create, `units` (ids) or `parcel` (id) say what it covers. Created as a draft."""

    spaces = ContractSpaceSerializer(many=True, read_only=True)
    lifecycle = serializers.SerializerMethodField(
        help_text="draft / approved / signed / active / expiring / ended / renewed / terminated / cancelled"
    )
    units = serializers.PrimaryKeyRelatedField(queryset=Unit.objects.all(), many=True, write_only=True, required=False)
    parcel = serializers.PrimaryKeyRelatedField(
        queryset=LandParcel.objects.all(), write_only=True, required=False, allow_null=True
    )
    park = serializers.PrimaryKeyRelatedField(queryset=Park.objects.all())
    # Plain text here so the schema has one enum for termination reasons (TerminateSerializer's).
    termination_reason = serializers.CharField(read_only=True)

    class Meta:
        model = Contract
        fields = [
            "id", "number", "park", "enterprise", "status", "lifecycle", "area_sqm", "renewal_of", "terminated_on",
            "termination_reason", "spaces", "units", "parcel", "rent_support_note", *DRAFT_FIELDS,
        ]  # fmt: skip
        read_only_fields = [
            "number", "status", "area_sqm", "renewal_of", "terminated_on", "termination_reason", "rent_support_note",
        ]  # fmt: skip

    def get_lifecycle(self, obj: Contract) -> str:
        return str(obj.lifecycle_on(timezone.localdate(), renewed=getattr(obj, "has_renewal", None)).value)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if attrs.get("kind") == ContractKind.SALE:
            attrs["end_on"] = None
        return attrs


class ApproveSerializer(serializers.Serializer[Any]):
    override_reason = serializers.CharField(
        required=False, allow_blank=True, default="", help_text="运营管理员审批自己起草的合同时必填"
    )


class SignSerializer(serializers.Serializer[Any]):
    signed_on = serializers.DateField(required=False)


class TerminateSerializer(serializers.Serializer[Any]):
    terminated_on = serializers.DateField()
    reason = serializers.ChoiceField(choices=TerminationReason.choices)
    note = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")


class RenewSerializer(serializers.Serializer[Any]):
    end_on = serializers.DateField()
    rent_per_sqm_month = serializers.DecimalField(max_digits=10, decimal_places=4, required=False, min_value=0)
    free_rent_months = serializers.IntegerField(min_value=0, required=False, default=0)


class ScheduleLineSerializer(serializers.Serializer[Any]):
    number = serializers.IntegerField()
    period_start = serializers.DateField()
    period_end = serializers.DateField()
    due_date = serializers.DateField()
    rent_amount = serializers.DecimalField(max_digits=16, decimal_places=2)
    property_fee_amount = serializers.DecimalField(max_digits=16, decimal_places=2)
    description = serializers.CharField()


class OccupancySerializer(serializers.Serializer[Any]):
    day = serializers.DateField()
    lettable_area_sqm = serializers.DecimalField(max_digits=16, decimal_places=2)
    lettable_units = serializers.IntegerField()
    occupied_area_sqm = serializers.DecimalField(max_digits=16, decimal_places=2)
    occupied_units = serializers.IntegerField()
    by_area_pct = serializers.DecimalField(max_digits=6, decimal_places=1, allow_null=True)
    by_count_pct = serializers.DecimalField(max_digits=6, decimal_places=1, allow_null=True)
    walt_years = serializers.DecimalField(max_digits=8, decimal_places=2, allow_null=True)


class RentRollRowSerializer(serializers.Serializer[Any]):
    contract_id = serializers.IntegerField()
    number = serializers.CharField()
    enterprise = serializers.CharField()
    park = serializers.CharField()
    area_sqm = serializers.DecimalField(max_digits=14, decimal_places=2)
    months = serializers.ListField(child=serializers.DecimalField(max_digits=16, decimal_places=2))
    rent_total = serializers.DecimalField(max_digits=18, decimal_places=2)
    property_fee_total = serializers.DecimalField(max_digits=18, decimal_places=2)


class RenewalTaskSerializer(serializers.ModelSerializer[RenewalTask]):
    class Meta:
        model = RenewalTask
        fields = ["id", "contract", "park", "due_on", "assignee", "status", "created_at", "closed_at"]
