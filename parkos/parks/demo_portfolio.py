"""The operator's demo portfolio: parks, land parcels, buildings, floors and units as plain data.

No database access: the `parkos demo` command (or any loader) turns these specs into rows, matching
on the natural keys, so loading twice changes nothing:

- park: `ParkSpec.code` ("CQ-BIO-01");
- parcel: (park code, `ParcelSpec.code`) ("D01");
- building: (park code, `BuildingSpec.code`) ("A1"); floor: (park, building, `FloorSpec.level`);
- unit: (park code, `UnitSpec.code`) ("A1-301" = building A1, floor 3, unit 01).

The flagship, 重庆国际生物城 (巴南区木洞镇), is written out by hand. The other parks come from a
seeded generator: every park draws from its own `random.Random` seeded with (seed, park code), so a
park's content never depends on which other parks are generated and "demo" is a subset of "full".

All building numbers stay inside the typical ranges of domain/RULES.md §8 (floor loads, clear
heights, column grids, lifts, cranes) and the fire rules of §4: multi-storey frame buildings stay
within 24 m (GB 50016 defines a factory above 24 m with two or more storeys as 高层), so 5–6 storey
buildings are 高层 丙类/二级 with sprinklers, and no floor plate exceeds its fire-compartment limit.
"""

from __future__ import annotations

import math
import random
from collections.abc import Iterator
from dataclasses import dataclass, replace
from decimal import ROUND_HALF_UP, Decimal
from typing import Final, Literal

from parkos.core.units import mu_to_sqm, sqm_to_mu
from parkos.parks.fire import BuildingStructure, FireHazardClass, FireResistanceGrade

__all__ = [
    "CITIES",
    "DEFAULT_SEED",
    "FLAGSHIP_CODE",
    "BuildingSpec",
    "CitySpec",
    "FloorSpec",
    "ParcelSpec",
    "ParkSpec",
    "Portfolio",
    "UnitSpec",
    "flagship_park",
    "generate_portfolio",
]

Scale = Literal["flagship", "demo", "full"]
LandUse = Literal["industrial_m1", "industrial_m2", "new_industrial_m0"]
ParcelStatus = Literal["available", "reserved", "transferred"]
CleanroomGrade = Literal["", "D", "C"]
Theme = Literal["bio", "device", "mfg", "tech"]

DEFAULT_SEED: Final = 20261125
FLAGSHIP_CODE: Final = "CQ-BIO-01"

#: Land-use values of the parcels, with the names used on 规划条件 documents.
LAND_USE_LABELS: Final[dict[str, str]] = {
    "industrial_m1": "一类工业用地（M1）",
    "industrial_m2": "二类工业用地（M2）",
    "new_industrial_m0": "新型产业用地（M0）",
}
PARCEL_STATUS_LABELS: Final[dict[str, str]] = {"available": "可供地", "reserved": "已预留", "transferred": "已出让"}

# --- Ranges (RULES §8; M-grade defaults, validation ranges rather than facts) ----------------------------

UNIT_MIN_SQM: Final = Decimal(300)
UNIT_MAX_SQM: Final = Decimal(3000)
#: Share of a floor that can be let (the rest is stairs, lift lobby, shafts, toilets).
LETTABLE_RATIO: Final = (0.86, 0.92)
#: GB 50016: a factory of two or more storeys taller than 24 m is 高层.
MULTI_STOREY_MAX_HEIGHT_M: Final = Decimal(24)
#: Beam depth plus slab between a floor's clear height and the next floor (floor-to-floor height).
STRUCTURE_DEPTH_M: Final = Decimal("0.8")
#: Per storey type: (ground floor, 2F, upper floors) loads in kN/m²; clear heights in m.
MULTI_GROUND_LOAD_KN: Final = (Decimal(10), Decimal(12), Decimal(15), Decimal(20))
MULTI_SECOND_LOAD_KN: Final = (Decimal(8), Decimal(10))
MULTI_UPPER_LOAD_KN: Final = (Decimal(5), Decimal("6.5"), Decimal(8))
MULTI_GROUND_CLEAR_M: Final = (Decimal(6), Decimal("6.5"), Decimal(7), Decimal("7.5"), Decimal(8))
MULTI_UPPER_CLEAR_M: Final = (Decimal("4.5"), Decimal("4.8"), Decimal("5.1"), Decimal("5.4"), Decimal(6))
MULTI_COLUMN_GRIDS_M: Final = (
    (Decimal("8.4"), Decimal("8.4")),
    (Decimal(9), Decimal(9)),
    (Decimal(9), Decimal(12)),
    (Decimal("8.4"), Decimal(12)),
    (Decimal(8), Decimal(8)),
    (Decimal(12), Decimal(12)),
)
#: 5–6 storey 高层 factories ("工业上楼") keep modest heights; clean rooms want room for ducts.
HIGH_RISE_GROUND_CLEAR_M: Final = (Decimal(6), Decimal("6.5"), Decimal(7))
HIGH_RISE_UPPER_CLEAR_M: Final = (Decimal("4.5"), Decimal("4.8"), Decimal("5.1"))
CLEANROOM_UPPER_CLEAR_M: Final = (Decimal(5), Decimal("5.4"), Decimal(6))
#: Typical unit sizes (m²) when a floor is divided: ground floor, 2F, upper floors. R&D-heavy
#: 科创园 floors are let in smaller units; sheds in large bays.
TYPICAL_UNIT_SQM: Final[dict[str, tuple[tuple[int, int], ...]]] = {
    "factory": ((700, 1800), (450, 1000), (380, 850)),
    "tech": ((500, 1200), (350, 750), (320, 650)),
}
TYPICAL_SHED_UNIT_SQM: Final = (1500, 2800)
FREIGHT_LIFT_T: Final = (Decimal(2), Decimal(3), Decimal(3), Decimal(3), Decimal(5))
SINGLE_LOAD_KN: Final = (Decimal(20), Decimal(25), Decimal(30), Decimal(40), Decimal(50))
SINGLE_CLEAR_M: Final = (Decimal(8), Decimal(9), Decimal(10), Decimal(11), Decimal(12))
SINGLE_SPANS_M: Final = (Decimal(18), Decimal(21), Decimal(24), Decimal(27), Decimal(30), Decimal(36))
SINGLE_BAYS_M: Final = (Decimal(6), Decimal("7.5"), Decimal(8), Decimal(9))
CRANE_T: Final = (Decimal(5), Decimal(10), Decimal(16), Decimal(20))
#: Standard distribution-transformer sizes offered to single-storey tenants.
TRANSFORMER_KVA: Final = (315, 400, 500, 630, 800, 1000, 1250, 1600, 2000)
#: 表3.3.1 compartment areas that the floor plates respect (丙/二级, no sprinkler credit taken for
#: multi-storey; high-rise and large single-storey plates rely on sprinklers, which they have).
MULTI_PLATE_MAX_SQM: Final = 4000
HIGH_RISE_PLATE_MAX_SQM: Final = 4000
SINGLE_BING_PLATE_MAX_SQM: Final = 8000

#: Asking rent (元/m²/月) and strata-sale price (元/m²) by city tier: 1 一线, 2 新一线, 3 二线, 4 三线.
TIER_RENT: Final[dict[int, tuple[int, int]]] = {1: (26, 42), 2: (15, 30), 3: (11, 22), 4: (8, 16)}
TIER_SALE_PRICE: Final[dict[int, tuple[int, int] | None]] = {1: None, 2: (5000, 8000), 3: (4000, 6500), 4: (3000, 5000)}
TIER_SALE_PROBABILITY: Final[dict[int, float]] = {1: 0.0, 2: 0.3, 3: 0.45, 4: 0.5}
#: Park policy thresholds by tier: 亩均税收 (万元/亩/年), 投资强度 (万元/亩), land price (万元/亩).
TIER_MIN_TAX_WAN_PER_MU: Final[dict[int, tuple[int, int]]] = {1: (50, 80), 2: (25, 40), 3: (15, 30), 4: (10, 20)}
TIER_MIN_INVESTMENT_WAN_PER_MU: Final[dict[int, tuple[int, int]]] = {
    1: (500, 800),
    2: (300, 500),
    3: (200, 350),
    4: (150, 250),
}
TIER_LAND_PRICE_WAN_PER_MU: Final[dict[int, tuple[int, int]]] = {1: (80, 160), 2: (30, 60), 3: (20, 40), 4: (12, 25)}
#: 国土资发〔2008〕24号 (RULES §6.5): 建筑系数 ≥ 30 %, 绿地率 ≤ 20 %.
PARCEL_BUILDING_DENSITY_MIN: Final = Decimal("0.30")
PARCEL_GREEN_RATIO_MAX: Final = Decimal("0.20")
INDUSTRIAL_LAND_TERM_YEARS: Final = 50

FULL_PARK_COUNT: Final = 95
#: Land of a generated park in 亩, and the mean the full portfolio is scaled to.
PARK_LAND_MU_MIN: Final = Decimal(50)
PARK_LAND_MU_MAX: Final = Decimal(600)
#: Units the full portfolio aims at, and the calibration that gets there: units per 亩 of park land
#: that the building generator produces on average, by theme (measured over seeds 1–8).
FULL_TARGET_UNITS: Final = 20_000
_UNITS_PER_MU: Final[dict[str, float]] = {"bio": 0.79, "device": 0.86, "mfg": 0.42, "tech": 1.49}
#: Parks of the demo scale besides the flagship, by city code.
DEMO_PARKS_PER_CITY: Final[dict[str, int]] = {
    "CQ": 2,
    "CD": 2,
    "SUZ": 2,
    "WH": 1,
    "HZ": 1,
    "XA": 1,
    "CS": 1,
    "HF": 1,
}

#: Buildings are numbered by zone (A1…A8, B1…); D is left to land parcels, I and O read as digits.
ZONE_LETTERS: Final = "ABCEFGHJKLMNPQRSTUVWXYZ"
BUILDINGS_PER_ZONE: Final = 8

_CENT: Final = Decimal("0.01")
_HALF: Final = Decimal("0.5")


# --- Specs -------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class UnitSpec:
    """A lettable unit on one floor; status is not part of it (it derives from contracts)."""

    code: str
    area_sqm: Decimal
    power_kva: int
    rent_yuan_per_sqm_month: Decimal
    design_fire_class: FireHazardClass
    sale_price_yuan_per_sqm: Decimal | None = None
    cleanroom_grade: CleanroomGrade = ""
    freight_lift_t: Decimal | None = None
    crane_t: Decimal | None = None
    wastewater_pretreatment: bool = False
    hazardous_chemicals_allowed: bool = False

    @property
    def cleanroom_ready(self) -> bool:
        return bool(self.cleanroom_grade)


@dataclass(frozen=True, slots=True)
class FloorSpec:
    """One storey: its gross floor area, structural floor load and clear height."""

    level: int
    area_sqm: Decimal
    floor_load_kn_m2: Decimal
    clear_height_m: Decimal
    units: tuple[UnitSpec, ...]

    @property
    def lettable_sqm(self) -> Decimal:
        return sum((unit.area_sqm for unit in self.units), Decimal(0))


@dataclass(frozen=True, slots=True)
class BuildingSpec:
    """A standard factory building ("A1栋") with its fire design and structural facts."""

    code: str
    name: str
    structure: BuildingStructure
    storeys: int
    design_fire_class: FireHazardClass
    fire_resistance_grade: FireResistanceGrade
    column_grid_m: tuple[Decimal, Decimal]
    completed_year: int
    floors: tuple[FloorSpec, ...]
    sprinklered: bool = True
    freight_lift_count: int = 0
    freight_lift_t: Decimal | None = None
    crane_t: Decimal | None = None
    for_sale: bool = False
    cleanroom_ready: bool = False

    @property
    def footprint_sqm(self) -> Decimal:
        return self.floors[0].area_sqm

    @property
    def column_grid(self) -> str:
        """The grid as the trade writes it: "8.4×8.4", "24×8" (span × bay for a shed)."""
        return "×".join(f"{dim.normalize():f}" for dim in self.column_grid_m)

    @property
    def gross_area_sqm(self) -> Decimal:
        return sum((floor.area_sqm for floor in self.floors), Decimal(0))

    @property
    def height_m(self) -> Decimal:
        """Building height from floor-to-floor heights (clear height + structure), roof parapet excluded."""
        return sum((floor.clear_height_m + STRUCTURE_DEPTH_M for floor in self.floors), Decimal(0))

    @property
    def units(self) -> tuple[UnitSpec, ...]:
        return tuple(unit for floor in self.floors for unit in floor.units)


@dataclass(frozen=True, slots=True)
class ParcelSpec:
    """A land parcel of the park, in m², with its planning conditions (规划条件)."""

    code: str
    name: str
    area_sqm: Decimal
    land_use: LandUse
    status: ParcelStatus
    plot_ratio_min: Decimal
    plot_ratio_max: Decimal
    list_price_wan_per_mu: Decimal
    building_density_min: Decimal = PARCEL_BUILDING_DENSITY_MIN
    green_ratio_max: Decimal = PARCEL_GREEN_RATIO_MAX
    term_years: int = INDUSTRIAL_LAND_TERM_YEARS

    @property
    def area_mu(self) -> Decimal:
        return sqm_to_mu(self.area_sqm)


@dataclass(frozen=True, slots=True)
class ParkSpec:
    """A park with its industry policy, land parcels and buildings."""

    code: str
    name: str
    province: str
    city: str
    district: str
    address: str
    city_tier: int
    theme: Theme
    land_area_sqm: Decimal
    established_year: int
    description: str
    industries: str
    welcomed_industry_codes: tuple[str, ...]
    min_tax_wan_per_mu_year: Decimal
    min_investment_wan_per_mu: Decimal
    rent_min_yuan_per_sqm_month: Decimal
    rent_max_yuan_per_sqm_month: Decimal
    free_rent_months: int
    sale_allowed: bool
    parcels: tuple[ParcelSpec, ...]
    buildings: tuple[BuildingSpec, ...]
    sale_price_min_yuan_per_sqm: Decimal | None = None
    sale_price_max_yuan_per_sqm: Decimal | None = None
    is_flagship: bool = False

    @property
    def land_area_mu(self) -> Decimal:
        return sqm_to_mu(self.land_area_sqm)

    @property
    def gross_floor_area_sqm(self) -> Decimal:
        return sum((b.gross_area_sqm for b in self.buildings), Decimal(0))

    @property
    def unit_count(self) -> int:
        return sum(len(b.units) for b in self.buildings)

    def iter_units(self) -> Iterator[tuple[BuildingSpec, FloorSpec, UnitSpec]]:
        for building in self.buildings:
            for floor in building.floors:
                for unit in floor.units:
                    yield building, floor, unit


@dataclass(frozen=True, slots=True)
class Portfolio:
    """Everything `generate_portfolio` produced, with the counts a loader reports."""

    scale: Scale
    seed: int
    parks: tuple[ParkSpec, ...]

    @property
    def cities(self) -> frozenset[str]:
        return frozenset(park.city for park in self.parks)

    @property
    def unit_count(self) -> int:
        return sum(park.unit_count for park in self.parks)

    @property
    def building_count(self) -> int:
        return sum(len(park.buildings) for park in self.parks)

    def park(self, code: str) -> ParkSpec:
        for park in self.parks:
            if park.code == code:
                return park
        raise KeyError(code)


# --- Reference data: cities and themes ------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CitySpec:
    """A city (地级及以上) with real districts, its tier and the park themes it is known for."""

    code: str
    name: str
    province: str
    tier: int
    districts: tuple[str, ...]
    themes: tuple[Theme, ...] = ("bio", "device", "mfg", "tech")
    min_parks: int = 1

    @property
    def short_name(self) -> str:
        return self.name.removesuffix("市")


def _city(
    code: str,
    name: str,
    province: str,
    tier: int,
    districts: str,
    themes: str = "bio device mfg tech",
    min_parks: int = 1,
) -> CitySpec:
    return CitySpec(
        code,
        name,
        province,
        tier,
        tuple(districts.split()),
        tuple(t for t in ("bio", "device", "mfg", "tech") if t in themes.split()),
        min_parks,
    )


#: 55 cities; districts are real administrative districts, counties, county-level cities or the
#: development zones everybody in the trade calls by name (光谷, 亦庄, 苏州工业园区, 松山湖).
CITIES: Final[tuple[CitySpec, ...]] = (
    _city("BJ", "北京市", "北京市", 1, "大兴区 昌平区 顺义区 北京经济技术开发区", "bio device tech"),
    _city("SH", "上海市", "上海市", 1, "浦东新区 闵行区 奉贤区 嘉定区 松江区", "bio device tech", 2),
    _city("GZ", "广州市", "广东省", 1, "黄埔区 番禺区 南沙区 白云区"),
    _city("SZ", "深圳市", "广东省", 1, "坪山区 光明区 宝安区 龙岗区 南山区", "device tech mfg", 2),
    _city("TJ", "天津市", "天津市", 2, "滨海新区 西青区 武清区 北辰区"),
    _city("CQ", "重庆市", "重庆市", 2, "巴南区 渝北区 沙坪坝区 九龙坡区 璧山区 江津区", min_parks=4),
    _city("CD", "成都市", "四川省", 2, "双流区 温江区 新都区 郫都区", min_parks=3),
    _city("HZ", "杭州市", "浙江省", 2, "钱塘区 余杭区 滨江区 萧山区 临平区", min_parks=2),
    _city("WH", "武汉市", "湖北省", 2, "东湖新技术开发区 东西湖区 江夏区 黄陂区", min_parks=2),
    _city("XA", "西安市", "陕西省", 2, "高新区 长安区 未央区", min_parks=2),
    _city("SUZ", "苏州市", "江苏省", 2, "工业园区 吴中区 相城区 吴江区", min_parks=3),
    _city("NJ", "南京市", "江苏省", 2, "江宁区 浦口区 栖霞区 六合区"),
    _city("CS", "长沙市", "湖南省", 2, "岳麓区 望城区 雨花区 长沙县"),
    _city("ZZ", "郑州市", "河南省", 2, "金水区 中原区 新郑市"),
    _city("HF", "合肥市", "安徽省", 2, "蜀山区 包河区 肥西县 长丰县"),
    _city("QD", "青岛市", "山东省", 2, "黄岛区 城阳区 即墨区 崂山区"),
    _city("NB", "宁波市", "浙江省", 2, "北仑区 鄞州区 镇海区", "device mfg tech"),
    _city("WX", "无锡市", "江苏省", 2, "新吴区 惠山区 锡山区"),
    _city("DG", "东莞市", "广东省", 2, "松山湖 大朗镇 寮步镇", "device mfg tech"),
    _city("FS", "佛山市", "广东省", 3, "南海区 顺德区 三水区 高明区", "device mfg"),
    _city("XM", "厦门市", "福建省", 3, "海沧区 集美区 翔安区 同安区"),
    _city("FZ", "福州市", "福建省", 3, "闽侯县 仓山区 马尾区 长乐区"),
    _city("KM", "昆明市", "云南省", 3, "呈贡区 官渡区 安宁市", "bio device mfg"),
    _city("NC", "南昌市", "江西省", 3, "青山湖区 新建区 南昌县"),
    _city("GY", "贵阳市", "贵州省", 3, "观山湖区 白云区 花溪区", "bio mfg tech"),
    _city("NN", "南宁市", "广西壮族自治区", 3, "青秀区 江南区 良庆区 西乡塘区", "bio device mfg"),
    _city("SJZ", "石家庄市", "河北省", 3, "栾城区 鹿泉区 藁城区 正定县", "bio device mfg"),
    _city("TY", "太原市", "山西省", 3, "小店区 万柏林区 晋源区", "bio mfg tech"),
    _city("SY", "沈阳市", "辽宁省", 3, "浑南区 于洪区 铁西区 沈北新区", "bio device mfg"),
    _city("DL", "大连市", "辽宁省", 3, "金州区 甘井子区 旅顺口区", "bio mfg"),
    _city("CC", "长春市", "吉林省", 3, "朝阳区 绿园区 宽城区 双阳区", "bio device mfg"),
    _city("HRB", "哈尔滨市", "黑龙江省", 3, "松北区 南岗区 平房区", "bio mfg"),
    _city("JN", "济南市", "山东省", 3, "历城区 章丘区 槐荫区"),
    _city("CZ", "常州市", "江苏省", 3, "武进区 新北区 钟楼区", "device mfg"),
    _city("NT", "南通市", "江苏省", 3, "崇川区 通州区 海门区", "bio device mfg"),
    _city("JX", "嘉兴市", "浙江省", 3, "南湖区 秀洲区 嘉善县 海宁市", "bio device mfg"),
    _city("SX", "绍兴市", "浙江省", 3, "越城区 柯桥区 上虞区", "bio mfg"),
    _city("TAZ", "台州市", "浙江省", 3, "椒江区 黄岩区 临海市", "bio device mfg"),
    _city("WZ", "温州市", "浙江省", 3, "龙湾区 瓯海区 鹿城区", "device mfg tech"),
    _city("YT", "烟台市", "山东省", 3, "莱山区 福山区 芝罘区", "bio mfg"),
    _city("WF", "潍坊市", "山东省", 3, "奎文区 寒亭区 坊子区", "device mfg"),
    _city("XZ", "徐州市", "江苏省", 3, "铜山区 鼓楼区 云龙区", "device mfg"),
    _city("ZH", "珠海市", "广东省", 3, "香洲区 金湾区 斗门区", "bio device tech"),
    _city("HUI", "惠州市", "广东省", 3, "惠城区 惠阳区", "device mfg"),
    _city("QZ", "泉州市", "福建省", 3, "丰泽区 洛江区 晋江市", "device mfg"),
    _city("TZ", "泰州市", "江苏省", 4, "海陵区 高港区 姜堰区", "bio device"),
    _city("MY", "绵阳市", "四川省", 4, "涪城区 游仙区", "mfg tech"),
    _city("YB", "宜宾市", "四川省", 4, "翠屏区 叙州区 南溪区", "bio mfg"),
    _city("LY", "洛阳市", "河南省", 4, "洛龙区 涧西区", "bio mfg"),
    _city("WUH", "芜湖市", "安徽省", 4, "鸠江区 弋江区 镜湖区", "device mfg"),
    _city("YC", "宜昌市", "湖北省", 4, "西陵区 伍家岗区 猇亭区", "bio mfg"),
    _city("XY", "襄阳市", "湖北省", 4, "襄城区 樊城区 襄州区", "device mfg"),
    _city("ZZH", "株洲市", "湖南省", 4, "天元区 芦淞区", "device mfg"),
    _city("LYG", "连云港市", "江苏省", 4, "海州区 连云区 赣榆区", "bio device"),
    _city("YZ", "扬州市", "江苏省", 4, "邗江区 广陵区 江都区", "device mfg"),
)

#: District stems for park names where dropping the suffix would not read naturally.
_DISTRICT_STEMS: Final[dict[str, str]] = {
    "东湖新技术开发区": "光谷",
    "北京经济技术开发区": "亦庄",
    "工业园区": "苏州工业园区",
    "高新区": "西安高新",
    "松山湖": "松山湖",
}


@dataclass(frozen=True, slots=True)
class _ThemeSpec:
    code: str
    names: tuple[str, ...]
    industries: str
    industry_codes: tuple[str, ...]
    #: Building mix weights: multi-storey, high-rise, single-storey, cleanroom-ready.
    mix: tuple[float, float, float, float]
    land_use: LandUse
    weight: float


_THEMES: Final[dict[Theme, _ThemeSpec]] = {
    "bio": _ThemeSpec(
        "BIO",
        ("生物医药产业园", "生命科学园", "医药产业园", "大健康产业园", "生物医药创新港"),
        "生物药、化学药制剂、现代中药、医疗器械",
        ("27", "2710", "2720", "2740", "2761", "2762", "2770", "2780", "358", "7340", "7452"),
        (0.55, 0.05, 0.15, 0.25),
        "industrial_m2",
        0.35,
    ),
    "device": _ThemeSpec(
        "MED",
        ("医疗器械产业园", "医疗器械创新园", "健康科技园", "医疗装备产业园"),
        "医疗设备、高值耗材、体外诊断、康复辅具",
        ("358", "3581", "3582", "3583", "3584", "3585", "3586", "3589", "2770", "7340", "7452"),
        (0.65, 0.10, 0.10, 0.15),
        "industrial_m1",
        0.20,
    ),
    "mfg": _ThemeSpec(
        "MFG",
        ("智能制造产业园", "高端装备产业园", "先进制造产业园", "智造谷", "精密制造产业园"),
        "智能装备、汽车零部件、电子信息、新能源装备",
        ("34", "35", "3544", "36", "38", "39", "40"),
        (0.45, 0.05, 0.50, 0.0),
        "industrial_m1",
        0.30,
    ),
    "tech": _ThemeSpec(
        "TEC",
        ("科创园", "科技创新园", "数字经济产业园", "创新港", "智谷"),
        "电子信息、仪器仪表、研发设计、科技服务",
        ("39", "40", "65", "7320", "7340", "7540"),
        (0.80, 0.20, 0.0, 0.0),
        "industrial_m1",
        0.15,
    ),
}

_ROADS: Final = (
    "科技大道",
    "创新路",
    "兴业大道",
    "产业大道",
    "健康大道",
    "智造大道",
    "工业园路",
    "科创路",
    "新园路",
    "开发大道",
    "金桥路",
    "长江路",
    "高新路",
    "园区一路",
    "园区三路",
    "经开大道",
)


# --- Small helpers ---------------------------------------------------------------------------------------


def _cents(value: Decimal | float) -> Decimal:
    return Decimal(str(value)).quantize(_CENT, rounding=ROUND_HALF_UP)


def _round_to(value: float, step: int) -> Decimal:
    """Round to a multiple of `step` (areas "2,400", prices "5,200")."""
    return Decimal(round(value / step) * step)


def _half_yuan(value: float) -> Decimal:
    return (Decimal(str(value)) / _HALF).quantize(Decimal(1), rounding=ROUND_HALF_UP) * _HALF


def _district_stem(district: str) -> str:
    if district in _DISTRICT_STEMS:
        return _DISTRICT_STEMS[district]
    for suffix in ("新区", "区", "县", "市", "镇"):
        if district.endswith(suffix) and len(district) > len(suffix) + 1:
            return district.removesuffix(suffix)
    return district


def _floor_heights(
    rng: random.Random, storeys: int, ground_options: tuple[Decimal, ...], upper_options: tuple[Decimal, ...]
) -> list[Decimal]:
    """Clear heights per floor that keep a multi-storey building within 24 m.

    Only ground heights that leave room for the lowest upper height are drawn; then each upper
    floor takes a height from the options that still fit.
    """
    per_floor = STRUCTURE_DEPTH_M
    lowest_upper = min(upper_options) + per_floor
    ground_fits = [
        g for g in ground_options if g + per_floor + (storeys - 1) * lowest_upper <= MULTI_STOREY_MAX_HEIGHT_M
    ]
    ground = rng.choice(ground_fits)
    if storeys == 1:
        return [ground]
    room = (MULTI_STOREY_MAX_HEIGHT_M - ground - per_floor) / (storeys - 1) - per_floor
    upper = rng.choice([u for u in upper_options if u <= room])
    return [ground] + [upper] * (storeys - 1)


def _split_floor(rng: random.Random, floor_area: Decimal, typical: tuple[int, int]) -> list[Decimal]:
    """Divide a floor's lettable area into units of `typical` size (m²), each within 300–3,000 m².

    1. Lettable area = floor area × 86–92 % (cores, stairs and shafts are not let).
    2. Pick the unit count from a typical size, clamped so that the average unit leaves a 20 % margin
       to both limits.
    3. Jitter the shares by up to ±15 % and round to the hundredth; the last unit takes the remainder.
    """
    lettable = _cents(float(floor_area) * rng.uniform(*LETTABLE_RATIO))
    low, high = float(UNIT_MIN_SQM) * 1.25, float(UNIT_MAX_SQM) * 0.85
    count = round(float(lettable) / rng.uniform(*typical))
    count = max(math.ceil(float(lettable) / high), min(count, math.floor(float(lettable) / low)), 1)
    weights = [rng.uniform(0.85, 1.15) for _ in range(count)]
    total = sum(weights)
    areas = [_cents(float(lettable) * w / total) for w in weights[:-1]]
    areas.append(lettable - sum(areas, Decimal(0)))
    return areas


def _unit_power(rng: random.Random, area: Decimal, *, single_storey: bool, cleanroom: bool) -> int:
    """Power in kVA: 80–150 W/m² in multi-storey buildings (150–250 for clean rooms), else a transformer."""
    if single_storey:
        need = float(area) * rng.uniform(0.12, 0.3)
        return next((size for size in TRANSFORMER_KVA if size >= need), TRANSFORMER_KVA[-1])
    watts = rng.uniform(150, 250) if cleanroom else rng.uniform(80, 150)
    return max(30, round(float(area) * watts / 1000 / 5) * 5)


# --- Building generation -----------------------------------------------------------------------------


@dataclass(slots=True)
class _ParkContext:
    """What every building of one park shares while it is generated."""

    rng: random.Random
    theme: Theme
    rent_min: Decimal
    rent_max: Decimal
    sale_range: tuple[Decimal, Decimal] | None
    established_year: int

    def rent(self, position: float) -> Decimal:
        """An asking rent at `position` (0 = the park's floor, 1 = its ceiling), to half a yuan."""
        position = min(max(position, 0.0), 1.0)
        value = float(self.rent_min) + (float(self.rent_max) - float(self.rent_min)) * position
        return min(max(_half_yuan(value), self.rent_min), self.rent_max)

    def sale_price(self, position: float) -> Decimal | None:
        if self.sale_range is None:
            return None
        low, high = self.sale_range
        value = float(low) + (float(high) - float(low)) * min(max(position, 0.0), 1.0)
        return min(max(_round_to(value, 50), low), high)


def _units_for_floor(
    ctx: _ParkContext,
    *,
    building_code: str,
    level: int,
    areas: list[Decimal],
    kind: str,
    design_class: FireHazardClass,
    lift_t: Decimal | None,
    crane_t: Decimal | None,
    for_sale: bool,
) -> tuple[UnitSpec, ...]:
    rng = ctx.rng
    units: list[UnitSpec] = []
    for index, area in enumerate(areas, start=1):
        cleanroom: CleanroomGrade = ""
        if kind == "clean":
            cleanroom = "C" if level > 1 and rng.random() < 0.3 else "D"
        if kind == "single":
            position = rng.uniform(0.45, 0.8)
        elif level == 1:
            position = rng.uniform(0.7, 1.0)
        elif level == 2:
            position = rng.uniform(0.4, 0.7)
        else:
            position = rng.uniform(0.15, 0.5)
        if cleanroom:
            position += 0.2
        units.append(
            UnitSpec(
                code=f"{building_code}-{level}{index:02d}",
                area_sqm=area,
                power_kva=_unit_power(rng, area, single_storey=kind == "single", cleanroom=bool(cleanroom)),
                rent_yuan_per_sqm_month=ctx.rent(position),
                design_fire_class=design_class,
                sale_price_yuan_per_sqm=ctx.sale_price(position) if for_sale else None,
                cleanroom_grade=cleanroom,
                freight_lift_t=lift_t,
                crane_t=crane_t,
                wastewater_pretreatment=kind == "clean" or (ctx.theme == "bio" and rng.random() < 0.3),
            )
        )
    return tuple(units)


def _multi_storey_building(ctx: _ParkContext, code: str, footprint: Decimal, kind: str, for_sale: bool) -> BuildingSpec:
    """A multi-storey (≤ 24 m), high-rise (5–6 storeys) or cleanroom-ready frame building."""
    rng = ctx.rng
    uppers: tuple[Decimal, ...]
    if kind == "high":
        storeys = rng.choice((5, 6))
        structure = BuildingStructure.HIGH_RISE
        clear = [rng.choice(HIGH_RISE_GROUND_CLEAR_M)] + [rng.choice(HIGH_RISE_UPPER_CLEAR_M)] * (storeys - 1)
    else:
        storeys = 3 if kind == "clean" else rng.choice((3, 4, 4, 4))
        structure = BuildingStructure.MULTI_STOREY_FRAME
        uppers = CLEANROOM_UPPER_CLEAR_M if kind == "clean" else MULTI_UPPER_CLEAR_M
        clear = _floor_heights(rng, storeys, MULTI_GROUND_CLEAR_M, uppers)
    design = FireHazardClass.BING
    if ctx.theme == "mfg" and kind == "multi" and rng.random() < 0.2:
        design = FireHazardClass.DING
    lift_t = rng.choice(FREIGHT_LIFT_T)
    grid = rng.choice(MULTI_COLUMN_GRIDS_M[:3] if kind == "clean" else MULTI_COLUMN_GRIDS_M)
    # One structural design per building: the ground slab, the second floor and the floors above.
    loads = (
        rng.choice(MULTI_GROUND_LOAD_KN[1:] if kind == "clean" else MULTI_GROUND_LOAD_KN),
        rng.choice(MULTI_SECOND_LOAD_KN),
        MULTI_UPPER_LOAD_KN[-1] if kind == "clean" else rng.choice(MULTI_UPPER_LOAD_KN),
    )
    sizes = TYPICAL_UNIT_SQM["tech" if ctx.theme == "tech" else "factory"]
    floors: list[FloorSpec] = []
    for level in range(1, storeys + 1):
        load, typical = loads[min(level, 3) - 1], sizes[min(level, 3) - 1]
        areas = _split_floor(rng, footprint, typical)
        units = _units_for_floor(
            ctx,
            building_code=code,
            level=level,
            areas=areas,
            kind=kind,
            design_class=design,
            lift_t=lift_t,
            crane_t=None,
            for_sale=for_sale,
        )
        floors.append(FloorSpec(level, footprint, load, clear[level - 1], units))
    return BuildingSpec(
        code=code,
        name=f"{code}栋",
        structure=structure,
        storeys=storeys,
        design_fire_class=design,
        fire_resistance_grade=FireResistanceGrade.TWO,
        column_grid_m=grid,
        completed_year=rng.randint(ctx.established_year, max(ctx.established_year, 2024)),
        floors=tuple(floors),
        sprinklered=True,
        freight_lift_count=2 if footprint <= 2500 else 3,
        freight_lift_t=lift_t,
        for_sale=for_sale,
        cleanroom_ready=kind == "clean",
    )


def _single_storey_building(ctx: _ParkContext, code: str, footprint: Decimal) -> BuildingSpec:
    """A single-storey steel shed, 丁 (or 丙 when combustible goods are expected) / 二级."""
    rng = ctx.rng
    crane_t = rng.choice(CRANE_T) if rng.random() < (0.7 if ctx.theme == "mfg" else 0.3) else None
    design = FireHazardClass.DING if ctx.theme == "mfg" and rng.random() < 0.6 else FireHazardClass.BING
    if design == FireHazardClass.BING:
        footprint = min(footprint, Decimal(SINGLE_BING_PLATE_MAX_SQM))
    clear = rng.choice(SINGLE_CLEAR_M[1:] if crane_t else SINGLE_CLEAR_M)
    areas = _split_floor(rng, footprint, TYPICAL_SHED_UNIT_SQM)
    units = _units_for_floor(
        ctx,
        building_code=code,
        level=1,
        areas=areas,
        kind="single",
        design_class=design,
        lift_t=None,
        crane_t=crane_t,
        for_sale=False,
    )
    floor = FloorSpec(1, footprint, rng.choice(SINGLE_LOAD_KN), clear, units)
    return BuildingSpec(
        code=code,
        name=f"{code}栋",
        structure=BuildingStructure.SINGLE_STOREY_STEEL,
        storeys=1,
        design_fire_class=design,
        fire_resistance_grade=FireResistanceGrade.TWO,
        column_grid_m=(rng.choice(SINGLE_SPANS_M), rng.choice(SINGLE_BAYS_M)),
        completed_year=rng.randint(ctx.established_year, max(ctx.established_year, 2024)),
        floors=(floor,),
        sprinklered=True,
        crane_t=crane_t,
    )


def _generate_buildings(ctx: _ParkContext, developed_sqm: Decimal, tier: int) -> tuple[BuildingSpec, ...]:
    """Buildings until 36–50 % of the developed land is covered (建筑系数 ≥ 30 %, RULES §6.5).

    Buildings are numbered by zone, as parks build in phases: A1…A8, then B1…
    """
    rng = ctx.rng
    theme = _THEMES[ctx.theme]
    budget = float(developed_sqm) * rng.uniform(0.36, 0.5)
    mix = list(theme.mix)
    if tier > 2:
        mix[1] = 0.0  # 工业上楼 high-rise factories are a tier-1/2 phenomenon.
    kinds = ("multi", "high", "clean", "single")
    weights = (mix[0], mix[1], mix[3], mix[2])
    sale_buildings = rng.randint(1, 2) if ctx.sale_range is not None else 0
    buildings: list[BuildingSpec] = []
    covered = 0.0
    while covered < budget or len(buildings) < 2:
        kind = rng.choices(kinds, weights=weights)[0]
        zone = ZONE_LETTERS[len(buildings) // BUILDINGS_PER_ZONE]
        code = f"{zone}{len(buildings) % BUILDINGS_PER_ZONE + 1}"
        if kind == "single":
            building = _single_storey_building(ctx, code, _round_to(rng.uniform(3000, 9000), 50))
        else:
            limit = HIGH_RISE_PLATE_MAX_SQM if kind == "high" else MULTI_PLATE_MAX_SQM
            plate = _round_to(rng.uniform(1500, limit if kind != "clean" else 3000), 50)
            for_sale = kind == "multi" and sale_buildings > 0
            sale_buildings -= int(for_sale)
            building = _multi_storey_building(ctx, code, plate, kind, for_sale)
        buildings.append(building)
        covered += float(building.footprint_sqm)
    return tuple(buildings)


def _generate_parcels(
    rng: random.Random, land: Decimal, theme: Theme, tier: int, share: float
) -> tuple[ParcelSpec, ...]:
    """1–4 parcels taking `share` of the park's land; the first is always available (可供地)."""
    total = float(land) * share
    count = min(4, max(1, int(total // 8000)))  # about one parcel per 12 亩 offered
    weights = [rng.uniform(0.6, 1.4) for _ in range(count)]
    price_low, price_high = TIER_LAND_PRICE_WAN_PER_MU[tier]
    land_use = _THEMES[theme].land_use
    parcels: list[ParcelSpec] = []
    for index, weight in enumerate(weights, start=1):
        area = _cents(total * weight / sum(weights))
        status: ParcelStatus = (
            "available" if index == 1 else rng.choice(("available", "available", "reserved", "transferred"))
        )
        use: LandUse = "new_industrial_m0" if tier == 1 and theme == "tech" else land_use
        parcels.append(
            ParcelSpec(
                code=f"D{index:02d}",
                name=f"D{index:02d}地块",
                area_sqm=area,
                land_use=use,
                status=status,
                plot_ratio_min=rng.choice((Decimal("1.0"), Decimal("1.2"), Decimal("1.5"))),
                plot_ratio_max=rng.choice((Decimal("2.0"), Decimal("2.5"), Decimal("3.0"))),
                list_price_wan_per_mu=Decimal(rng.randint(price_low, price_high)),
            )
        )
    return tuple(parcels)


# --- Parks -------------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Slot:
    """A park to generate: where, what theme, its code and name (fixed by the plan)."""

    city: CitySpec
    district: str
    theme: Theme
    code: str
    name: str
    land_mu: Decimal


def _describe(name: str, city: CitySpec, district: str, mu: Decimal, industries: str, buildings: int) -> str:
    return (
        f"{name}位于{city.short_name}{district}，占地约{mu.quantize(Decimal(1), rounding=ROUND_HALF_UP)}亩，"
        f"建有{buildings}栋标准厂房，重点发展{industries}等产业，提供厂房租赁、代建定制和企业服务。"
    )


def _generate_park(slot: _Slot, seed: int) -> ParkSpec:
    """One park, from its own random stream so it does not depend on the rest of the portfolio."""
    rng = random.Random(f"{seed}:{slot.code}")
    theme = _THEMES[slot.theme]
    tier = slot.city.tier
    land_mu = slot.land_mu
    land = _cents(mu_to_sqm(land_mu))
    parcels = _generate_parcels(rng, land, slot.theme, tier, rng.uniform(0.12, 0.3))
    developed = land - sum((p.area_sqm for p in parcels), Decimal(0))
    rent_low, rent_high = TIER_RENT[tier]
    rent_min = Decimal(rng.randint(rent_low, rent_low + (rent_high - rent_low) // 3))
    rent_max = min(Decimal(rent_high), rent_min + rng.randint(6, 14))
    sale_prices = TIER_SALE_PRICE[tier]
    sale_range: tuple[Decimal, Decimal] | None = None
    if sale_prices is not None and rng.random() < TIER_SALE_PROBABILITY[tier]:
        low = _round_to(rng.uniform(sale_prices[0], sale_prices[1] - 1200), 100)
        sale_range = (low, min(Decimal(sale_prices[1]), low + _round_to(rng.uniform(800, 2000), 100)))
    established = rng.randint(2008, 2022)
    ctx = _ParkContext(rng, slot.theme, rent_min, rent_max, sale_range, established)
    buildings = _generate_buildings(ctx, developed, tier)
    tax_low, tax_high = TIER_MIN_TAX_WAN_PER_MU[tier]
    inv_low, inv_high = TIER_MIN_INVESTMENT_WAN_PER_MU[tier]
    return ParkSpec(
        code=slot.code,
        name=slot.name,
        province=slot.city.province,
        city=slot.city.name,
        district=slot.district,
        address=f"{slot.city.province if slot.city.province != slot.city.name else ''}{slot.city.name}"
        f"{slot.district}{rng.choice(_ROADS)}{rng.randint(1, 60) * 2 - 1}号",
        city_tier=tier,
        theme=slot.theme,
        land_area_sqm=land,
        established_year=established,
        description=_describe(slot.name, slot.city, slot.district, land_mu, theme.industries, len(buildings)),
        industries=theme.industries,
        welcomed_industry_codes=theme.industry_codes,
        min_tax_wan_per_mu_year=_round_to(rng.uniform(tax_low, tax_high), 5),
        min_investment_wan_per_mu=_round_to(rng.uniform(inv_low, inv_high), 50),
        rent_min_yuan_per_sqm_month=rent_min,
        rent_max_yuan_per_sqm_month=rent_max,
        free_rent_months=rng.choice((1, 2, 3, 3, 6)),
        sale_allowed=sale_range is not None,
        sale_price_min_yuan_per_sqm=None if sale_range is None else sale_range[0],
        sale_price_max_yuan_per_sqm=None if sale_range is None else sale_range[1],
        parcels=parcels,
        buildings=buildings,
    )


# --- The flagship ----------------------------------------------------------------------------------------

FLAGSHIP_LAND_MU: Final = Decimal(136)
_FLAGSHIP_SEED: Final = "flagship:CQ-BIO-01"


def flagship_park() -> ParkSpec:
    """重庆国际生物城: the operator's 136-亩 standard-factory cluster in 巴南区木洞镇.

    Hand-written facts (they are what demos and tests point at); only the split of floors into units
    is drawn, from a fixed stream, so the flagship is the same whatever the portfolio seed.
    """
    rng = random.Random(_FLAGSHIP_SEED)
    ctx = _ParkContext(rng, "bio", Decimal(18), Decimal(28), (Decimal(4200), Decimal(5200)), 2017)
    land = _cents(mu_to_sqm(FLAGSHIP_LAND_MU))

    def multi(
        code: str, plate: int, grid: tuple[Decimal, Decimal], ground: tuple[int, str], *, for_sale: bool = False
    ) -> BuildingSpec:
        """A 4-storey 丙类/二级 frame building: 1F 12–15 kN/m², 2F 8, 3–4F 6.5; 3 t lifts."""
        ground_load, ground_clear = Decimal(ground[0]), Decimal(ground[1])
        levels = (
            (1, ground_load, ground_clear, (900, 2200)),
            (2, Decimal(8), Decimal("4.5"), (600, 1300)),
            (3, Decimal("6.5"), Decimal("4.5"), (500, 1100)),
            (4, Decimal("6.5"), Decimal("4.5"), (500, 1100)),
        )
        floors = []
        for level, load, clear, typical in levels:
            if code == "A1" and level == 1:
                # The showcase unit: 2,386.52 m² on a 15 kN/m², 7 m floor, for a 丙类 production line.
                areas = [Decimal("2386.52"), Decimal("853.48")]
            else:
                areas = _split_floor(rng, Decimal(plate), typical)
            units = _units_for_floor(
                ctx,
                building_code=code,
                level=level,
                areas=areas,
                kind="multi",
                design_class=FireHazardClass.BING,
                lift_t=Decimal(3),
                crane_t=None,
                for_sale=for_sale,
            )
            floors.append(FloorSpec(level, Decimal(plate), load, clear, units))
        return BuildingSpec(
            code=code,
            name=f"{code}栋",
            structure=BuildingStructure.MULTI_STOREY_FRAME,
            storeys=4,
            design_fire_class=FireHazardClass.BING,
            fire_resistance_grade=FireResistanceGrade.TWO,
            column_grid_m=grid,
            completed_year=2019 if code in ("A1", "A2", "A3") else 2021,
            floors=tuple(floors),
            sprinklered=True,
            freight_lift_count=2 if plate <= 2500 else 3,
            freight_lift_t=Decimal(3),
            for_sale=for_sale,
        )

    grid_84 = (Decimal("8.4"), Decimal("8.4"))
    grid_912 = (Decimal(9), Decimal(12))
    buildings = [
        multi("A1", 3600, grid_84, (15, "7")),
        multi("A2", 3600, grid_84, (15, "7")),
        multi("A3", 3000, grid_912, (12, "6.5")),
        multi("A4", 3000, grid_912, (12, "6")),
        multi("A5", 2400, grid_84, (12, "6"), for_sale=True),
    ]
    # B1: single-storey steel, 丁类/二级, 10 m under the truss, 30 kN/m² slab, a 10 t bridge crane.
    b1_areas = _split_floor(rng, Decimal(6000), (1800, 2800))
    b1_units = _units_for_floor(
        ctx,
        building_code="B1",
        level=1,
        areas=b1_areas,
        kind="single",
        design_class=FireHazardClass.DING,
        lift_t=None,
        crane_t=Decimal(10),
        for_sale=False,
    )
    buildings.append(
        BuildingSpec(
            code="B1",
            name="B1栋",
            structure=BuildingStructure.SINGLE_STOREY_STEEL,
            storeys=1,
            design_fire_class=FireHazardClass.DING,
            fire_resistance_grade=FireResistanceGrade.TWO,
            column_grid_m=(Decimal(24), Decimal(8)),
            completed_year=2020,
            floors=(FloorSpec(1, Decimal(6000), Decimal(30), Decimal(10), b1_units),),
            sprinklered=True,
            crane_t=Decimal(10),
        )
    )
    # C1: 3-storey GMP building, clean-room-ready (D grade; C grade prepared on the upper floors).
    c1_floors = []
    for level, load, clear in (
        (1, Decimal(15), Decimal(7)),
        (2, Decimal(10), Decimal("5.4")),
        (3, Decimal(8), Decimal("5.4")),
    ):
        areas = _split_floor(rng, Decimal(2400), (700, 1200))
        units = _units_for_floor(
            ctx,
            building_code="C1",
            level=level,
            areas=areas,
            kind="clean",
            design_class=FireHazardClass.BING,
            lift_t=Decimal(3),
            crane_t=None,
            for_sale=False,
        )
        c1_floors.append(FloorSpec(level, Decimal(2400), load, clear, units))
    buildings.append(
        BuildingSpec(
            code="C1",
            name="C1栋（GMP洁净厂房）",
            structure=BuildingStructure.MULTI_STOREY_FRAME,
            storeys=3,
            design_fire_class=FireHazardClass.BING,
            fire_resistance_grade=FireResistanceGrade.TWO,
            column_grid_m=grid_84,
            completed_year=2022,
            floors=tuple(c1_floors),
            sprinklered=True,
            freight_lift_count=2,
            freight_lift_t=Decimal(3),
            cleanroom_ready=True,
        )
    )

    def parcel(
        code: str, mu: str, land_use: LandUse, status: ParcelStatus, far: tuple[str, str], price: int
    ) -> ParcelSpec:
        return ParcelSpec(
            code=code,
            name=f"{code}地块",
            area_sqm=_cents(mu_to_sqm(Decimal(mu))),
            land_use=land_use,
            status=status,
            plot_ratio_min=Decimal(far[0]),
            plot_ratio_max=Decimal(far[1]),
            list_price_wan_per_mu=Decimal(price),
        )

    parcels = (
        parcel("D01", "20.5", "industrial_m2", "available", ("1.2", "2.5"), 24),
        parcel("D02", "15.8", "industrial_m2", "available", ("1.2", "2.5"), 24),
        parcel("D03", "11.2", "industrial_m1", "reserved", ("1.0", "2.0"), 22),
    )
    name = "重庆国际生物城"
    industries = "生物药、化学药制剂、现代中药、医疗器械"
    return ParkSpec(
        code=FLAGSHIP_CODE,
        name=name,
        province="重庆市",
        city="重庆市",
        district="巴南区",
        address="重庆市巴南区木洞镇重庆国际生物城",
        city_tier=2,
        theme="bio",
        land_area_sqm=land,
        established_year=2017,
        description=(
            f"{name}标准厂房组团位于巴南区木洞镇，占地136亩，建有5栋4层丙类框架厂房、1栋单层钢结构厂房（10吨行车）"
            f"和1栋GMP洁净厂房，重点发展{industries}，可提供D级、C级洁净车间改造条件。"
        ),
        industries=industries,
        welcomed_industry_codes=(
            "27",
            "2710",
            "2720",
            "2761",
            "2762",
            "2770",
            "358",
            "3581",
            "3582",
            "3583",
            "3584",
            "3585",
            "3586",
            "3587",
            "3589",
            "7340",
        ),
        min_tax_wan_per_mu_year=Decimal(30),
        min_investment_wan_per_mu=Decimal(300),
        rent_min_yuan_per_sqm_month=Decimal(18),
        rent_max_yuan_per_sqm_month=Decimal(28),
        free_rent_months=3,
        sale_allowed=True,
        sale_price_min_yuan_per_sqm=Decimal(4200),
        sale_price_max_yuan_per_sqm=Decimal(5200),
        parcels=parcels,
        buildings=tuple(buildings),
        is_flagship=True,
    )


# --- The plan and the public entry point -------------------------------------------------------------------


def _plan(seed: int) -> tuple[_Slot, ...]:
    """Which parks the full portfolio has: 95 in 55 cities, the flagship first.

    1. Every city gets its `min_parks`; the rest go to cities drawn by tier weight (一线 heaviest).
    2. Within a city, parks spread over distinct districts before a district gets a second park.
    3. Codes count per (city, theme): CQ-BIO-01 is the flagship, CQ-BIO-02 the next one.
    4. Names combine the district (sometimes the city) with a theme name; clashes take the next
       theme name, then "二期".
    """
    rng = random.Random(f"{seed}:plan")
    counts = {city.code: city.min_parks for city in CITIES}
    tier_weight = {1: 3.0, 2: 2.0, 3: 1.0, 4: 0.6}
    while sum(counts.values()) < FULL_PARK_COUNT:
        city = rng.choices(CITIES, weights=[tier_weight[c.tier] for c in CITIES])[0]
        if counts[city.code] < 4:
            counts[city.code] += 1
    slots: list[_Slot] = []
    names: set[str] = {"重庆国际生物城"}
    serials: dict[tuple[str, str], int] = {("CQ", "BIO"): 1}
    for city in CITIES:
        districts = list(city.districts)
        rng.shuffle(districts)
        if city.code == "CQ":
            districts.remove("巴南区")
            districts.insert(0, "巴南区")
        for index in range(counts[city.code]):
            if city.code == "CQ" and index == 0:
                continue  # the flagship takes this place
            district = districts[index % len(districts)]
            weights = [_THEMES[t].weight for t in city.themes]
            theme: Theme = rng.choices(city.themes, weights=weights)[0]
            key = (city.code, _THEMES[theme].code)
            serials[key] = serials.get(key, 0) + 1
            code = f"{city.code}-{_THEMES[theme].code}-{serials[key]:02d}"
            stem = _district_stem(district)
            prefix = stem if rng.random() < 0.6 or stem.startswith(city.short_name) else f"{city.short_name}{stem}"
            options = list(_THEMES[theme].names)
            rng.shuffle(options)
            candidates = [f"{prefix}{option}" for option in options]
            name = next((c for c in candidates if c not in names), f"{candidates[0]}二期")
            names.add(name)
            slots.append(_Slot(city, district, theme, code, name, Decimal(0)))
    # 5. Land: skewed towards 100–300 亩, then scaled so that the expected number of units (land ×
    #    the theme's measured units per 亩) adds up to the target whatever the seed.
    raw = [rng.triangular(float(PARK_LAND_MU_MIN), float(PARK_LAND_MU_MAX), 170) for _ in slots]
    expected = sum(value * _UNITS_PER_MU[slot.theme] for value, slot in zip(raw, slots, strict=True))
    factor = (FULL_TARGET_UNITS - flagship_park().unit_count) / expected
    lands = [min(max(int(value * factor), int(PARK_LAND_MU_MIN)), int(PARK_LAND_MU_MAX)) for value in raw]
    return tuple(replace(slot, land_mu=Decimal(land)) for slot, land in zip(slots, lands, strict=True))


def generate_portfolio(scale: Scale = "demo", seed: int = DEFAULT_SEED) -> Portfolio:
    """The demo portfolio: the flagship plus generated parks, the same for the same seed.

    "flagship": the flagship alone, for the test that loads the demo twice.
    "demo": the flagship and 11 parks in 8 cities (about 2,800 units), for a quick `make demo`.
    "full": 95 parks in 55 cities (about 20,000 units), for realistic volumes and benchmarks.
    The demo parks are exactly the first parks of those cities in the full plan, with equal content.
    """
    if scale not in ("flagship", "demo", "full"):
        raise ValueError(f"unknown scale {scale!r}; use 'flagship', 'demo' or 'full'")
    if scale == "flagship":
        return Portfolio(scale=scale, seed=seed, parks=(flagship_park(),))
    plan = _plan(seed)
    if scale == "demo":
        wanted = dict(DEMO_PARKS_PER_CITY)
        chosen = []
        for slot in plan:
            if wanted.get(slot.city.code, 0) > 0:
                wanted[slot.city.code] -= 1
                chosen.append(slot)
        plan = tuple(chosen)
    parks = (flagship_park(), *(_generate_park(slot, seed) for slot in plan))
    return Portfolio(scale=scale, seed=seed, parks=parks)
