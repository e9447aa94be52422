"""The readings table and its rollups, in SQL: the fast paths and the per-database differences.

The readings table (`Reading`) is keyed by (meter, ts). On SQLite it is a `WITHOUT ROWID` table (rows
clustered by the key). On PostgreSQL it is partitioned by month of `ts` (local months): partitions are
created ahead by `manage.py monitoring_partitions` and the periodic tick, on demand by the ingestion
for a month that has none, and dropped by the retention policy (`MONITORING_RETENTION_MONTHS`).

Rollups aggregate each reading's `quantity` into the bucket that the reading *ends*: a reading at
10:00:00 closes the interval 09:45–10:00 and belongs to the hour 09:00–10:00 (meter-data convention:
consumption is registered at the end of its interval). Hours are whole UTC hours (equal to local
hours in whole-hour time zones such as Asia/Shanghai); days and months are local. After each batch,
`recompute_rollups` rebuilds exactly the buckets the batch touched, from the rows below them
(readings → hours → days → months), so a late reading in a closed hour corrects that hour, its day
and its month. `rebuild_rollups` does the same for any range, set-based.
"""

from __future__ import annotations

import bisect
import datetime
import functools
import itertools
import sqlite3
import zoneinfo
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.backends.utils import CursorWrapper
from django.utils import timezone

from parkos.monitoring.validation import Inserted, Point, Profile

UTC = datetime.UTC
ONE_HOUR = datetime.timedelta(hours=1)
ONE_SECOND = datetime.timedelta(seconds=1)
READING_COLUMNS = ("meter_id", "ts", "raw", "value", "quantity", "flags", "source")
PARTITION_PREFIX = "monitoring_reading_p"

#: One stored row: meter id, ts (aware, UTC), raw, value, quantity, flags, source.
Row = tuple[int, datetime.datetime, float, float | None, float | None, int, int]


def local_zone() -> zoneinfo.ZoneInfo:
    return zoneinfo.ZoneInfo(settings.TIME_ZONE)


def is_postgresql() -> bool:
    return connection.vendor == "postgresql"


def plan_without_jit() -> None:
    """PostgreSQL: no JIT compilation for the rest of the transaction. The statements that join a
    batch's windows to the partitioned readings look dear to the planner (every partition, a subplan
    per window) and cross `jit_above_cost`, and LLVM then compiles for 1–3 s what runs in
    milliseconds — on every batch (the neighbours of 200 meters: 2.4 s with JIT, 75 ms without)."""
    if is_postgresql():
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL jit = off")


# --- buckets (the Python side of the bucket SQL below; tests hold them equal) -------------------


def hour_of(ts: datetime.datetime) -> datetime.datetime:
    """The UTC start of the hour a reading at `ts` belongs to (the hour it ends)."""
    moment = ts.astimezone(UTC) - ONE_SECOND
    return moment.replace(minute=0, second=0, microsecond=0)


def local_day_of_hour(hour: datetime.datetime) -> datetime.date:
    return hour.astimezone(local_zone()).date()


def local_midnight(day: datetime.date) -> datetime.datetime:
    """The UTC moment a local day starts."""
    return datetime.datetime.combine(day, datetime.time.min, tzinfo=local_zone()).astimezone(UTC)


def month_start(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def next_month(day: datetime.date) -> datetime.date:
    return (day.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)


# --- row encoding ---------------------------------------------------------------------------------


def _encode_ts(ts: datetime.datetime) -> Any:
    """A timestamp as the database column takes it: aware on PostgreSQL, naive-UTC text on SQLite."""
    if is_postgresql():
        return ts
    return ts.astimezone(UTC).replace(tzinfo=None).isoformat(" ")


def _decode_ts(value: str | datetime.datetime) -> datetime.datetime:
    if isinstance(value, datetime.datetime):
        return value if value.tzinfo is not None else value.replace(tzinfo=UTC)
    return datetime.datetime.fromisoformat(value).replace(tzinfo=UTC)


def _decode_day(value: str | datetime.date) -> datetime.date:
    return value if isinstance(value, datetime.date) else datetime.date.fromisoformat(value)


# --- reading the neighbours of a batch ------------------------------------------------------------


@dataclass
class SeriesContext:
    before: Point | None
    stored: list[Point]


def _point(
    profile: Profile, ts: str | datetime.datetime, raw: float, value: float | None, quantity: float | None, flags: int
) -> Point:
    moment = _decode_ts(ts)
    device = profile.device_at(moment)
    return Point(moment, raw, value, quantity, flags, device.id if device is not None else 0)


#: Windows per statement (SQLite takes at most 32,766 parameters).
WINDOWS_PER_STATEMENT = 2000


def _windows(rows: Sequence[tuple[Any, ...]], types: Sequence[str], names: Sequence[str]) -> tuple[str, list[Any]]:
    """A FROM item `w(names…)` holding one row per window: arrays unnested on PostgreSQL, a VALUES
    list on SQLite. Lets one statement serve every meter of a batch instead of one per meter."""
    if is_postgresql():
        arrays = ", ".join(f"%s::{kind}[]" for kind in types)
        return f"unnest({arrays}) AS w({', '.join(names)})", [list(column) for column in zip(*rows, strict=True)]
    one = "(" + ", ".join(["%s"] * len(names)) + ")"
    columns = ", ".join(f"column{index + 1} AS {name}" for index, name in enumerate(names))
    encoded = [_encode_ts(v) if isinstance(v, datetime.datetime) else v for row in rows for v in row]
    return f"(SELECT {columns} FROM (VALUES {', '.join([one] * len(rows))})) AS w", encoded


def _chunks[T](items: Sequence[T]) -> Iterator[Sequence[T]]:
    for start in range(0, len(items), WINDOWS_PER_STATEMENT):
        yield items[start : start + WINDOWS_PER_STATEMENT]


def series_context(
    profiles: dict[int, Profile], windows: dict[int, tuple[datetime.datetime, datetime.datetime]]
) -> dict[int, SeriesContext]:
    """For each meter: its stored reading just before the window, and the stored readings from the
    window's start up to and including the first one after its end (two statements in all)."""
    result = {meter_id: SeriesContext(None, []) for meter_id in windows}
    columns = "w.id, r.ts, r.raw, r.value, r.quantity, r.flags"
    rows = [(meter_id, first, last) for meter_id, (first, last) in windows.items()]
    with connection.cursor() as cursor:
        for chunk in _chunks(rows):
            source, params = _windows([(m, f) for m, f, _l in chunk], ("bigint", "timestamptz"), ("id", "first_ts"))
            cursor.execute(
                f"SELECT {columns} FROM {source} JOIN monitoring_reading r ON r.meter_id = w.id AND r.ts ="
                " (SELECT MAX(x.ts) FROM monitoring_reading x WHERE x.meter_id = w.id AND x.ts < w.first_ts)",
                params,
            )
            for meter_id, *row in cursor.fetchall():
                result[meter_id].before = _point(profiles[meter_id], *row)
            source, params = _windows(chunk, ("bigint", "timestamptz", "timestamptz"), ("id", "first_ts", "last_ts"))
            cursor.execute(
                f"SELECT {columns} FROM {source} JOIN monitoring_reading r ON r.meter_id = w.id AND r.ts >= w.first_ts"
                " AND r.ts <= COALESCE((SELECT MIN(n.ts) FROM monitoring_reading n WHERE n.meter_id = w.id"
                " AND n.ts > w.last_ts), w.last_ts) ORDER BY w.id, r.ts",
                params,
            )
            for meter_id, *row in cursor.fetchall():
                result[meter_id].stored.append(_point(profiles[meter_id], *row))
    return result


# --- writing readings -----------------------------------------------------------------------------


#: Rows per INSERT statement: one statement of many rows binds far faster than executemany on
#: SQLite (7 columns × 500 rows stays under its 32,766 parameters).
ROWS_PER_INSERT = 500


def _insert_many(
    cursor: CursorWrapper, table: str, columns: Sequence[str], rows: Iterable[Sequence[Any]], suffix: str = ""
) -> int:
    """Multi-row INSERTs of `rows`; returns how many. On SQLite the statement goes to the driver as
    is (Django would rewrite the placeholders of a 3,500-parameter statement with a regex each time)."""
    postgres = is_postgresql()
    mark = "%s" if postgres else "?"
    one = "(" + ", ".join([mark] * len(columns)) + ")"
    head = f"INSERT INTO {table} ({', '.join(columns)}) VALUES "
    full = head + ", ".join([one] * ROWS_PER_INSERT) + suffix
    execute = cursor.execute if postgres else functools.partial(sqlite3.Cursor.execute, cursor.cursor)
    source = iter(rows)
    count = 0
    while chunk := list(itertools.islice(source, ROWS_PER_INSERT)):
        sql = full if len(chunk) == ROWS_PER_INSERT else head + ", ".join([one] * len(chunk)) + suffix
        execute(sql, list(itertools.chain.from_iterable(chunk)))
        count += len(chunk)
    return count


class _Moments:
    """What the writes need of each distinct moment of a batch, computed once per moment: readings of
    many meters share their moments (a gateway polls them together)."""

    def __init__(self) -> None:
        self.text: dict[datetime.datetime, str] = {}
        self.hour: dict[datetime.datetime, int] = {}
        self.hours: dict[int, Any] = {}  # hour number → the hour as its column takes it

    def learn(self, moments: Sequence[datetime.datetime]) -> None:
        for moment in set(moments).difference(self.hour):
            self.text[moment] = moment.isoformat(" ")[:19]  # SQLite's text of a UTC moment, as Django stores it
            self.hour[moment] = (int(moment.timestamp()) - 1) // 3600  # the hour it ends (`hour_of`)

    def hour_column(self, key: int) -> Any:
        """Hour number `key` (hours since the epoch) as the rollup's column takes it."""
        if key not in self.hours:
            self.hours[key] = _encode_ts(datetime.datetime.fromtimestamp(key * 3600, UTC))
        return self.hours[key]


class NewReadings:
    """The readings a batch adds, gathered meter by meter and written at once."""

    def __init__(self, source: int) -> None:
        self.source = source
        self.parts: list[tuple[int, Inserted]] = []
        self.hourly: list[tuple[Any, ...]] = []
        self.count = 0
        self.moments = _Moments()

    def add(self, meter_id: int, inserted: Inserted, *, add_to_hours: bool) -> None:
        """Queue a meter's new readings; `add_to_hours` when they all come after every stored one
        (then each touched hour just gains them — exact, and cheaper than re-reading the hour)."""
        self.parts.append((meter_id, inserted))
        self.count += len(inserted)
        self.moments.learn(inserted.ts)
        if add_to_hours:
            self.hourly.extend(_hourly_increments(meter_id, inserted, self.moments))

    def _rows(self) -> Iterator[tuple[Any, ...]]:
        source = self.source
        text = None if is_postgresql() else self.moments.text.__getitem__
        for meter_id, part in self.parts:
            yield from zip(
                itertools.repeat(meter_id),
                part.ts if text is None else map(text, part.ts),
                part.raw,
                part.value,
                part.quantity,
                part.flags,
                itertools.repeat(source),
            )

    def write(self) -> None:
        """COPY on PostgreSQL, multi-row INSERTs on SQLite; then the hourly increments."""
        if self.count:
            with connection.cursor() as cursor:
                if is_postgresql():
                    with cursor.cursor.copy(
                        f"COPY monitoring_reading ({', '.join(READING_COLUMNS)}) FROM STDIN"
                    ) as copy:
                        for row in self._rows():
                            copy.write_row(row)
                else:
                    _insert_many(cursor, "monitoring_reading", READING_COLUMNS, self._rows())
        add_hourly(self.hourly)


def _hourly_increments(meter_id: int, inserted: Inserted, moments: _Moments) -> list[tuple[Any, ...]]:
    """Aggregates per hour of a meter's new, time-ordered readings: rows to add to the hourly rollup.

    The readings are in time order, so each hour is a run: its bounds come from bisecting the keys.
    """
    keys = list(map(moments.hour.__getitem__, inserted.ts))
    quantities = inserted.quantity
    rows: list[tuple[Any, ...]] = []
    start = 0
    for key in sorted(set(keys)):
        end = bisect.bisect_right(keys, key, start)
        run = [q for q in quantities[start:end] if q is not None]  # a series' first reading has none
        if run:
            rows.append((meter_id, moments.hour_column(key), len(run), sum(run), min(run), max(run)))
        start = end
    return rows


def update_readings(meter_id: int, points: Iterable[Point]) -> None:
    """Store recomputed value, quantity and flags of existing readings."""
    params = [(p.value, p.quantity, p.flags, meter_id, _encode_ts(p.ts)) for p in points]
    if params:
        with connection.cursor() as cursor:
            cursor.executemany(
                "UPDATE monitoring_reading SET value = %s, quantity = %s, flags = %s WHERE meter_id = %s AND ts = %s",
                params,
            )


def shift_values(meter_id: int, after: datetime.datetime, amount: float) -> None:
    """Move the continuous register of every reading after `after` (a late reading revealed a reset)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE monitoring_reading SET value = value + %s WHERE meter_id = %s AND ts > %s AND value IS NOT NULL",
            [amount, meter_id, _encode_ts(after)],
        )


# --- rollups --------------------------------------------------------------------------------------


@lru_cache(maxsize=65536)
def _sqlite_local_date(hour_text: str) -> str:
    return local_day_of_hour(_decode_ts(hour_text)).isoformat()


def _ensure_sqlite_functions() -> None:
    """SQLite has no time zones: give the connection this module's local-day function (cheap; done
    before each use because Django may have opened a new connection since)."""
    connection.ensure_connection()
    raw = connection.connection
    if raw is not None:
        raw.create_function("parkos_local_date", 1, _sqlite_local_date, deterministic=True)


def _hour_sql() -> str:
    if is_postgresql():
        return "date_trunc('hour', r.ts - interval '1 second')"
    return "strftime('%%Y-%%m-%%d %%H:00:00', r.ts, '-1 seconds')"


def _day_sql() -> str:
    if is_postgresql():
        return "(h.hour AT TIME ZONE %s)::date"
    return "parkos_local_date(h.hour)"


def _month_sql() -> str:
    if is_postgresql():
        return "date_trunc('month', d.day)::date"
    return "strftime('%%Y-%%m-01', d.day)"


_UPSERT = (
    " ON CONFLICT (meter_id, {key}) DO UPDATE SET samples = EXCLUDED.samples, total = EXCLUDED.total,"
    " minimum = EXCLUDED.minimum, maximum = EXCLUDED.maximum"
)


def _from(table: str, alias: str, windows: str | None) -> str:
    """The rows below a level: all of them, or those of the windows (`w`) joined on the meter.
    (SQLite needs the WHERE that follows to tell an upsert's SELECT from a join.)"""
    if windows is None:
        return f"{table} {alias}"
    return f"{windows} JOIN {table} {alias} ON {alias}.meter_id = w.id"


def _hourly_sql(where: str, windows: str | None = None) -> str:
    return (
        "INSERT INTO monitoring_hourlyrollup (meter_id, hour, samples, total, minimum, maximum)"
        f" SELECT r.meter_id, {_hour_sql()}, COUNT(r.quantity), COALESCE(SUM(r.quantity), 0),"
        f" MIN(r.quantity), MAX(r.quantity) FROM {_from('monitoring_reading', 'r', windows)} WHERE {where}"
        " GROUP BY 1, 2 HAVING COUNT(r.quantity) > 0" + _UPSERT.format(key="hour")
    )


def _daily_sql(where: str, windows: str | None = None) -> str:
    return (
        "INSERT INTO monitoring_dailyrollup (meter_id, day, samples, total, minimum, maximum)"
        f" SELECT h.meter_id, {_day_sql()}, SUM(h.samples), SUM(h.total), MIN(h.minimum), MAX(h.maximum)"
        f" FROM {_from('monitoring_hourlyrollup', 'h', windows)} WHERE {where} GROUP BY 1, 2"
        + _UPSERT.format(key="day")
    )


def _monthly_sql(where: str, windows: str | None = None) -> str:
    return (
        "INSERT INTO monitoring_monthlyrollup (meter_id, month, samples, total, minimum, maximum)"
        f" SELECT d.meter_id, {_month_sql()}, SUM(d.samples), SUM(d.total), MIN(d.minimum), MAX(d.maximum)"
        f" FROM {_from('monitoring_dailyrollup', 'd', windows)} WHERE {where} GROUP BY 1, 2"
        + _UPSERT.format(key="month")
    )


@dataclass(frozen=True)
class Window:
    """The buckets a batch touched for one meter: whole UTC hours [first_hour, end_hour), and the
    local days and months they fall in."""

    first_hour: datetime.datetime
    end_hour: datetime.datetime
    #: False when the hours were brought up to date by `add_hourly` (append-only batches).
    recompute_hours: bool = True

    @classmethod
    def around(cls, first_ts: datetime.datetime, last_ts: datetime.datetime, *, recompute_hours: bool = True) -> Window:
        return cls(hour_of(first_ts), hour_of(last_ts) + ONE_HOUR, recompute_hours)

    @property
    def days(self) -> tuple[datetime.date, datetime.date]:
        return local_day_of_hour(self.first_hour), local_day_of_hour(self.end_hour - ONE_HOUR)


def add_hourly(rows: Sequence[tuple[Any, ...]]) -> None:
    """Add hourly increments (meter, hour as its column takes it, samples, total, minimum, maximum)
    to the rollup (exact for append-only batches)."""
    if not rows:
        return
    postgres = is_postgresql()
    low, high = ("LEAST", "GREATEST") if postgres else ("MIN", "MAX")
    table = "monitoring_hourlyrollup"
    suffix = (
        f" ON CONFLICT (meter_id, hour) DO UPDATE SET samples = {table}.samples + EXCLUDED.samples,"
        f" total = {table}.total + EXCLUDED.total, minimum = {low}({table}.minimum, EXCLUDED.minimum),"
        f" maximum = {high}({table}.maximum, EXCLUDED.maximum)"
    )
    with connection.cursor() as cursor:
        _insert_many(cursor, table, ("meter_id", "hour", "samples", "total", "minimum", "maximum"), rows, suffix)


def recompute_rollups(windows: dict[int, Window]) -> None:
    """Rebuild the hours (unless already added), days and months these windows touch, each from the
    level below it: one statement per level for the whole batch."""
    if not windows:
        return
    postgres = is_postgresql()
    if not postgres:
        _ensure_sqlite_functions()
    hours: list[tuple[int, datetime.datetime, datetime.datetime]] = []
    days: list[tuple[int, datetime.datetime, datetime.datetime]] = []
    months: list[tuple[int, datetime.date, datetime.date]] = []
    for meter_id, window in windows.items():
        if window.recompute_hours:
            hours.append((meter_id, window.first_hour, window.end_hour))
        first_day, last_day = window.days
        days.append((meter_id, local_midnight(first_day), local_midnight(last_day + datetime.timedelta(days=1))))
        months.append((meter_id, month_start(first_day), next_month(last_day)))
    zone = [settings.TIME_ZONE] if postgres else []
    stamps, dates = ("bigint", "timestamptz", "timestamptz"), ("bigint", "date", "date")
    names = ("id", "lo", "hi")
    with connection.cursor() as cursor:
        for chunk in _chunks(hours):
            source, params = _windows(chunk, stamps, names)
            cursor.execute(_hourly_sql("r.ts > w.lo AND r.ts <= w.hi", source), params)
        for chunk in _chunks(days):
            source, params = _windows(chunk, stamps, names)
            cursor.execute(_daily_sql("h.hour >= w.lo AND h.hour < w.hi", source), zone + params)
        for month_chunk in _chunks(months):
            source, params = _windows(month_chunk, dates, names)
            cursor.execute(_monthly_sql("d.day >= w.lo AND d.day < w.hi", source), params)


def rebuild_rollups(
    *,
    meter_ids: Sequence[int] | None = None,
    start: datetime.datetime | None = None,
    end: datetime.datetime | None = None,
) -> None:
    """Rebuild rollups set-based from the readings (after a bulk load, or to repair): every meter or
    those given, every time or the whole local days covering [start, end)."""
    postgres = is_postgresql()
    if not postgres:
        _ensure_sqlite_functions()
    zone = local_zone()
    first_day = start.astimezone(zone).date() if start else None
    last_day = (end - ONE_SECOND).astimezone(zone).date() if end else None
    span_start = local_midnight(first_day) if first_day else None
    span_end = local_midnight(last_day + datetime.timedelta(days=1)) if last_day else None

    def where(
        alias: str,
        column: str,
        low: str | datetime.date | None,
        high: str | datetime.date | None,
        *,
        open_low: bool = False,
    ) -> tuple[str, list[Any]]:
        clauses: list[str] = ["1 = 1"]
        params: list[Any] = []
        if meter_ids is not None:
            clauses.append(f"{alias}.meter_id IN ({', '.join(['%s'] * len(meter_ids))})")
            params.extend(meter_ids)
        if low is not None:
            clauses.append(f"{alias}.{column} {'>' if open_low else '>='} %s")
            params.append(low)
        if high is not None:
            clauses.append(f"{alias}.{column} {'<=' if open_low else '<'} %s")
            params.append(high)
        return " AND ".join(clauses), params

    low = _encode_ts(span_start) if span_start else None
    high = _encode_ts(span_end) if span_end else None
    with connection.cursor() as cursor:
        clause, params = where("r", "ts", low, high, open_low=True)
        cursor.execute(_hourly_sql(clause), params)
        clause, params = where("h", "hour", low, high)
        cursor.execute(_daily_sql(clause), ([settings.TIME_ZONE] if postgres else []) + params)
        month_low = month_start(first_day) if first_day else None
        month_high = next_month(last_day) if last_day else None
        clause, params = where("d", "day", month_low, month_high)
        cursor.execute(_monthly_sql(clause), params)


# --- reads of the rollups (the selectors' hot paths: plain SQL, no ORM query building) ------------

ROLLUP_TABLES = {
    "hour": ("monitoring_hourlyrollup", "hour"),
    "day": ("monitoring_dailyrollup", "day"),
    "month": ("monitoring_monthlyrollup", "month"),
}


def rollup_rows(
    resolution: str, meter_id: int, low: datetime.date, high: datetime.date
) -> list[tuple[Any, int, float, float | None, float | None]]:
    """(bucket, samples, total, minimum, maximum) of one meter, `low` ≤ bucket < `high`, in order."""
    table, column = ROLLUP_TABLES[resolution]
    bounds: list[str | datetime.date] = [low, high]
    if column == "hour":
        assert isinstance(low, datetime.datetime), "hours are bounded by moments"
        assert isinstance(high, datetime.datetime), "hours are bounded by moments"
        bounds = [_encode_ts(low), _encode_ts(high)]
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {column}, samples, total, minimum, maximum FROM {table}"
            f" WHERE meter_id = %s AND {column} >= %s AND {column} < %s ORDER BY {column}",
            [meter_id, *bounds],
        )
        rows: list[tuple[Any, int, float, float | None, float | None]] = cursor.fetchall()
    if column != "hour" and (not rows or type(rows[0][0]) is datetime.date):
        return rows  # both drivers give dates already (Django registers SQLite's date converter)
    decode = _decode_ts if column == "hour" else _decode_day
    return [
        (decode(bucket), samples, total, low_value, high_value)
        for bucket, samples, total, low_value, high_value in rows
    ]


def park_meters(
    park_id: int, kinds: Sequence[str], months: tuple[datetime.date, datetime.date] | None = None, *, names: bool = True
) -> list[tuple[Any, ...]]:
    """The park's meters of some kinds that consumption can be attributed from, with their allocation,
    if any, and their monthly totals of the months `months` spans (inclusive), in one statement:
    (id, code, name, kind, enterprise, unit, building, is_virtual, allocation id, allocation method,
    month, total) — a meter once per month it has a total in, or once with month and total None.

    Left out: the park's own meters (no tenant, no unit, no sharing rule, in no virtual meter's
    formula), which are nobody's consumption — a fifth of a typical park's meters, and each row
    costs more to receive and walk through than to filter out here. Without `names`, code and name
    are empty (the readers of totals do not show them)."""
    marks = ", ".join(["%s"] * len(kinds))
    code_and_name = "m.code, m.name" if names else "'', ''"
    first, last = months or (datetime.date.max, datetime.date.min)  # no months: the join finds none
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT m.id, {code_and_name}, m.kind, m.enterprise_id, m.unit_id, m.building_id, m.is_virtual, a.id,"
            " a.method, r.month, r.total FROM monitoring_meter m"
            " LEFT JOIN monitoring_meterallocation a ON a.meter_id = m.id"
            " LEFT JOIN monitoring_monthlyrollup r ON r.meter_id = m.id AND r.month >= %s AND r.month <= %s"
            f" WHERE m.park_id = %s AND m.kind IN ({marks})"
            " AND (m.enterprise_id IS NOT NULL OR m.unit_id IS NOT NULL OR m.is_virtual OR a.id IS NOT NULL"
            " OR EXISTS (SELECT 1 FROM monitoring_virtualterm t WHERE t.source_id = m.id))",
            [first, last, park_id, *kinds],
        )
        rows: list[tuple[Any, ...]] = cursor.fetchall()
    if rows and rows[0][10] is not None and type(rows[0][10]) is not datetime.date:
        return [(*row[:10], None if row[10] is None else _decode_day(row[10]), row[11]) for row in rows]
    return rows


def park_totals(
    park_id: int, kinds: Sequence[str], resolution: str, low: datetime.date, high: datetime.date
) -> list[tuple[int, datetime.date, float]]:
    """(meter, bucket, total) of the park's meters of some kinds, `low` ≤ day/month ≤ `high`."""
    table, column = ROLLUP_TABLES[resolution]
    marks = ", ".join(["%s"] * len(kinds))
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT r.meter_id, r.{column}, r.total FROM {table} r JOIN monitoring_meter m ON m.id = r.meter_id"
            f" WHERE m.park_id = %s AND m.kind IN ({marks}) AND r.{column} >= %s AND r.{column} <= %s",
            [park_id, *kinds, low, high],
        )
        rows: list[tuple[int, Any, float]] = cursor.fetchall()
    if not rows or type(rows[0][1]) is datetime.date:
        return rows  # dates already (as in `rollup_rows`)
    return [(meter_id, _decode_day(bucket), total) for meter_id, bucket, total in rows]


# --- partitions (PostgreSQL) and retention --------------------------------------------------------


def partition_name(month: datetime.date) -> str:
    return f"{PARTITION_PREFIX}{month:%Y%m}"


def _month_of_partition(name: str) -> datetime.date | None:
    suffix = name.removeprefix(PARTITION_PREFIX)
    if len(suffix) != 6 or not suffix.isdigit():
        return None
    return datetime.date(int(suffix[:4]), int(suffix[4:]), 1)


def existing_partitions() -> list[datetime.date]:
    """The months that have a partition (PostgreSQL; empty elsewhere), oldest first."""
    if not is_postgresql():
        return []
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid"
            " JOIN pg_class p ON p.oid = i.inhparent WHERE p.relname = 'monitoring_reading'"
        )
        months = [_month_of_partition(name) for (name,) in cursor.fetchall()]
    return sorted(month for month in months if month is not None)


def ensure_partitions(months: Iterable[datetime.date]) -> list[datetime.date]:
    """Create the missing monthly partitions (PostgreSQL); returns the months created.

    Runs in its own short transaction when called outside one: creating a partition locks the parent
    table, which must not be held for the length of an ingestion batch.
    """
    if not is_postgresql():
        return []
    wanted = sorted({month_start(month) for month in months})
    have = set(existing_partitions())
    missing = [month for month in wanted if month not in have]
    if not missing:
        return []
    zone = settings.TIME_ZONE
    with transaction.atomic(), connection.cursor() as cursor:
        # Two processes creating the same month would collide on the catalog; take turns.
        cursor.execute("SELECT pg_advisory_xact_lock(hashtext('monitoring_reading partitions'))")
        for month in missing:
            cursor.execute(
                f'CREATE TABLE IF NOT EXISTS "{partition_name(month)}" PARTITION OF monitoring_reading'
                " FOR VALUES FROM ((%s::timestamp) AT TIME ZONE %s) TO ((%s::timestamp) AT TIME ZONE %s)",
                [month.isoformat(), zone, next_month(month).isoformat(), zone],
            )
    return missing


def months_between(first: datetime.date, last: datetime.date) -> Iterator[datetime.date]:
    month = month_start(first)
    while month <= last:
        yield month
        month = next_month(month)


def retention_cutoff(today: datetime.date | None = None, months: int | None = None) -> datetime.date:
    """The first local month kept: readings before it are dropped and refused."""
    today = today or timezone.localdate()
    months = settings.MONITORING_RETENTION_MONTHS if months is None else months
    month = month_start(today)
    for _ in range(months - 1):
        month = (month - datetime.timedelta(days=1)).replace(day=1)
    return month


def create_partitions_ahead(ahead: int | None = None, today: datetime.date | None = None) -> list[datetime.date]:
    """Partitions for this month and the `ahead` months after it (PostgreSQL)."""
    today = today or timezone.localdate()
    ahead = settings.MONITORING_PARTITIONS_AHEAD if ahead is None else ahead
    months = [month_start(today)]
    for _ in range(ahead):
        months.append(next_month(months[-1]))
    return ensure_partitions(months)


def drop_expired(cutoff: datetime.date) -> list[str]:
    """Drop readings before the local month `cutoff`: whole partitions on PostgreSQL, rows on SQLite.

    Rollups are kept: history stays visible by hour, day and month after its readings are gone.
    """
    dropped: list[str] = []
    with transaction.atomic(), connection.cursor() as cursor:
        if is_postgresql():
            # Checks deferred to commit (the readings' foreign key) must not be pending on a dropped table.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            for month in existing_partitions():
                if next_month(month) <= cutoff:
                    cursor.execute(f'DROP TABLE IF EXISTS "{partition_name(month)}"')
                    dropped.append(partition_name(month))
        else:
            # Meter by meter, so each delete walks the (meter, ts) key instead of the whole table.
            cursor.execute("SELECT id FROM monitoring_meter")
            boundary = _encode_ts(local_midnight(cutoff))
            deleted = 0
            for (meter_id,) in cursor.fetchall():
                cursor.execute("DELETE FROM monitoring_reading WHERE meter_id = %s AND ts < %s", [meter_id, boundary])
                deleted += max(cursor.rowcount, 0)
            if deleted:
                dropped.append(f"{deleted} rows")
    return dropped
