from decimal import Decimal

import factory

from parkos.investment.choices import LeadSource, LeadStage, SpaceKind, Tenure
from parkos.investment.models import Lead, Requirement


class LeadFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Lead

    company_name = factory.Sequence(lambda n: f"重庆测试生物科技有限公司{n}")
    contact_name = "张经理"
    contact_mobile = factory.Sequence(lambda n: f"+86138{n:08d}")
    source = LeadSource.PHONE
    stage = LeadStage.NEW


class RequirementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Requirement

    lead = factory.SubFactory(LeadFactory)
    space_kind = SpaceKind.FACTORY
    tenure = Tenure.LEASE
    area_min_sqm = Decimal(1000)
    area_max_sqm = Decimal(3000)
