"""The address of the client behind a request, for login throttling, rate limits and the audit trail.

`X-Forwarded-For` is believed only when the connection comes from a proxy listed in
`TRUSTED_PROXIES` (addresses or networks, e.g. `10.0.0.0/8`); otherwise anyone could claim any
address and reset their own limits. The header is read from the right: each proxy appends the
address it received the request from, so the first hop that is not one of our proxies is the client.
(python-ipware, which django-axes can use, checks the proxies named inside the header but not the
peer the request actually came from, so a client connecting directly could forge the whole chain.)
"""

from __future__ import annotations

import functools
import ipaddress
from collections.abc import Sequence

from django.conf import settings
from django.http import HttpRequest

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@functools.lru_cache(maxsize=8)
def _networks(entries: tuple[str, ...]) -> tuple[Network, ...]:
    return tuple(ipaddress.ip_network(entry.strip(), strict=False) for entry in entries if entry.strip())


def _trusted(address: str, networks: Sequence[Network]) -> bool:
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(parsed in network for network in networks)


def client_ip(request: HttpRequest) -> str:
    """The client's address: the peer's, or the one our trusted proxies forwarded ("" when unknown)."""
    peer = str(request.META.get("REMOTE_ADDR") or "")
    networks = _networks(tuple(getattr(settings, "TRUSTED_PROXIES", ())))
    if not networks or not _trusted(peer, networks):
        return peer
    hops = [hop.strip() for hop in str(request.META.get("HTTP_X_FORWARDED_FOR", "")).split(",") if hop.strip()]
    for hop in reversed(hops):
        try:
            address = str(ipaddress.ip_address(hop))
        except ValueError:
            return peer  # a malformed chain tells us nothing we can rely on
        if not _trusted(address, networks):
            return address
    return peer
