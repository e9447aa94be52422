"""Every non-trivial read of the portal.

Public space is projected into `PublicSpace` rows here, field by field: a public template can only
show what this module copies out of a unit or parcel, so contracts, occupancy periods, reservation
holders and tenants can never reach a public page by a template typo.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Case, Count, IntegerField, Prefetch, Q, QuerySet, Sum, Value, When
from django.utils import timezone

from parkos.parks.models import Building, LandParcel, Park, ParkPhoto, Unit
from parkos.parks.selectors import ParkKpis, park_kpis
from parkos.portal.choices import ArticleStatus
from parkos.portal.models import Article, ArticleTag

RELATED_LIMIT = 4


def article_public_list(*, category: str | None = None, tag: str | None = None) -> QuerySet[Article]:
    articles = Article.objects.public().select_related(None).prefetch_related("parks")
    if category:
        articles = articles.filter(category=category)
    if tag:
        articles = articles.filter(tags__name=tag)
    return articles.order_by("-publish_at", "-pk")


def article_public_get(slug: str) -> Article:
    """A public article with its parks and tags; Article.DoesNotExist for drafts, scheduled or unknown."""
    return (
        Article.objects.public()
        .prefetch_related(Prefetch("parks", queryset=Park.objects.active()), "tags")
        .get(slug=slug)
    )


def article_related(article: Article, *, limit: int = RELATED_LIMIT) -> list[Article]:
    """Public articles sharing the article's parks (weight 3), tags (2) or category (1), best first."""
    park_ids = [p.pk for p in article.parks.all()]
    tag_ids = [t.pk for t in article.tags.all()]
    candidates = (
        Article.objects.public()
        .exclude(pk=article.pk)
        .filter(Q(parks__in=park_ids) | Q(tags__in=tag_ids) | Q(category=article.category))
        .annotate(
            park_hits=Count("parks", filter=Q(parks__in=park_ids), distinct=True),
            tag_hits=Count("tags", filter=Q(tags__in=tag_ids), distinct=True),
            same_category=Case(
                When(category=article.category, then=Value(1)), default=Value(0), output_field=IntegerField()
            ),
        )
        .order_by("-publish_at")
    )
    scored = sorted(
        candidates,
        key=lambda a: (a.park_hits * 3 + a.tag_hits * 2 + a.same_category, a.publish_at),  # type: ignore[attr-defined]
        reverse=True,
    )
    return scored[:limit]


def article_next_scheduled() -> datetime.datetime | None:
    """When the next scheduled article becomes public (None if none is waiting)."""
    return (
        Article.objects.filter(status=ArticleStatus.PUBLISHED, publish_at__gt=timezone.now())
        .order_by("publish_at")
        .values_list("publish_at", flat=True)
        .first()
    )


def tag_cloud(limit: int = 20) -> list[ArticleTag]:
    now = timezone.now()
    public = Q(articles__status=ArticleStatus.PUBLISHED, articles__publish_at__lte=now)
    return list(
        ArticleTag.objects.annotate(n=Count("articles", filter=public)).filter(n__gt=0).order_by("-n", "name")[:limit]
    )


# --- Parks and space --------------------------------------------------------------------------------


@dataclass(frozen=True)
class PublicSpace:
    """What the public may know about a unit or a parcel available now."""

    kind: str  # "unit" | "parcel"
    code: str
    park_code: str
    park_name: str
    city: str
    district: str
    area_sqm: Decimal
    building: str = ""
    floor_label: str = ""
    floor_load_kn_m2: Decimal | None = None
    clear_height_m: Decimal | None = None
    fire_class: str = ""
    cleanroom: str = ""
    power_kva: int | None = None
    freight_lift_t: Decimal | None = None
    crane_t: Decimal | None = None
    rent_yuan_per_sqm_month: Decimal | None = None
    sale_price_yuan_per_sqm: Decimal | None = None
    for_sale: bool = False
    land_use: str = ""
    price_wan_per_mu: Decimal | None = None
    term_years: int | None = None
    plot_ratio: str = ""
    #: Photos and floor plans of the unit and its building: (thumbnail url, image url, caption).
    media: tuple[tuple[str, str, str], ...] = ()


def _media(*owners: Building | Unit) -> tuple[tuple[str, str, str], ...]:
    items = []
    for owner in owners:
        for m in owner.media.all():
            caption = " · ".join(str(p) for p in (m.get_kind_display(), m.caption) if p)
            items.append((m.thumbnail.url if m.thumbnail else m.image.url, m.image.url, caption))
    return tuple(items)


def public_unit(unit: Unit) -> PublicSpace:
    floor = unit.floor
    return PublicSpace(
        media=_media(unit, unit.building),
        kind="unit",
        code=unit.code,
        park_code=unit.park.code,
        park_name=unit.park.name,
        city=unit.park.city,
        district=unit.park.district,
        area_sqm=unit.area_sqm,
        building=str(unit.building),
        floor_label=floor.level_label,
        floor_load_kn_m2=floor.floor_load_kn_m2,
        clear_height_m=floor.clear_height_m,
        fire_class=unit.get_design_fire_class_display(),
        cleanroom=unit.get_cleanroom_grade_display() if unit.cleanroom_grade else "",
        power_kva=unit.power_kva or None,
        freight_lift_t=unit.freight_lift_t,
        crane_t=unit.crane_t,
        rent_yuan_per_sqm_month=unit.rent_yuan_per_sqm_month,
        sale_price_yuan_per_sqm=unit.sale_price_yuan_per_sqm if unit.for_sale else None,
        for_sale=unit.for_sale,
    )


def public_parcel(parcel: LandParcel) -> PublicSpace:
    ratio = ""
    if parcel.plot_ratio_min is not None or parcel.plot_ratio_max is not None:
        ratio = f"{parcel.plot_ratio_min or ''}–{parcel.plot_ratio_max or ''}"
    return PublicSpace(
        kind="parcel",
        code=parcel.code,
        park_code=parcel.park.code,
        park_name=parcel.park.name,
        city=parcel.park.city,
        district=parcel.park.district,
        area_sqm=parcel.area_sqm,
        fire_class=parcel.get_design_fire_class_display(),
        rent_yuan_per_sqm_month=parcel.rent_yuan_per_sqm_month,
        land_use=parcel.get_land_use_display(),
        price_wan_per_mu=parcel.price_wan_per_mu,
        term_years=parcel.term_years,
        plot_ratio=ratio,
    )


def units_available(day: datetime.date | None = None) -> QuerySet[Unit]:
    """Units anyone may see on the portal: available on `day` in an active park."""
    return (
        Unit.objects.available_on(day or timezone.localdate())
        .filter(park__archived_at__isnull=True)
        .select_related("park", "building", "floor")
    )


def parcels_available(day: datetime.date | None = None) -> QuerySet[LandParcel]:
    return (
        LandParcel.objects.available_on(day or timezone.localdate())
        .filter(park__archived_at__isnull=True)
        .select_related("park")
    )


def park_public_get(code: str) -> Park:
    return Park.objects.active().get(code=code)


@dataclass
class ParkCard:
    park: Park
    available_units: int
    available_area_sqm: Decimal
    available_parcels: int


def park_cards() -> list[ParkCard]:
    """Active parks with what is available now, in three queries."""
    parks = list(Park.objects.active().order_by("city", "name"))
    units: dict[int, tuple[int, Decimal]] = {
        row["park_id"]: (row["n"], row["area"] or Decimal(0))
        for row in units_available().order_by().values("park_id").annotate(n=Count("pk"), area=Sum("area_sqm"))
    }
    parcels = dict(parcels_available().order_by().values_list("park_id").annotate(n=Count("pk")))
    return [
        ParkCard(
            park=park,
            available_units=units.get(park.pk, (0, Decimal(0)))[0],
            available_area_sqm=units.get(park.pk, (0, Decimal(0)))[1],
            available_parcels=parcels.get(park.pk, 0),
        )
        for park in parks
    ]


@dataclass
class ParkShowcase:
    park: Park
    kpis: ParkKpis
    photos: list[ParkPhoto]
    units: list[PublicSpace]
    parcels: list[PublicSpace]
    articles: list[Article]


SHOWCASE_UNIT_LIMIT = 60


def park_showcase(park: Park) -> ParkShowcase:
    """Everything the public page of a park shows, in a bounded number of queries."""
    units = units_available().filter(park=park).order_by("building__code", "floor__level", "code")
    parcels = parcels_available().filter(park=park).order_by("code")
    return ParkShowcase(
        park=park,
        kpis=park_kpis([park.pk])[park.pk],
        photos=list(park.photos.all()),
        units=[public_unit(u) for u in units[:SHOWCASE_UNIT_LIMIT]],
        parcels=[public_parcel(p) for p in parcels],
        articles=list(Article.objects.public().filter(parks=park).order_by("-publish_at")[:4]),
    )


def public_unit_get(park: Park, code: str) -> PublicSpace:
    """An available unit of a park (Unit.DoesNotExist if leased, reserved, archived or unknown)."""
    return public_unit(units_available().get(park=park, code=code))


def public_parcel_get(park: Park, code: str) -> PublicSpace:
    return public_parcel(parcels_available().get(park=park, code=code))


def park_choices() -> list[tuple[str, str]]:
    return list(Park.objects.active().order_by("city", "name").values_list("code", "name"))


def city_choices() -> list[str]:
    return list(Park.objects.active().order_by("city").values_list("city", flat=True).distinct())


def editor_parks(park_ids: list[int] | None) -> QuerySet[Park]:
    parks = Park.objects.active()
    return parks if park_ids is None else parks.filter(pk__in=park_ids)
