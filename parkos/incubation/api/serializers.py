from __future__ import annotations

from typing import Any

from rest_framework import serializers

from parkos.enterprises.models import Enterprise
from parkos.incubation.choices import Visibility
from parkos.incubation.models import (
    Application,
    IncubationRecord,
    Programme,
    Scheme,
    ServiceOffering,
    ServiceRequest,
)


class ProgrammeSerializer(serializers.ModelSerializer[Programme]):
    graduation_bases = serializers.ListField(child=serializers.CharField(), read_only=True)

    class Meta:
        model = Programme
        fields = [
            "id", "park", "name", "kind", "is_active", "incubation_months", "extended_months",
            "extended_industry_prefixes", "entry_max_age_years", "entry_industry_prefixes", "entry_requires_ip",
            "graduation_bases", "graduation_revenue_wan", "rent_free_months", "rent_discount_rate",
            "rent_discount_months", "incubation_area_sqm",
        ]  # fmt: skip


class ApplicationSerializer(serializers.ModelSerializer[Application]):
    """An application without the applicant's personal data (name, mobile, e-mail)."""

    class Meta:
        model = Application
        fields = [
            "id", "reference", "programme", "park", "intake", "status", "source", "company_name", "credit_code",
            "founded_on", "industry_code", "team_size", "patents", "funding_raised_wan", "funding_sought_wan",
            "space_need_sqm", "submitted_at", "enterprise", "decision", "decided_at",
        ]  # fmt: skip


class IncubationRecordSerializer(serializers.ModelSerializer[IncubationRecord]):
    overdue = serializers.BooleanField(read_only=True, default=False)

    class Meta:
        model = IncubationRecord
        fields = [
            "id", "programme", "park", "enterprise", "intake", "stage", "stage_since", "admitted_on",
            "period_months", "due_on", "graduated_on", "graduation_basis", "exited_on", "exit_reason", "overdue",
        ]  # fmt: skip


class ServiceOfferingSerializer(serializers.ModelSerializer[ServiceOffering]):
    class Meta:
        model = ServiceOffering
        fields = [
            "id", "park", "category", "name", "provider", "response_target", "response_unit", "resolution_target",
            "resolution_unit", "unit_price", "price_unit", "is_active",
        ]  # fmt: skip


class ServiceRequestSerializer(serializers.ModelSerializer[ServiceRequest]):
    """A request. POST raises one for an enterprise (offering's park); the SLA times are computed."""

    enterprise = serializers.PrimaryKeyRelatedField(queryset=Enterprise.objects.all())
    offering = serializers.PrimaryKeyRelatedField(queryset=ServiceOffering.objects.filter(is_active=True))

    class Meta:
        model = ServiceRequest
        fields = [
            "id", "reference", "park", "enterprise", "offering", "provider", "assignee", "subject", "description",
            "status", "channel", "raised_at", "response_due_at", "resolution_due_at", "first_response_at",
            "resolved_at", "closed_at", "response_breached", "resolution_breached", "escalation_level",
            "reopen_count", "rating", "resolution_seconds",
        ]  # fmt: skip
        read_only_fields = [
            "reference", "park", "provider", "assignee", "status", "channel", "raised_at", "response_due_at",
            "resolution_due_at", "first_response_at", "resolved_at", "closed_at", "response_breached",
            "resolution_breached", "escalation_level", "reopen_count", "rating", "resolution_seconds",
        ]  # fmt: skip


class MessageSerializer(serializers.Serializer[Any]):
    body = serializers.CharField(max_length=5000)
    visibility = serializers.ChoiceField(choices=Visibility.choices, default=Visibility.PUBLIC)


class ResolveSerializer(serializers.Serializer[Any]):
    note = serializers.CharField(max_length=5000)
    quantity = serializers.DecimalField(max_digits=10, decimal_places=2, required=False, allow_null=True, min_value=0)


class SchemeSerializer(serializers.ModelSerializer[Scheme]):
    criteria = serializers.SerializerMethodField()

    class Meta:
        model = Scheme
        fields = [
            "id", "park", "name", "level", "issuer", "document_ref", "url", "benefit", "max_award_wan", "opens_on",
            "closes_on", "is_active", "criteria",
        ]  # fmt: skip

    def get_criteria(self, obj: Scheme) -> list[str]:
        return [str(c) for c in obj.criteria.all()]


class SlaRowSerializer(serializers.Serializer[Any]):
    key = serializers.IntegerField(allow_null=True)
    name = serializers.CharField(source="label")
    provider = serializers.CharField()
    total = serializers.IntegerField()
    cancelled = serializers.IntegerField()
    response_met = serializers.IntegerField()
    response_breached = serializers.IntegerField()
    resolution_met = serializers.IntegerField()
    resolution_breached = serializers.IntegerField()
    open = serializers.IntegerField()
    backlog = serializers.ListField(child=serializers.IntegerField())
    median_hours = serializers.DecimalField(max_digits=10, decimal_places=1, allow_null=True)
    rating = serializers.DecimalField(max_digits=3, decimal_places=1, allow_null=True)


class SlaDashboardSerializer(serializers.Serializer[Any]):
    start = serializers.DateField()
    end = serializers.DateField()
    total = SlaRowSerializer()
    by_service = SlaRowSerializer(many=True)
    by_provider = SlaRowSerializer(many=True)


class EligibilityRowSerializer(serializers.Serializer[Any]):
    scheme = serializers.IntegerField()
    name = serializers.CharField()
    qualified = serializers.ListField(child=serializers.IntegerField())
    near_misses = serializers.ListField(child=serializers.DictField())


class RiskRowSerializer(serializers.Serializer[Any]):
    enterprise = serializers.IntegerField()
    name = serializers.CharField()
    score = serializers.IntegerField()
    level = serializers.CharField()
    reasons = serializers.ListField(child=serializers.DictField())
