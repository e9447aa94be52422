"""Portal: cached article and park pages against a bare Django view, in process (the full
loopback load test is bench/loadtest_portal.py). Target: a page takes at most 1/0.30 of the bare
view's time, i.e. serves at least 30 % of its throughput."""

from __future__ import annotations

from decimal import Decimal

from django.http import HttpRequest, HttpResponse
from django.test import Client

from bench.harness import Case, benchmark
from parkos.parks.models import Building, Floor, Park, Unit
from parkos.portal import services
from parkos.portal.models import Article

PARK_CODE = "BENCH-PORTAL"
SLUG = "bench-portal-article"
TARGET = round(1 / 0.30, 2)


def _bare(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok", content_type="text/plain")


def _seed() -> None:

    park, _ = Park.objects.get_or_create(
        code=PARK_CODE,
        defaults={"name": "基准测试生物医药产业园", "city": "重庆市", "land_area_sqm": Decimal("90666.67")},
    )
    if not Unit.objects.filter(park=park).exists():
        building = Building.objects.create(park=park, code="A1", structure="multi_storey_frame", storeys=4)
        for level in range(1, 5):
            floor = Floor.objects.create(
                building=building,
                level=level,
                area_sqm=Decimal(3000),
                floor_load_kn_m2=Decimal(8),
                clear_height_m=Decimal("4.5"),
            )
            for i in range(10):
                Unit.objects.create(
                    park=park, building=building, floor=floor, code=f"A1-{level}{i:02d}", area_sqm=Decimal(250)
                )
    if not Article.objects.filter(slug=SLUG).exists():
        article = services.article_create(
            actor=None, slug=SLUG, title="基准文章", summary="摘要", body="正文\n\n" * 30, parks=[park]
        )
        services.article_publish(article=article, actor=None)


def _case(path: str) -> Case:
    _seed()
    client = Client()
    factory_request = HttpRequest()

    def subject() -> int:
        response = client.get(path)
        assert response.status_code == 200
        return 200

    def floor() -> int:
        return _bare(factory_request).status_code

    client.get(path)  # fill the cache: the case measures a cached page, as visitors mostly get
    return Case(
        subject=subject,
        floor=floor,
        floor_label="bare view (no middleware)",
        target_ratio=None,
        notes=f"in-process and stricter than the issue's loopback test (target there: ratio ≤ {TARGET} per request)",
    )


@benchmark("portal.article_page")
def article_page(scale: str) -> Case:
    return _case(f"/portal/news/{SLUG}/")


@benchmark("portal.park_page")
def park_page(scale: str) -> Case:
    return _case(f"/portal/parks/{PARK_CODE}/")
