"""Per-page cache of the public portal, invalidated by content and inventory changes.

A public page is cached as rendered bytes under a key made of the page (path and query), the
language, the host, today's date and a *state token*: one SQL round trip that reads

- `SiteSettings.content_version`, bumped by every portal service (publish, unpublish, edit,
  settings), so a publish shows at once on every web process;
- for pages that show parks or space, the newest `updated_at` and the row count of parks, units,
  parcels, buildings, floors, reservations and photos (of one park, or all). Inventory services save
  through the ORM or set `updated_at` (`space_set_occupancy` does), reservations are rows of their
  own, so a unit that gets leased, reserved or archived changes the token without the inventory
  apps knowing the portal exists. The count catches deletions.

Today's date is in the key because availability is asked "on today": a lease that ends or a unit
that becomes deliverable changes the listing at midnight without any row changing. Entries expire
at the next scheduled publication at the latest, so a scheduled article appears on time.

Old entries are never deleted explicitly: a new token makes a new key and the old one ages out.
"""

from __future__ import annotations

import datetime
import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Final

from django.core.cache import cache
from django.db import connection
from django.db.models import Model
from django.http import HttpRequest, HttpResponse
from django.utils import timezone, translation
from django.utils.cache import patch_cache_control, patch_vary_headers

from parkos.parks.models import Building, Floor, LandParcel, Park, ParkPhoto, Reservation, SpaceMedia, Unit
from parkos.portal.models import SITE_SETTINGS_PK, SiteSettings
from parkos.portal.selectors import article_next_scheduled

#: Server-side lifetime of a cached page; changes invalidate earlier through the state token.
PAGE_TTL_SECONDS: Final = 600
#: What browsers and shared caches may reuse without asking (short: publishing must show quickly).
BROWSER_MAX_AGE_SECONDS: Final = 60
#: Query strings longer than this are served uncached (they are not links anyone shares).
MAX_CACHED_QUERY: Final = 300


@dataclass(frozen=True)
class Scope:
    """What a page depends on besides portal content: the park list, and inventory of one or all parks."""

    parks: bool = False
    inventory: bool = False
    park_code: str | None = None


@dataclass
class CachedPage:
    content: bytes
    content_type: str = "text/html; charset=utf-8"
    meta: dict[str, Any] = field(default_factory=dict)


def _table(model: type[Model]) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def state_token(scope: Scope) -> str:
    """The state a page was rendered from, read in one query (see the module docstring)."""
    parts: list[str] = []
    params: list[Any] = []
    concat = connection.ops.combine_expression("||", ["MAX({t}.updated_at)", "'/'", "COUNT(*)"])

    def add(model: type[Model], where: str = "", where_params: tuple[Any, ...] = ()) -> None:
        # One scalar subquery per table: newest change and row count (which catches deletions).
        table = _table(model)
        parts.append(f"(SELECT {concat.format(t=table)} FROM {table} {where})")  # noqa: S608 - identifiers from _meta
        params.extend(where_params)

    settings_table = _table(SiteSettings)
    parts.append(f"(SELECT content_version FROM {settings_table} WHERE id = %s)")  # noqa: S608
    params.append(SITE_SETTINGS_PK)
    parts.append(f"(SELECT updated_at FROM {settings_table} WHERE id = %s)")  # noqa: S608
    params.append(SITE_SETTINGS_PK)
    if scope.parks:
        add(Park)
    if scope.inventory:
        park, building = _table(Park), _table(Building)
        if scope.park_code is not None:
            park_id = f"(SELECT id FROM {park} WHERE code = %s)"  # noqa: S608 - _meta names
            for model in (Unit, LandParcel, Building, Reservation, ParkPhoto, SpaceMedia):
                add(model, f"WHERE park_id = {park_id}", (scope.park_code,))
            in_park = f"WHERE building_id IN (SELECT id FROM {building} WHERE park_id = {park_id})"  # noqa: S608
            add(Floor, in_park, (scope.park_code,))
            add(Park, "WHERE code = %s", (scope.park_code,))
        else:
            for every in (Unit, LandParcel, Building, Reservation, ParkPhoto, SpaceMedia, Floor):
                add(every)
    sql = "SELECT " + ", ".join(parts)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
        if row[0] is None:
            # No settings row yet (fresh database): create it now, or the first render would
            # create it and change the token under its own cache entry.
            SiteSettings.load()
            cursor.execute(sql, params)
            row = cursor.fetchone()
    return "|".join(str(value) for value in row)


def next_scheduled_publication() -> datetime.datetime | None:

    return article_next_scheduled()


def _ttl() -> int:
    upcoming = next_scheduled_publication()
    if upcoming is None:
        return PAGE_TTL_SECONDS
    seconds = int((upcoming - timezone.now()).total_seconds()) + 1
    return max(1, min(PAGE_TTL_SECONDS, seconds))


def page_key(request: HttpRequest, name: str, token: str) -> str:
    raw = "\n".join(
        (
            name,
            translation.get_language() or "",
            request.scheme or "",
            request.get_host(),
            request.get_full_path(),
            timezone.localdate().isoformat(),
            token,
        )
    )
    return "portal:page:" + hashlib.sha256(raw.encode()).hexdigest()


def public_headers(response: HttpResponse) -> HttpResponse:
    patch_cache_control(response, public=True, max_age=BROWSER_MAX_AGE_SECONDS)
    patch_vary_headers(response, ("Accept-Language", "Cookie"))
    return response


def serve_cached(
    request: HttpRequest, name: str, scope: Scope, build: Callable[[], CachedPage]
) -> tuple[HttpResponse, CachedPage]:
    """Serve the page from the cache, or build, store and serve it. `build` may raise Http404 (not cached)."""
    cacheable = len(request.META.get("QUERY_STRING", "")) <= MAX_CACHED_QUERY
    key = page_key(request, name, state_token(scope)) if cacheable else ""
    page: CachedPage | None = cache.get(key) if cacheable else None
    hit = page is not None
    if page is None:
        page = build()
        if cacheable:
            cache.set(key, page, _ttl())
    response = HttpResponse(page.content, content_type=page.content_type)
    response["X-Portal-Cache"] = "hit" if hit else "miss"
    return public_headers(response), page
