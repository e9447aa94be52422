"""What higher apps plug into monitoring, filled from their AppConfig.ready() (monitoring imports none).

- output providers: an enterprise's output (工业总产值, 元) in a park over a year, for energy per
  万元 of output. The statistics app, which holds the monthly reports, provides it.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

OutputProvider = Callable[[int, int], dict[int, Decimal]]
_OUTPUT: list[OutputProvider] = []


def provide_output(provider: OutputProvider) -> OutputProvider:
    """Register `provider(park_id, year) -> {enterprise id: output in 元}`."""
    if provider not in _OUTPUT:
        _OUTPUT.append(provider)
    return provider


def output_by_enterprise(park_id: int, year: int) -> dict[int, Decimal]:
    """Output per enterprise from the first provider; empty when no app provides it."""
    return _OUTPUT[0](park_id, year) if _OUTPUT else {}
