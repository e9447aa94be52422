"""Rate limits of the public requirement form, in the Django cache (fixed windows).

Defaults: 10 submissions per IP address per hour and 5 per mobile number per hour; override with
the environment variables `INVESTMENT_FORM_IP_LIMIT`, `INVESTMENT_FORM_MOBILE_LIMIT` and
`INVESTMENT_FORM_WINDOW_SECONDS` (the load test raises the IP limit: all its clients share 127.0.0.1).
With the default local-memory cache the counters are per process; use a shared cache (Redis) when
running several web processes.
"""

from __future__ import annotations

import hashlib
import time

from django.core.cache import cache

from parkos.env import env_int


def limits() -> tuple[int, int, int]:
    return (
        env_int("INVESTMENT_FORM_IP_LIMIT", 10),
        env_int("INVESTMENT_FORM_MOBILE_LIMIT", 5),
        env_int("INVESTMENT_FORM_WINDOW_SECONDS", 3600),
    )


def _key(kind: str, value: str, window: int) -> str:
    digest = hashlib.sha256(value.encode()).hexdigest()[:24]  # no raw IPs or mobiles in cache keys
    return f"investment:form:{kind}:{digest}:{int(time.time()) // window}"


def hit(kind: str, value: str, limit: int, window: int) -> bool:
    """Count one attempt; False once the window's limit is exceeded."""
    key = _key(kind, value, window)
    if cache.add(key, 1, timeout=window + 5):
        return limit >= 1
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=window + 5)
        count = 1
    return count <= limit
