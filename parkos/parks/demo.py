"""Load the demo portfolio (parkos.parks.demo_portfolio) into the database.

Idempotent by natural keys: parks by code, parcels and units by (park, code), buildings by
(park, code), floors by (building, level). Rows that exist are left as they are; only missing ones
are created, in bulk, so the full scale (95 parks, ~20,000 units) loads in seconds. This is a system
load, not a user's change, so it writes no audit entries.
"""

from __future__ import annotations

from datetime import date
from typing import TextIO

from django.db import transaction
from django.utils import timezone

from parkos.accounts.demo import DemoLogin, load_demo_users
from parkos.parks.demo_portfolio import DEFAULT_SEED, generate_portfolio
from parkos.parks.models import Building, Floor, LandParcel, Operator, Park, Unit

OPERATOR_NAME = "渝健产业园区运营集团有限公司"
OPERATOR_HOTLINE = "023-67891234"
PARCEL_STATUS_LETTABLE = {"available": True, "reserved": True, "transferred": False}


@transaction.atomic
def load_demo(*, scale: str = "demo", stdout: TextIO | None = None, seed: int = DEFAULT_SEED) -> dict[str, int]:
    portfolio = generate_portfolio("full" if scale == "full" else "flagship" if scale == "flagship" else "demo", seed)
    operator, _created = Operator.objects.get_or_create(
        name=OPERATOR_NAME, defaults={"hotline": OPERATOR_HOTLINE, "address": "重庆市巴南区木洞镇生物城大道1号"}
    )
    counts = {"parks": 0, "parcels": 0, "buildings": 0, "floors": 0, "units": 0}
    existing_parks = {p.code: p for p in Park.objects.filter(code__in=[s.code for s in portfolio.parks])}
    new_parks = [
        Park(
            code=spec.code,
            name=spec.name,
            operator=operator,
            province=spec.province,
            city=spec.city,
            district=spec.district,
            address=spec.address,
            land_area_sqm=spec.land_area_sqm,
            established_year=spec.established_year,
            industry_focus=spec.industries,
            welcomed_industry_codes=sorted(spec.welcomed_industry_codes),
            min_tax_wan_per_mu_year=spec.min_tax_wan_per_mu_year,
            min_investment_wan_per_mu=spec.min_investment_wan_per_mu,
            rent_min_yuan_per_sqm_month=spec.rent_min_yuan_per_sqm_month,
            rent_max_yuan_per_sqm_month=spec.rent_max_yuan_per_sqm_month,
            sale_allowed=spec.sale_allowed,
            description=spec.description,
        )
        for spec in portfolio.parks
        if spec.code not in existing_parks
    ]
    for park in Park.objects.bulk_create(new_parks):
        existing_parks[park.code] = park
    counts["parks"] = len(new_parks)
    # bulk_create on SQLite may not return ids; read them back.
    parks = {p.code: p for p in Park.objects.filter(code__in=list(existing_parks))}

    existing_parcels = set(LandParcel.objects.filter(park__in=parks.values()).values_list("park__code", "code"))
    parcels = [
        LandParcel(
            park=parks[spec.code],
            code=p.code,
            name=p.name,
            area_sqm=p.area_sqm,
            land_use=p.land_use,
            plot_ratio_min=p.plot_ratio_min,
            plot_ratio_max=p.plot_ratio_max,
            building_density_min=p.building_density_min,
            green_ratio_max=p.green_ratio_max,
            price_wan_per_mu=p.list_price_wan_per_mu,
            term_years=p.term_years,
            lettable=PARCEL_STATUS_LETTABLE[p.status],
        )
        for spec in portfolio.parks
        for p in spec.parcels
        if (spec.code, p.code) not in existing_parcels
    ]
    LandParcel.objects.bulk_create(parcels, batch_size=500)
    counts["parcels"] = len(parcels)

    existing_buildings = {
        (b.park.code, b.code) for b in Building.objects.filter(park__in=parks.values()).select_related("park")
    }
    buildings = [
        Building(
            park=parks[spec.code],
            code=b.code,
            name=b.name,
            structure=b.structure,
            storeys=b.storeys,
            fire_resistance_grade=b.fire_resistance_grade,
            design_fire_class=b.design_fire_class,
            sprinklered=b.sprinklered,
            column_grid=f"{b.column_grid_m[0]}m×{b.column_grid_m[1]}m",
            freight_lift_count=b.freight_lift_count,
            freight_lift_t=b.freight_lift_t,
            completed_year=b.completed_year,
        )
        for spec in portfolio.parks
        for b in spec.buildings
        if (spec.code, b.code) not in existing_buildings
    ]
    Building.objects.bulk_create(buildings, batch_size=500)
    counts["buildings"] = len(buildings)
    building_by_key = {
        (b.park.code, b.code): b for b in Building.objects.filter(park__in=parks.values()).select_related("park")
    }

    existing_floors = set(Floor.objects.filter(building__park__in=parks.values()).values_list("building_id", "level"))
    floors: list[Floor] = []
    for spec in portfolio.parks:
        for b in spec.buildings:
            building = building_by_key[(spec.code, b.code)]
            floors.extend(
                Floor(
                    building=building,
                    level=f.level,
                    area_sqm=f.area_sqm,
                    floor_load_kn_m2=f.floor_load_kn_m2,
                    clear_height_m=f.clear_height_m,
                )
                for f in b.floors
                if (building.pk, f.level) not in existing_floors
            )
    Floor.objects.bulk_create(floors, batch_size=1000)
    counts["floors"] = len(floors)
    floor_by_key = {(f.building_id, f.level): f for f in Floor.objects.filter(building__park__in=parks.values())}

    existing_units = set(Unit.objects.filter(park__in=parks.values()).values_list("park_id", "code"))
    today = timezone.localdate()
    units = []
    for spec in portfolio.parks:
        park = parks[spec.code]
        for b, f, u in spec.iter_units():
            if (park.pk, u.code) in existing_units:
                continue
            building = building_by_key[(spec.code, b.code)]
            units.append(
                Unit(
                    park=park,
                    building=building,
                    floor=floor_by_key[(building.pk, f.level)],
                    code=u.code,
                    area_sqm=u.area_sqm,
                    power_kva=u.power_kva,
                    freight_lift_t=u.freight_lift_t,
                    crane_t=u.crane_t,
                    cleanroom_grade=u.cleanroom_grade,
                    wastewater_pretreatment=u.wastewater_pretreatment,
                    hazardous_chemicals_allowed=u.hazardous_chemicals_allowed,
                    design_fire_class=u.design_fire_class,
                    rent_yuan_per_sqm_month=u.rent_yuan_per_sqm_month,
                    sale_price_yuan_per_sqm=u.sale_price_yuan_per_sqm,
                    for_sale=u.sale_price_yuan_per_sqm is not None,
                    available_from=today if b.completed_year <= today.year else date(b.completed_year, 6, 30),
                )
            )
    Unit.objects.bulk_create(units, batch_size=2000)
    counts["units"] = len(units)
    # English pages show English park fields where they exist (the flagship has them).
    Park.objects.filter(code=FLAGSHIP_CODE, name_en="").update(
        name_en="Chongqing International Bio-City",
        description_en="A 136-mu health-industry incubation park in Banan District, Chongqing: standard factory "
        "buildings with clean-room-ready floors for medical-device, chemical-drug and health-product makers.",
    )
    if stdout is not None:
        stdout.write(
            "园区组合：新增 {parks} 个园区、{parcels} 个地块、{buildings} 栋楼、{floors} 个楼层、{units} 个单元".format(
                **counts
            )
        )
    return counts


FLAGSHIP_CODE = "CQ-BIO-01"


def load_demo_logins(*, scale: str = "demo", stdout: TextIO | None = None) -> list[DemoLogin]:
    """The demo logins, staff assigned to the flagship park; loaded right after the parks so later
    apps' demo data can name its people."""
    flagship = Park.objects.order_by("pk").filter(code=FLAGSHIP_CODE).first() or Park.objects.order_by("pk").first()
    return load_demo_users(flagship)
