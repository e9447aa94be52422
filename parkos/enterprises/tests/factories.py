import random

import factory

from parkos.enterprises import credit_code, search
from parkos.enterprises.models import Contact, Enterprise

_rng = random.Random(4754)


def valid_code(division: str = "500113") -> str:
    return credit_code.generate(division, _rng)


class EnterpriseFactory(factory.django.DjangoModelFactory):
    """Fast rows for list/search tests; derived columns computed like the services do."""

    class Meta:
        model = Enterprise
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"重庆测试{n}医疗器械有限公司")
    credit_code = factory.LazyFunction(valid_code)
    city = "重庆市"
    district = "巴南区"
    industry_code = "3581"
    business_scope = "医疗器械研发、生产、销售"
    former_names = factory.LazyFunction(list)
    name_key = factory.LazyAttribute(lambda o: search.name_key(o.name))
    search_text = factory.LazyAttribute(
        lambda o: search.build_search_text(name=o.name, former_names=o.former_names, business_scope=o.business_scope)
    )

    @factory.post_generation
    def parks(self, create, extracted, **kwargs):
        if create and extracted:
            self.parks.set(extracted)


class ContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Contact

    enterprise = factory.SubFactory(EnterpriseFactory)
    name = "张伟"
    title = "总经理"
    mobile = "+8613800138000"
