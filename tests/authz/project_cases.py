"""Authorization cases of the project's own URLs (parkos/urls.py): health, language, sitemap, the API schema."""

from __future__ import annotations

from django.urls import reverse

from tests.authz.framework import API_STAFF_ANY_PARK, PUBLIC, Target, every, page

CASES = [
    # The database alone: no task worker or scheduler runs beside the tests for the full check to see.
    page("healthz", "GET", target=lambda w: Target("/healthz", data={"only": "database"}), expect=PUBLIC),
    page(
        "set_language",
        "POST",
        target=lambda w: Target(reverse("set_language"), data={"language": "en"}),
        expect=every(302),
    ),
    page("sitemap", "GET", target=lambda w: Target("/sitemap.xml"), expect=PUBLIC),
    page("robots_txt", "GET", target=lambda w: Target("/robots.txt"), expect=PUBLIC),
    # The schema and its viewers: staff only.
    page("api:schema", "GET", target=lambda w: Target(reverse("api:schema")), expect=API_STAFF_ANY_PARK),
    page("api:docs", "GET", target=lambda w: Target(reverse("api:docs")), expect=API_STAFF_ANY_PARK),
    page("api:redoc", "GET", target=lambda w: Target(reverse("api:redoc")), expect=API_STAFF_ANY_PARK),
    page("favicon", "GET", target=lambda w: Target("/favicon.ico"), expect=every(302)),
    # Prometheus metrics: loopback addresses (the test client's) and operator admins.
    page("metrics", "GET", target=lambda w: Target("/metrics"), expect=PUBLIC),
]
