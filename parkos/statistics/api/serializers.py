from __future__ import annotations

from typing import Any

from rest_framework import serializers

from parkos.statistics.models import MonthlyReport
from parkos.statistics.services import REPORT_FIELDS


class MonthlyReportSerializer(serializers.ModelSerializer[MonthlyReport]):
    """A month's figures in storage units: money in 元, energy in 吨标准煤, employees in persons.

    A tenant's submission follows the reporting window; figures that move more than ±50 % need
    ``confirmed`` and a ``note``; re-submitting a month answers 202 (a revision waits for approval)."""

    confirmed = serializers.BooleanField(write_only=True, required=False, default=False)
    note = serializers.CharField(write_only=True, required=False, allow_blank=True, default="", max_length=500)

    class Meta:
        model = MonthlyReport
        fields = [
            "id",
            "park",
            "enterprise",
            "year",
            "month",
            "is_cumulative",
            *REPORT_FIELDS,
            "source",
            "updated_at",
            "confirmed",
            "note",
        ]
        read_only_fields = ["id", "source", "updated_at"]
        extra_kwargs = {"park": {"required": False}, "enterprise": {"required": False}}
        # Upserts by (enterprise, year, month) go through the service, not the unique validator.
        validators: list[Any] = []


class FigureSerializer(serializers.Serializer[Any]):
    value = serializers.DecimalField(max_digits=24, decimal_places=4, allow_null=True)
    display = serializers.CharField()
    sources = serializers.IntegerField(help_text="number of source rows")


class GrowthSerializer(serializers.Serializer[Any]):
    current = serializers.DecimalField(max_digits=24, decimal_places=4, allow_null=True)
    previous = serializers.DecimalField(max_digits=24, decimal_places=4, allow_null=True)
    rate = serializers.DecimalField(max_digits=12, decimal_places=1, allow_null=True)
    display = serializers.CharField()
    enterprises = serializers.IntegerField()


class KpiLineSerializer(serializers.Serializer[Any]):
    indicator = serializers.CharField()
    total = FigureSerializer()
    growth = GrowthSerializer()


class KpiSerializer(serializers.Serializer[Any]):
    park_ids = serializers.ListField(child=serializers.IntegerField(), allow_null=True)
    year = serializers.IntegerField()
    first_month = serializers.IntegerField()
    last_month = serializers.IntegerField()
    period_label = serializers.CharField()
    paragraph = serializers.CharField()
    indicators = KpiLineSerializer(many=True)
    above_scale_output = FigureSerializer()
    above_scale_output_growth = GrowthSerializer()
    above_scale_count = serializers.IntegerField()
    new_above_scale = serializers.ListField(child=serializers.DictField())
    rnd_intensity = FigureSerializer()
    size_classes = serializers.DictField(child=serializers.IntegerField())
    projects_completed = serializers.IntegerField()
    listings = serializers.IntegerField()
    products_by_stage = serializers.DictField(
        child=serializers.IntegerField(), help_text="Products by their stage at the end of the period (RULES §7.6)."
    )
    products_in_rnd = serializers.IntegerField(help_text="在研重点产品 at the end of the period.")
    class1_drugs_in_clinical = serializers.IntegerField(help_text="进入临床的1类新药 at the end of the period.")
    products_in_phase3 = serializers.IntegerField(help_text="Products in phase III at the end of the period.")
    products_new_in_phase3 = serializers.IntegerField(help_text="Products that first entered phase III in the period.")
    occupancy_rate = serializers.DecimalField(max_digits=5, decimal_places=1, allow_null=True)
