"""Authorization cases of the web shell's pages (structure: tests/authz/framework.py)."""

from __future__ import annotations

from django.urls import reverse

from tests.authz.framework import Target, every, expect, page

CASES = [
    # Everyone logged in has a home page (enterprise users see theirs); anonymous goes to the login page.
    page(
        "web:dashboard",
        "GET",
        target=lambda w: Target(reverse("web:dashboard")),
        expect=expect(every(200), anonymous=302),
    ),
]
