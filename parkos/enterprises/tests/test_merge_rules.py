"""Merging enterprises: within one's parks, only proposed duplicates (or with a reason), reversible.

Ref: #13 (hole 5): a services officer merged two unrelated enterprises from other parks, with no
check that they were duplicates.
"""

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404
from django.test import Client
from django.urls import reverse

from parkos.accounts.choices import Role
from parkos.accounts.tests.factories import UserFactory
from parkos.core.models import AuditEntry
from parkos.enterprises import services
from parkos.enterprises.models import Contact, Enterprise, MergeRecord
from parkos.enterprises.tests.factories import ContactFactory, EnterpriseFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def sally(park_a):
    return UserFactory(username="sally", role=Role.SERVICES_OFFICER, parks=[park_a])


def _client(user):
    client = Client()
    client.force_login(user)
    return client


def _state():
    return (
        sorted(Enterprise.objects.active().values_list("pk", flat=True)),
        MergeRecord.objects.count(),
        AuditEntry.objects.count(),
    )


def test_officer_cannot_merge_enterprises_of_other_parks(sally, park_b):
    keep = EnterpriseFactory(name="成都甲医疗器械有限公司", parks=[park_b])
    merge = EnterpriseFactory(name="成都甲医疗器械有限责任公司", credit_code=None, parks=[park_b])
    before = _state()
    response = _client(sally).post(reverse("enterprises:dedup"), {"keep": keep.pk, "merge": merge.pk})
    assert response.status_code == 404
    assert _state() == before


def test_unrelated_enterprises_are_not_merged_without_a_reason(sally, park_a):
    keep = EnterpriseFactory(name="重庆甲科技有限公司", parks=[park_a])
    merge = EnterpriseFactory(name="重庆乙制药有限公司", credit_code=None, parks=[park_a])
    before = _state()
    response = _client(sally).post(reverse("enterprises:dedup"), {"keep": keep.pk, "merge": merge.pk}, follow=True)
    assert "合并理由" in response.content.decode()
    assert _state() == before
    with pytest.raises(ValidationError):
        services.enterprise_merge(keep=keep, merge=merge, actor=sally)
    record = services.enterprise_merge(keep=keep, merge=merge, actor=sally, reason="工商变更：乙制药已并入甲科技")
    assert record.reason == "工商变更：乙制药已并入甲科技"
    assert record.basis == "manual"


def test_proposed_duplicates_merge_within_ones_parks(sally, park_a):
    keep = EnterpriseFactory(name="重庆博腾医疗器械有限公司", parks=[park_a])
    merge = EnterpriseFactory(name="重庆博腾医疗器械有限责任公司", credit_code=None, parks=[park_a])
    response = _client(sally).post(reverse("enterprises:dedup"), {"keep": keep.pk, "merge": merge.pk})
    assert response.status_code == 302
    record = MergeRecord.objects.get()
    assert (record.basis, record.survivor_id, record.merged_id) == ("name", keep.pk, merge.pk)


def test_service_refuses_an_actor_outside_the_parks(sally, park_b):
    keep = EnterpriseFactory(name="成都丙有限公司", parks=[park_b])
    merge = EnterpriseFactory(name="成都丙有限责任公司", credit_code=None, parks=[park_b])
    with pytest.raises(Http404):
        services.enterprise_merge(keep=keep, merge=merge, actor=sally)
    assert not MergeRecord.objects.exists()


def test_merge_is_reversible_from_the_record(alice, park_a, park_b):
    keep = EnterpriseFactory(name="重庆博腾医疗器械有限公司", parks=[park_a], credit_code=None, district="")
    merge = EnterpriseFactory(name="重庆博腾医疗器械有限责任公司", parks=[park_b], district="巴南区")
    code = merge.credit_code
    moved = ContactFactory(enterprise=merge, mobile="+8613900000001")
    own = ContactFactory(enterprise=keep, mobile="+8613900000002")
    record = services.enterprise_merge(keep=keep, merge=merge, actor=alice)
    keep.refresh_from_db()
    assert keep.credit_code == code
    assert keep.district == "巴南区"

    services.enterprise_merge_revert(record=record, actor=alice)
    keep.refresh_from_db()
    merge.refresh_from_db()
    record.refresh_from_db()
    assert merge.merged_into is None
    assert (keep.credit_code, merge.credit_code) == (None, code)
    assert keep.district == ""
    assert keep.former_names == []
    assert sorted(keep.parks.values_list("pk", flat=True)) == [park_a.pk]
    assert sorted(merge.parks.values_list("pk", flat=True)) == [park_b.pk]
    assert Contact.objects.get(pk=moved.pk).enterprise_id == merge.pk
    assert Contact.objects.get(pk=own.pk).enterprise_id == keep.pk
    assert record.reverted_at is not None
    # Once is enough.
    with pytest.raises(ValidationError):
        services.enterprise_merge_revert(record=record, actor=alice)


def test_revert_page_needs_the_right_in_both_parks(sally, alice, park_a, park_b):
    keep = EnterpriseFactory(name="重庆丁有限公司", parks=[park_a])
    merge = EnterpriseFactory(name="重庆丁有限责任公司", credit_code=None, parks=[park_b])
    record = services.enterprise_merge(keep=keep, merge=merge, actor=alice)
    url = reverse("enterprises:merge_revert", args=[record.pk])
    assert _client(sally).post(url).status_code == 404
    assert MergeRecord.objects.get().reverted_at is None
    assert _client(alice).post(url).status_code == 302
    assert MergeRecord.objects.get().reverted_at is not None


def test_dedup_page_masks_mobiles_and_lists_only_mergeable_groups(sally, park_a, park_b):
    a = EnterpriseFactory(name="重庆戊有限公司", parks=[park_a], credit_code=None)
    b = EnterpriseFactory(name="重庆己有限公司", parks=[park_a], credit_code=None)
    ContactFactory(enterprise=a, mobile="+8613811112222")
    ContactFactory(enterprise=b, mobile="+8613811112222")
    EnterpriseFactory(name="成都庚有限公司", parks=[park_b], credit_code=None)
    EnterpriseFactory(name="成都庚有限责任公司", parks=[park_b], credit_code=None)
    page = _client(sally).get(reverse("enterprises:dedup")).content.decode()
    assert "13811112222" not in page
    assert "138****2222" in page
    assert "成都庚" not in page
