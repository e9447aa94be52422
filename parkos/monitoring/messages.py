"""Alarm messages as a code and parameters, put into words when read, in the reader's language.

An alarm used to store its text in Chinese, so an English reader saw Chinese. Now `raise_alarm` stores
a code (`LIMIT`, `NO_DATA`) and the figures as they were when it was raised (the rule's limits may
change later); `render` words them through gettext each time the alarm is shown. The Chinese text is
still stored beside them (exports, search, the fallback for rows this module cannot read).

`parse_legacy` reads the Chinese texts of alarms raised before, so a data migration can give them a
code; a text it does not recognise is kept as it is.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Final, TypedDict

from django.utils.translation import gettext as _

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
