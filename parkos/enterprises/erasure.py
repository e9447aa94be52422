"""Erasing a person on request reaches apps above the pool: they register what to scrub here.

`contact_erase` scrubs the contact and every audit entry about it; a person's data is also copied
elsewhere (a lead keeps the name and mobile it came with, a portal submission its contact name), and
those apps live above this one. Each registers an eraser from its AppConfig.ready(); the erasing
service calls them all inside its transaction.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from parkos.accounts.models import User


@dataclass(frozen=True)
class ErasedPerson:
    """What identified the person, read before the contact was scrubbed."""

    contact_id: int
    enterprise_id: int
    name: str
    mobile: str  # E.164, or ""
    values: tuple[str, ...]  # every personal value to scrub: name, numbers (E.164 and national), email, WeChat


Eraser = Callable[[ErasedPerson, "User | None"], None]

_ERASERS: list[Eraser] = []


def register(eraser: Eraser) -> None:
    if eraser not in _ERASERS:
        _ERASERS.append(eraser)


def erasers() -> tuple[Eraser, ...]:
    return tuple(_ERASERS)
