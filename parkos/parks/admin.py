from django.contrib import admin
from django.http import HttpRequest

from parkos.parks.models import (
    Building,
    Floor,
    LandParcel,
    Operator,
    Park,
    ParkPhoto,
    Reservation,
    SpaceMedia,
    Unit,
    UnitAdjacency,
)


@admin.register(Operator)
class OperatorAdmin(admin.ModelAdmin[Operator]):
    list_display = ("name", "hotline")


class ParkPhotoInline(admin.TabularInline[ParkPhoto, Park]):
    model = ParkPhoto
    extra = 0


@admin.register(Park)
class ParkAdmin(admin.ModelAdmin[Park]):
    list_display = ("code", "name", "city", "district", "archived_at")
    list_filter = ("city",)
    search_fields = ("code", "name")
    inlines = [ParkPhotoInline]


@admin.register(ParkPhoto)
class ParkPhotoAdmin(admin.ModelAdmin[ParkPhoto]):
    list_display = ("park", "caption", "position")


@admin.register(LandParcel)
class LandParcelAdmin(admin.ModelAdmin[LandParcel]):
    list_display = ("park", "code", "name", "area_sqm", "land_use", "lettable", "occupancy")
    list_filter = ("land_use", "occupancy")
    search_fields = ("code", "name")


@admin.register(Building)
class BuildingAdmin(admin.ModelAdmin[Building]):
    list_display = ("park", "code", "name", "structure", "storeys", "design_fire_class", "fire_resistance_grade")
    list_filter = ("structure", "design_fire_class")
    search_fields = ("code", "name")


@admin.register(Floor)
class FloorAdmin(admin.ModelAdmin[Floor]):
    list_display = ("building", "level", "area_sqm", "floor_load_kn_m2", "clear_height_m")


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin[Unit]):
    """Occupancy, reservation and fire class are derived: read-only here as everywhere."""

    list_display = ("park", "code", "area_sqm", "design_fire_class", "occupancy", "reserved_until", "lettable")
    list_filter = ("design_fire_class", "occupancy", "cleanroom_grade")
    search_fields = ("code",)
    readonly_fields = ("design_fire_class", "occupancy", "occupied_from", "occupied_until", "reserved_until")


@admin.register(UnitAdjacency)
class UnitAdjacencyAdmin(admin.ModelAdmin[UnitAdjacency]):
    """Read-only: pairs are written by `unit_set_adjacent` (checks and audit), from the unit page or import."""

    list_display = ("park", "unit", "other", "relation")
    list_filter = ("relation",)
    search_fields = ("unit__code", "other__code")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: UnitAdjacency | None = None) -> bool:
        return False


@admin.register(SpaceMedia)
class SpaceMediaAdmin(admin.ModelAdmin[SpaceMedia]):
    list_display = ("park", "building", "unit", "kind", "caption", "position")
    list_filter = ("kind",)
    readonly_fields = ("thumbnail",)


@admin.register(Reservation)
class ReservationAdmin(admin.ModelAdmin[Reservation]):
    list_display = ("park", "unit", "parcel", "holder_name", "reserved_from", "reserved_until", "released_at")
