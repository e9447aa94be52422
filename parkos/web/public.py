"""Public pages of any app (the requirement form, applications, event registration) in the portal's frame.

A domain app's public view renders `{% extends base_template %}` with `public_context(...)`; the portal
registers its base template and what that template needs from its AppConfig.ready(). Without a portal
the shell's own base template frames the page.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest

ContextProvider = Callable[[HttpRequest, str], dict[str, Any]]


@dataclass(frozen=True)
class PublicFrame:
    base_template: str
    context: ContextProvider


_FRAME: list[PublicFrame] = []


def register_frame(*, base_template: str, context: ContextProvider) -> None:
    """Set the frame of public pages (the portal calls this once)."""
    _FRAME[:] = [PublicFrame(base_template, context)]


def public_context(request: HttpRequest, title: str, **context: object) -> dict[str, Any]:
    """The template context of a public page titled `title`, framed by the registered public site."""
    context.update(base_template="base.html", page_title=title, page_description=title)
    if _FRAME:
        frame = _FRAME[0]
        context.update(frame.context(request, title), base_template=frame.base_template)
    return context


#: (kind "unit" | "parcel", park code, space code) → the public page of that space.
SpaceUrl = Callable[[str, str, str], str]
_SPACE_URL: list[SpaceUrl] = []


def register_space_url(builder: SpaceUrl) -> None:
    """Set how public pages link a unit or parcel (the portal calls this once)."""
    _SPACE_URL[:] = [builder]


def space_url(kind: str, park_code: str, space_code: str) -> str:
    """The public page of a unit or parcel; "" without a portal."""
    return _SPACE_URL[0](kind, park_code, space_code) if _SPACE_URL else ""
