"""Seeing ParkOS run: a request id on every log line, one access-log line per request, request and
query metrics for Prometheus, and slow queries logged with their SQL.

- `RequestLogMiddleware` (first in MIDDLEWARE) takes the caller's `X-Request-ID` when it looks like one
  (a proxy's), or makes one, returns it in the response, and logs `parkos.request` once the response is
  ready: method, path, status, latency, user and park ids.
- `RequestContextFilter` (settings.LOGGING) adds the request id, user and park to every line logged
  while the request runs, so a slow-query line or an error can be traced to its request.
- `time_queries(connection)` is installed by `parkos.core.backends` on every database connection.

Metrics live in the process that serves the request. Several worker processes (granian, gunicorn)
share them through `PROMETHEUS_MULTIPROC_DIR` (scripts/serve sets and empties it), which
prometheus_client reads at import; `/metrics` then sums every process.
"""

from __future__ import annotations

import logging
import re
import time
import uuid
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

from django.conf import settings
from django.db.backends.base.base import BaseDatabaseWrapper
from django.http import HttpRequest, HttpResponseBase
from prometheus_client import Counter, Histogram

request_logger = logging.getLogger("parkos.request")
slow_query_logger = logging.getLogger("parkos.db.slow")

#: An id a proxy may pass on (nginx's $request_id, a load balancer's trace id); anything else is replaced.
_INBOUND_ID = re.compile(r"^[A-Za-z0-9._:-]{8,64}$")

HTTP_REQUESTS = Counter(
    "parkos_http_requests_total", "HTTP requests answered, by view and status.", ["method", "view", "status"]
)
HTTP_LATENCY = Histogram(
    "parkos_http_request_duration_seconds",
    "Time to answer an HTTP request, by view.",
    ["method", "view"],
    buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30),
)
DB_QUERIES = Histogram(
    "parkos_db_query_duration_seconds",
    "Database query time, by connection alias.",
    ["alias"],
    buckets=(0.0005, 0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5),
)
DB_SLOW_QUERIES = Counter("parkos_db_slow_queries_total", "Queries slower than SLOW_QUERY_MS.", ["alias"])


@dataclass(frozen=True)
class RequestContext:
    request_id: str
    user_id: int | None = None
    park_id: int | None = None


_current: ContextVar[RequestContext | None] = ContextVar("parkos_request", default=None)


def current_request_id() -> str | None:
    context = _current.get()
    return context.request_id if context else None


@contextmanager
def request_context(request_id: str) -> Iterator[None]:
    token = _current.set(RequestContext(request_id=request_id))
    try:
        yield
    finally:
        _current.reset(token)


class RequestContextFilter(logging.Filter):
    """Adds request_id (and user_id, park_id once known) to records logged during a request."""

    def filter(self, record: logging.LogRecord) -> bool:
        context = _current.get()
        if context is not None:
            record.request_id = context.request_id
            if context.user_id is not None:
                record.user_id = context.user_id
            if context.park_id is not None:
                record.park_id = context.park_id
        return True


def _user_id(request: HttpRequest) -> int | None:
    # Only a user the request already loaded: reading request.user here would cost a query per request.
    user = getattr(request, "_cached_user", None)
    return user.pk if user is not None and user.is_authenticated else None


def _park_id(request: HttpRequest) -> int | None:
    park = request.__dict__.get("active_park")
    return getattr(park, "pk", None)


def _view_name(request: HttpRequest) -> str:
    # A bounded label: the URL name, never the path (ids in paths would make one series per record).
    match = getattr(request, "resolver_match", None)
    if match is None:
        return "<unresolved>"
    return str(match.view_name or match._func_path)


class RequestLogMiddleware:
    """Request id in, access-log line and metrics out (see the module docstring)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        inbound = request.headers.get("X-Request-ID", "")
        request_id = inbound if _INBOUND_ID.match(inbound) else uuid.uuid4().hex
        started = time.perf_counter()
        with request_context(request_id):
            response = self.get_response(request)
            elapsed = time.perf_counter() - started
            user_id, park_id = _user_id(request), _park_id(request)
            _current.set(RequestContext(request_id=request_id, user_id=user_id, park_id=park_id))
            response["X-Request-ID"] = request_id
            view = _view_name(request)
            HTTP_REQUESTS.labels(request.method or "", view, str(response.status_code)).inc()
            HTTP_LATENCY.labels(request.method or "", view).observe(elapsed)
            level = logging.ERROR if response.status_code >= 500 else logging.INFO
            request_logger.log(
                level,
                "%s %s %s %.1f ms",
                request.method,
                request.path,
                response.status_code,
                elapsed * 1000,
                extra={
                    "method": request.method,
                    "path": request.path,
                    "status": response.status_code,
                    "duration_ms": round(elapsed * 1000, 1),
                    "view": view,
                },
            )
        return response


def time_queries(connection: BaseDatabaseWrapper) -> None:
    """Install the timing wrapper on a connection for its whole life (first, so it times the others too)."""
    connection.execute_wrappers.insert(0, _QueryTimer(connection.alias))


class _QueryTimer:
    def __init__(self, alias: str) -> None:
        self.alias = alias

    def __call__(
        self, execute: Callable[..., object], sql: str, params: object, many: bool, context: Mapping[str, object]
    ) -> object:
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            elapsed = time.perf_counter() - started
            DB_QUERIES.labels(self.alias).observe(elapsed)
            threshold_ms = settings.SLOW_QUERY_MS
            if threshold_ms and elapsed * 1000 >= threshold_ms:
                DB_SLOW_QUERIES.labels(self.alias).inc()
                slow_query_logger.warning(
                    "slow query: %.0f ms on %s",
                    elapsed * 1000,
                    self.alias,
                    extra={"duration_ms": round(elapsed * 1000, 1), "alias": self.alias, "sql": sql[:4000]},
                )
