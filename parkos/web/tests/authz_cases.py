"""Authorization cases of the web shell's pages (structure: tests/authz/framework.py)."""

from __future__ import annotations

from django.urls import reverse

from tests.authz.framework import PUBLIC, Target, every, expect, page

CASES = [
    # Everyone logged in has a home page (enterprise users see theirs); anonymous goes to the login page.
    page(
        "web:dashboard",
        "GET",
        target=lambda w: Target(reverse("web:dashboard")),
        expect=expect(every(200), anonymous=302),
    ),
    # The industry picker (GB/T 4754) serves the public requirement form too.
    page(
        "web:industry_search",
        "GET",
        target=lambda w: Target(reverse("web:industry_search"), data={"q": "医疗"}),
        expect=PUBLIC,
    ),
    # 我的待办: staff only.
    page(
        "web:todo",
        "GET",
        target=lambda w: Target(reverse("web:todo")),
        expect=expect(every(200), erin=403, tina=403, anonymous=302),
    ),
]
