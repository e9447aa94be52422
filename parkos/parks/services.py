"""Every write to parks and space: typed, keyword-only, atomic, audited.

Units keep `design_fire_class` equal to their floor's (or building's) class, and `reserved_until`
equal to their latest active reservation; both are maintained here and nowhere else.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Literal, TypeVar

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import models, transaction
from django.db.models import Max, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from parkos.core.audit import audit_record, save_audited, snapshot
from parkos.core.images import clean_image, thumbnail
from parkos.core.models import AuditAction
from parkos.parks import hooks
from parkos.parks.models import Building, Floor, LandParcel, Park, Reservation, SpaceMedia, Unit, UnitAdjacency

if TYPE_CHECKING:
    from parkos.accounts.models import User

M = TypeVar("M", bound=models.Model)

PARK_EDITABLE_FIELDS = (
    "code", "name", "operator", "province", "city", "district", "address", "land_area_sqm", "established_year",
    "industry_focus", "welcomed_industry_codes", "min_tax_wan_per_mu_year", "min_investment_wan_per_mu",
    "rent_min_yuan_per_sqm_month", "rent_max_yuan_per_sqm_month", "sale_allowed", "transport", "description",
    "name_en", "description_en",
)  # fmt: skip
BUILDING_EDITABLE_FIELDS = (
    "park", "code", "name", "structure", "storeys", "basement_storeys", "fire_resistance_grade", "design_fire_class",
    "sprinklered", "status", "column_grid", "freight_lift_count", "freight_lift_t", "completed_year", "land_area_sqm",
)  # fmt: skip
FLOOR_EDITABLE_FIELDS = (
    "building", "level", "area_sqm", "floor_load_kn_m2", "clear_height_m", "design_fire_class", "column_grid",
)  # fmt: skip
UNIT_EDITABLE_FIELDS = (
    "park", "building", "floor", "code", "area_sqm", "storeys_spanned", "power_kva", "freight_lift_t", "crane_t",
    "cleanroom_grade", "wastewater_pretreatment", "hazardous_chemicals_allowed", "rent_yuan_per_sqm_month",
    "sale_price_yuan_per_sqm", "for_sale", "lettable", "available_from", "space_type", "storage_fire_class",
    "cold_storage_min_c",
)  # fmt: skip
PARCEL_EDITABLE_FIELDS = (
    "park", "code", "name", "area_sqm", "land_use", "plot_ratio_min", "plot_ratio_max", "building_density_min",
    "green_ratio_max", "price_wan_per_mu", "term_years", "rent_yuan_per_sqm_month", "lettable", "available_from",
)  # fmt: skip


def _park_id_of(instance: models.Model) -> int | None:
    if isinstance(instance, Park):
        return instance.pk
    if isinstance(instance, Floor):
        return instance.building.park_id
    return getattr(instance, "park_id", None)


def _save[M: models.Model](instance: M, *, actor: User | None, before: dict[str, Any] | None) -> M:
    """Validate, save and audit one row (create when `before` is None), in its park."""
    return save_audited(instance, actor=actor, before=before, park_id=_park_id_of(instance))


def _assign(instance: models.Model, fields: dict[str, Any], allowed: tuple[str, ...]) -> None:
    unknown = set(fields) - set(allowed)
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")
    for name, value in fields.items():
        setattr(instance, name, value)


def _archive[M: models.Model](instance: M, *, actor: User | None) -> M:
    if getattr(instance, "archived_at", None) is None:
        instance.archived_at = timezone.now()  # type: ignore[attr-defined]
        instance.save(update_fields=["archived_at", "updated_at"])
        audit_record(actor=actor, action=AuditAction.ARCHIVE, obj=instance, park_id=_park_id_of(instance))
    return instance


# --- Parks ---------------------------------------------------------------------------------------


@transaction.atomic
def park_create(*, actor: User | None, **fields: object) -> Park:
    park = Park()
    _assign(park, fields, PARK_EDITABLE_FIELDS)
    return _save(park, actor=actor, before=None)


@transaction.atomic
def park_update(*, park: Park, actor: User | None, **fields: object) -> Park:
    park = Park.objects.select_for_update().get(pk=park.pk)
    before = snapshot(park)
    _assign(park, fields, PARK_EDITABLE_FIELDS)
    return _save(park, actor=actor, before=before)


@transaction.atomic
def park_archive(*, park: Park, actor: User | None) -> Park:
    """Archive instead of delete: contracts, statistics and history keep pointing at the park."""
    return _archive(Park.objects.select_for_update().get(pk=park.pk), actor=actor)


# --- Buildings and floors ------------------------------------------------------------------------


def _sync_unit_fire_classes(building: Building) -> None:
    """Keep every unit's class equal to its floor's override or the building's design class."""
    for floor in building.floors.all():
        floor.building = building
        Unit.objects.filter(floor=floor).exclude(design_fire_class=floor.effective_fire_class).update(
            design_fire_class=floor.effective_fire_class, updated_at=timezone.now()
        )


@transaction.atomic
def building_create(*, actor: User | None, **fields: object) -> Building:
    building = Building()
    _assign(building, fields, BUILDING_EDITABLE_FIELDS)
    return _save(building, actor=actor, before=None)


@transaction.atomic
def building_update(*, building: Building, actor: User | None, **fields: object) -> Building:
    building = Building.objects.select_for_update().get(pk=building.pk)
    before = snapshot(building)
    _assign(building, fields, BUILDING_EDITABLE_FIELDS)
    if building.park_id != before["park_id"]:
        raise ValidationError({"park": _("楼栋不能移到其他园区")})
    if building.storeys < before["storeys"] and building.floors.filter(level__gt=building.storeys).exists():
        raise ValidationError({"storeys": _("还有楼层高于新的层数，请先调整这些楼层")})
    _save(building, actor=actor, before=before)
    for floor in building.floors.all():
        floor.building = building
        floor.full_clean()  # e.g. a 甲 override left on a floor of a building that became high-rise
    _sync_unit_fire_classes(building)
    return building


@transaction.atomic
def building_archive(*, building: Building, actor: User | None) -> Building:
    building = Building.objects.select_for_update().get(pk=building.pk)
    for unit in building.units.filter(archived_at__isnull=True):
        _archive(unit, actor=actor)
    return _archive(building, actor=actor)


@transaction.atomic
def floor_create(*, actor: User | None, **fields: object) -> Floor:
    floor = Floor()
    _assign(floor, fields, FLOOR_EDITABLE_FIELDS)
    return _save(floor, actor=actor, before=None)


@transaction.atomic
def floor_update(*, floor: Floor, actor: User | None, **fields: object) -> Floor:
    floor = Floor.objects.select_for_update().select_related("building").get(pk=floor.pk)
    before = snapshot(floor)
    _assign(floor, fields, FLOOR_EDITABLE_FIELDS)
    if floor.building_id != before["building_id"]:
        raise ValidationError({"building": _("楼层不能移到其他楼栋")})
    let = floor.units.filter(archived_at__isnull=True).aggregate(total=Sum("area_sqm"))["total"] or Decimal(0)
    if floor.area_sqm < let:
        raise ValidationError({"area_sqm": _("楼层面积不能小于其上单元面积之和（%(let)s m²）") % {"let": let}})
    _save(floor, actor=actor, before=before)
    Unit.objects.filter(floor=floor).exclude(design_fire_class=floor.effective_fire_class).update(
        design_fire_class=floor.effective_fire_class, updated_at=timezone.now()
    )
    return floor


# --- Units and parcels ---------------------------------------------------------------------------


def _check_floor_capacity(unit: Unit) -> None:
    """The units on a floor cannot add up to more than the floor (spanning units count per storey)."""
    floor = Floor.objects.select_for_update().get(pk=unit.floor_id)
    others = Unit.objects.filter(floor=floor, archived_at__isnull=True, storeys_spanned=1).exclude(
        pk=unit.pk
    ).aggregate(total=Sum("area_sqm"))["total"] or Decimal(0)
    if unit.storeys_spanned == 1 and unit.archived_at is None and others + unit.area_sqm > floor.area_sqm:
        raise ValidationError(
            {
                "area_sqm": _("该楼层单元面积合计将达 %(total)s m²，超过楼层面积 %(floor)s m²")
                % {"total": others + unit.area_sqm, "floor": floor.area_sqm}
            }
        )


@transaction.atomic
def unit_create(*, actor: User | None, adjacent_units: Iterable[Unit] | None = None, **fields: object) -> Unit:
    """Add a unit (and, optionally, record which units it touches)."""
    unit = Unit()
    _assign(unit, fields, UNIT_EDITABLE_FIELDS)
    if unit.floor_id and not unit.building_id:
        unit.building_id = unit.floor.building_id
    if unit.building_id and not unit.park_id:
        unit.park_id = unit.building.park_id
    if unit.floor_id:
        unit.design_fire_class = unit.floor.effective_fire_class
        _check_floor_capacity(unit)
    unit = _save(unit, actor=actor, before=None)
    if adjacent_units is not None:
        unit_set_adjacent(unit=unit, others=adjacent_units, actor=actor)
    # Reverse matching: tell officers whose open leads this new unit fits (explicit, no signals).
    hooks.space_available(unit, actor)
    return unit


@transaction.atomic
def unit_update(
    *, unit: Unit, actor: User | None, adjacent_units: Iterable[Unit] | None = None, **fields: object
) -> Unit:
    """Change a unit's specification (and, optionally, which units it touches)."""
    unit = Unit.objects.select_for_update().get(pk=unit.pk)
    before = snapshot(unit)
    _assign(unit, fields, UNIT_EDITABLE_FIELDS)
    if unit.park_id != before["park_id"]:
        raise ValidationError({"park": _("单元不能移到其他园区")})
    unit.design_fire_class = unit.floor.effective_fire_class
    _check_floor_capacity(unit)
    unit = _save(unit, actor=actor, before=before)
    if adjacent_units is not None:
        unit_set_adjacent(unit=unit, others=adjacent_units, actor=actor)
    return unit


def adjacency_relation(unit: Unit, other: Unit) -> str:
    """Side by side on one floor, or stacked (one directly above the other)."""
    return UnitAdjacency.Relation.SIDE if unit.floor_id == other.floor_id else UnitAdjacency.Relation.STACKED


@transaction.atomic
def unit_set_adjacent(*, unit: Unit, others: Iterable[Unit], actor: User | None) -> list[Unit]:
    """Record which units touch this one (replacing what was recorded), as data the matching combines.

    A neighbour must be in the same building, on the same floor (side by side) or on the floor
    directly above or below (stacked); pairs are stored once, the lower id first.
    """
    unit = Unit.objects.select_for_update().select_related("floor").get(pk=unit.pk)
    wanted = {o.pk: o for o in others if o.pk != unit.pk}
    errors = []
    for other in wanted.values():
        if other.building_id != unit.building_id:
            errors.append(_("%(code)s 不在同一楼栋，不能相邻") % {"code": other.code})
        elif abs(other.floor.level - unit.floor.level) > 1:
            errors.append(_("%(code)s 与本单元隔层，不能相邻") % {"code": other.code})
    if errors:
        raise ValidationError({"adjacent_units": errors})
    before = sorted(
        {
            a if a != unit.pk else b
            for a, b in UnitAdjacency.objects.filter(Q(unit=unit) | Q(other=unit)).values_list("unit_id", "other_id")
        }
    )
    UnitAdjacency.objects.filter(Q(unit=unit) | Q(other=unit)).delete()
    UnitAdjacency.objects.bulk_create(
        UnitAdjacency(
            unit_id=min(unit.pk, other.pk),
            other_id=max(unit.pk, other.pk),
            park_id=unit.park_id,
            relation=adjacency_relation(unit, other),
        )
        for other in wanted.values()
    )
    after = sorted(wanted)
    if before != after:
        audit_record(
            actor=actor,
            action=AuditAction.UPDATE,
            obj=unit,
            changes={"adjacent_units": [before, after]},
            park_id=unit.park_id,
        )
    return list(wanted.values())


def adjacent_units(unit: Unit) -> list[Unit]:
    ids = [
        b if a == unit.pk else a
        for a, b in UnitAdjacency.objects.filter(Q(unit=unit) | Q(other=unit)).values_list("unit_id", "other_id")
    ]
    return list(Unit.objects.filter(pk__in=ids).select_related("floor").order_by("floor__level", "code"))


@transaction.atomic
def unit_archive(*, unit: Unit, actor: User | None) -> Unit:
    locked: Unit = Unit.objects.select_for_update().get(pk=unit.pk)
    return _archive(locked, actor=actor)


@transaction.atomic
def parcel_create(*, actor: User | None, **fields: object) -> LandParcel:
    parcel = LandParcel()
    _assign(parcel, fields, PARCEL_EDITABLE_FIELDS)
    return _save(parcel, actor=actor, before=None)


@transaction.atomic
def parcel_update(*, parcel: LandParcel, actor: User | None, **fields: object) -> LandParcel:
    parcel = LandParcel.objects.select_for_update().get(pk=parcel.pk)
    before = snapshot(parcel)
    _assign(parcel, fields, PARCEL_EDITABLE_FIELDS)
    if parcel.park_id != before["park_id"]:
        raise ValidationError({"park": _("地块不能移到其他园区")})
    return _save(parcel, actor=actor, before=before)


@transaction.atomic
def parcel_archive(*, parcel: LandParcel, actor: User | None) -> LandParcel:
    locked: LandParcel = LandParcel.objects.select_for_update().get(pk=parcel.pk)
    return _archive(locked, actor=actor)


# --- Reservations --------------------------------------------------------------------------------


def _refresh_reserved_until(space: Unit | LandParcel) -> None:
    field = "unit" if isinstance(space, Unit) else "parcel"
    latest = Reservation.objects.filter(**{field: space}, released_at__isnull=True).aggregate(m=Max("reserved_until"))[
        "m"
    ]
    type(space).objects.filter(pk=space.pk).update(reserved_until=latest, updated_at=timezone.now())
    space.reserved_until = latest


@transaction.atomic
def reservation_create(
    *,
    space: Unit | LandParcel,
    holder_name: str,
    reserved_until: datetime.date,
    actor: User | None,
    reserved_from: datetime.date | None = None,
    note: str = "",
) -> Reservation:
    """Hold an available unit or parcel for a prospect until a date."""
    # Lock the space so two officers cannot both reserve it.
    space = type(space).objects.select_for_update().get(pk=space.pk)
    today = timezone.localdate()
    start = reserved_from or today
    status = space.status_on(start)
    if status.value != "available":
        raise ValidationError(_("该空间当前状态为“%(status)s”，不能预留") % {"status": status.label})
    if not holder_name.strip():
        raise ValidationError({"holder_name": _("请填写预留对象（意向企业名称）")})
    reservation = Reservation(
        park_id=space.park_id,
        unit=space if isinstance(space, Unit) else None,
        parcel=space if isinstance(space, LandParcel) else None,
        holder_name=holder_name.strip(),
        reserved_from=start,
        reserved_until=reserved_until,
        note=note,
        created_by=actor,
    )
    reservation.full_clean()
    if reserved_until < today:
        raise ValidationError({"reserved_until": _("预留截止日期不能早于今天")})
    reservation.save()
    _refresh_reserved_until(space)
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        obj=reservation,
        park_id=space.park_id,
        changes={"holder_name": reservation.holder_name, "reserved_until": reserved_until},
    )
    return reservation


@transaction.atomic
def reservation_release(*, reservation: Reservation, actor: User | None) -> Reservation:
    reservation = Reservation.objects.select_for_update().get(pk=reservation.pk)
    if reservation.released_at is None:
        reservation.released_at = timezone.now()
        reservation.save(update_fields=["released_at", "updated_at"])
        space = reservation.unit or reservation.parcel
        assert space is not None, "a reservation holds a unit or a parcel"
        _refresh_reserved_until(space)
        audit_record(
            actor=actor,
            action=AuditAction.UPDATE,
            obj=reservation,
            park_id=reservation.park_id,
            changes={"released_at": [None, reservation.released_at]},
        )
        # Reverse matching: the released space is available again for the open leads it fits.
        hooks.space_available(space, actor)
    return reservation


# --- Occupancy (called only by the leasing app's contract services) ------------------------------


def space_set_occupancy(
    *,
    space: Unit | LandParcel,
    occupancy: str,
    occupied_from: datetime.date | None,
    occupied_until: datetime.date | None,
    committed_until: datetime.date | Literal["period"] | None = "period",
) -> None:
    """Record what executed contracts say about a unit or parcel: vacant, or leased/sold over a period.

    `committed_until` is the last day any executed contract holds the space (later contracts
    included; `datetime.date.max` for a sale or an open end); by default the end of the period.
    The caller (a contract service) holds the transaction and the row lock, and decides which contract
    is current or next; this only stores the result. Nobody else writes these fields.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("space_set_occupancy must run inside the contract's transaction")
    if committed_until == "period":
        committed_until = None if occupancy == "vacant" else (occupied_until or datetime.date.max)
    type(space).objects.filter(pk=space.pk).update(
        occupancy=occupancy,
        occupied_from=occupied_from,
        occupied_until=occupied_until,
        committed_until=committed_until,
        updated_at=timezone.now(),
    )
    space.occupancy, space.occupied_from, space.occupied_until = occupancy, occupied_from, occupied_until
    space.committed_until = committed_until


# --- Photos and floor plans ---------------------------------------------------------------------------------


@transaction.atomic
def space_media_add(
    *,
    actor: User | None,
    upload: UploadedFile[Any],
    kind: str = SpaceMedia.Kind.PHOTO,
    building: Building | None = None,
    unit: Unit | None = None,
    caption: str = "",
) -> SpaceMedia:
    """Attach a photo or floor plan to a building or a unit: checked, stripped of metadata, thumbnailed."""
    owner: Building | Unit | None = building if building is not None else unit
    if owner is None or (building is not None and unit is not None):
        raise ValueError("one of building or unit")
    image = clean_image(upload)
    media = SpaceMedia(
        building=building,
        unit=unit,
        park_id=owner.park_id,
        kind=SpaceMedia.Kind(kind),
        caption=caption.strip()[:100],
    )
    media.image.save(image.name or "image.jpg", image, save=False)
    media.thumbnail.save(f"thumb-{image.name}", thumbnail(image), save=False)
    media.full_clean()
    media.save()
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        obj=media,
        changes={"kind": media.kind, "building": media.building_id, "unit": media.unit_id},
        park_id=media.park_id,
    )
    return media


@transaction.atomic
def space_media_delete(*, media: SpaceMedia, actor: User | None) -> None:
    audit_record(actor=actor, action=AuditAction.DELETE, obj=media, park_id=media.park_id)
    media.image.delete(save=False)
    media.thumbnail.delete(save=False)
    media.delete()
