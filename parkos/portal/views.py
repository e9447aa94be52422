"""The public portal: server-rendered, cached per page (see caching.py), nothing private.

Pages render from selectors only. They never depend on who is asking (no user, no CSRF token, no
messages), which is what makes them cacheable and identical for every visitor of a language.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import check_for_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from parkos.core.units import format_area
from parkos.parks.models import LandParcel, Park, Unit
from parkos.portal import selectors
from parkos.portal.caching import CachedPage, Scope, serve_cached
from parkos.portal.choices import ArticleCategory
from parkos.portal.filtersets import PublicParcelFilterSet, PublicUnitFilterSet
from parkos.portal.models import Article, SiteSettings
from parkos.portal.services import article_register_view

NEWS_PAGE_SIZE = 10
SPACE_PAGE_SIZE = 20


def _page(
    request: HttpRequest,
    template: str,
    *,
    title: str,
    description: str,
    og_type: str = "website",
    og_image: str = "",
    canonical: str | None = None,
    **context: object,
) -> CachedPage:
    site = SiteSettings.load()
    absolute_image = request.build_absolute_uri(og_image) if og_image else ""
    context.update(
        site=site,
        page_title=title,
        page_description=description[:160],
        canonical_url=request.build_absolute_uri(canonical or request.path),
        og_type=og_type,
        og_image=absolute_image,
        categories=ArticleCategory.choices,
    )
    return CachedPage(render_to_string(template, context, request=request).encode())


def _page_number(request: HttpRequest) -> int:
    try:
        return max(1, int(request.GET.get("page", "1")))
    except ValueError:
        return 1


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    def build() -> CachedPage:
        site = SiteSettings.load()
        return _page(
            request,
            "portal/home.html",
            title=site.site_name,
            description=site.site_description or _("园区介绍、可租售厂房与土地、园区新闻与产业政策。"),
            articles=list(selectors.article_public_list()[:6]),
            cards=selectors.park_cards(),
        )

    return serve_cached(request, "home", Scope(parks=True, inventory=True), build)[0]


@require_GET
def news_list(request: HttpRequest, category: str = "", tag: str = "") -> HttpResponse:
    if category and category not in ArticleCategory.values:
        raise Http404
    number = _page_number(request)

    def build() -> CachedPage:
        paginator = Paginator(selectors.article_public_list(category=category or None, tag=tag or None), NEWS_PAGE_SIZE)
        if number > paginator.num_pages:
            raise Http404
        page = paginator.page(number)
        label = ArticleCategory(category).label if category else (f"#{tag}" if tag else _("新闻中心"))
        title = str(label) if number == 1 else _("%(label)s（第%(n)d页）") % {"label": label, "n": number}
        canonical = request.path + (f"?page={number}" if number > 1 else "")
        return _page(
            request,
            "portal/news_list.html",
            title=title,
            description=_("%(label)s：园区动态、项目签约、政策解读与活动。") % {"label": label},
            canonical=canonical,
            page_obj=page,
            current_category=category,
            current_tag=tag,
            heading=label,
            tags=selectors.tag_cloud(),
        )

    return serve_cached(request, "news", Scope(), build)[0]


@require_GET
def article_detail(request: HttpRequest, slug: str) -> HttpResponse:
    def build() -> CachedPage:
        try:
            article = selectors.article_public_get(slug)
        except Article.DoesNotExist:
            raise Http404 from None
        page = render_article(request, article, preview=False)
        page.meta["article_id"] = article.pk
        return page

    response, page = serve_cached(request, "article", Scope(parks=True), build)
    article_register_view(article_id=page.meta["article_id"])
    return response


def render_article(request: HttpRequest, article: Article, *, preview: bool) -> CachedPage:
    """The article page; also used by the editor's preview (with `preview`, never cached or indexed)."""
    cover = article.cover.url if article.cover else ""
    parks = [p for p in article.parks.all() if p.archived_at is None]
    structured = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": article.title,
        "description": article.summary,
        "datePublished": article.publish_at.isoformat() if article.publish_at else None,
        "dateModified": article.updated_at.isoformat() if article.updated_at else None,
        "author": {"@type": "Person", "name": article.author_name} if article.author_name else None,
        "image": [request.build_absolute_uri(cover)] if cover else None,
    }
    return _page(
        request,
        "portal/article_detail.html",
        title=article.title,
        description=article.summary,
        og_type="article",
        og_image=cover,
        canonical=article.get_absolute_url(),
        article=article,
        article_parks=parks,
        related=selectors.article_related(article) if not preview else [],
        preview=preview,
        structured={k: v for k, v in structured.items() if v is not None},
    )


@require_GET
def park_detail(request: HttpRequest, code: str) -> HttpResponse:
    def build() -> CachedPage:
        try:
            park = selectors.park_public_get(code)
        except Park.DoesNotExist:
            raise Http404 from None
        showcase = selectors.park_showcase(park)
        photo = showcase.photos[0].image.url if showcase.photos else ""
        return _page(
            request,
            "portal/park_detail.html",
            title=park.name,
            description=_("%(name)s位于%(city)s%(district)s，主导产业：%(focus)s。现有可租售空间与招商信息。")
            % {"name": park.name, "city": park.city, "district": park.district, "focus": park.industry_focus or "—"},
            og_image=photo,
            canonical=reverse("portal:park_detail", args=[park.code]),
            park=park,
            showcase=showcase,
        )

    return serve_cached(request, "park", Scope(parks=True, inventory=True, park_code=code), build)[0]


@require_GET
def space_detail(request: HttpRequest, code: str, space_code: str, kind: str) -> HttpResponse:
    def build() -> CachedPage:
        try:
            park = selectors.park_public_get(code)
            space = (
                selectors.public_unit_get(park, space_code)
                if kind == "unit"
                else selectors.public_parcel_get(park, space_code)
            )
        except (Park.DoesNotExist, Unit.DoesNotExist, LandParcel.DoesNotExist):
            raise Http404 from None
        label = _("厂房") if kind == "unit" else _("土地")
        return _page(
            request,
            "portal/space_detail.html",
            title=f"{park.name} {space.code} · {label} {format_area(space.area_sqm)}",
            description=_("%(park)s %(code)s，面积%(area)s，现可租售。")
            % {"park": park.name, "code": space.code, "area": format_area(space.area_sqm, with_mu=kind == "parcel")},
            park=park,
            space=space,
        )

    return serve_cached(request, f"space-{kind}", Scope(parks=True, inventory=True, park_code=code), build)[0]


@require_GET
def space_search(request: HttpRequest) -> HttpResponse:
    number = _page_number(request)
    kind = request.GET.get("kind", "")

    def build() -> CachedPage:
        units = PublicUnitFilterSet(request.GET or None, queryset=selectors.units_available())
        parcels = PublicParcelFilterSet(request.GET or None, queryset=selectors.parcels_available())
        unit_qs = (units.qs if units.is_bound and units.is_valid() else units.queryset).order_by(
            "park__city", "park__name", "area_sqm", "pk"
        )
        parcel_qs = (parcels.qs if parcels.is_bound and parcels.is_valid() else parcels.queryset).order_by(
            "park__city", "park__name", "area_sqm", "pk"
        )
        unit_only = any(request.GET.get(f) for f in ("floor_load_min", "clear_height_min", "cleanroom"))
        show_units = kind in ("", "unit")
        show_parcels = kind in ("", "parcel") and not unit_only
        paginator = Paginator(unit_qs if show_units else unit_qs.none(), SPACE_PAGE_SIZE)
        page = paginator.get_page(number)
        query = request.GET.copy()
        query.pop("page", None)
        return _page(
            request,
            "portal/space_search.html",
            title=_("可租售空间"),
            description=_("按城市、园区、面积、楼面荷载、净高、火灾危险性类别查找可租售的厂房与土地。"),
            canonical=request.get_full_path(),
            filterset=units,
            kind=kind,
            page_obj=page,
            units=[selectors.public_unit(u) for u in page.object_list],
            unit_count=paginator.count,
            parcels=[selectors.public_parcel(p) for p in parcel_qs[:50]] if show_parcels else [],
            show_units=show_units,
            show_parcels=show_parcels,
            querystring=query.urlencode(),
        )

    return serve_cached(request, "space", Scope(parks=True, inventory=True), build)[0]


@require_GET
def set_language(request: HttpRequest) -> HttpResponse:
    """Switch language with a plain link (public pages carry no CSRF token, so they stay cacheable).

    Only sets the language cookie, which is harmless to forge; `next` must be on this site.
    """

    target = request.GET.get("next") or reverse("portal:home")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = reverse("portal:home")
    response = HttpResponseRedirect(target)
    language = request.GET.get("language", "")
    if language and check_for_language(language):
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            language,
            max_age=settings.LANGUAGE_COOKIE_AGE,
            samesite="Lax",
            secure=request.is_secure(),
        )
    response["X-Robots-Tag"] = "noindex"
    return response


@require_GET
def robots_txt(request: HttpRequest) -> HttpResponse:
    sitemap = request.build_absolute_uri(reverse("sitemap"))
    lines = [
        "User-agent: *",
        "Allow: /portal/",
        "Disallow: /portal/editor/",
        "Disallow: /portal/lang/",
        "Allow: /sitemap.xml",
        "Disallow: /",
        "",
        f"Sitemap: {sitemap}",
        "",
    ]
    response = HttpResponse("\n".join(lines), content_type="text/plain; charset=utf-8")
    response["Cache-Control"] = "public, max-age=3600"
    return response


def public_frame_context(request: HttpRequest, title: str) -> dict[str, Any]:
    """What portal/base.html needs around another app's public page (the requirement form, …)."""
    return {
        "site": SiteSettings.load(),
        "canonical_url": request.build_absolute_uri(request.path),
        "og_type": "website",
        "og_image": "",
        "categories": [],
    }


def public_space_url(kind: str, park_code: str, space_code: str) -> str:
    """The portal page of a unit or parcel (registered with `web.public` for other apps' public pages)."""
    name = "portal:unit_detail" if kind == "unit" else "portal:parcel_detail"
    return reverse(name, kwargs={"code": park_code, "space_code": space_code})
