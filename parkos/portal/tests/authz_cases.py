"""Authorization cases of the portal: the public site answers everyone; the editor only editors
(operator admins; park managers for articles about their parks). Structure: tests/authz/framework.py."""

from __future__ import annotations

from django.urls import reverse

from parkos.portal.tests.factories import ArticleFactory
from tests.authz.framework import PUBLIC, Target, World, every, expect, page

EDITORS = expect(every(403), alice=200, bob=200, anonymous=302)
ADMIN_ONLY = expect(every(403), alice=200, anonymous=302)


def article(w: World):
    return w.get("article_a", lambda w: ArticleFactory(slug="matrix-news", title="矩阵新闻", parks=[w.park_a]))


def _page(name, *args, data=None, watch=()):
    def build(w: World) -> Target:
        return Target(
            reverse(name, args=[a(w) if callable(a) else a for a in args]), data=data, watch=tuple(o(w) for o in watch)
        )

    return build


def _art(w: World) -> int:
    return article(w).pk


CASES = [
    page("portal:home", "GET", target=_page("portal:home"), expect=PUBLIC),
    page("portal:news_list", "GET", target=_page("portal:news_list"), expect=PUBLIC),
    page("portal:news_category", "GET", target=_page("portal:news_category", "news"), expect=PUBLIC),
    page("portal:news_tag", "GET", target=_page("portal:news_tag", "招商"), expect=PUBLIC),
    page("portal:article_detail", "GET", target=lambda w: Target(article(w).get_absolute_url()), expect=PUBLIC),
    page(
        "portal:park_detail",
        "GET",
        target=lambda w: Target(reverse("portal:park_detail", args=[w.park_a.code])),
        expect=PUBLIC,
    ),
    page(
        "portal:unit_detail",
        "GET",
        target=lambda w: Target(reverse("portal:unit_detail", args=[w.park_a.code, w.unit_a().code])),
        expect=PUBLIC,
    ),
    page(
        "portal:parcel_detail",
        "GET",
        target=lambda w: Target(reverse("portal:parcel_detail", args=[w.park_a.code, w.parcel_a().code])),
        expect=PUBLIC,
    ),
    page("portal:space_search", "GET", target=_page("portal:space_search"), expect=PUBLIC),
    page("portal:feed", "GET", target=_page("portal:feed"), expect=PUBLIC),
    page("portal:set_language", "GET", target=_page("portal:set_language", data={"lang": "en"}), expect=every(302)),
    page("portal:editor_article_list", "GET", target=_page("portal:editor_article_list"), expect=EDITORS),
    page("portal:editor_article_create", "GET", target=_page("portal:editor_article_create"), expect=EDITORS),
    page("portal:editor_article_create", "POST", target=_page("portal:editor_article_create"), expect=EDITORS),
    page("portal:editor_article_edit", "GET", target=_page("portal:editor_article_edit", _art), expect=EDITORS),
    page(
        "portal:editor_article_edit",
        "POST",
        target=_page("portal:editor_article_edit", _art, watch=[article]),
        expect=EDITORS,
    ),
    page("portal:editor_article_preview", "GET", target=_page("portal:editor_article_preview", _art), expect=EDITORS),
    page(
        "portal:editor_article_action",
        "POST",
        target=_page("portal:editor_article_action", _art, "unpublish", watch=[article]),
        expect=expect(EDITORS, alice=302, bob=302),
    ),
    page("portal:editor_images", "GET", target=_page("portal:editor_images"), expect=EDITORS),
    page("portal:editor_images", "POST", target=_page("portal:editor_images"), expect=EDITORS),
    page("portal:editor_settings", "GET", target=_page("portal:editor_settings"), expect=ADMIN_ONLY),
    page("portal:editor_settings", "POST", target=_page("portal:editor_settings"), expect=ADMIN_ONLY),
]
