from __future__ import annotations

from typing import Any

from rest_framework import serializers

from parkos.monitoring.models import Alarm, AlarmEvent, AlarmRule, Meter, MeterDevice, RejectedReading
from parkos.monitoring.services import METER_FIELDS, RULE_FIELDS


class MeterDeviceSerializer(serializers.ModelSerializer[MeterDevice]):
    class Meta:
        model = MeterDevice
        fields = ["id", "serial_number", "multiplier", "installed_at", "removed_at", "initial_reading", "final_reading"]


class MeterSerializer(serializers.ModelSerializer[Meter]):
    """A meter or sensor; a new physical meter gets its first device from `serial_number`/`multiplier`."""

    devices = MeterDeviceSerializer(many=True, read_only=True)
    unit_label = serializers.CharField(read_only=True)
    serial_number = serializers.CharField(write_only=True, required=False, allow_blank=True, max_length=60)
    multiplier = serializers.DecimalField(max_digits=14, decimal_places=6, write_only=True, required=False)

    class Meta:
        model = Meter
        fields = ["id", *METER_FIELDS, "unit_label", "devices", "serial_number", "multiplier"]


class IngestResultSerializer(serializers.Serializer[Any]):
    accepted = serializers.IntegerField()
    duplicates = serializers.IntegerField()
    late = serializers.IntegerField()
    rejected = serializers.IntegerField()
    rejects = serializers.ListField(
        child=serializers.DictField(),
        help_text=(
            "line, meter_code, ts, reason, code (the detail's, else the reason's: stable), params (the detail's "
            "figures), message (in the request's language, Accept-Language)"
        ),
    )


class SeriesSerializer(serializers.Serializer[Any]):
    resolution = serializers.CharField()
    unit = serializers.CharField()
    points = serializers.ListField(
        child=serializers.DictField(), help_text="at, samples, total, average, minimum, maximum"
    )


class AlarmEventSerializer(serializers.ModelSerializer[AlarmEvent]):
    class Meta:
        model = AlarmEvent
        fields = ["kind", "at", "actor", "text"]


class AlarmSerializer(serializers.ModelSerializer[Alarm]):
    events = AlarmEventSerializer(many=True, read_only=True)

    class Meta:
        model = Alarm
        fields = [
            "id", "park", "rule", "meter", "severity", "status", "message", "value", "opened_at", "last_triggered_at",
            "occurrences", "cleared_at", "acknowledged_at", "acknowledged_by", "closed_at", "escalation_level",
            "next_escalation_at", "events",
        ]  # fmt: skip
        read_only_fields = fields


class AlarmActionSerializer(serializers.Serializer[Any]):
    text = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


class AlarmRuleSerializer(serializers.ModelSerializer[AlarmRule]):
    cascade = serializers.PrimaryKeyRelatedField(
        queryset=Meter.objects.all(),
        many=True,
        required=False,
        help_text="cascade rules: meters from the highest pressure down",
    )

    class Meta:
        model = AlarmRule
        fields = ["id", *RULE_FIELDS, "cascade"]

    def to_representation(self, instance: AlarmRule) -> dict[str, Any]:
        data = super().to_representation(instance)
        data["cascade"] = list(instance.cascade.order_by("position").values_list("meter_id", flat=True))
        return data


class ConsumptionLineSerializer(serializers.Serializer[Any]):
    enterprise_id = serializers.IntegerField()
    kind = serializers.CharField()
    quantity = serializers.DecimalField(max_digits=20, decimal_places=3)
    unit = serializers.CharField()
    share_note = serializers.CharField()


class RejectedReadingSerializer(serializers.ModelSerializer[RejectedReading]):
    detail = serializers.CharField(
        source="detail_text",
        read_only=True,
        help_text="what the reason does not say, in the request's language; empty where the reason says it all",
    )

    class Meta:
        model = RejectedReading
        fields = [
            "id",
            "park",
            "meter",
            "meter_code",
            "gateway",
            "ts",
            "raw_value",
            "source",
            "reason",
            "detail",
            "detail_code",
            "detail_params",
            "received_at",
        ]
