"""Who may edit the portal. Nothing new in accounts: editors are whoever may change a park.

- Operator admins (every capability) edit every article, including operator-wide ones without a park,
  and the site settings (contact block, footer); only they edit the settings.
- Park managers (Capability.CHANGE_PARK in their parks) edit articles whose related parks are all
  among their parks, and may relate new articles only to their parks.
- Everyone else (investment officers, leasing managers, tenants, anonymous) reads the public site only.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from parkos.accounts.access import Capability, has_capability, is_operator_admin, is_staff_member, visible_park_ids

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from parkos.accounts.models import User
    from parkos.portal.models import Article


def is_editor(user: User | AnonymousUser) -> bool:
    return is_staff_member(user) and has_capability(user, Capability.CHANGE_PARK)


def can_edit_article(user: User | AnonymousUser, article: Article, park_ids: list[int] | None = None) -> bool:
    """An editor whose parks cover every park the article is about (admins: any article)."""
    if not is_editor(user):
        return False
    scope = visible_park_ids(user)
    if scope is None:
        return True
    related = park_ids if park_ids is not None else [p.pk for p in article.parks.all()]
    return bool(related) and set(related) <= set(scope)


def can_edit_parks(user: User | AnonymousUser, park_ids: list[int]) -> bool:
    """May this editor relate an article to exactly these parks? (Admins: any, including none.)"""
    scope = visible_park_ids(user)
    if scope is None:
        return is_editor(user)
    return is_editor(user) and bool(park_ids) and set(park_ids) <= set(scope)


def can_edit_settings(user: User | AnonymousUser) -> bool:
    return is_staff_member(user) and is_operator_admin(user)


def require_editor(user: User | AnonymousUser) -> None:
    if not is_editor(user):
        raise PermissionDenied(_("您的角色无权编辑门户内容。"))


def require_article(user: User | AnonymousUser, article: Article) -> None:
    if not can_edit_article(user, article):
        raise PermissionDenied(_("您只能编辑与您负责园区相关的文章。"))
