"""Dashboard widgets per role.

Each capability contributes widgets through a provider registered here, so later modules add theirs
(pipeline, expiries, KPIs) without the dashboard knowing them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from parkos.accounts.access import is_staff_member, visible_parks
from parkos.accounts.choices import Role
from parkos.accounts.models import User
from parkos.web import todo

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

    from parkos.parks.models import Park


@dataclass(frozen=True)
class Widget:
    """One card of the home page. The plain fields draw a standard card; a widget with its own look names
    a `template` (rendered with `widget` and `context`), and `wide` lets it span two columns."""

    title: StrOrPromise
    value: object = ""
    note: StrOrPromise = ""
    url: str = ""
    rows: list[tuple[Any, Any]] = field(default_factory=list)
    order: int = 100
    template: str = ""
    context: dict[str, Any] = field(default_factory=dict)
    wide: bool = False
    link_text: StrOrPromise = ""


type Provider = Callable[[User, Park | None], list[Widget]]
_PROVIDERS: list[tuple[frozenset[str] | None, Provider]] = []


def register(roles: set[str] | None = None) -> Callable[[Provider], Provider]:
    """Register a widget provider for some roles (None: every staff role)."""

    def decorator(provider: Provider) -> Provider:
        _PROVIDERS.append((frozenset(roles) if roles is not None else None, provider))
        return provider

    return decorator


def widgets_for(user: User, *, active_park: Park | None = None) -> list[Widget]:
    widgets: list[Widget] = []
    role = Role.OPERATOR_ADMIN if user.is_superuser else user.role
    for roles, provider in _PROVIDERS:
        if roles is None and not is_staff_member(user):
            continue
        if roles is not None and role not in roles:
            continue
        widgets.extend(provider(user, active_park))
    return sorted(widgets, key=lambda w: w.order)


@register()
def _parks_widget(user: User, active_park: Park | None) -> list[Widget]:

    parks = visible_parks(user)
    return [
        Widget(
            title=_("我负责的园区") if not user.is_operator_admin else _("全部园区"),
            value=parks.count(),
            note=_("当前园区：%(name)s") % {"name": active_park.name} if active_park else _("当前：全部园区"),
            url=reverse("parks:park_list"),
            rows=[(p.name, p.city) for p in parks.order_by("city", "name")[:8]],
            order=10,
        )
    ]


@register({Role.OPERATOR_ADMIN})
def _admin_widget(user: User, active_park: Park | None) -> list[Widget]:

    by_role = dict.fromkeys(Role.values, 0)
    for row in User.objects.filter(is_active=True).values_list("role", flat=True):
        by_role[row] = by_role.get(row, 0) + 1
    return [
        Widget(
            title=_("平台用户"),
            value=sum(by_role.values()),
            url="/admin/accounts/user/",
            rows=[(Role(r).label, n) for r, n in by_role.items() if n],
            order=20,
        )
    ]


@register()
def _todo_widget(user: User, active_park: Park | None) -> list[Widget]:
    """我的待办 on every staff dashboard: what is due by the end of the working day."""
    items = todo.todo_for(user) if is_staff_member(user) else []
    if not items:
        return []
    return [
        Widget(
            title=_("我的待办"),
            value=len(items),
            note=_("到期和逾期的跟进、续签任务"),
            url=reverse("web:todo"),
            rows=[(item.title, item.due_on.strftime("%m-%d")) for item in items[:6]],
            order=5,
        )
    ]
