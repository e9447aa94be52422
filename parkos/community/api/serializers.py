from __future__ import annotations

from typing import Any

from rest_framework import serializers

from parkos.community.models import BookableResource, Booking, Event, JobPosting, TalentRecord
from parkos.enterprises.models import Enterprise


class ResourceSerializer(serializers.ModelSerializer[BookableResource]):
    class Meta:
        model = BookableResource
        fields = [
            "id", "park", "kind", "code", "name", "location", "capacity", "tariff", "opens_at", "closes_at",
            "working_days_only", "slot_minutes", "min_minutes", "max_minutes", "min_lead_minutes", "max_advance_days",
            "audience", "approval_above_attendees", "approval_above_minutes",
        ]  # fmt: skip


class BookingSerializer(serializers.ModelSerializer[Booking]):
    """A booking. POST books a slot for the caller (tenants: their enterprise; managers: `enterprise` or none)."""

    resource = serializers.PrimaryKeyRelatedField(queryset=BookableResource.objects.filter(active=True))
    enterprise = serializers.PrimaryKeyRelatedField(queryset=Enterprise.objects.all(), required=False, allow_null=True)

    class Meta:
        model = Booking
        fields = [
            "id", "resource", "park", "enterprise", "series", "title", "attendees", "starts_at", "ends_at", "status",
            "note", "unit_price", "free_minutes", "chargeable_minutes", "amount", "cancelled_at", "cancel_reason",
        ]  # fmt: skip
        read_only_fields = ["park", "series", "status", "unit_price", "free_minutes", "chargeable_minutes", "amount"]


class BookingConflictSerializer(serializers.Serializer[Any]):
    detail = serializers.CharField()
    next_free_starts_at = serializers.DateTimeField(allow_null=True)
    next_free_ends_at = serializers.DateTimeField(allow_null=True)


class CancelSerializer(serializers.Serializer[Any]):
    reason = serializers.CharField(required=False, allow_blank=True, max_length=300)


class TalentSerializer(serializers.ModelSerializer[TalentRecord]):
    """A talent record; the name and mobile are masked unless the caller runs talent work in its park."""

    name = serializers.SerializerMethodField()
    mobile = serializers.SerializerMethodField()

    class Meta:
        model = TalentRecord
        fields = [
            "id", "park", "enterprise", "name", "mobile", "level", "degree", "title", "field", "position", "returnee",
            "arrived_on", "status", "left_on",
        ]  # fmt: skip

    def _unmasked(self, talent: TalentRecord) -> bool:
        visible: set[int] = self.context.get("unmasked_parks", set())
        return talent.park_id in visible

    def get_name(self, talent: TalentRecord) -> str:
        return talent.name if self._unmasked(talent) else talent.name_masked

    def get_mobile(self, talent: TalentRecord) -> str:
        return talent.mobile if self._unmasked(talent) else talent.mobile_masked


class JobSerializer(serializers.ModelSerializer[JobPosting]):
    class Meta:
        model = JobPosting
        fields = [
            "id", "park", "enterprise", "title", "field", "degree", "min_experience_years", "headcount", "salary_min",
            "salary_max", "location", "description", "closes_on", "status", "submitted_at", "decided_at",
        ]  # fmt: skip


class EventSerializer(serializers.ModelSerializer[Event]):
    confirmed = serializers.IntegerField(read_only=True)
    waiting = serializers.IntegerField(read_only=True)
    checked_in = serializers.IntegerField(read_only=True)

    class Meta:
        model = Event
        fields = [
            "id", "park", "kind", "title", "summary", "starts_at", "ends_at", "venue", "capacity", "waitlist_limit",
            "registration_closes_at", "status", "confirmed", "waiting", "checked_in",
        ]  # fmt: skip


class ChargeLineSerializer(serializers.Serializer[Any]):
    enterprise_id = serializers.IntegerField()
    description = serializers.CharField()
    quantity = serializers.DecimalField(max_digits=12, decimal_places=4)
    unit = serializers.CharField()
    unit_price = serializers.DecimalField(max_digits=12, decimal_places=2)
    source_type = serializers.CharField()
    source_id = serializers.IntegerField()
    occurred_on = serializers.DateField()
