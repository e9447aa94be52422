"""规模以上 (above-scale) status, 升规 candidates and 大中小微 size classes (RULES §5, §5.1).

Every number lives in a module-level constant: these are statistical rules set by NBS and local
bureaus, and they change. Amounts are in 万元 (ten thousand yuan) as in the statistical forms.

Threshold semantics are "及以上" (at or above): ``>=`` everywhere.

Industry codes are matched by prefix, most specific first, against keys that are either a
section letter (``"G"``) or a code prefix (``"84"``, ``"702"``). The real-estate keys of RULES §5
are written as classes there (7020, 7030, 7040, 7090); each of those groups has a single class,
so keying by the group (``"702"``) also matches an enterprise filed under the group code.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Final, Literal

from django.utils.translation import gettext_lazy as _

from parkos.core import industry

if TYPE_CHECKING:
    from django_stubs_ext import StrPromise

__all__ = [
    "INDUSTRY_SECTIONS",
    "INDUSTRY_THRESHOLD_WAN",
    "SCALE_BASIS_LABELS",
    "SERVICE_THRESHOLDS_WAN",
    "SIZE_CLASS_LABELS",
    "SIZE_SECTOR_BY_PREFIX",
    "SIZE_TABLES",
    "TRADE_THRESHOLDS_WAN",
    "UPGRADE_WATCH_BAND",
    "ScaleBasis",
    "SizeBounds",
    "SizeClass",
    "SizeSector",
    "above_scale_threshold",
    "is_above_scale",
    "scale_basis",
    "size_class",
    "size_sector",
    "upgrade_candidate",
]

ScaleBasis = Literal["industry", "service", "trade"]
SizeClass = Literal["large", "medium", "small", "micro"]
SizeSector = Literal[
    "agriculture",
    "industry",
    "construction",
    "wholesale",
    "retail",
    "transport",
    "warehousing",
    "postal",
    "accommodation",
    "catering",
    "information_transmission",
    "software_it",
    "real_estate_development",
    "property_management",
    "leasing_business",
    "other",
]

# --- 规上 / 限上 thresholds (RULES §5) ------------------------------------------------------------

#: 规模以上工业: 门类 B 采矿业, C 制造业, D 电力热力燃气及水; 年主营业务收入 ≥ 2000 万元 since 2011.
INDUSTRY_SECTIONS: Final[frozenset[str]] = frozenset({"B", "C", "D"})
INDUSTRY_THRESHOLD_WAN: Final = Decimal(2000)

#: 规模以上服务业, annual 营业收入 thresholds. Not in scope (None): 7010 房地产开发经营, finance J,
#: construction E (reported by qualification, not revenue), A, S, T.
SERVICE_THRESHOLDS_WAN: Final[Mapping[str, Decimal]] = {
    "G": Decimal(2000),  # 交通运输、仓储和邮政业
    "I": Decimal(2000),  # 信息传输、软件和信息技术服务业
    "N": Decimal(2000),  # 水利、环境和公共设施管理业
    "84": Decimal(2000),  # 卫生
    "L": Decimal(1000),  # 租赁和商务服务业
    "M": Decimal(1000),  # 科学研究和技术服务业
    "P": Decimal(1000),  # 教育
    "702": Decimal(1000),  # 物业管理
    "703": Decimal(1000),  # 房地产中介服务
    "704": Decimal(1000),  # 房地产租赁经营
    "709": Decimal(1000),  # 其他房地产业
    "O": Decimal(500),  # 居民服务、修理和其他服务业
    "R": Decimal(500),  # 文化、体育和娱乐业
    "85": Decimal(500),  # 社会工作
}

#: 限额以上 批发 / 零售 / 住宿餐饮 (RULES §5, date of the rule unconfirmed [M]).
TRADE_THRESHOLDS_WAN: Final[Mapping[str, Decimal]] = {
    "51": Decimal(2000),  # 批发业
    "52": Decimal(500),  # 零售业
    "H": Decimal(200),  # 住宿和餐饮业
}

#: 升规 watch band: a 规下 enterprise whose trailing-12-month revenue reaches this share of its
#: threshold is a candidate (RULES §5).
UPGRADE_WATCH_BAND: Final = Decimal("0.8")

SCALE_BASIS_LABELS: Final[Mapping[ScaleBasis, StrPromise]] = {
    "industry": _("规上工业"),
    "service": _("规上服务业"),
    "trade": _("限上批零住餐"),
}

# --- 大中小微 (统计上大中小微型企业划分办法(2017), RULES §5.1) -------------------------------------


@dataclass(frozen=True)
class SizeBounds:
    """Lower bounds of one size tier; ``None`` means the criterion does not apply to the sector."""

    employees: int | None = None
    revenue_wan: Decimal | None = None
    assets_wan: Decimal | None = None


#: Lower bounds of 大型 / 中型 / 小型 per sector; below 小型 is 微型. A tier needs *all* its bounds
#: (RULES §5.1: "须同时满足所列指标的下限，否则下划一档"). Industry and software/IT are [S] in
#: RULES; the other rows are the same NBS table as transcribed on kubaishu.com [S], except
#: property management, leasing/business and "other", which are from memory [M].
SIZE_TABLES: Final[Mapping[SizeSector, Mapping[SizeClass, SizeBounds]]] = {
    "agriculture": {
        "large": SizeBounds(revenue_wan=Decimal(20000)),
        "medium": SizeBounds(revenue_wan=Decimal(500)),
        "small": SizeBounds(revenue_wan=Decimal(50)),
    },
    "industry": {
        "large": SizeBounds(employees=1000, revenue_wan=Decimal(40000)),
        "medium": SizeBounds(employees=300, revenue_wan=Decimal(2000)),
        "small": SizeBounds(employees=20, revenue_wan=Decimal(300)),
    },
    "construction": {
        "large": SizeBounds(revenue_wan=Decimal(80000), assets_wan=Decimal(80000)),
        "medium": SizeBounds(revenue_wan=Decimal(6000), assets_wan=Decimal(5000)),
        "small": SizeBounds(revenue_wan=Decimal(300), assets_wan=Decimal(300)),
    },
    "wholesale": {
        "large": SizeBounds(employees=200, revenue_wan=Decimal(40000)),
        "medium": SizeBounds(employees=20, revenue_wan=Decimal(5000)),
        "small": SizeBounds(employees=5, revenue_wan=Decimal(1000)),
    },
    "retail": {
        "large": SizeBounds(employees=300, revenue_wan=Decimal(20000)),
        "medium": SizeBounds(employees=50, revenue_wan=Decimal(500)),
        "small": SizeBounds(employees=10, revenue_wan=Decimal(100)),
    },
    "transport": {
        "large": SizeBounds(employees=1000, revenue_wan=Decimal(30000)),
        "medium": SizeBounds(employees=300, revenue_wan=Decimal(3000)),
        "small": SizeBounds(employees=20, revenue_wan=Decimal(200)),
    },
    "warehousing": {
        "large": SizeBounds(employees=200, revenue_wan=Decimal(30000)),
        "medium": SizeBounds(employees=100, revenue_wan=Decimal(1000)),
        "small": SizeBounds(employees=20, revenue_wan=Decimal(100)),
    },
    "postal": {
        "large": SizeBounds(employees=1000, revenue_wan=Decimal(30000)),
        "medium": SizeBounds(employees=300, revenue_wan=Decimal(2000)),
        "small": SizeBounds(employees=20, revenue_wan=Decimal(100)),
    },
    "accommodation": {
        "large": SizeBounds(employees=300, revenue_wan=Decimal(10000)),
        "medium": SizeBounds(employees=100, revenue_wan=Decimal(2000)),
        "small": SizeBounds(employees=10, revenue_wan=Decimal(100)),
    },
    "catering": {
        "large": SizeBounds(employees=300, revenue_wan=Decimal(10000)),
        "medium": SizeBounds(employees=100, revenue_wan=Decimal(2000)),
        "small": SizeBounds(employees=10, revenue_wan=Decimal(100)),
    },
    "information_transmission": {
        "large": SizeBounds(employees=2000, revenue_wan=Decimal(100000)),
        "medium": SizeBounds(employees=100, revenue_wan=Decimal(1000)),
        "small": SizeBounds(employees=10, revenue_wan=Decimal(100)),
    },
    "software_it": {
        "large": SizeBounds(employees=300, revenue_wan=Decimal(10000)),
        "medium": SizeBounds(employees=100, revenue_wan=Decimal(1000)),
        "small": SizeBounds(employees=10, revenue_wan=Decimal(50)),
    },
    "real_estate_development": {
        "large": SizeBounds(revenue_wan=Decimal(200000), assets_wan=Decimal(10000)),
        "medium": SizeBounds(revenue_wan=Decimal(1000), assets_wan=Decimal(5000)),
        "small": SizeBounds(revenue_wan=Decimal(100), assets_wan=Decimal(2000)),
    },
    "property_management": {
        "large": SizeBounds(employees=1000, revenue_wan=Decimal(5000)),
        "medium": SizeBounds(employees=300, revenue_wan=Decimal(1000)),
        "small": SizeBounds(employees=100, revenue_wan=Decimal(500)),
    },
    "leasing_business": {
        "large": SizeBounds(employees=300, assets_wan=Decimal(120000)),
        "medium": SizeBounds(employees=100, assets_wan=Decimal(8000)),
        "small": SizeBounds(employees=10, assets_wan=Decimal(100)),
    },
    "other": {
        "large": SizeBounds(employees=300),
        "medium": SizeBounds(employees=100),
        "small": SizeBounds(employees=10),
    },
}

#: Which size table applies to an industry code; longest matching key wins, unmatched → "other".
#: Scope notes of the NBS table [M]: 交通运输业 excludes 铁路运输 (53) but includes 装卸搬运 (591);
#: 仓储业 is the rest of 59; 信息传输业 is 63 and 64.
SIZE_SECTOR_BY_PREFIX: Final[Mapping[str, SizeSector]] = {
    "A": "agriculture",
    "B": "industry",
    "C": "industry",
    "D": "industry",
    "E": "construction",
    "51": "wholesale",
    "52": "retail",
    "G": "transport",
    "53": "other",
    "59": "warehousing",
    "591": "transport",
    "60": "postal",
    "61": "accommodation",
    "62": "catering",
    "63": "information_transmission",
    "64": "information_transmission",
    "65": "software_it",
    "701": "real_estate_development",
    "702": "property_management",
    "L": "leasing_business",
}

_TIERS: Final[tuple[SizeClass, ...]] = ("large", "medium", "small")

SIZE_CLASS_LABELS: Final[Mapping[SizeClass, StrPromise]] = {
    "large": _("大型"),
    "medium": _("中型"),
    "small": _("小型"),
    "micro": _("微型"),
}


def _match[T](code: str, table: Mapping[str, T]) -> T | None:
    """Value of the most specific key of ``table`` matching a canonical industry code.

    Section-letter keys match the code's section; digit keys match as code prefixes and always
    beat a section key. A coarse code (``"70"``) does not match a finer key (``"702"``).
    """
    section = industry.section_of(code)
    best: T | None = table.get(section)
    best_length = 0
    for key, value in table.items():
        if key.isdigit() and code.startswith(key) and len(key) > best_length:
            best, best_length = value, len(key)
    return best


def scale_basis(industry_code: str) -> ScaleBasis | None:
    """Which above-scale population an industry belongs to, or None when it has none.

    ``industry`` = 规上工业 (B, C, D), ``trade`` = 限上批发/零售/住宿餐饮 (F, H), ``service`` =
    规上服务业. Raises ``ValidationError`` for an invalid industry code.
    """
    code = industry.validate(industry_code)
    if industry.section_of(code) in INDUSTRY_SECTIONS:
        return "industry"
    if _match(code, TRADE_THRESHOLDS_WAN) is not None:
        return "trade"
    if _match(code, SERVICE_THRESHOLDS_WAN) is not None:
        return "service"
    return None


@functools.lru_cache(maxsize=8192)
def above_scale_threshold(industry_code: str) -> Decimal | None:
    """Annual revenue (万元) at which an enterprise of this industry is 规上/限上, or None.

    None means the industry is outside every revenue-based population (e.g. 7010 房地产开发经营),
    or the code is too coarse to decide (``70`` covers both 7010 and 7040). Cached per code: imports
    and reports ask for every enterprise, and invalid codes raise (and are not cached).
    """
    code = industry.validate(industry_code)
    basis = scale_basis(code)
    if basis == "industry":
        return INDUSTRY_THRESHOLD_WAN
    if basis == "trade":
        return _match(code, TRADE_THRESHOLDS_WAN)
    if basis == "service":
        return _match(code, SERVICE_THRESHOLDS_WAN)
    return None


def is_above_scale(industry_code: str, annual_revenue_wan: Decimal) -> bool:
    """True when the annual revenue reaches the industry's threshold ("及以上": ``>=``).

    Always False for industries without a revenue threshold (see :func:`above_scale_threshold`).
    """
    threshold = above_scale_threshold(industry_code)
    return threshold is not None and annual_revenue_wan >= threshold


def upgrade_candidate(
    trailing_revenue_wan: Decimal,
    threshold: Decimal | None,
    band: Decimal = UPGRADE_WATCH_BAND,
) -> bool:
    """True when trailing-12-month revenue reaches ``band`` × threshold (the 升规 watch list).

    Meant for enterprises not yet above scale: one already at or over the threshold is the
    strongest candidate and also returns True. ``threshold=None`` (no threshold) is never a
    candidate.
    """
    if not Decimal(0) < band <= Decimal(1):
        raise ValueError(f"band must be in (0, 1], got {band}")
    if threshold is None:
        return False
    return trailing_revenue_wan >= threshold * band


def size_sector(industry_code: str, *, total_assets_wan: Decimal | None = None) -> SizeSector:
    """The NBS size table used for an industry code (see :data:`SIZE_SECTOR_BY_PREFIX`).

    Sectors whose NBS criteria include 资产总额 (construction, real-estate development, leasing
    and business services) fall back to the industry table when ``total_assets_wan`` is unknown:
    ParkOS does not always collect balance sheets, and the industry table is the closest
    employee-and-revenue rule.
    """
    sector, needs_assets = _sector_of(industry_code)
    if needs_assets and total_assets_wan is None:
        return "industry"
    return sector


@functools.lru_cache(maxsize=8192)
def _sector_of(industry_code: str) -> tuple[SizeSector, bool]:
    """The NBS table of a code and whether it needs total assets; cached per code (see above)."""
    code = industry.validate(industry_code)
    sector: SizeSector = _match(code, SIZE_SECTOR_BY_PREFIX) or "other"
    return sector, any(bounds.assets_wan is not None for bounds in SIZE_TABLES[sector].values())


def size_class(
    industry_code: str,
    employees: int,
    revenue_wan: Decimal,
    *,
    total_assets_wan: Decimal | None = None,
) -> SizeClass:
    """Classify an enterprise as large/medium/small/micro by 统计上大中小微型企业划分办法(2017).

    ``employees`` is 从业人员 (year-end or average headcount), ``revenue_wan`` 营业收入 in 万元.
    Tiers need all their lower bounds, otherwise the enterprise drops a tier; micro is whatever
    does not reach small.

    Every sector of the NBS table is configured in :data:`SIZE_TABLES`; industries it does not
    name (e.g. M 科学研究, Q 卫生) use its 其他未列明行业 row, which counts employees only.
    Sectors whose criteria include 资产总额 (construction, 7010 real-estate development, L
    leasing and business services) **fall back to the industry (工业) table** when
    ``total_assets_wan`` is not given — an approximation, see :func:`size_sector`.
    """
    if employees < 0:
        raise ValueError(f"employees must not be negative, got {employees}")
    if revenue_wan < 0:
        raise ValueError(f"revenue_wan must not be negative, got {revenue_wan}")
    table = SIZE_TABLES[size_sector(industry_code, total_assets_wan=total_assets_wan)]
    for tier in _TIERS:
        bounds = table[tier]
        if (
            (bounds.employees is None or employees >= bounds.employees)
            and (bounds.revenue_wan is None or revenue_wan >= bounds.revenue_wan)
            and (bounds.assets_wan is None or (total_assets_wan is not None and total_assets_wan >= bounds.assets_wan))
        ):
            return tier
    return "micro"
