from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from parkos.core.models import AuditAction, AuditEntry
from parkos.enterprises import services
from parkos.enterprises.models import Contact, Enterprise, MergeRecord
from parkos.enterprises.search import filter_search
from parkos.enterprises.tests.factories import ContactFactory, EnterpriseFactory

pytestmark = pytest.mark.django_db


def test_create_normalises_credit_code_and_audits(alice):
    enterprise = services.enterprise_create(
        actor=alice, name="北京小米科技有限责任公司", credit_code="91 110108 551385082q"
    )
    assert enterprise.credit_code == "91110108551385082Q"
    assert enterprise.name_key == "北京小米科技"
    entry = AuditEntry.objects.get(object_type="enterprises.enterprise", object_id=str(enterprise.pk))
    assert entry.action == AuditAction.CREATE
    assert entry.actor == alice


def test_create_rejects_bad_checksum_in_chinese(alice):
    with pytest.raises(ValidationError) as exc:
        services.enterprise_create(actor=alice, name="测试", credit_code="91110000600037341N")
    assert "校验位不正确" in exc.value.message_dict["credit_code"][0]
    assert not Enterprise.objects.exists()


def test_known_irregular_code_needs_audited_override(alice):
    with pytest.raises(ValidationError) as exc:
        services.enterprise_create(actor=alice, name="福建恒跃柳工机械销售有限公司", credit_code="91350100M0001TGQXM")
    assert "早期试点代码" in exc.value.message_dict["credit_code"][0]
    enterprise = services.enterprise_create(
        actor=alice,
        name="福建恒跃柳工机械销售有限公司",
        credit_code="91350100M0001TGQXM",
        accept_checksum_mismatch=True,
    )
    assert enterprise.credit_code_override is True
    override = AuditEntry.objects.get(object_id=str(enterprise.pk), action=AuditAction.OTHER)
    assert override.changes == {"event": "credit_code_checksum_override", "credit_code": "91350100M0001TGQXM"}


def test_override_flag_not_set_for_valid_code(alice):
    enterprise = services.enterprise_create(
        actor=alice, name="甲", credit_code="91110000600037341L", accept_checksum_mismatch=True
    )
    assert enterprise.credit_code_override is False
    assert not AuditEntry.objects.filter(action=AuditAction.OTHER).exists()


def test_duplicate_credit_code_rejected(alice):
    services.enterprise_create(actor=alice, name="甲", credit_code="91110000600037341L")
    with pytest.raises(ValidationError) as exc:
        services.enterprise_create(actor=alice, name="乙", credit_code="91110000600037341l")
    assert "credit_code" in exc.value.message_dict
    assert Enterprise.objects.count() == 1


def test_invalid_industry_code_rejected(alice):
    with pytest.raises(ValidationError) as exc:
        services.enterprise_create(actor=alice, name="甲", industry_code="F2710")
    assert "industry_code" in exc.value.message_dict


@pytest.mark.parametrize(
    ("code", "employees", "revenue", "size", "above"),
    [
        ("3581", 1000, Decimal(40000), "large", True),
        ("3581", 1200, Decimal(30000), "medium", True),
        ("3581", 250, Decimal(5000), "small", True),
        ("3581", 15, Decimal(5000), "micro", True),
        ("3581", 50, Decimal(200), "micro", False),
        ("3581", 50, Decimal(2000), "small", True),
        ("3581", 50, Decimal("1999.9"), "small", False),
        ("7340", 50, Decimal(1000), "", True),
    ],
)
def test_size_and_above_scale_computed(alice, code, employees, revenue, size, above):
    enterprise = services.enterprise_create(
        actor=alice, name="甲", industry_code=code, employees=employees, annual_revenue_wan=revenue
    )
    if size:
        assert enterprise.size_class == size
    assert enterprise.above_scale is above
    assert (enterprise.above_scale_since is not None) is above


def test_update_audits_changes_and_keeps_search_in_sync(alice):
    enterprise = services.enterprise_create(actor=alice, name="重庆甲医疗器械有限公司")
    services.enterprise_update(
        enterprise=enterprise, actor=alice, name="重庆乙医疗器械有限公司", former_names=["重庆甲医疗器械有限公司"]
    )
    entry = AuditEntry.objects.get(object_id=str(enterprise.pk), action=AuditAction.UPDATE)
    assert entry.changes["name"] == ["重庆甲医疗器械有限公司", "重庆乙医疗器械有限公司"]

    assert list(filter_search(Enterprise.objects.all(), "甲医疗器械")) == [Enterprise.objects.get()]


def test_contact_phones_normalised(alice):
    enterprise = EnterpriseFactory()
    contact = services.contact_create(
        enterprise=enterprise, actor=alice, name="李娜", mobile="+86 138-0013-8000", landline="023-67891234 转801"
    )
    assert contact.mobile == "+8613800138000"
    assert contact.landline == "+862367891234"
    assert contact.landline_ext == "801"
    assert contact.mobile_masked == "138****8000"
    entry = AuditEntry.objects.get(object_type="enterprises.contact")
    assert "13800138000" not in str(entry.changes)


def test_contact_rejects_bad_mobile_and_landline_in_mobile_field(alice):
    enterprise = EnterpriseFactory()
    with pytest.raises(ValidationError) as exc:
        services.contact_create(enterprise=enterprise, actor=alice, name="李娜", mobile="12800138000")
    assert "mobile" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        services.contact_create(enterprise=enterprise, actor=alice, name="李娜", mobile="023-67891234")
    assert "手机" in exc.value.message_dict["mobile"][0]
    assert not Contact.objects.exists()


def test_erase_keeps_row_and_enterprise(alice):
    contact = ContactFactory(email="a@b.cn", wechat="wx")
    erased = services.contact_erase(contact=contact, actor=alice)
    erased.refresh_from_db()
    assert erased.pk == contact.pk
    assert (erased.mobile, erased.email, erased.wechat, erased.name) == ("", "", "", services.ERASED_NAME)
    assert erased.erased_at is not None
    assert Contact.objects.filter(enterprise=contact.enterprise).count() == 1
    entry = AuditEntry.objects.get(action=AuditAction.DELETE)
    assert "张伟" not in entry.object_repr
    with pytest.raises(ValidationError):
        services.contact_update(contact=erased, actor=alice, name="张伟")


def test_export_returns_data_and_audits(alice):
    contact = ContactFactory()
    data = services.contact_export(contact=contact, actor=alice)
    assert data["mobile"] == "+8613800138000"
    assert data["enterprise"] == contact.enterprise.name
    assert AuditEntry.objects.filter(action=AuditAction.EXPORT, object_id=str(contact.pk)).count() == 1


def test_record_view_one_entry_per_contact(alice):
    enterprise = EnterpriseFactory()
    contacts = [ContactFactory(enterprise=enterprise), ContactFactory(enterprise=enterprise, mobile="+8613900139000")]
    assert services.contacts_record_view(contacts=contacts, actor=alice) == 2
    assert AuditEntry.objects.filter(action=AuditAction.VIEW_PERSONAL_DATA, actor=alice).count() == 2


def test_merge_moves_contacts_keeps_history(alice, park_a):
    keep = EnterpriseFactory(name="重庆博腾医疗器械有限公司")
    merge = EnterpriseFactory(name="重庆博腾医疗器械有限责任公司", credit_code=None, parks=[park_a])
    ContactFactory(enterprise=merge)
    record = services.enterprise_merge(keep=keep, merge=merge, actor=alice)
    keep.refresh_from_db()
    merge.refresh_from_db()
    assert record.moved_contacts == 1
    assert keep.contacts.count() == 1
    assert merge.merged_into == keep
    assert "重庆博腾医疗器械有限责任公司" in keep.former_names
    assert list(keep.parks.all()) == [park_a]
    assert MergeRecord.objects.get().snapshot["name"] == "重庆博腾医疗器械有限责任公司"
    assert list(Enterprise.objects.active()) == [keep]

    assert list(filter_search(Enterprise.objects.active(), "有限责任公司")) == [keep]


def test_merge_refuses_different_codes(alice):
    a, b = EnterpriseFactory(), EnterpriseFactory()
    with pytest.raises(ValidationError):
        services.enterprise_merge(keep=a, merge=b, actor=alice)
    assert not MergeRecord.objects.exists()


def test_merge_takes_code_from_merged(alice):
    keep = EnterpriseFactory(credit_code=None)
    merge = EnterpriseFactory()
    code = merge.credit_code
    services.enterprise_merge(keep=keep, merge=merge, actor=alice, reason="同一家企业（人工核实）")
    keep.refresh_from_db()
    merge.refresh_from_db()
    assert keep.credit_code == code
    assert merge.credit_code is None
