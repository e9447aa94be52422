"""What higher apps plug into parks, filled from their AppConfig.ready() (parks imports none of them).

- space-available listeners: a unit or parcel became available (created, reservation released); the
  investment app's reverse matching listens.
- stacking-plan colourings: extra ways to colour a building's stacking plan (by time to expiry, by
  tenant industry), supplied by the leasing app, which knows the contracts.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.utils.functional import Promise

if TYPE_CHECKING:
    from parkos.accounts.models import User
    from parkos.parks.models import Building, LandParcel, Unit

SpaceListener = Callable[["Unit | LandParcel", "User | None"], object]
_SPACE_AVAILABLE: list[SpaceListener] = []


def on_space_available(listener: SpaceListener) -> SpaceListener:
    """Register a listener; called inside the transaction that made the space available."""
    if listener not in _SPACE_AVAILABLE:
        _SPACE_AVAILABLE.append(listener)
    return listener


def space_available(space: Unit | LandParcel, actor: User | None) -> None:
    for listener in _SPACE_AVAILABLE:
        listener(space, actor)


#: ({unit id: (css class, tooltip)}, legend [(css class, label, count)])
Colouring = tuple[dict[int, tuple[str, str]], list[tuple[str, str | Promise, int]]]


@dataclass(frozen=True)
class StackingColouring:
    key: str
    label: str | Promise
    colour: Callable[[Building, datetime.date | None], Colouring]


_COLOURINGS: dict[str, StackingColouring] = {}


def register_colouring(colouring: StackingColouring) -> None:
    _COLOURINGS[colouring.key] = colouring


def colourings() -> dict[str, StackingColouring]:
    return dict(_COLOURINGS)
