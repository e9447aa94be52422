"""The authorization matrix: every URL and every API operation × every persona → the status, and that a
refusal changed nothing.

How an app declares its cases (see docs/development.md, "Adding an endpoint: authorization cases")
---------------------------------------------------------------------------------------------------
Each app keeps its cases in ``parkos/<app>/tests/authz_cases.py``, a module that defines ``CASES``, a
list of ``Case``; project-level URLs (the API schema, the admin, health, sitemap…) are in
``tests/authz/project_cases.py``. Nothing else is shared: a new app adds its own module and the
collector (``collect_cases``) finds it. ``tests/authz/test_completeness.py`` fails when a URL pattern
(by name and HTTP method) or an API operation (method and path as in the OpenAPI schema) has no case,
or when a case covers something that no longer exists; ``tests/authz/test_matrix.py`` runs them.

A case is built with ``page()`` (a named URL pattern) or ``operation()`` (an API operation):

    page("parks:unit_detail", "GET", target=lambda w: Target(reverse(..., args=[w.unit_a().pk])),
         expect=STAFF_IN_PARK_A)
    operation("PATCH", "/api/parks/units/{id}/", target=..., expect=expect(WRITE_A, bob=200))

``target`` receives the ``World`` (parks A and B, the personas, lazily built shared objects) and
returns the request: URL, body, and the rows a refusal must leave untouched. ``expect`` maps every
persona in ``PERSONAS`` to the status it must get. For each persona the request runs inside a
savepoint that is rolled back, so a write that is allowed does not change what the next persona sees.
A refusal (401/403/404/405, or a redirect to the login page for anonymous) must change no row: the
audit trail's count, the watched rows' fields and their tables' counts are compared before and after,
and the target's ``secret`` text must not appear in the answer.
"""

from __future__ import annotations

import datetime
import importlib
import importlib.util
import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.apps import apps
from django.db import models
from django.forms.models import model_to_dict
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from parkos.accounts.choices import Role
from parkos.accounts.tests.factories import UserFactory
from parkos.core.models import AuditEntry
from parkos.enterprises.tests.factories import ContactFactory, EnterpriseFactory
from parkos.parks.tests.factories import BuildingFactory, FloorFactory, LandParcelFactory, ParkFactory, UnitFactory

PERSONAS: tuple[str, ...] = ("alice", "bob", "carol", "dave", "erin", "tina", "anonymous")
"""alice: operator admin · bob: park manager of A · carol: investment officer of A · dave: leasing
manager of B · erin: enterprise user without an enterprise · tina: enterprise user of an enterprise
in A · anonymous: not logged in."""

DENIALS = frozenset({401, 403, 404, 405})


@dataclass
class World:
    """What every case can build on; objects are created on first use and shared within one case.

    The matrix builds one World per test module (parks, personas, what the case modules' ``SHARED``
    builders make) and keeps it; what a case builds besides is forgotten with the case's rolled-back
    transaction (see ``test_matrix.py``).
    """

    park_a: Any
    park_b: Any
    users: dict[str, Any]
    _built: dict[str, Any] = field(default_factory=dict)
    _kept: set[str] = field(default_factory=set)

    def get(self, key: str, build: Callable[[World], Any]) -> Any:
        if key not in self._built:
            self._built[key] = build(self)
        return self._built[key]

    def keep(self) -> None:
        """What is built so far outlives the case (it was built outside the case's transaction)."""
        self._kept = set(self._built)

    def forget(self) -> None:
        """Drop what the last case built (its transaction was rolled back)."""
        self._built = {key: value for key, value in self._built.items() if key in self._kept}

    # Shared objects most apps need: in park A unless the name says otherwise.
    def building_a(self) -> Any:
        return self.get("building_a", lambda w: BuildingFactory(park=w.park_a, code="AZ1"))

    def floor_a(self) -> Any:
        return self.get("floor_a", lambda w: FloorFactory(building=w.building_a(), level=1))

    def unit_a(self) -> Any:
        return self.get("unit_a", lambda w: UnitFactory(floor=w.floor_a(), code="AZ1-101"))

    def parcel_a(self) -> Any:
        return self.get("parcel_a", lambda w: LandParcelFactory(park=w.park_a, code="AZ-D01"))

    def enterprise_a(self) -> Any:
        """The tenant enterprise of park A (tina acts for it)."""
        return self.users["tina"].enterprise

    def contact_a(self) -> Any:
        return self.get("contact_a", lambda w: ContactFactory(enterprise=w.enterprise_a(), name="矩阵联系人"))


@dataclass(frozen=True)
class Target:
    """One request: where, with what, and what a refusal must leave as it was."""

    url: str
    data: Any = None
    json: bool = False
    watch: tuple[models.Model, ...] = ()
    secret: str = ""


@dataclass(frozen=True)
class Case:
    covers: str  # a URL name ("parks:unit_detail") or "api <path>" for an API operation
    method: str  # the HTTP method the case sends (a function view is covered by a case of any method)
    target: Callable[[World], Target]
    expect: Mapping[str, int]
    note: str = ""

    def __post_init__(self) -> None:
        missing = set(PERSONAS) - set(self.expect)
        if missing:
            raise ValueError(f"{self.covers} {self.method}: no expected status for {sorted(missing)}")

    @property
    def id(self) -> str:
        return f"{self.method} {self.covers}" + (f" ({self.note})" if self.note else "")


def page(
    name: str, method: str, *, target: Callable[[World], Target], expect: Mapping[str, int], note: str = ""
) -> Case:
    return Case(covers=name, method=method.upper(), target=target, expect=expect, note=note)


def operation(
    method: str, path: str, *, target: Callable[[World], Target], expect: Mapping[str, int], note: str = ""
) -> Case:
    return Case(covers=f"api {path}", method=method.upper(), target=target, expect=expect, note=note)


def expect(base: Mapping[str, int], **overrides: int) -> dict[str, int]:
    """A profile with some personas changed: ``expect(STAFF_IN_PARK_A, carol=403)``."""
    unknown = set(overrides) - set(PERSONAS)
    if unknown:
        raise ValueError(f"unknown personas {sorted(unknown)}")
    return {**base, **overrides}


def every(status: int) -> dict[str, int]:
    return dict.fromkeys(PERSONAS, status)


# --- Common profiles ------------------------------------------------------------------------------------
# Pages: anonymous is sent to the login page (302); enterprise users are refused staff pages (403);
# an object in a park one does not serve answers 404.
STAFF_IN_PARK_A = {"alice": 200, "bob": 200, "carol": 200, "dave": 404, "erin": 403, "tina": 403, "anonymous": 302}
STAFF_ANY_PARK = {"alice": 200, "bob": 200, "carol": 200, "dave": 200, "erin": 403, "tina": 403, "anonymous": 302}
PUBLIC = every(200)
# API: no login redirect — anonymous gets 403 (session authentication first, see accounts tests).
API_STAFF_IN_PARK_A = {"alice": 200, "bob": 200, "carol": 200, "dave": 404, "erin": 403, "tina": 403, "anonymous": 403}
API_STAFF_ANY_PARK = {"alice": 200, "bob": 200, "carol": 200, "dave": 200, "erin": 403, "tina": 403, "anonymous": 403}


# --- Building targets and the usual rows --------------------------------------------------------------
# ``Build`` is what a case's objects are: a function of the World returning a model instance (usually one
# made with ``World.get``, so that it is built once per case).
Build = Callable[[World], Any]


def _value(w: World, value: Any) -> Any:
    return value(w) if callable(value) else value


def pk(obj: Build) -> Callable[[World], Any]:
    """The primary key of a built object, as a URL argument: ``ui("app:detail", pk(thing))``."""
    return lambda w: obj(w).pk


def ui(
    name: str, *args: Any, data: Any = None, watch: Iterable[Build] = (), secret: str = ""
) -> Callable[[World], Target]:
    """A page request: the URL name, its arguments and form data (values or functions of the World)."""

    def build(w: World) -> Target:
        return Target(
            reverse(name, args=[_value(w, a) for a in args]),
            data=_value(w, data),
            watch=tuple(o(w) for o in watch),
            secret=secret,
        )

    return build


def api(
    path: str, obj: Build | None = None, *, data: Any = None, watch: Iterable[Build] | None = None
) -> Callable[[World], Target]:
    """An API request with a JSON body; ``{id}`` in the path is the object's pk, and the object is watched
    (with ``watch``: those objects instead)."""

    def build(w: World) -> Target:
        target = obj(w) if obj is not None else None
        watched = (target,) if watch is None and target is not None else tuple(o(w) for o in watch or ())
        return Target(
            path.format(id=target.pk) if target is not None else path, data=_value(w, data), json=True, watch=watched
        )

    return build


def pages(
    prefix: str,
    obj: Build | None = None,
    *,
    list_: Mapping[str, int] | None = None,
    create: Mapping[str, int] | None = None,
    detail: Mapping[str, int] | None = None,
    update: Mapping[str, int] | None = None,
    update_post: Mapping[str, int] | None = None,
    secret: str = "",
) -> list[Case]:
    """The usual pages of one kind of object, named ``{prefix}_list`` (GET), ``{prefix}_create`` (GET and
    an empty POST), ``{prefix}_detail`` (GET; ``secret`` must not show in a refusal) and ``{prefix}_update``
    (GET, and a POST that must change nothing when refused — ``update_post`` where its statuses differ
    from the GET's): each only when its statuses are given."""

    rows: list[Case] = []
    if list_ is not None:
        rows.append(page(f"{prefix}_list", "GET", target=ui(f"{prefix}_list"), expect=list_))
    if create is not None:
        rows += [
            page(f"{prefix}_create", method, target=ui(f"{prefix}_create"), expect=create) for method in ("GET", "POST")
        ]
    if obj is not None and detail is not None:
        rows.append(
            page(f"{prefix}_detail", "GET", target=ui(f"{prefix}_detail", pk(obj), secret=secret), expect=detail)
        )
    if obj is not None and update is not None:
        rows += [
            page(f"{prefix}_update", "GET", target=ui(f"{prefix}_update", pk(obj)), expect=update),
            page(
                f"{prefix}_update",
                "POST",
                target=ui(f"{prefix}_update", pk(obj), watch=[obj]),
                expect=update_post or update,
            ),
        ]
    return rows


def resource(
    base: str,
    obj: Build | None = None,
    *,
    list_: Mapping[str, int] | None = None,
    detail: Mapping[str, int] | None = None,
    create: Mapping[str, int] | None = None,
    create_data: Any = None,
    create_watch: Iterable[Build] = (),
    update: Mapping[str, int] | None = None,
    update_data: Any = None,
    replace: Mapping[str, int] | None = None,
    replace_data: Any = None,
    delete: Mapping[str, int] | None = None,
) -> list[Case]:
    """The rows of one API resource ``base`` (``/api/app/things/``) and its detail ``base{id}/``: list
    (GET), create (POST), read (GET), replace (PUT), change (PATCH), delete (DELETE) — each only when its
    expected statuses are given. A refused change must leave the object (and ``create_watch``) as it was."""

    detail_path = base + "{id}/"
    rows: list[Case] = []
    if list_ is not None:
        rows.append(operation("GET", base, target=api(base), expect=list_))
    if create is not None:
        rows.append(operation("POST", base, target=api(base, data=create_data, watch=create_watch), expect=create))
    if obj is not None:
        for method, statuses, body in (
            ("GET", detail, None),
            ("PUT", replace, replace_data),
            ("PATCH", update, update_data),
            ("DELETE", delete, None),
        ):
            if statuses is not None:
                rows.append(operation(method, detail_path, target=api(detail_path, obj, data=body), expect=statuses))
    return rows


# --- Running a case ---------------------------------------------------------------------------------------


def _jsonable(value: Any) -> Any:
    if isinstance(value, Decimal | datetime.date | datetime.datetime):
        return str(value)
    return value


def state(target: Target) -> tuple[Any, ...]:
    """What a refusal must not change: the audit trail, the watched rows, and their tables' sizes."""

    rows = []
    for instance in target.watch:
        fresh = type(instance)._default_manager.filter(pk=instance.pk).first()
        rows.append(
            (
                type(instance).__name__,
                None if fresh is None else {k: _jsonable(v) for k, v in model_to_dict(fresh).items()},
                type(instance)._default_manager.count(),
            )
        )
    return (AuditEntry.objects.count(), tuple(rows))


def request(client: Client, method: str, target: Target) -> Any:
    call = getattr(client, method.lower())
    if target.json and method not in {"GET", "HEAD"}:
        return call(target.url, data=json.dumps(target.data or {}), content_type="application/json")
    if method in {"GET", "HEAD"}:
        return call(target.url, data=target.data or {})
    if method == "POST":
        return call(target.url, data=target.data or {})
    return call(target.url, data=target.data or "", content_type="application/x-www-form-urlencoded")


def is_denial(persona: str, status: int, target: Target) -> bool:
    if status in DENIALS:
        return True
    # Pages send an anonymous visitor to the login page.
    return persona == "anonymous" and status == 302


# --- Collecting the cases ---------------------------------------------------------------------------------


def app_case_modules() -> Iterable[str]:
    """``parkos.<app>.tests.authz_cases`` for every installed ParkOS app that has one."""
    for config in apps.get_app_configs():
        if config.name.startswith("parkos."):
            module = f"{config.name}.tests.authz_cases"
            if importlib.util.find_spec(f"{config.name}.tests") and importlib.util.find_spec(module):
                yield module


def collect_cases() -> list[Case]:
    cases: list[Case] = []
    for module in ["tests.authz.project_cases", *app_case_modules()]:
        cases.extend(importlib.import_module(module).CASES)
    return cases


def collect_shared() -> list[Callable[[World], Any]]:
    """The builders every case may rely on having run: each case module's optional ``SHARED``.

    ``SHARED`` lists builders of objects that are dear to make (a lease and an issued bill run, say):
    the matrix makes them once per test module, before any case, outside the cases' transactions, so
    every case sees them (whichever worker runs it, in whatever order) and none sees another's writes.
    Only objects no case's expectations depend on the absence of belong there.
    """
    return [
        build
        for module in ["tests.authz.project_cases", *app_case_modules()]
        for build in getattr(importlib.import_module(module), "SHARED", ())
    ]


def temporary_storages(storages: Mapping[str, Any], root: Path) -> dict[str, Any]:
    """``STORAGES`` with uploads (media and private files) under ``root``: the cases' photos and business
    plans never land in var/."""
    return {
        **storages,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": str(root)}},
        "private": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(root / "private")},
        },
    }


def build_world() -> World:
    """Parks A and B, the personas (as the root conftest's fixtures make them) and tina's enterprise."""
    park_a = ParkFactory(code="CQ-A", name="重庆国际生物城A园", city="重庆市", district="巴南区")
    park_b = ParkFactory(code="CD-B", name="成都天府生物城B园", city="成都市", district="双流区")
    tenant = EnterpriseFactory(name="矩阵在园企业有限公司", parks=[park_a], lifecycle="tenant")
    people = {
        "alice": {"role": Role.OPERATOR_ADMIN, "is_staff": True},
        "bob": {"role": Role.PARK_MANAGER, "parks": [park_a]},
        "carol": {"role": Role.INVESTMENT_OFFICER, "parks": [park_a]},
        "dave": {"role": Role.LEASING_MANAGER, "parks": [park_b]},
        "erin": {"role": Role.ENTERPRISE_USER},
        "tina": {"role": Role.ENTERPRISE_USER, "enterprise": tenant},
    }
    users = {name: UserFactory(username=name, **fields) for name, fields in people.items()}
    return World(park_a=park_a, park_b=park_b, users={**users, "anonymous": None})


def today() -> datetime.date:
    return timezone.localdate()
