import pytest
from django.db import connection

from parkos.enterprises import search
from parkos.enterprises.models import Enterprise
from parkos.enterprises.tests.factories import EnterpriseFactory

pytestmark = pytest.mark.django_db

NAMES = [
    ("重庆博腾医疗器械有限公司", "第二类医疗器械生产；医疗器械销售"),
    ("成都华康生物医药有限公司", "生物药品研发"),
    ("博腾（重庆）制药有限公司", "化学药品制剂生产"),
    ("重庆瑞泰软件有限公司", "软件开发；信息系统集成服务"),
    ("上海ABC医疗科技有限公司", "医疗器械技术服务"),
    ("重庆恒鑫检测有限公司", "检验检测服务、医疗器械检测"),
]


@pytest.fixture
def pool():
    return [EnterpriseFactory(name=name, business_scope=scope) for name, scope in NAMES]


def _ids(queryset):
    return set(queryset.values_list("pk", flat=True))


@pytest.mark.parametrize(
    "term",
    [
        "医",
        "博",
        "医疗",
        "博腾",
        "器械",
        "疗器",
        "软件",
        "医疗器械",
        "医疗器械销售",
        "博腾医疗",
        "ab",
        "abc",
        "ABC医疗",
        "cqbt",
        "cq",
        "司",
        "公司",
        "不存在的词",
        "检测",
        "（重",
        "o",
    ],
)
def test_every_path_matches_the_plain_scan(pool, term):
    queryset = Enterprise.objects.all()
    assert _ids(search.filter_search(queryset, term)) == _ids(search.scan_filter(queryset, term))


def test_two_character_term_at_the_end_of_the_text(pool):
    # "公司" ends many names; "服务" ends the last field before the pinyin line.
    assert len(_ids(search.filter_search(Enterprise.objects.all(), "服务"))) == 3


def test_paths_by_length_on_sqlite(pool):
    if connection.vendor != "sqlite":
        pytest.skip("SQLite paths")
    assert "MATCH" in str(search.filter_search(Enterprise.objects.all(), "医疗器械").query)
    assert "MATCH" in str(search.filter_search(Enterprise.objects.all(), "博腾").query)
    assert "MATCH" not in str(search.filter_search(Enterprise.objects.all(), "医").query)


def test_search_follows_updates_and_deletes(pool):
    enterprise = Enterprise.objects.get(name="重庆瑞泰软件有限公司")
    enterprise.search_text = search.build_search_text(name="重庆瑞泰数字科技有限公司")
    enterprise.save()
    assert not search.filter_search(Enterprise.objects.all(), "瑞泰软件").exists()
    assert search.filter_search(Enterprise.objects.all(), "瑞泰数字").get() == enterprise
    with connection.cursor() as cursor:  # raw: other apps' tables may not exist in this test database
        cursor.execute("DELETE FROM enterprises_enterprise_tags WHERE enterprise_id = %s", [enterprise.pk])
        cursor.execute("DELETE FROM enterprises_enterprise_parks WHERE enterprise_id = %s", [enterprise.pk])
        cursor.execute("DELETE FROM enterprises_enterprise WHERE id = %s", [enterprise.pk])
    assert not search.filter_search(Enterprise.objects.all(), "瑞泰数字").exists()


def test_former_names_and_pinyin_are_searchable():
    enterprise = EnterpriseFactory(name="重庆新名医疗科技有限公司", former_names=["重庆旧名医药有限公司"])
    assert search.filter_search(Enterprise.objects.all(), "旧名医药").get() == enterprise
    assert search.filter_search(Enterprise.objects.all(), "CQXM").get() == enterprise


def test_fulltext_case_and_width_insensitive(pool):
    assert _ids(search.filter_search(Enterprise.objects.all(), "ＡＢＣ")) == _ids(
        search.filter_search(Enterprise.objects.all(), "abc")
    )


def test_pinyin_initials():
    assert search.pinyin_initials("重庆博腾医疗器械有限公司") == "cqbtylqxyxgs"


def test_name_key_ignores_legal_form_and_brackets():
    assert search.name_key("博腾（重庆）医疗器械股份有限公司") == search.name_key("博腾重庆医疗器械有限责任公司")
    assert search.name_key("重庆博腾集团有限公司") == "重庆博腾"
