import datetime
from decimal import Decimal

import factory

from parkos.enterprises.tests.factories import EnterpriseFactory
from parkos.innovation.models import Fund, Institution, Milestone, Product, ProductStage, Project, Stake
from parkos.parks.tests.factories import ParkFactory


class ProjectFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Project

    park = factory.SubFactory(ParkFactory)
    enterprise = factory.SubFactory(EnterpriseFactory)
    name = factory.Sequence(lambda n: f"生物药生产基地{n}期")
    kind = "industrial"
    planned_investment = Decimal("100000000")


class ProductFactory(factory.django.DjangoModelFactory):
    """A chemical class-1 drug; pass `history=[(date, stage), …]` to give it dated stages."""

    class Meta:
        model = Product
        skip_postgeneration_save = True

    park = factory.SubFactory(ParkFactory)
    enterprise = factory.SubFactory(EnterpriseFactory)
    name = factory.Sequence(lambda n: f"BC-{100 + n} 注射液")
    kind = "drug"
    drug_family = "chemical"
    drug_category = "1"

    @factory.post_generation
    def history(self, create, extracted, **kwargs):
        if not create or not extracted:
            return
        ProductStage.objects.bulk_create(ProductStage(product=self, stage=stage, on=on) for on, stage in extracted)
        on, stage = max(extracted)
        if self.kind == "drug" or self.drug_family == "ivd_biologic":
            Product.objects.filter(pk=self.pk).update(stage=stage, stage_since=on)
        else:
            Product.objects.filter(pk=self.pk).update(device_stage=stage)


class MilestoneFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Milestone

    park = factory.SubFactory(ParkFactory)
    enterprise = factory.SubFactory(EnterpriseFactory)
    kind = "financing"
    on = datetime.date(2025, 4, 1)
    financing_round = "a"


class InstitutionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Institution

    name = factory.Sequence(lambda n: f"重庆医科大学第{n}研究所")
    kind = "university"


class FundFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Fund

    name = factory.Sequence(lambda n: f"生物城产业基金{n}期")
    kind = "fund"


class StakeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Stake

    fund = factory.SubFactory(FundFactory)
    enterprise = factory.SubFactory(EnterpriseFactory)
    park = factory.SubFactory(ParkFactory)
