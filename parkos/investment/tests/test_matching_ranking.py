"""The ranking pinned on a fixed portfolio: which spaces come first, with what score, and what each
constraint eliminated. The engine is tuned for speed (a broad search ranks thousands of candidates,
benchmark investment.match_broad); these figures must not move when it is."""

import random
from decimal import Decimal

import pytest

from parkos.investment import matching
from parkos.investment.matching import Constraint, Need, ParkInfo, Space

PARKS = {
    1: ParkInfo(id=1, name="A园", city="重庆市", welcomed=("27", "358"), min_tax_wan_per_mu=Decimal(30),
                min_investment_wan_per_mu=Decimal(300), chain_neighbours=3),
    2: ParkInfo(id=2, name="B园", city="成都市", min_tax_wan_per_mu=Decimal(20), chain_neighbours=7),
    3: ParkInfo(id=3, name="C园", city="重庆市", welcomed=("13",)),
}  # fmt: skip


def portfolio() -> list[Space]:
    """60 units and 8 parcels with every attribute the engine reads varied (seeded, so fixed)."""
    rng = random.Random(15)
    spaces: list[Space] = []
    for pk in range(1, 61):
        level = rng.choice([1, 1, 2, 3, 4, -1])
        storeys = rng.choice([1, 4, 4, 6])
        spaces.append(
            Space(
                kind="unit", id=pk, park_id=rng.choice([1, 2, 3]), code=f"U{pk:02d}",
                area=Decimal(rng.randrange(600, 6000, 50)), design_class=rng.choice(["jia", "yi", "bing", "ding"]),
                rent=rng.choice([None, Decimal(18), Decimal(24), Decimal("31.5")]),
                sale_price=rng.choice([None, Decimal(4200), Decimal(5600)]), for_sale=rng.random() < 0.4,
                building_id=100 + pk % 7, building_code=f"B{pk % 7}", floor_id=1000 + pk, level=level,
                top_level=level + rng.choice([0, 0, 1]),
                structure=rng.choice(["multi_storey_frame", "single_storey_steel", "high_rise"]), storeys=storeys,
                grade=rng.choice(["1", "2", "3"]), sprinklered=rng.random() < 0.8,
                floor_load=rng.choice([None, Decimal(5), Decimal(8), Decimal(12)]),
                clear_height=rng.choice([None, Decimal("4.5"), Decimal(6), Decimal(9)]),
                power=rng.choice([0, 250, 800]), lift_t=rng.choice([None, Decimal(3), Decimal(5)]),
                crane_t=rng.choice([None, Decimal(10)]), cleanroom=rng.choice(["", "", "D", "C", "B"]),
                wastewater=rng.random() < 0.3, space_type=rng.choice(["factory", "factory", "lab", "office", "warehouse"]),
                storage_class=rng.choice(["", "bing", "ding"]), cold_min=rng.choice([None, Decimal(-18)]),
                land_sqm=rng.choice([None, float(rng.randrange(300, 3000))]),
            )
        )  # fmt: skip
    for pk in range(1, 9):
        spaces.append(
            Space(
                kind="parcel", id=pk, park_id=rng.choice([1, 2, 3]), code=f"P{pk}",
                area=Decimal(rng.randrange(6667, 60000, 100)), design_class=rng.choice(["jia", "bing", "ding"]),
                land_price_wan_per_mu=rng.choice([None, Decimal(35), Decimal(60)]),
            )
        )  # fmt: skip
    return spaces


NEEDS = {
    "broad": Need(space_kind="factory", tenure="either", area_min=Decimal(1000), area_max=Decimal(5000),
                  tenant_class="bing", min_load=Decimal(5), min_height=Decimal("4.5"), budget_rent=Decimal(25),
                  cities=frozenset({"重庆市"}), tax_wan=Decimal(300)),
    "clean": Need(space_kind="factory", tenure="lease", area_min=Decimal(800), area_max=Decimal(4000),
                  tenant_class="bing", cleanroom="D", industry_code="3581", tax_wan=Decimal(300)),
    "lowest": Need(space_kind="lab", tenure="buy", area_min=Decimal(500), budget_price=Decimal(5000),
                   floor_preference="lowest", park_ids=frozenset({2}), investment_wan=Decimal(2000)),
    "land": Need(space_kind="land", area_min=Decimal(10000), area_max=Decimal(40000), tenant_class="jia",
                 budget_land_wan_per_mu=Decimal(50), tax_wan=Decimal(500), investment_wan=Decimal(9000)),
    "nothing_stated": Need(space_kind="factory"),
}  # fmt: skip

#: (label, score) best first, and eliminations per constraint — as the engine computed them.
PINNED: dict[str, tuple[list[tuple[str, float]], dict[str, int]]] = {
    "broad": ([('U10', 87.93), ('U50', 87.33), ('U23', 83.33), ('U27', 79.89), ('U31', 66.67), ('U12', 64.37), ('U17', 60.67), ('U46', 60.34)], {'area': 15, 'fire': 24, 'height': 13, 'load': 17, 'space_type': 34}),
    "clean": ([('U46', 78.32), ('U20', 77.04), ('U09', 74.49), ('U10', 72.6), ('U48', 68.11), ('U21', 64.29), ('U53', 60.27), ('U36', 58.7)], {'area': 27, 'cleanroom': 19, 'fire': 24, 'kind': 8, 'policy': 23, 'space_type': 34}),
    "land": ([('P2', 82.04), ('P1', 54.47)], {'area': 63, 'fire': 63, 'kind': 60}),
    "lowest": ([('U55', 64.71), ('U59', 64.71), ('U06', 55.88), ('U09', 50.0), ('U25', 45.05), ('U29', 41.18), ('U34', 41.18), ('U11', 39.56)], {'kind': 8, 'space_type': 24, 'tenure': 33}),
    "nothing_stated": ([('U02', 100.0), ('U04', 100.0), ('U06', 100.0), ('U09', 100.0), ('U10', 100.0), ('U12', 100.0), ('U17', 100.0), ('U20', 100.0)], {'kind': 8, 'space_type': 34}),
}  # fmt: skip
PINNED_PARTS = [
    ("area", 34.5, 0.917, 31.6),
    ("price", 28.7, 1.0, 28.7),
    ("location", 23.0, 0.6, 13.8),
    ("tax", 13.8, 1.0, 13.8),
]
PINNED_REJECTED = [
    ("U12", (Constraint.CLEANROOM,)),
    ("U15", (Constraint.SPACE_TYPE,)),
    ("U16", (Constraint.SPACE_TYPE,)),
]


@pytest.mark.parametrize("name", sorted(NEEDS))
def test_ranking_is_pinned(name):
    ranking = matching.rank(NEEDS[name], portfolio(), PARKS, limit=8)
    ranked = [(m.label, m.score) for m in ranking.matches]
    expected_ranked, expected_eliminated = PINNED[name]
    assert ranked == expected_ranked
    assert ranking.eliminated == expected_eliminated
    assert ranking.considered == 68


def test_the_best_broad_match_is_explained_part_by_part():
    ranking = matching.rank(NEEDS["broad"], portfolio(), PARKS, limit=1)
    best = ranking.matches[0]
    assert [(p.key, p.weight, p.value, p.points) for p in best.parts] == PINNED_PARTS
    assert sum(p.points for p in best.parts) == pytest.approx(best.score, abs=0.2)


def test_rejections_are_pinned():
    rejected = matching.reject(NEEDS["clean"], portfolio(), PARKS)
    assert len(rejected) == 60
    assert [(r.space.code, r.constraints) for r in rejected[:3]] == PINNED_REJECTED
    assert rejected[0].reasons == ("需D级（十万级，ISO 8）洁净车间，该单元为无洁净",)
