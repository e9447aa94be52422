from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from parkos.core import industry
from parkos.core.client_ip import client_ip
from parkos.investment import services
from parkos.investment.models import Activity, Lead, Notification, Requirement
from parkos.parks.api.serializers import CleanroomGradeField
from parkos.parks.choices import FireHazardClass
from parkos.parks.fire import ProcessKind
from parkos.parks.models import Park


@extend_schema_field(
    {"type": "string", "enum": ["", *FireHazardClass.values], "description": "生产火灾危险性类别；为空时按工艺推定"}
)
class TenantFireClassField(serializers.ChoiceField):
    """The tenant's class (inline enum: the parks API already names this choice set for buildings)."""


class ProcessSerializer(serializers.Serializer[Any]):
    """A declared production process (RULES §4): what the fire class is derived from."""

    kind = serializers.ChoiceField(choices=ProcessKind.choices)
    share = serializers.DecimalField(
        max_digits=4, decimal_places=3, min_value=Decimal("0.001"), max_value=Decimal(1), required=False
    )
    flash_point_c = serializers.DecimalField(max_digits=5, decimal_places=1, required=False, allow_null=True)
    lel_percent = serializers.DecimalField(
        max_digits=5, decimal_places=2, min_value=Decimal(0), max_value=Decimal(100), required=False, allow_null=True
    )
    small_quantity = serializers.BooleanField(required=False)
    mitigated = serializers.BooleanField(required=False)
    enclosed_spraying = serializers.BooleanField(required=False)
    name = serializers.CharField(max_length=100, required=False, allow_blank=True)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        # Stored as JSON on the requirement: numbers as their decimal text.
        return {k: str(v) if isinstance(v, Decimal) else v for k, v in attrs.items()}


class RequirementSerializer(serializers.ModelSerializer[Requirement]):
    fire_class = TenantFireClassField(choices=[("", ""), *FireHazardClass.choices], required=False, allow_blank=True)
    cleanroom_grade = CleanroomGradeField(required=False, allow_blank=True)
    industry_name = serializers.SerializerMethodField(help_text="行业代码及名称，如 C3581 医疗诊断、监护及治疗设备制造")
    preferred_parks = serializers.PrimaryKeyRelatedField(queryset=Park.objects.all(), many=True, required=False)
    processes = ProcessSerializer(many=True, required=False)
    preferred_cities = serializers.ListField(child=serializers.CharField(max_length=40), required=False)

    class Meta:
        model = Requirement
        exclude = ["id", "lead", "created_at", "updated_at"]
        read_only_fields = ["fire_class_source", "fire_class_reasons", "industry_code_note"]

    def get_industry_name(self, obj: Requirement) -> str:
        return industry.describe(obj.industry_code)


class LeadSerializer(serializers.ModelSerializer[Lead]):
    requirement = RequirementSerializer(required=False)
    contact_mobile = serializers.CharField(required=False, allow_blank=True)

    class Meta:
        model = Lead
        fields = [
            "id", "park", "enterprise", "company_name", "contact_name", "contact_mobile", "source", "officer", "stage",
            "stage_changed_at", "expected_signing_on", "probability", "lost_reason", "description", "requirement",
            "created_at", "updated_at",
        ]  # fmt: skip
        read_only_fields = [
            "enterprise",
            "officer",
            "stage",
            "stage_changed_at",
            "lost_reason",
            "created_at",
            "updated_at",
        ]

    def to_representation(self, instance: Lead) -> dict[str, Any]:
        """The mobile masked unless the caller may see it; each unmasked one is an audited view."""
        data: dict[str, Any] = super().to_representation(instance)
        request = self.context.get("request")
        data["contact_mobile"] = (
            services.lead_mobile_shown(lead=instance, viewer=request.user, remote_addr=client_ip(request))
            if request is not None
            else ""
        )
        return data


class MoveSerializer(serializers.Serializer[Any]):
    stage = serializers.ChoiceField(choices=Lead._meta.get_field("stage").choices)  # type: ignore[arg-type]
    lost_reason = serializers.CharField(required=False, allow_blank=True, default="")
    note = serializers.CharField(required=False, allow_blank=True, default="")


#: The earliest time an activity may be recorded at.
EARLIEST_ACTIVITY = datetime.datetime(2000, 1, 1, tzinfo=datetime.UTC)


class ActivitySerializer(serializers.ModelSerializer[Activity]):
    class Meta:
        model = Activity
        fields = [
            "id",
            "lead",
            "kind",
            "occurred_at",
            "summary",
            "units",
            "parcels",
            "next_step",
            "next_step_on",
            "actor",
        ]
        read_only_fields = ["lead", "actor"]
        extra_kwargs = {
            "kind": {"required": True},  # an activity says what it was
            "occurred_at": {"required": False},
            "units": {"required": False},
            "parcels": {"required": False},
        }

    def validate_occurred_at(self, value: datetime.datetime) -> datetime.datetime:
        """An activity happened: not before the records began, and not later than tomorrow (a
        year like 594 would be stored and then answered with a local-mean-time offset)."""
        if value < EARLIEST_ACTIVITY or value > timezone.now() + datetime.timedelta(days=1):
            raise serializers.ValidationError(_("活动时间须在 2000 年之后，且不晚于明天"))
        return value

    def validate_next_step_on(self, value: datetime.date | None) -> datetime.date | None:
        if value is not None and not (
            EARLIEST_ACTIVITY.date() <= value <= timezone.localdate() + datetime.timedelta(days=3653)
        ):
            raise serializers.ValidationError(_("提醒日期须在 2000 年之后、十年之内"))
        return value


class NotificationSerializer(serializers.ModelSerializer[Notification]):
    class Meta:
        model = Notification
        fields = ["id", "lead", "text", "url", "created_at", "read_at"]
        read_only_fields = fields


class MatchSpaceSerializer(serializers.Serializer[Any]):
    kind = serializers.CharField()
    id = serializers.IntegerField()
    code = serializers.CharField()
    building_code = serializers.CharField()
    level = serializers.IntegerField()
    space_type = serializers.CharField()
    area = serializers.DecimalField(max_digits=12, decimal_places=2)
    rent = serializers.DecimalField(max_digits=8, decimal_places=2, allow_null=True)
    land_price_wan_per_mu = serializers.DecimalField(max_digits=10, decimal_places=2, allow_null=True)


class ScorePartSerializer(serializers.Serializer[Any]):
    key = serializers.CharField()
    name = serializers.CharField(source="label", help_text="得分项名称")
    weight = serializers.FloatField(help_text="占总分的权重（%）")
    value = serializers.FloatField(help_text="0–1")
    points = serializers.FloatField()


class MatchSerializer(serializers.Serializer[Any]):
    park_id = serializers.IntegerField(source="park.id")
    park_name = serializers.CharField(source="park.name")
    score = serializers.FloatField()
    total_area = serializers.DecimalField(max_digits=14, decimal_places=2)
    is_combination = serializers.BooleanField()
    spaces = MatchSpaceSerializer(many=True)
    fits = serializers.ListField(child=serializers.CharField())
    misfits = serializers.ListField(child=serializers.CharField())
    flags = serializers.ListField(child=serializers.CharField())
    parts = ScorePartSerializer(many=True, help_text="得分构成：只计需求中填写的条件")
    policy_maybe = serializers.BooleanField(help_text="线索行业代码比园区政策宽：可能符合，请细化")


class RejectionSerializer(serializers.Serializer[Any]):
    park_id = serializers.IntegerField(source="park.id")
    park_name = serializers.CharField(source="park.name")
    space = MatchSpaceSerializer()
    constraints = serializers.ListField(child=serializers.CharField())
    reasons = serializers.ListField(child=serializers.CharField())


class MatchReportSerializer(serializers.Serializer[Any]):
    matches = MatchSerializer(many=True)
    combinations = MatchSerializer(many=True)
    flags = serializers.ListField(child=serializers.CharField())
    empty_reason = serializers.CharField()
    hints = serializers.ListField(child=serializers.CharField(), help_text="无匹配时：最接近的空间及需放宽的条件")
    eliminated = serializers.DictField(child=serializers.IntegerField(), source="ranking.eliminated")
    rejected = RejectionSerializer(many=True, help_text="?include=rejected：未入选的候选及原因（最多500个）")
    rejected_total = serializers.IntegerField()
