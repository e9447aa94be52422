from __future__ import annotations

from typing import Any

from django.db.models import Q
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from parkos.parks.choices import CleanroomGrade, SpaceStatus, cleanroom_grade_from_text
from parkos.parks.models import Building, Floor, LandParcel, Park, Reservation, Unit, UnitAdjacency


class CleanroomGradeField(serializers.ChoiceField):
    """A GMP grade; typed names ("10万级", "万级", "百级", "ISO 7") are accepted too (RULES §7.4)."""

    def __init__(self, *, required: bool = True, allow_blank: bool = False) -> None:
        super().__init__(choices=CleanroomGrade.choices, required=required, allow_blank=allow_blank)

    def to_internal_value(self, data: object) -> str:
        if data in (None, ""):
            return ""
        try:
            return cleanroom_grade_from_text(str(data))
        except ValueError:
            self.fail("invalid_choice", input=data)
            raise  # fail() raises; keeps the type checker sure


class ParkSerializer(serializers.ModelSerializer[Park]):
    welcomed_industry_codes = serializers.ListField(
        child=serializers.CharField(max_length=8), required=False, help_text="GB/T 4754 codes or prefixes"
    )

    class Meta:
        model = Park
        fields = [
            "id", "code", "name", "operator", "province", "city", "district", "address", "land_area_sqm",
            "established_year", "industry_focus", "welcomed_industry_codes", "min_tax_wan_per_mu_year",
            "min_investment_wan_per_mu", "rent_min_yuan_per_sqm_month", "rent_max_yuan_per_sqm_month",
            "sale_allowed", "transport", "description", "archived_at",
        ]  # fmt: skip
        read_only_fields = ["archived_at"]


class BuildingSerializer(serializers.ModelSerializer[Building]):
    class Meta:
        model = Building
        fields = [
            "id", "park", "code", "name", "structure", "storeys", "basement_storeys", "fire_resistance_grade",
            "design_fire_class", "sprinklered", "status", "column_grid", "freight_lift_count", "freight_lift_t",
            "completed_year", "land_area_sqm", "archived_at",
        ]  # fmt: skip
        read_only_fields = ["archived_at"]


class FloorSerializer(serializers.ModelSerializer[Floor]):
    class Meta:
        model = Floor
        fields = [
            "id",
            "building",
            "level",
            "area_sqm",
            "floor_load_kn_m2",
            "clear_height_m",
            "design_fire_class",
            "column_grid",
        ]


class _SpaceSerializer(serializers.ModelSerializer[Any]):
    status = serializers.SerializerMethodField(help_text="available / reserved / leased / sold / not_lettable")
    status_label = serializers.SerializerMethodField()

    def get_status(self, obj: Unit | LandParcel) -> str:
        return str(getattr(obj, "status_now", None) or obj.status.value)

    def get_status_label(self, obj: Unit | LandParcel) -> str:

        return str(SpaceStatus(self.get_status(obj)).label)


@extend_schema_field(OpenApiTypes.INT)
class AdjacentUnitsField(serializers.PrimaryKeyRelatedField[Unit]):
    """Ids of the units this one touches (same floor side by side, or stacked on the next floor)."""

    def get_queryset(self) -> Any:
        return Unit.objects.filter(archived_at__isnull=True)


class UnitSerializer(_SpaceSerializer):
    cleanroom_grade = CleanroomGradeField(required=False, allow_blank=True)
    adjacent_units = AdjacentUnitsField(many=True, required=False, help_text="相邻单元 id（同楼栋同层或上下相邻层）")
    park_name = serializers.CharField(source="park.name", read_only=True)
    city = serializers.CharField(source="park.city", read_only=True)
    building_code = serializers.CharField(source="building.code", read_only=True)
    floor_level = serializers.IntegerField(source="floor.level", read_only=True)
    floor_load_kn_m2 = serializers.DecimalField(
        source="floor.floor_load_kn_m2", max_digits=5, decimal_places=1, read_only=True
    )
    clear_height_m = serializers.DecimalField(
        source="floor.clear_height_m", max_digits=4, decimal_places=2, read_only=True
    )

    class Meta:
        model = Unit
        fields = [
            "id", "park", "park_name", "city", "building", "building_code", "floor", "floor_level", "code", "area_sqm",
            "storeys_spanned", "floor_load_kn_m2", "clear_height_m", "power_kva", "freight_lift_t", "crane_t",
            "cleanroom_grade", "wastewater_pretreatment", "hazardous_chemicals_allowed", "design_fire_class",
            "rent_yuan_per_sqm_month", "sale_price_yuan_per_sqm", "for_sale", "lettable", "available_from",
            "occupancy", "occupied_from", "occupied_until", "reserved_until", "committed_until", "status",
            "status_label", "archived_at", "space_type", "storage_fire_class", "cold_storage_min_c", "adjacent_units",
        ]  # fmt: skip
        read_only_fields = [
            "park", "building", "design_fire_class", "occupancy", "occupied_from", "occupied_until", "reserved_until",
            "committed_until", "archived_at",
        ]  # fmt: skip

    def to_representation(self, instance: Unit) -> dict[str, Any]:
        data = super().to_representation(instance)
        data["adjacent_units"] = sorted(
            b if a == instance.pk else a
            for a, b in UnitAdjacency.objects.filter(Q(unit=instance) | Q(other=instance)).values_list(
                "unit_id", "other_id"
            )
        )
        return data


class LandParcelSerializer(_SpaceSerializer):
    park_name = serializers.CharField(source="park.name", read_only=True)
    city = serializers.CharField(source="park.city", read_only=True)

    class Meta:
        model = LandParcel
        fields = [
            "id", "park", "park_name", "city", "code", "name", "area_sqm", "land_use", "plot_ratio_min",
            "plot_ratio_max", "building_density_min", "green_ratio_max", "price_wan_per_mu", "term_years",
            "design_fire_class", "rent_yuan_per_sqm_month", "lettable", "available_from", "occupancy",
            "occupied_from", "occupied_until", "reserved_until", "committed_until", "status", "status_label",
            "archived_at",
        ]  # fmt: skip
        read_only_fields = [
            "occupancy", "occupied_from", "occupied_until", "reserved_until", "committed_until", "archived_at"
        ]  # fmt: skip


class ReservationSerializer(serializers.ModelSerializer[Reservation]):
    class Meta:
        model = Reservation
        fields = [
            "id",
            "park",
            "unit",
            "parcel",
            "holder_name",
            "reserved_from",
            "reserved_until",
            "note",
            "released_at",
            "created_by",
        ]
        read_only_fields = ["park", "released_at", "created_by"]
        # The service starts a reservation today when no start is given.
        extra_kwargs: dict[str, dict[str, Any]] = {"reserved_from": {"required": False}}
