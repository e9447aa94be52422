"""Reading the payloads gateways send: JSON lines, CSV and MQTT messages, into `RawReading`s.

Pure functions, no ORM. A line that cannot be read becomes a `RawReading` carrying its problem, so the
ingestion keeps it as a reject with the line as it came ("rejects are kept with their reason").

A reading is a meter code, a moment and a value:
    {"meter": "E-A1-101", "ts": "2026-03-01T10:15:00+08:00", "value": 12345.6}
CSV has the header `meter,ts,value`. `ts` is ISO 8601 with a UTC offset (or `Z`), or Unix seconds;
a moment without an offset is refused, since a gateway's local clock is not the server's. Moments are
truncated to whole seconds. An MQTT message holds one reading object, a list of them, or
`{"readings": [...]}`.
"""

from __future__ import annotations

import csv
import datetime
import functools
import io
import json
import math
from collections.abc import Iterable, Iterator
from typing import Any, Final, NamedTuple, Self

from django.utils.translation import gettext as _

from parkos.monitoring.choices import RejectReason
from parkos.monitoring.messages import Detail

MAX_CODE_LENGTH = 60
MAX_RAW_LENGTH = 60
METER_KEYS = ("meter", "meter_code", "code")
TS_KEYS = ("ts", "time", "timestamp")
VALUE_KEYS = ("value", "reading", "v")


class _RawReadingFields(NamedTuple):
    meter_code: str
    ts: datetime.datetime | None
    value: float | None
    line: int = 0
    raw_ts: str = ""
    raw_value: str = ""
    problem: RejectReason | None = None
    detail: Detail | None = None


class RawReading(_RawReadingFields):
    """One reading as received, parsed as far as it could be.

    `ts` is kept in UTC and whole seconds (the key's precision), whatever zone it was given in; a
    reading without `problem` has both `ts` and `value`. A named tuple rather than a dataclass: the
    MQTT path makes tens of thousands a second, and a tuple is several times cheaper to build.
    """

    __slots__ = ()

    def __new__(
        cls,
        meter_code: str,
        ts: datetime.datetime | None,
        value: float | None,
        line: int = 0,
        raw_ts: str = "",
        raw_value: str = "",
        problem: RejectReason | None = None,
        detail: Detail | None = None,
    ) -> Self:
        if ts is not None and (ts.tzinfo is not datetime.UTC or ts.microsecond):
            ts = ts.astimezone(datetime.UTC).replace(microsecond=0)
        if problem is None and (ts is None or value is None):
            problem, detail = RejectReason.MALFORMED, detail or _MISSING_FIELDS
        return tuple.__new__(cls, (meter_code, ts, value, line, raw_ts, raw_value, problem, detail))


_MISSING_FIELDS: Final = Detail("missing_fields", {})
_MISSING_METER: Final = Detail("missing_meter", {})
_BAD_TIME: Final = Detail("bad_time", {})
_NOT_OBJECT: Final = Detail("not_object", {})
_BAD_JSON: Final = Detail("bad_json", {})

#: Builds a RawReading from fields already in their stored form (UTC whole seconds, no problem).
_normalized_reading = RawReading._make


class PayloadError(ValueError):
    """The payload as a whole cannot be read (wrong format, not UTF-8)."""


def parse_ts(raw: object) -> datetime.datetime:
    """An aware UTC moment, whole seconds; ValueError with the reason otherwise."""
    if isinstance(raw, bool):
        raise ValueError("not a time")
    if isinstance(raw, int | float):
        if not math.isfinite(raw):
            raise ValueError("not a time")
        return datetime.datetime.fromtimestamp(int(raw), tz=datetime.UTC)
    return _parse_text(str(raw).strip())


@functools.lru_cache(maxsize=8192)
def _parse_text(text: str) -> datetime.datetime:
    """Cached: a gateway reads its meters together, so a payload repeats each moment many times."""
    if not text:
        raise ValueError("empty time")
    if text.isdigit():
        return datetime.datetime.fromtimestamp(int(text), tz=datetime.UTC)
    moment = datetime.datetime.fromisoformat(text.replace("Z", "+00:00").replace("z", "+00:00"))
    if moment.tzinfo is None:
        raise ValueError("time without UTC offset")
    return moment.astimezone(datetime.UTC).replace(microsecond=0)


def parse_value(raw: object) -> float:
    if isinstance(raw, bool) or raw is None:
        raise ValueError("not a number")
    value = float(raw) if isinstance(raw, int | float) else float(str(raw).strip())
    if not math.isfinite(value):
        raise ValueError("not a finite number")
    return value


def _first(record: dict[str, Any], keys: tuple[str, ...]) -> Any:
    for key in keys:
        if key in record:
            return record[key]
    return None


def reading_from_fields(meter: object, ts: object, value: object, line: int) -> RawReading:
    """A RawReading from the three fields of a record, with the first problem found."""
    code = "" if meter is None else str(meter).strip()[:MAX_CODE_LENGTH]
    raw_ts = "" if ts is None else str(ts)[:MAX_RAW_LENGTH]
    raw_value = "" if value is None else str(value)[:MAX_RAW_LENGTH]
    if not code:
        return RawReading(code, None, None, line, raw_ts, raw_value, RejectReason.MALFORMED, _MISSING_METER)
    try:
        moment = parse_ts(ts)
    except (ValueError, OverflowError, OSError):
        return RawReading(code, None, None, line, raw_ts, raw_value, RejectReason.BAD_TIME, _BAD_TIME)
    try:
        number = parse_value(value)
    except (ValueError, TypeError):
        return RawReading(code, moment, None, line, raw_ts, raw_value, RejectReason.BAD_VALUE)  # the reason says it
    return RawReading(code, moment, number, line, raw_ts, raw_value)


def _plain_record(obj: dict[str, Any], line: int) -> RawReading | None:
    """The reading of a record in the form gateways send ({"meter": text, "ts": ISO text, "value":
    number}, nothing to strip), or None to take the general path, which gives the same reading for
    such a record. Most readings come this way: skipping the general path's conversions roughly
    halves the cost of a message."""
    code, ts, value = obj.get("meter"), obj.get("ts"), obj.get("value")
    if type(code) is not str or type(ts) is not str or not 0 < len(code) <= MAX_CODE_LENGTH:
        return None
    if type(value) is float:
        number = value
    elif type(value) is int and abs(value) < 2**53:
        number = float(value)
    else:
        return None
    if code.strip() != code or not math.isfinite(number):
        return None
    try:
        moment = _parse_text(ts.strip())
    except (ValueError, OverflowError, OSError):
        return None
    return _normalized_reading(
        (code, moment, number, line, ts[:MAX_RAW_LENGTH], str(value)[:MAX_RAW_LENGTH], None, None)
    )


def _record(obj: object, line: int) -> RawReading:
    if type(obj) is dict and (plain := _plain_record(obj, line)) is not None:
        return plain
    if not isinstance(obj, dict):
        return RawReading("", None, None, line, "", str(obj)[:MAX_RAW_LENGTH], RejectReason.MALFORMED, _NOT_OBJECT)
    return reading_from_fields(_first(obj, METER_KEYS), _first(obj, TS_KEYS), _first(obj, VALUE_KEYS), line)


def _decode(payload: bytes) -> str:
    try:
        return payload.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise PayloadError(_("请求内容须为 UTF-8 编码")) from exc


def parse_json_lines(payload: bytes) -> list[RawReading]:
    """One JSON object per line; blank lines are skipped."""
    readings = []
    for number, text in enumerate(_decode(payload).splitlines(), start=1):
        if not text.strip():
            continue
        try:
            obj = json.loads(text)
        except json.JSONDecodeError:
            readings.append(
                RawReading("", None, None, number, "", text[:MAX_RAW_LENGTH], RejectReason.MALFORMED, _BAD_JSON)
            )
            continue
        readings.append(_record(obj, number))
    return readings


def parse_csv(payload: bytes) -> list[RawReading]:
    """CSV with a header naming the columns meter, ts and value (other columns are ignored)."""
    reader = csv.reader(io.StringIO(_decode(payload)))
    header = next(reader, None)
    if header is None:
        return []
    names = [name.strip().lower() for name in header]

    def column(keys: tuple[str, ...]) -> int:
        for key in keys:
            if key in names:
                return names.index(key)
        raise PayloadError(_("CSV 表头须包含 %(columns)s 列") % {"columns": "/".join(keys)})

    meter_at, ts_at, value_at = column(METER_KEYS), column(TS_KEYS), column(VALUE_KEYS)
    readings = []
    for number, row in enumerate(reader, start=2):
        if not any(cell.strip() for cell in row):
            continue

        def cell(index: int, row: list[str] = row) -> str | None:
            return row[index] if index < len(row) else None

        readings.append(reading_from_fields(cell(meter_at), cell(ts_at), cell(value_at), number))
    return readings


def parse_message(payload: bytes) -> list[RawReading]:
    """An MQTT message: a reading object, a list of them, or {"readings": [...]}."""
    try:
        obj = json.loads(_decode(payload))
    except (json.JSONDecodeError, PayloadError, RecursionError):  # nesting too deep is not JSON we read
        return [
            RawReading(
                "",
                None,
                None,
                0,
                "",
                payload[:MAX_RAW_LENGTH].decode("utf-8", "replace"),
                RejectReason.MALFORMED,
                _BAD_JSON,
            )
        ]
    if isinstance(obj, dict) and isinstance(obj.get("readings"), list):
        obj = obj["readings"]
    items: Iterable[Any] = obj if isinstance(obj, list) else [obj]
    return [_record(item, number) for number, item in enumerate(items, start=1)]


def encode_message(readings: Iterable[tuple[str, datetime.datetime, float]]) -> bytes:
    """The MQTT message a gateway (or the demo feed) sends for some readings."""
    return json.dumps(
        {
            "readings": [
                {"meter": code, "ts": ts.isoformat(timespec="seconds"), "value": value} for code, ts, value in readings
            ]
        },
        ensure_ascii=False,
        separators=(",", ":"),
    ).encode()


def iter_chunks[T](items: list[T], size: int) -> Iterator[list[T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]
