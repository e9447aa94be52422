"""Demo data loaders: each app registers its own from AppConfig.ready(); `manage.py demo` runs them in order.

A loader takes `scale` ("flagship", "demo" or "full") and a stdout to report on, and must be idempotent (run twice,
nothing doubles). Orders follow the layers: parks 10, demo logins 15, enterprises 20, investment 30,
leasing 40, innovation 50, monitoring 60, statistics 70, incubation 80, community 90, billing 100,
portal 110.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol


class Writer(Protocol):
    def write(self, msg: str, /) -> object: ...


Loader = Callable[..., object]


@dataclass(frozen=True)
class DemoLoader:
    name: str
    order: int
    load: Loader


_LOADERS: dict[str, DemoLoader] = {}


def register(name: str, load: Loader, *, order: int) -> None:
    """Register `load(*, scale: str, stdout: Writer)` under `name` (re-registering replaces it)."""
    _LOADERS[name] = DemoLoader(name, order, load)


def loaders() -> list[DemoLoader]:
    return sorted(_LOADERS.values(), key=lambda loader: (loader.order, loader.name))
