import io

import pytest

from parkos.enterprises import credit_code, demo, search
from parkos.enterprises.dedup import duplicate_groups
from parkos.enterprises.models import Contact, Enterprise
from parkos.enterprises.tests.factories import ContactFactory, EnterpriseFactory


@pytest.mark.django_db
def test_duplicate_groups_by_name_and_mobile():
    a = EnterpriseFactory(name="重庆博腾医疗器械有限公司")
    b = EnterpriseFactory(name="重庆博腾医疗器械（有限责任公司）", credit_code=None)
    EnterpriseFactory(name="重庆博腾医疗器械股份有限公司")  # another code: a different legal entity
    c = EnterpriseFactory(name="成都甲科技有限公司", credit_code=None)
    d = EnterpriseFactory(name="成都乙科技有限公司", credit_code=None)
    ContactFactory(enterprise=c, mobile="+8613900139000")
    ContactFactory(enterprise=d, mobile="+8613900139000")
    groups = {(g.reason, tuple(e.pk for e in g.enterprises)) for g in duplicate_groups()}
    assert ("mobile", (c.pk, d.pk)) in groups
    assert all(set(members) != {a.pk, b.pk} or reason == "name" for reason, members in groups)
    assert not any(reason == "name" and len(members) == 3 for reason, members in groups)


def test_generator_is_deterministic_distinct_and_valid():
    items = list(demo.generate(3000, seed=11))
    again = [i.enterprise.name for i in demo.generate(50, seed=11)]
    assert again == [i.enterprise.name for i in items[:50]]
    names = [i.enterprise.name for i in items]
    assert len(set(names)) == len(names)
    codes = [i.enterprise.credit_code for i in items]
    assert len(set(codes)) == len(codes)
    assert all(credit_code.validate(c) == c for c in codes)
    assert {i.enterprise.district for i in items} >= {"巴南区", "渝北区", "九龙坡区", "沙坪坝区"}
    assert sum(i.enterprise.city == "重庆市" for i in items) > len(items) * 0.4
    assert all(
        i.enterprise.search_text
        == search.build_search_text(
            name=i.enterprise.name, former_names=i.enterprise.former_names, business_scope=i.enterprise.business_scope
        )
        for i in items[:100]
    )


@pytest.mark.django_db
def test_load_demo_is_idempotent(monkeypatch, park_a):
    monkeypatch.setitem(demo.SCALES, "demo", 120)
    first = demo.load_demo(scale="demo", stdout=io.StringIO())
    count, contacts = Enterprise.objects.count(), Contact.objects.count()
    assert first["enterprises"] == 120
    second = demo.load_demo(scale="demo", stdout=io.StringIO())
    assert second["enterprises"] == 0
    assert (Enterprise.objects.count(), Contact.objects.count()) == (count, contacts)
    assert Enterprise.objects.filter(parks=park_a).exists()
