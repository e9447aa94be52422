"""Factories and small builders for community tests."""

from __future__ import annotations

import datetime
from decimal import Decimal

import factory
from django.utils import timezone

from parkos.accounts.choices import Role
from parkos.accounts.tests.factories import UserFactory
from parkos.community.choices import ResourceKind
from parkos.community.models import BookableResource, BookingTariff
from parkos.enterprises.choices import EnterpriseLifecycle
from parkos.enterprises.tests.factories import EnterpriseFactory
from parkos.parks.tests.factories import ParkFactory

TZ = datetime.timezone(datetime.timedelta(hours=8))


def at(day: datetime.date | str, hhmm: str) -> datetime.datetime:
    """An aware moment in Asia/Shanghai: at("2026-05-06", "10:00")."""
    if isinstance(day, str):
        day = datetime.date.fromisoformat(day)
    hour, minute = (int(x) for x in hhmm.split(":"))
    return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=timezone.get_default_timezone())


class TariffFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = BookingTariff

    park = factory.SubFactory(ParkFactory)
    name = factory.Sequence(lambda n: f"会议室{n}")
    free_minutes_per_month = 240
    price_per_hour = Decimal("100.00")


class ResourceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = BookableResource

    park = factory.SubFactory(ParkFactory)
    kind = ResourceKind.MEETING_ROOM
    code = factory.Sequence(lambda n: f"MR-{n:03d}")
    name = factory.Sequence(lambda n: f"第{n}会议室")
    capacity = 12
    opens_at = datetime.time(8, 30)
    closes_at = datetime.time(18, 0)
    slot_minutes = 30
    min_minutes = 30
    max_minutes = 240
    min_lead_minutes = 60
    max_advance_days = 60


def tenant_of(park, *, name: str | None = None, username: str | None = None):
    """A tenant enterprise of the park and one enterprise-user login acting for it."""
    kwargs = {"parks": [park], "lifecycle": EnterpriseLifecycle.TENANT}
    if name:
        kwargs["name"] = name
    enterprise = EnterpriseFactory(**kwargs)
    user = UserFactory(role=Role.ENTERPRISE_USER, enterprise=enterprise, **({"username": username} if username else {}))
    return enterprise, user
