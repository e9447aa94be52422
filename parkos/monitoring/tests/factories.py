from __future__ import annotations

import datetime
from decimal import Decimal

import factory

from parkos.monitoring.choices import KIND_UNITS, UTILITY_KINDS, MeterKind, MeterMeasure
from parkos.monitoring.models import Gateway, Meter, MeterDevice
from parkos.parks.tests.factories import ParkFactory

INSTALLED = datetime.datetime(2024, 1, 1, tzinfo=datetime.UTC)


class MeterFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Meter
        skip_postgeneration_save = True

    park = factory.SubFactory(ParkFactory)
    code = factory.Sequence(lambda n: f"M-{n:04d}")
    name = factory.Sequence(lambda n: f"测试表{n}")
    kind = MeterKind.ELECTRICITY
    measure = factory.LazyAttribute(
        lambda o: (
            MeterMeasure.COUNTER
            if o.kind in UTILITY_KINDS or o.kind == MeterKind.WASTEWATER_FLOW
            else MeterMeasure.INSTANTANEOUS
        )
    )
    measure_unit = factory.LazyAttribute(lambda o: KIND_UNITS[o.kind])

    @factory.post_generation
    def device(self, create: bool, extracted: object, **kwargs: object) -> None:
        """Every physical meter gets a device installed in 2024 (multiplier via device__multiplier)."""
        if not create or self.is_virtual or extracted is False:
            return
        MeterDevice.objects.create(
            meter=self,
            serial_number=f"SN-{self.code}",
            multiplier=kwargs.get("multiplier", Decimal(1)),
            installed_at=kwargs.get("installed_at", INSTALLED),
            initial_reading=float(kwargs.get("initial_reading", 0)),  # type: ignore[arg-type]
        )


class GatewayFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Gateway

    park = factory.SubFactory(ParkFactory)
    code = factory.Sequence(lambda n: f"GW{n:02d}")
    name = factory.Sequence(lambda n: f"网关{n}")
    token_prefix = "test"
    token_hash = factory.Sequence(lambda n: f"{n:064x}")
