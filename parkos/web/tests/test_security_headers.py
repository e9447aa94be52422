"""Production security (Ref: #14): a Content-Security-Policy that allows no inline script, and templates
that need none; friendly error pages with DEBUG off, never Django's URL list."""

import re
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import Client, override_settings
from django.urls import path

from parkos import urls as parkos_urls

ROOT = Path(__file__).resolve().parents[3]
#: Rendered by WeasyPrint into PDFs, never served to a browser: their <style> is not subject to the CSP.
NOT_SERVED = {"statistics/templates/statistics/report_pdf.html", "billing/templates/billing/bill_pdf.html"}

INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>(?!\s*</script>)", re.I)
HANDLER = re.compile(r"\son[a-z]+\s*=", re.I)
JS_URL = re.compile(r"javascript:", re.I)
STYLE_ELEMENT = re.compile(r"<style[\s>]", re.I)


def _templates() -> list[Path]:
    return sorted(p for p in (ROOT / "parkos").glob("*/templates/**/*.html"))


@pytest.mark.parametrize("template", _templates(), ids=lambda p: str(p.relative_to(ROOT / "parkos")))
def test_no_inline_script_or_handler(template):
    """docs/development.md "No inline scripts": behaviour goes in static JS bound by data attributes,
    chart options in json_script read by js/charts.js."""
    text = template.read_text(encoding="utf-8")
    relative = str(template.relative_to(ROOT / "parkos"))
    assert not INLINE_SCRIPT.search(text.replace('type="application/json"', "")), "inline <script>"
    assert not HANDLER.search(text), "inline on…= handler"
    assert not JS_URL.search(text), "javascript: URL"
    if relative not in NOT_SERVED:
        assert not STYLE_ELEMENT.search(text), "<style> element: move it to a static .css file"


def test_pages_carry_the_policy(db, client):
    response = client.get("/accounts/login/")
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy.split("script-src")[1].split(";")[0]
    assert "frame-ancestors 'none'" in policy
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_rendered_pages_have_no_inline_script(client_for, park_a):
    page = client_for("alice").get("/").content.decode()
    assert "<script" in page
    assert not INLINE_SCRIPT.search(page.replace('type="application/json"', ""))
    assert "data-autosubmit" in page or "park-switch" not in page


def _boom(request):
    raise RuntimeError("deliberate")


urlpatterns = [path("boom/", _boom), *parkos_urls.urlpatterns]
handler404 = "parkos.web.errors.page_not_found"
handler500 = "parkos.web.errors.server_error"


def test_404_is_friendly_and_lists_no_urls(db, client, settings):
    assert settings.DEBUG is False
    response = client.get("/no-such-page/")
    text = response.content.decode()
    assert response.status_code == 404
    assert "未找到该页面或记录" in text
    assert "URLconf" not in text
    assert "admin/" not in text


def test_404_in_english(db, client):
    client.cookies["django_language"] = "en"
    response = client.get("/no-such-page/", HTTP_ACCEPT_LANGUAGE="en")
    assert "Page or record not found" in response.content.decode()


@override_settings(ROOT_URLCONF=__name__)
def test_500_is_friendly(db):
    client = Client(raise_request_exception=False)
    response = client.get("/boom/")
    assert response.status_code == 500
    text = response.content.decode()
    assert "服务器出错了" in text
    assert "Traceback" not in text
    assert "deliberate" not in text


def test_favicon(db, client):
    response = client.get("/favicon.ico")
    assert response.status_code == 302
    assert response["Location"].endswith("favicon.ico")
    for base in ("web/templates/base.html", "portal/templates/portal/base.html"):
        assert 'rel="icon"' in (ROOT / "parkos" / base).read_text(encoding="utf-8")


def test_static_files_collect_with_hashed_names(tmp_path, settings):
    """DEBUG off serves hashed static files: every file a CSS or JS file refers to (a vendored
    library's source map, say) must exist, or collectstatic — and so `make serve` — fails."""
    settings.STATIC_ROOT = tmp_path
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"},
    }
    call_command("collectstatic", "--noinput", "--verbosity", "0")
    manifest = (tmp_path / "staticfiles.json").read_text()
    assert "vendor/tom-select-2.6.2/tom-select.complete.min.js" in manifest
