"""规上 thresholds, 升规 candidates and 大中小微 classes: RULES §5, §5.1 and the §11 vectors."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from parkos.enterprises import sizing

# --- RULES §5 / §11 test vectors -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("revenue_wan", "expected"),
    [(Decimal(2000), True), (Decimal("1999.9"), False), (Decimal("2000.01"), True), (Decimal(0), False)],
)
def test_industry_threshold_is_inclusive(revenue_wan, expected):
    assert sizing.is_above_scale("C2710", revenue_wan) is expected


@pytest.mark.parametrize(
    ("code", "threshold", "basis"),
    [
        ("C2710", Decimal(2000), "industry"),
        ("3581", Decimal(2000), "industry"),
        ("B", Decimal(2000), "industry"),
        ("44", Decimal(2000), "industry"),
        ("7340", Decimal(1000), "service"),
        ("6511", Decimal(2000), "service"),
        ("8411", Decimal(2000), "service"),
        ("7040", Decimal(1000), "service"),
        ("8053", Decimal(500), "service"),
        ("7020", Decimal(1000), "service"),  # 物业管理
        ("702", Decimal(1000), "service"),  # the same, filed at group level
        ("7221", Decimal(1000), "service"),  # the park operator itself (L)
        ("7540", Decimal(1000), "service"),  # incubators (M)
        ("5960", Decimal(2000), "service"),  # G
        ("85", Decimal(500), "service"),
        ("8514", Decimal(500), "service"),
        ("8810", Decimal(500), "service"),  # R
        ("8310", Decimal(1000), "service"),  # P
        ("7810", Decimal(2000), "service"),  # N
        ("5151", Decimal(2000), "trade"),  # 限上批发
        ("5251", Decimal(500), "trade"),  # 限上零售
        ("6210", Decimal(200), "trade"),  # 限上餐饮
        ("61", Decimal(200), "trade"),  # 限上住宿
    ],
)
def test_threshold_and_basis(code, threshold, basis):
    assert sizing.above_scale_threshold(code) == threshold
    assert sizing.scale_basis(code) == basis


@pytest.mark.parametrize(
    "code",
    [
        "7010",  # 房地产开发经营: not in 规上服务业 scope (RULES §5 vector)
        "701",
        "70",  # too coarse: 70 covers both 7010 (out) and 7040 (1000 万)
        "K",
        "F",  # wholesale or retail? too coarse
        "6621",  # finance
        "4710",  # construction: by qualification, not revenue
        "0111",  # agriculture
        "9221",  # public administration
        "97",
    ],
)
def test_out_of_scope_industries_have_no_threshold(code):
    assert sizing.above_scale_threshold(code) is None
    assert sizing.scale_basis(code) is None
    assert sizing.is_above_scale(code, Decimal(1_000_000)) is False


def test_invalid_industry_code_is_a_validation_error():
    with pytest.raises(ValidationError):
        sizing.above_scale_threshold("9810")


# --- 升规 watch list -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("trailing", "threshold", "band", "expected"),
    [
        (Decimal(1600), Decimal(2000), Decimal("0.8"), True),  # exactly at the band
        (Decimal("1599.99"), Decimal(2000), Decimal("0.8"), False),
        (Decimal(2500), Decimal(2000), Decimal("0.8"), True),  # already over: strongest candidate
        (Decimal(900), Decimal(1000), Decimal("0.9"), True),
        (Decimal(899), Decimal(1000), Decimal("0.9"), False),
        (Decimal(10_000), None, Decimal("0.8"), False),  # no threshold, never a candidate
    ],
)
def test_upgrade_candidate(trailing, threshold, band, expected):
    assert sizing.upgrade_candidate(trailing, threshold, band) is expected


def test_upgrade_candidate_default_band_is_80_percent():
    assert sizing.upgrade_candidate(Decimal(1600), Decimal(2000))
    assert not sizing.upgrade_candidate(Decimal(1599), Decimal(2000))


@pytest.mark.parametrize("band", [Decimal(0), Decimal("-0.1"), Decimal("1.01")])
def test_upgrade_candidate_rejects_nonsense_band(band):
    with pytest.raises(ValueError, match="band"):
        sizing.upgrade_candidate(Decimal(1), Decimal(1), band)


# --- 大中小微 (RULES §5.1 / §11 vectors) --------------------------------------------------------


@pytest.mark.parametrize(
    ("employees", "revenue_wan", "expected"),
    [
        (1000, Decimal(40000), "large"),  # 1000人/4亿 → 大型
        (1200, Decimal(30000), "medium"),  # 1200人/3亿 → 中型
        (250, Decimal(5000), "small"),  # 250人/5000万 → 小型
        (15, Decimal(5000), "micro"),  # 15人/5000万 → 微型
        (50, Decimal(200), "micro"),  # 50人/200万 → 微型
        (999, Decimal(1_000_000), "medium"),  # lower bounds of both: one short → drop a tier
        (300, Decimal(2000), "medium"),
        (20, Decimal(300), "small"),
        (0, Decimal(0), "micro"),
    ],
)
def test_industry_size_class(employees, revenue_wan, expected):
    assert sizing.size_class("C3581", employees, revenue_wan) == expected


@pytest.mark.parametrize(
    ("employees", "revenue_wan", "expected"),
    [
        (300, Decimal(10000), "large"),
        (299, Decimal(10000), "medium"),
        (100, Decimal(1000), "medium"),
        (10, Decimal(50), "small"),
        (9, Decimal(50), "micro"),
        (10, Decimal(49), "micro"),
    ],
)
def test_software_size_class(employees, revenue_wan, expected):
    assert sizing.size_sector("6513") == "software_it"
    assert sizing.size_class("6513", employees, revenue_wan) == expected


@pytest.mark.parametrize(
    ("code", "sector"),
    [
        ("C2710", "industry"),
        ("B", "industry"),
        ("5151", "wholesale"),
        ("5251", "retail"),
        ("5420", "transport"),
        ("53", "other"),  # 铁路运输 is not in the NBS 交通运输业 row
        ("5910", "transport"),  # 装卸搬运 is
        ("5960", "warehousing"),
        ("6010", "postal"),
        ("61", "accommodation"),
        ("6210", "catering"),
        ("64", "information_transmission"),
        ("6513", "software_it"),
        ("7020", "property_management"),
        ("7340", "other"),
        ("8411", "other"),
        ("0111", "agriculture"),
    ],
)
def test_size_sector(code, sector):
    assert sizing.size_sector(code) == sector


@pytest.mark.parametrize("code", ["4710", "7010", "7221"])
def test_asset_based_sectors_fall_back_to_the_industry_table_without_assets(code):
    assert sizing.size_sector(code) == "industry"
    assert sizing.size_class(code, 250, Decimal(5000)) == "small"


@pytest.mark.parametrize(
    ("code", "employees", "revenue_wan", "assets_wan", "expected"),
    [
        ("4710", 0, Decimal(80000), Decimal(80000), "large"),  # construction: revenue and assets
        ("4710", 0, Decimal(80000), Decimal(4999), "small"),
        ("7010", 0, Decimal(1000), Decimal(5000), "medium"),  # real-estate development
        ("7221", 300, Decimal(0), Decimal(120000), "large"),  # leasing and business services
        ("7221", 300, Decimal(0), Decimal(99), "micro"),
    ],
)
def test_asset_based_sectors_with_assets(code, employees, revenue_wan, assets_wan, expected):
    assert sizing.size_class(code, employees, revenue_wan, total_assets_wan=assets_wan) == expected


@pytest.mark.parametrize(
    ("code", "employees", "revenue_wan", "expected"),
    [
        ("5151", 200, Decimal(40000), "large"),  # wholesale
        ("5151", 5, Decimal(1000), "small"),
        ("5251", 50, Decimal(500), "medium"),  # retail
        ("0111", 0, Decimal(500), "medium"),  # agriculture: revenue only
        ("7340", 100, Decimal(0), "medium"),  # other: employees only
        ("7340", 9, Decimal(10**6), "micro"),
    ],
)
def test_other_sector_tables(code, employees, revenue_wan, expected):
    assert sizing.size_class(code, employees, revenue_wan) == expected


@pytest.mark.parametrize(("employees", "revenue_wan"), [(-1, Decimal(0)), (0, Decimal(-1))])
def test_size_class_rejects_negative_inputs(employees, revenue_wan):
    with pytest.raises(ValueError, match="negative"):
        sizing.size_class("C2710", employees, revenue_wan)


def test_labels_are_chinese_first():
    assert str(sizing.SIZE_CLASS_LABELS["micro"]) == "微型"
    assert str(sizing.SCALE_BASIS_LABELS["industry"]) == "规上工业"


# --- configuration invariants ------------------------------------------------------------------


@pytest.mark.parametrize("sector", list(sizing.SIZE_TABLES))
def test_size_tiers_are_ordered(sector):
    table = sizing.SIZE_TABLES[sector]
    for larger, smaller in (("large", "medium"), ("medium", "small")):
        for field in ("employees", "revenue_wan", "assets_wan"):
            big, small = getattr(table[larger], field), getattr(table[smaller], field)
            assert (big is None) == (small is None)
            assert big is None or big > small


def test_every_mapped_sector_has_a_table():
    assert set(sizing.SIZE_SECTOR_BY_PREFIX.values()) | {"other"} <= set(sizing.SIZE_TABLES)


# --- properties ----------------------------------------------------------------------------------

ORDER = ["micro", "small", "medium", "large"]
industry_codes = st.sampled_from(["C2710", "6513", "5151", "5251", "7340", "0111", "5960"])
employees = st.integers(min_value=0, max_value=5000)
revenues = st.decimals(min_value=0, max_value=200_000, places=2)


@given(industry_codes, employees, revenues, st.integers(min_value=0, max_value=500), st.decimals(0, 10_000, places=2))
def test_size_class_is_monotonic(code, staff, revenue, more_staff, more_revenue):
    before = sizing.size_class(code, staff, revenue)
    after = sizing.size_class(code, staff + more_staff, revenue + more_revenue)
    assert ORDER.index(after) >= ORDER.index(before)


@given(industry_codes, revenues)
def test_is_above_scale_agrees_with_threshold(code, revenue):
    threshold = sizing.above_scale_threshold(code)
    assert sizing.is_above_scale(code, revenue) == (threshold is not None and revenue >= threshold)
