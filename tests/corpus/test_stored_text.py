"""Stored markup and formulas in every free-text field, on every page, feed and export (Ref: #13).

Builds the objects of every page of the authorization matrix, then writes a payload into every free
text field of every ParkOS table (names, descriptions, notes, titles…), and fetches every page: no
page may fail, none may carry live markup, and every spreadsheet download must hold the formulas as
inert text.
"""

from __future__ import annotations

import io

import pytest
from django.apps import apps
from django.db import models
from django.test import Client
from openpyxl import load_workbook

from parkos.core.xlsx import FORMULA_TRIGGERS, XLSX_CONTENT_TYPE
from parkos.portal import services as portal_services
from parkos.portal.models import Article
from tests.authz.framework import collect_cases, temporary_storages
from tests.corpus.inputs import XSS_LIVE

pytestmark = [pytest.mark.slow, pytest.mark.django_db]

MARKUP = "<script>alert(1)</script><img src=x onerror=alert(1)>"
FORMULA = "=cmd|' /C calc'!A0"
#: Fields that identify or route (codes in URLs, numbers, keys): poisoning them tests nothing useful.
SKIPPED_FIELDS = {"code", "slug", "number", "credit_code", "mobile", "landline", "email", "username", "password",
                  "name_key", "search_text", "digest", "token_key", "password_fingerprint", "reference",
                  "session_key", "stock_code", "industry_code", "original_name", "file", "error_report",
                  # Derived HTML, written only by the Markdown renderer, which sanitises it (nh3): the
                  # article's `body` is poisoned instead and goes through that renderer below.
                  "body_html"}  # fmt: skip
#: Structured values that no page stores unvalidated (model label, field): a scheme's rule value is
#: checked against its fact and operator when it is saved (incubation.eligibility.criterion_problem).
STRUCTURED_FIELDS = {("incubation.schemecriterion", "value")}
#: Downloads whose content another module writes: the import error report is the import framework's
#: (it copies the uploaded cells back; see tests of parkos.core.importing).
NOT_OURS = {"enterprises:import_report"}


@pytest.fixture(autouse=True)
def _files_in_a_temporary_folder(settings, tmp_path):
    # The pages' objects include uploads (project photos, business plans): not into var/.
    settings.STORAGES = temporary_storages(settings.STORAGES, tmp_path)


def _poison(payload: str) -> int:
    """Write `payload` into every free-text column of every ParkOS row; returns how many columns."""
    poisoned = 0
    for model in apps.get_models():
        if not model.__module__.startswith("parkos.") or model._meta.proxy:
            continue
        values = {}
        for field in model._meta.concrete_fields:
            if field.name in SKIPPED_FIELDS or field.choices or field.primary_key or field.unique:
                continue
            if (model._meta.label_lower, field.name) in STRUCTURED_FIELDS:
                continue
            if isinstance(field, models.URLField | models.EmailField | models.SlugField):
                continue  # validated formats, not free text
            if isinstance(field, models.TextField) or (
                isinstance(field, models.CharField) and (field.max_length or 0) >= len(payload) + 8
            ):
                values[field.name] = payload + field.name[:8]
        if values and model._default_manager.exists():
            model._default_manager.update(**values)
            poisoned += len(values)
    return poisoned


def _pages(world):
    """Every page of the matrix that a logged-in person reads, with its objects built."""
    targets = []
    for case in collect_cases():
        if case.method == "GET" and not case.covers.startswith("api") and case.covers not in NOT_OURS:
            targets.append((case, case.target(world)))
    return targets


def _body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def _clients(world):
    clients = []
    for name in ("alice", "tina"):
        client = Client()
        client.force_login(world.users[name])
        clients.append(client)
    return clients


def test_no_page_or_feed_renders_stored_markup(world):
    pages = _pages(world)
    assert _poison(MARKUP) > 20
    for article in Article.objects.all():  # the body through its renderer, as editors write it
        portal_services.article_update(article=article, actor=None, body=f"正文 {MARKUP} [链接](javascript:alert(1))")
    failures = []
    for case, target in pages:
        for client in _clients(world):
            response = client.get(target.url, target.data or {})
            if response.status_code >= 500:
                failures.append(f"{case.id}: {response.status_code}")
            content_type = response.get("Content-Type", "")
            if response.status_code == 200 and ("html" in content_type or "xml" in content_type):
                body = _body(response).decode(errors="replace")
                live = [marker for marker in XSS_LIVE if marker in body]
                if live:
                    failures.append(f"{case.id}: live {live}")
    assert not failures, "\n".join(failures)


def test_every_spreadsheet_export_keeps_formulas_inert(world):
    pages = _pages(world)
    _poison(FORMULA)
    exported = 0
    failures = []
    for case, target in pages:
        response = _clients(world)[0].get(target.url, target.data or {})
        if response.get("Content-Type", "") != XLSX_CONTENT_TYPE:
            continue
        exported += 1
        book = load_workbook(io.BytesIO(_body(response)))
        for sheet in book.worksheets:
            for row in sheet.iter_rows():
                for cell in row:
                    if cell.data_type == "f":
                        failures.append(f"{case.id}: formula in {sheet.title}!{cell.coordinate}: {cell.value!r}")
                    elif (
                        isinstance(cell.value, str) and cell.value.startswith(FORMULA_TRIGGERS) and not cell.quotePrefix
                    ):
                        failures.append(f"{case.id}: unquoted {sheet.title}!{cell.coordinate}: {cell.value!r}")
    assert exported >= 5, f"only {exported} exports found"
    assert not failures, "\n".join(failures[:30])
