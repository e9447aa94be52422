"""Every URL pattern and every API operation has an authorization case, and every case still has its endpoint.

A new view or API operation without a case fails here, naming what to declare and where
(``parkos/<app>/tests/authz_cases.py``, see tests/authz/framework.py and docs/development.md).
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.urls import URLPattern, URLResolver, get_resolver
from drf_spectacular.generators import SchemaGenerator

from tests.authz.framework import collect_cases

HTTP_METHODS = ("get", "post", "put", "patch", "delete")

#: Served by other matrices or by nobody we configure.
EXEMPT_NAMESPACES = {
    # The Django admin: every registered model's pages, checked by tests/authz/test_admin.py.
    "admin",
}


def _walk(patterns: list, namespace: str | None = None) -> Iterator[tuple[str, URLPattern]]:
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = namespace
            if pattern.namespace:
                inner = f"{namespace}:{pattern.namespace}" if namespace else pattern.namespace
            yield from _walk(pattern.url_patterns, inner)
        elif pattern.name:
            yield (f"{namespace}:{pattern.name}" if namespace else pattern.name), pattern


def _methods(pattern: URLPattern) -> set[str]:
    """The methods a view answers: a class-based view's handlers; "*" (any one case) for a function."""
    view_class = getattr(pattern.callback, "view_class", None)
    if view_class is None:
        return {"*"}
    allowed = set(getattr(view_class, "http_method_names", HTTP_METHODS))
    return {m.upper() for m in HTTP_METHODS if hasattr(view_class, m) and m in allowed}


def page_requirements() -> dict[tuple[str, str], str]:
    """(URL name, method) → route, for every named page outside the API (the API is checked by operation)."""
    return {key: route for key, (route, _module) in _pages().items()}


def _pages() -> dict[tuple[str, str], tuple[str, str]]:
    """(URL name, method) → (route, the view's module)."""
    required: dict[tuple[str, str], tuple[str, str]] = {}
    for name, pattern in _walk(get_resolver().url_patterns):
        if name.split(":")[0] in EXEMPT_NAMESPACES or name.startswith("api:"):
            continue
        view = getattr(pattern.callback, "view_class", pattern.callback)
        for method in _methods(pattern):
            required[(name, method)] = (str(pattern.pattern), view.__module__)
    return required


def _cases_file(module: str) -> str:
    """Where an app declares its cases: parkos.<app>.… → parkos/<app>/tests/authz_cases.py."""
    parts = module.split(".")
    if parts[0] == "parkos" and len(parts) > 2:
        return f"parkos/{parts[1]}/tests/authz_cases.py"
    return "tests/authz/project_cases.py"


def _stubs(missing: dict[str, list[str]]) -> str:
    """The missing cases as code to paste (each still needs its objects and the statuses each persona gets)."""
    return "\n".join(f"\n# {path}\n" + "\n".join(sorted(lines)) for path, lines in sorted(missing.items()))


def api_requirements() -> set[tuple[str, str]]:
    schema = SchemaGenerator().get_schema(request=None, public=True)
    return {
        (f"api {path}", method.upper())
        for path, operations in schema["paths"].items()
        for method in operations
        if method in HTTP_METHODS
    }


def api_unlisted_pages() -> set[str]:
    """Named API URLs that are not operations of the schema (the schema and its viewers)."""
    return {name for name, _p in _walk(get_resolver().url_patterns) if name in {"api:schema", "api:docs", "api:redoc"}}


@pytest.fixture(scope="module")
def declared() -> set[tuple[str, str]]:
    return {(case.covers, case.method) for case in collect_cases()}


def test_every_page_has_a_case(declared):
    covered_names = {name for name, _m in declared}
    missing: dict[str, list[str]] = {}
    for (name, method), (route, module) in sorted(_pages().items()):
        if (name, method) in declared or (method == "*" and name in covered_names):
            continue
        args = ", args=[...]" if "<" in route else ""
        missing.setdefault(_cases_file(module), []).append(
            f'    page("{name}", "{"GET" if method == "*" else method}", '
            f'target=lambda w: Target(reverse("{name}"{args})), expect=STAFF_IN_PARK_A),  # {route}'
        )
    assert not missing, (
        "URL patterns without an authorization case. Declare them in the app's authz_cases.py (see "
        "docs/development.md, 'Adding an endpoint: authorization cases'); to start from:" + _stubs(missing)
    )


def test_every_api_operation_has_a_case(declared):
    missing: dict[str, list[str]] = {}
    for covers, method in sorted(api_requirements() - declared):
        path = covers.removeprefix("api ")
        app = path.strip("/").split("/")[1] if path.startswith("/api/") else ""
        module = f"parkos.{app}.api" if app else "parkos.urls"
        missing.setdefault(_cases_file(module), []).append(
            f'    operation("{method}", "{path}", target=lambda w: Target("{path}", json=True), '
            f"expect=API_STAFF_IN_PARK_A),"
        )
    assert not missing, (
        "API operations without an authorization case. Declare them in the app's authz_cases.py (see "
        "docs/development.md, 'Adding an endpoint: authorization cases'); to start from:" + _stubs(missing)
    )


def test_every_case_covers_something_that_exists(declared):
    pages = page_requirements()
    page_names = {name for name, _m in pages} | api_unlisted_pages()
    operations = api_requirements()
    stale = [
        f"{method} {covers}"
        for covers, method in sorted(declared)
        if not (
            (covers, method) in operations
            or (covers, method) in pages
            or (covers in page_names and (covers, "*") in pages)
            or (covers in api_unlisted_pages())
        )
    ]
    assert not stale, "Cases for endpoints that no longer exist (or a method the view does not answer):\n  " + (
        "\n  ".join(stale)
    )
