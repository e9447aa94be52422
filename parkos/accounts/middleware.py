"""The active park: the park switcher's choice, kept in the session and checked on every request."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from parkos.accounts.access import visible_parks

ACTIVE_PARK_SESSION_KEY = "parkos_active_park"


class ActiveParkMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        # Lazily resolved: most API requests never ask for it.
        request.active_park = None  # type: ignore[attr-defined]
        park_id = request.session.get(ACTIVE_PARK_SESSION_KEY) if hasattr(request, "session") else None
        if park_id is not None and request.user.is_authenticated:
            park = visible_parks(request.user).filter(pk=park_id).first()
            if park is None:
                # Assignment was revoked since the switch: forget the choice.
                del request.session[ACTIVE_PARK_SESSION_KEY]
            request.active_park = park  # type: ignore[attr-defined]
        return self.get_response(request)
