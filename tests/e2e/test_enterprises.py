"""Journeys through the enterprise pool: search, open a profile, personal data masked or shown."""

from decimal import Decimal

import pytest
from playwright.sync_api import expect

from parkos.accounts.choices import Role
from parkos.accounts.tests.factories import PASSWORD, UserFactory
from parkos.core.models import AuditAction, AuditEntry
from parkos.enterprises.tests.factories import ContactFactory, EnterpriseFactory
from tests.e2e.conftest import login


@pytest.fixture
def device_maker(park_a):
    enterprise = EnterpriseFactory(
        name="重庆博腾医疗器械有限公司",
        business_scope="第二类医疗器械生产；医疗器械销售",
        parks=[park_a],
        registered_capital_wan=Decimal(1000),
    )
    EnterpriseFactory(name="成都华康生物医药有限公司", business_scope="生物药品研发", industry_code="2761")
    ContactFactory(enterprise=enterprise, name="张伟", mobile="+8613800138000")
    return enterprise


def _search_and_open(page):
    page.goto("/enterprises/")
    page.get_by_label("关键词").fill("医疗器械")
    expect(page.get_by_text("成都华康生物医药有限公司")).to_have_count(0)
    page.get_by_role("link", name="重庆博腾医疗器械有限公司").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("重庆博腾医疗器械有限公司")
    for title in ("招商线索", "合同", "企业服务", "统计数据"):
        expect(page.get_by_role("heading", name=title)).to_be_visible()
    expect(page.get_by_text("1,000 万元")).to_be_visible()  # 注册资本, through the shared money format


def test_officer_without_the_right_sees_masked_mobile(page, device_maker, park_a):
    UserFactory(username="sam", role=Role.SERVICES_OFFICER, parks=[park_a])
    login(page, "sam", PASSWORD)
    _search_and_open(page)
    expect(page.get_by_test_id("mobile")).to_have_text("138****8000")
    expect(page.get_by_text("13800138000")).to_have_count(0)


def test_officer_with_the_right_sees_mobile_and_view_is_audited(page, device_maker, carol):

    login(page, "carol", PASSWORD)
    _search_and_open(page)
    expect(page.get_by_test_id("mobile")).to_have_text("13800138000")
    assert AuditEntry.objects.filter(action=AuditAction.VIEW_PERSONAL_DATA, actor=carol).count() == 1


@pytest.mark.stack
def test_import_shows_progress_and_error_report(page, carol, settings, tmp_path):
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    settings.MEDIA_ROOT = tmp_path
    csv_file = tmp_path / "upload.csv"
    csv_file.write_text(
        "企业名称,统一社会信用代码\n重庆甲科技有限公司,91110000600037341L\n重庆乙科技有限公司,91110000600037341N\n",
        encoding="utf-8",
    )
    login(page, "carol", PASSWORD)
    page.goto("/enterprises/import/")
    page.get_by_label("文件").set_input_files(str(csv_file))
    page.get_by_role("button", name="开始导入").click()
    expect(page.get_by_test_id("import-status")).to_have_text("已完成")
    expect(page.get_by_test_id("error-report")).to_be_visible()
    expect(page.get_by_role("cell", name="统一社会信用代码", exact=True)).to_be_visible()
