"""Foundation: the scoped park list API against a bare Django view and the raw SQL it needs."""

from __future__ import annotations

from decimal import Decimal

from django.db import connection
from django.http import HttpResponse
from django.test import Client, RequestFactory

from bench.harness import Case, benchmark
from parkos.accounts.choices import Role
from parkos.accounts.models import User
from parkos.parks.models import Park


def _ensure_parks(count: int) -> None:

    existing = Park.objects.filter(code__startswith="BENCH-").count()
    Park.objects.bulk_create(
        Park(
            code=f"BENCH-{i:05d}", name=f"基准产业园{i}", city="重庆市", district="巴南区", land_area_sqm=Decimal(90000)
        )
        for i in range(existing, count)
    )


def _admin():

    user, _ = User.objects.get_or_create(username="bench-admin", defaults={"role": Role.OPERATOR_ADMIN})
    return user


@benchmark("foundation.park_list_api")
def park_list_api(scale: str) -> Case:
    _ensure_parks(95 if scale == "small" else 950)
    client = Client()
    client.force_login(_admin())

    def subject() -> int:
        response = client.get("/api/parks/parks/?page_size=50")
        assert response.status_code == 200
        return len(response.json()["results"])

    sql = "SELECT id, code, name, operator_id, city, district, address, land_area_sqm, description, archived_at FROM parks_park ORDER BY city, name LIMIT 50"

    def floor() -> int:
        with connection.cursor() as cursor:
            cursor.execute("SELECT COUNT(*) FROM parks_park")
            cursor.execute(sql)
            return len(cursor.fetchall())

    return Case(
        subject=subject,
        floor=floor,
        floor_label="raw SQL (count + page)",
        notes="full request cycle incl. session auth",
    )


@benchmark("foundation.bare_view_overhead")
def bare_view(scale: str) -> Case:
    """How much the middleware stack costs over a bare Django view, the floor other pages compare with."""
    client = Client()
    client.force_login(_admin())
    factory = RequestFactory()

    def bare(request: object) -> HttpResponse:
        return HttpResponse("ok")

    def subject() -> int:
        return client.get("/healthz").status_code

    def floor() -> int:
        return bare(factory.get("/")).status_code

    return Case(
        subject=subject, floor=floor, floor_label="bare view, no middleware", notes="/healthz through the full stack"
    )
