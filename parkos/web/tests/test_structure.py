"""Structural checks: migrations up to date, every app the same shape."""

import importlib
import inspect
import pkgutil
from io import StringIO
from pathlib import Path

import pytest
from django.apps import apps
from django.contrib import admin
from django.core.management import call_command
from django.db.migrations.loader import MigrationLoader
from django.db.models import CompositePrimaryKey

from parkos.core.migration_folding import fold
from parkos.web.filtering import FilterSet


@pytest.mark.django_db
def test_no_missing_migrations():
    out = StringIO()
    try:
        call_command("makemigrations", "--check", "--dry-run", stdout=out, stderr=out)
    except SystemExit:
        pytest.fail(f"Missing migrations:\n{out.getvalue()}")


DOMAIN_APPS = [c for c in apps.get_app_configs() if c.name.startswith("parkos.")]


@pytest.mark.parametrize("config", DOMAIN_APPS, ids=lambda c: c.label)
def test_every_model_has_admin_and_docs_page(config):

    docs = Path(__file__).resolve().parents[3] / "docs" / "models"
    for model in config.get_models():
        if model._meta.abstract or model._meta.auto_created:
            continue
        # Django's admin cannot register a model whose primary key is composite (monitoring's readings
        # and rollups, keyed by meter and time); their app's pages show them instead.
        if not isinstance(model._meta.pk, CompositePrimaryKey):
            assert admin.site.is_registered(model), f"{model.__name__} has no admin"
        assert (docs / f"{model._meta.app_label}.md").exists(), f"no docs/models/{model._meta.app_label}.md"
        text = (docs / f"{model._meta.app_label}.md").read_text(encoding="utf-8")
        assert f"## {model.__name__}" in text, f"{model.__name__} missing from docs/models/{model._meta.app_label}.md"


# --- FilterSets: one FilterSet drives a model's HTML list and its API (NetBox's test_missing_filters idea) ---

#: FilterSets used on one side only, and why. The test fails when an entry is no longer true.
ONE_SIDED_FILTERSETS = {
    "parkos.parks.filtersets.SpaceFilterSet": "base of the unit and parcel searches",
    "parkos.portal.filtersets.PublicSpaceFilterSet": "base of the public unit and parcel searches",
    "parkos.portal.filtersets.PublicUnitFilterSet": "the public space search has no API by design",
    "parkos.portal.filtersets.PublicParcelFilterSet": "the public space search has no API by design",
    "parkos.portal.filtersets.ArticleFilterSet": "articles are edited in the editor; there is no article API",
    "parkos.statistics.filtersets.MonthlyReportFilterSet": "monthly rows are read through the KPI pages, listed by the API",
    "parkos.leasing.filtersets.RenewalTaskFilterSet": "renewal tasks are listed by the API; the page lists them per contract",
    "parkos.billing.filtersets.StatementLineFilterSet": "bank statement lines are matched on the statement's page; the API lists them",
    "parkos.billing.filtersets.WriteOffFilterSet": "write-offs are approved on their page; no API writes or lists them",
    "parkos.billing.filtersets.InvoiceRequestFilterSet": "发票 requests are handled on their page; the API has none",
    "parkos.billing.filtersets.ReminderFilterSet": "reminders are read on their page; the API has none",
}


def _filterset_classes():

    found = {}
    for config in DOMAIN_APPS:
        try:
            module = importlib.import_module(f"{config.name}.filtersets")
        except ModuleNotFoundError:
            continue
        for name, value in vars(module).items():
            if inspect.isclass(value) and issubclass(value, FilterSet) and value.__module__ == module.__name__:
                found[f"{module.__name__}.{name}"] = value
    return found


def _modules_using(filterset, api: bool):

    users = []
    for config in DOMAIN_APPS:
        package = importlib.import_module(config.name)
        for info in pkgutil.walk_packages(package.__path__, prefix=f"{config.name}."):
            is_api = ".api." in info.name
            # views.py, *_views.py, or a module of a views/ package (community splits its views by area).
            is_view = info.name.rsplit(".", 1)[-1].endswith("views") or ".views." in info.name
            if ".tests" in info.name or ".migrations" in info.name or not is_view or is_api != api:
                continue
            module = importlib.import_module(info.name)
            if filterset in vars(module).values():
                users.append(info.name)
    return users


def test_every_filterset_drives_an_html_list_and_the_api():
    problems = []
    for dotted, filterset in _filterset_classes().items():
        html, api = _modules_using(filterset, api=False), _modules_using(filterset, api=True)
        subclassed = any(
            other is not filterset and issubclass(other, filterset) for other in _filterset_classes().values()
        )
        if dotted in ONE_SIDED_FILTERSETS:
            if (html and api) or not (html or api or subclassed):
                problems.append(f"{dotted}: listed as one-sided, but html={html} api={api}")
            continue
        if not html:
            problems.append(
                f"{dotted}: no HTML list view uses it (use it, delete it, or list why in ONE_SIDED_FILTERSETS)"
            )
        if not api:
            problems.append(f"{dotted}: no API view uses it (use it, delete it, or list why in ONE_SIDED_FILTERSETS)")
    assert not problems, "\n".join(problems)


def test_visible_filter_fields_exist():
    for dotted, filterset in _filterset_classes().items():
        if filterset.form_fields is not None:
            missing = set(filterset.form_fields) - set(filterset.base_filters)
            assert not missing, f"{dotted}.form_fields names unknown filters {missing}"


def test_migrations_create_each_new_model_in_one_operation():
    """A new model's indexes, constraints and fields belong in its CreateModel: each separate operation
    re-renders dozens of related models on every test database (`manage.py fold_migrations`)."""
    loader = MigrationLoader(None, ignore_no_migrations=True)
    unfolded = {
        f"{app_label}.{name}": folding.folded
        for (app_label, name), migration in sorted(loader.disk_migrations.items())
        if migration.__module__.startswith("parkos.") and (folding := fold(migration)).folded
    }
    assert unfolded == {}


#: Ceilings on escape hatches in product code (parkos/ without tests and migrations); issue 12 item 4.
TYPING_ESCAPE_LIMIT = 30
_PRODUCT_ROOT = Path(__file__).resolve().parents[2]


def _product_lines(needle: str) -> list[str]:
    found = []
    for path in sorted(_PRODUCT_ROOT.rglob("*.py")):
        relative = path.relative_to(_PRODUCT_ROOT)
        if "tests" in relative.parts or "migrations" in relative.parts:
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if needle in line:
                found.append(f"parkos/{relative}:{number}: {line.strip()}")
    return found


@pytest.mark.parametrize("needle", ["type: ignore", ": Any"])
def test_typing_escape_hatches_stay_few(needle):
    """Services, forms and views take their real types (docs/development.md "Typing"): `# type: ignore`
    and `: Any` stay under the ceiling, so new code types its inputs instead of adding more."""
    lines = _product_lines(needle)
    assert len(lines) < TYPING_ESCAPE_LIMIT, (
        f"{len(lines)} lines with {needle!r} (limit {TYPING_ESCAPE_LIMIT}):\n" + "\n".join(lines)
    )
