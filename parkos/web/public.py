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
