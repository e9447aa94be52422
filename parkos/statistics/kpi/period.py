"""The period a report covers: months ``first_month..last_month`` of a year (RULES §10.1).

January is not reported on its own: 规上 enterprises are exempt from January's 财务状况 return and
the first release of a year is 1–2月 (RULES §10.1). So a year-to-date period runs at least to
February (:meth:`ReportPeriod.year_to`), and a monthly series starts with one 1–2月 point
(:data:`SERIES_SPANS`); a month without data in a series is a gap, never a zero.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Final

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

__all__ = ["SERIES_SPANS", "ReportPeriod"]

#: The points of a monthly series, (first month, last month): 1–2月 together, then each month.
SERIES_SPANS: Final[tuple[tuple[int, int], ...]] = ((1, 2), *((month, month) for month in range(3, 13)))

_NAMED_PERIODS: Final = {
    (1, 12): _("全年"),
    (1, 3): _("一季度"),
    (4, 6): _("二季度"),
    (7, 9): _("三季度"),
    (10, 12): _("四季度"),
    (1, 6): _("上半年"),
}


@dataclass(frozen=True)
class ReportPeriod:
    """Months ``first_month..last_month`` of ``year``: the whole year by default."""

    year: int
    first_month: int = 1
    last_month: int = 12

    def __post_init__(self) -> None:
        if not 1 <= self.first_month <= self.last_month <= 12:
            raise ValueError(f"invalid period {self.first_month}..{self.last_month}")

    @classmethod
    def year_to(cls, year: int, month: int) -> ReportPeriod:
        """1–N月 of a year; January alone is reported with February, as 1–2月 (RULES §10.1)."""
        return cls(year, 1, max(month, 2))

    @property
    def is_full_year(self) -> bool:
        return (self.first_month, self.last_month) == (1, 12)

    @property
    def months(self) -> range:
        return range(self.first_month, self.last_month + 1)

    @property
    def label(self) -> str:
        """全年, 一季度…四季度, 上半年, "1–9月", "5月"."""
        span = (self.first_month, self.last_month)
        if span in _NAMED_PERIODS:
            return str(_NAMED_PERIODS[span])
        if self.first_month == self.last_month:
            return gettext("%(month)s月") % {"month": self.last_month}
        return gettext("%(first)s–%(last)s月") % {"first": self.first_month, "last": self.last_month}

    @property
    def dates(self) -> tuple[datetime.date, datetime.date]:
        """The first and the last day of the period."""
        start = datetime.date(self.year, self.first_month, 1)
        if self.last_month == 12:
            return start, datetime.date(self.year, 12, 31)
        return start, datetime.date(self.year, self.last_month + 1, 1) - datetime.timedelta(days=1)
