"""The active park: the park switcher's choice, kept in the session and checked on every request."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from django.http import HttpRequest, HttpResponse

from parkos.accounts.access import visible_parks

if TYPE_CHECKING:
    from parkos.parks.models import Park

ACTIVE_PARK_SESSION_KEY = "parkos_active_park"
# Set on every request by the middleware below; templates read `request.active_park`.
ACTIVE_PARK_ATTRIBUTE = "active_park"


def active_park(request: HttpRequest) -> Park | None:
    """The park chosen in the park switcher, or None for all of the person's parks."""
    park: Park | None = getattr(request, ACTIVE_PARK_ATTRIBUTE, None)
    return park


class ActiveParkMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        # Lazily resolved: most API requests never ask for it.
        setattr(request, ACTIVE_PARK_ATTRIBUTE, None)
        park_id = request.session.get(ACTIVE_PARK_SESSION_KEY) if hasattr(request, "session") else None
        if park_id is not None and request.user.is_authenticated:
            park = visible_parks(request.user).filter(pk=park_id).first()
            if park is None:
                # Assignment was revoked since the switch: forget the choice.
                del request.session[ACTIVE_PARK_SESSION_KEY]
            setattr(request, ACTIVE_PARK_ATTRIBUTE, park)
        return self.get_response(request)
