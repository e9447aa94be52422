"""Alarm messages and the details of refused readings as a code and parameters, put into words when
read, in the reader's language.

An alarm used to store its text in Chinese, so an English reader saw Chinese. Now `raise_alarm` stores
a code (`LIMIT`, `NO_DATA`) and the figures as they were when it was raised (the rule's limits may
change later); `render` words them through gettext each time the alarm is shown. The Chinese text is
still stored beside them (exports, search, the fallback for rows this module cannot read).

`parse_legacy` reads the Chinese texts of alarms raised before, so a data migration can give them a
code; a text it does not recognise is kept as it is.

A refused reading (`RejectedReading`) is told the same way: its reason is a choice, and what the reason
does not say ("读数 90.0 小于 03-02 08:00 的读数 100.0…") is a `Detail`, a code of `REJECT_DETAILS` with
the figures as printed when the reading was refused; `reject_detail` words it, `parse_reject_legacy`
reads the Chinese details stored before codes.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from typing import Final, Literal, NamedTuple, TypedDict, get_args

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

LIMIT: Final = "limit"
NO_DATA: Final = "no_data"

#: What a LIMIT alarm measured: the meter's value, its hourly use (counters), its change per minute,
#: its mean over a window (permit limits), or the pressure difference to the room upstream (cascade).
SIGNALS: Final = ("value", "hourly", "rate", "mean", "pressure_diff")
BOUNDS: Final = ("upper", "lower", "out")


class LimitParams(TypedDict):
    meter: str
    signal: str
    window_s: int
    value: str  # as printed when raised ("12.35"), so the words never change with the reader
    unit: str
    bound: str
    limit: str
    held_s: int


class NoDataParams(TypedDict):
    meter: str
    minutes: int
    last: str  # "MM-DD HH:MM", local time of the last reading


def limit_params(
    *, meter: str, signal: str, window_s: int, value: float, unit: str, bound: str, limit: float | None, held_s: int
) -> LimitParams:
    return LimitParams(
        meter=meter,
        signal=signal,
        window_s=window_s,
        value=f"{value:.4g}",
        unit=unit,
        bound=bound,
        limit="" if limit is None else f"{limit:g}",
        held_s=held_s,
    )


def _signal_words(params: LimitParams) -> tuple[str, str]:
    """The measured signal and its unit: ("A1 总表 小时用量", "kWh/h")."""
    meter, unit, signal = params["meter"], params["unit"], params["signal"]
    if signal == "rate":
        return _("%(meter)s 变化率") % {"meter": meter}, _("%(unit)s/分钟") % {"unit": unit}
    if signal == "mean":
        window = params["window_s"]
        if window >= 3600:
            return _("%(meter)s %(hours)s小时均值") % {"meter": meter, "hours": window // 3600}, unit
        return _("%(meter)s %(seconds)s秒均值") % {"meter": meter, "seconds": window}, unit
    if signal == "pressure_diff":
        return _("%(meter)s 与上游压差") % {"meter": meter}, unit
    if signal == "hourly":
        return _("%(meter)s 小时用量") % {"meter": meter}, f"{unit}/h"
    return meter, unit


def _limit_words(params: LimitParams) -> str:
    label, unit = _signal_words(params)
    if params["bound"] == "upper":
        bound = _("> 上限 %(limit)s") % {"limit": params["limit"]}
    elif params["bound"] == "lower":
        bound = _("< 下限 %(limit)s") % {"limit": params["limit"]}
    else:
        bound = _("超限")
    held = _("，持续 ≥ %(seconds)s 秒") % {"seconds": params["held_s"]} if params["held_s"] else ""
    return f"{label} {params['value']} {unit} {bound}{held}"


def _text(params: Mapping[str, object], key: str) -> str:
    value = params[key]
    if not isinstance(value, str):
        raise TypeError(key)
    return value


def _whole(params: Mapping[str, object], key: str) -> int:
    value = params[key]
    if not isinstance(value, int) or isinstance(value, bool):
        raise TypeError(key)
    return value


def render(code: str, params: object) -> str | None:
    """The message in the active language; None for an unknown code or parameters it cannot read."""
    if not isinstance(params, Mapping):
        return None
    try:
        if code == LIMIT:
            return _limit_words(
                LimitParams(
                    meter=_text(params, "meter"),
                    signal=_text(params, "signal"),
                    window_s=_whole(params, "window_s"),
                    value=_text(params, "value"),
                    unit=_text(params, "unit"),
                    bound=_text(params, "bound"),
                    limit=_text(params, "limit"),
                    held_s=_whole(params, "held_s"),
                )
            )
        if code == NO_DATA:
            return _("%(meter)s 已 %(minutes)s 分钟无数据（最近 %(last)s）") % {
                "meter": _text(params, "meter"),
                "minutes": _whole(params, "minutes"),
                "last": _text(params, "last"),
            }
    except (KeyError, TypeError):
        return None
    return None


# --- An alarm's history and notices ------------------------------------------------------------------

_ESCALATED: Final = re.compile(r"^第(?P<n>\d+)级 → (?P<names>.*)$")


def escalated(position: int, names: str) -> str:
    """An escalation event's text: "第2级 → 赵运维、钱经理"."""
    return _("第%(n)s级 → %(names)s") % {"n": position, "names": names}


def event_text(kind: str, text: str) -> str:
    """An alarm event's stored text in the reader's language where it is one of ours, else as written
    (people's notes). Raise events hold the alarm's Chinese words; escalations "第n级 → names"."""
    if kind in ("opened", "retriggered") and (parsed := parse_legacy(text)) is not None:
        return render(*parsed) or text
    if kind == "escalated" and (found := _ESCALATED.match(text)):
        return escalated(int(found["n"]), found["names"])
    return text


def notice_text(severity: str, message: str, position: int) -> str:
    """An alarm notice: "[紧急] <message>（第2级）"."""
    level = _("（第%(n)s级）") % {"n": position} if position > 1 else ""
    return _("[%(severity)s] %(message)s") % {"severity": severity, "message": message} + level


# --- Texts stored before codes ------------------------------------------------------------------------

_LEGACY_LIMIT: Final = re.compile(
    r"^(?P<label>.+) (?P<value>-?(?:\d+\.?\d*|\.\d+)(?:e[+-]?\d+)?|nan|inf|-inf) (?P<unit>\S*) "
    r"(?P<bound>> 上限 (?P<upper>\S+)|< 下限 (?P<lower>\S+)|超限)(?:，持续 ≥ (?P<held>\d+) 秒)?$"
)
_LEGACY_NO_DATA: Final = re.compile(
    r"^(?P<meter>.+) 已 (?P<minutes>\d+) 分钟无数据（最近 (?P<last>\d\d-\d\d \d\d:\d\d)）$"
)
_LEGACY_MEAN: Final = re.compile(r"^(?P<meter>.+) (?P<n>\d+)(?P<per>小时|秒)均值$")
_LEGACY_SUFFIXES: Final = ((" 变化率", "rate"), (" 与上游压差", "pressure_diff"), (" 小时用量", "hourly"))


def _legacy_signal(label: str, unit: str) -> tuple[str, str, int, str]:
    """(meter, signal, window in seconds, unit) from the label and unit words of an old text."""
    if mean := _LEGACY_MEAN.match(label):
        seconds = int(mean["n"]) * (3600 if mean["per"] == "小时" else 1)
        return mean["meter"], "mean", seconds, unit
    for suffix, signal in _LEGACY_SUFFIXES:
        if label.endswith(suffix):
            if signal == "rate":
                unit = unit.removesuffix("/分钟")
            elif signal == "hourly":
                unit = unit.removesuffix("/h")
            return label.removesuffix(suffix), signal, 0, unit
    return label, "value", 0, unit


def parse_legacy(text: str) -> tuple[str, dict[str, object]] | None:
    """The code and parameters of a Chinese alarm text written before codes; None if not recognised."""
    if found := _LEGACY_NO_DATA.match(text):
        return NO_DATA, {"meter": found["meter"], "minutes": int(found["minutes"]), "last": found["last"]}
    found = _LEGACY_LIMIT.match(text)
    if found is None:
        return None
    meter, signal, window_s, unit = _legacy_signal(found["label"], found["unit"])
    bound = "upper" if found["upper"] is not None else "lower" if found["lower"] is not None else "out"
    params = LimitParams(
        meter=meter,
        signal=signal,
        window_s=window_s,
        value=found["value"],
        unit=unit,
        bound=bound,
        limit=found["upper"] or found["lower"] or "",
        held_s=int(found["held"] or 0),
    )
    return LIMIT, dict(params)


# --- Details of refused readings ----------------------------------------------------------------------

DetailCode = Literal[
    "missing_meter",
    "missing_fields",
    "bad_time",
    "not_object",
    "bad_json",
    "unknown_meter",
    "foreign_meter",
    "unknown_topic",
    "too_old",
    "future",
    "batch_conflict",
    "stored_conflict",
    "device_change",
    "backwards",
    "no_device",
    "out_of_range",
    "step",
    "late_above_next",
    "rate",
]

#: The words of each detail, in Chinese (the source language), with the figures it names.
REJECT_DETAILS: Final[dict[str, str]] = {
    "missing_meter": gettext_noop("缺少表计编号（meter）"),
    "missing_fields": gettext_noop("缺少时间或读数"),
    "bad_time": gettext_noop("时间须为带时区的 ISO 8601 或 Unix 秒"),
    "not_object": gettext_noop("不是读数对象"),
    "bad_json": gettext_noop("不是合法的 JSON"),
    "unknown_meter": gettext_noop("园区内没有表计 %(meter)s"),
    "foreign_meter": gettext_noop("该表计指定由其他网关上报"),
    "unknown_topic": gettext_noop("主题 %(topic)s 没有对应的启用网关"),
    "too_old": gettext_noop("早于数据保留起点 %(cutoff)s"),
    "future": gettext_noop("%(at)s 晚于服务器时间"),
    "batch_conflict": gettext_noop("同一批次中该时间已有读数 %(kept)s"),
    "stored_conflict": gettext_noop("该时间已有读数 %(kept)s，新读数 %(value)s 未采用"),
    "device_change": gettext_noop(
        "换表前后读数不连续：旧表 %(old_from)s→%(old_to)s，新表起始 %(new_from)s，读数 %(value)s"
    ),
    "backwards": gettext_noop("读数 %(value)s 小于 %(at)s 的读数 %(previous)s，且不像表计清零或翻转"),
    "no_device": gettext_noop("%(at)s 该测点没有在装表具"),
    "out_of_range": gettext_noop("数值 %(value)s 超出量程 [%(low)s, %(high)s]"),
    "step": gettext_noop("较上一读数变化 %(change)s，超过 %(limit)s"),
    "late_above_next": gettext_noop("补传读数 %(value)s 大于之后 %(at)s 的读数 %(next)s"),
    "rate": gettext_noop("%(hours)s 小时用量 %(used)s，折合每小时 %(per_hour)s，超过上限 %(limit)s"),
}
assert set(REJECT_DETAILS) == set(get_args(DetailCode))  # every code has its words, no words lack a code

_FIGURE: Final = re.compile(r"%\((\w+)\)s")


class Detail(NamedTuple):
    """What a refused reading's reason does not say: a code and the figures its words name, printed
    when the reading was refused (text, so the words never change with the reader)."""

    code: DetailCode
    params: dict[str, str]


def reject_detail(code: str, params: object) -> str | None:
    """A refusal's detail in the active language; None for an unknown code or figures it lacks."""
    words = REJECT_DETAILS.get(code)
    if words is None or not isinstance(params, Mapping):
        return None
    try:
        return _(words) % {name: str(params[name]) for name in _FIGURE.findall(words)}
    except KeyError:
        return None


@functools.cache
def _reject_patterns() -> tuple[tuple[DetailCode, re.Pattern[str]], ...]:
    """Each detail's Chinese words as a pattern whose groups are its figures."""
    patterns: list[tuple[DetailCode, re.Pattern[str]]] = []
    for code in get_args(DetailCode):
        words = REJECT_DETAILS[code]
        pieces = _FIGURE.split(words)  # text, name, text, name, …, text
        body = "".join(re.escape(piece) if i % 2 == 0 else f"(?P<{piece}>.+?)" for i, piece in enumerate(pieces))
        patterns.append((code, re.compile(f"^{body}$", re.DOTALL)))
    return tuple(patterns)


def parse_reject_legacy(text: str) -> Detail | None:
    """The code and figures of a Chinese detail stored before codes; None if not recognised."""
    for code, pattern in _reject_patterns():
        if found := pattern.match(text):
            return Detail(code, found.groupdict())
    return None
