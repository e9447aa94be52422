"""The public portal: what is public, sanitising, caching and invalidation, nothing private."""

import datetime
from decimal import Decimal

import pytest
import time_machine
from django.db import transaction
from django.utils import timezone

from parkos.enterprises.models import Contact, Enterprise
from parkos.parks.choices import Occupancy
from parkos.parks.services import park_archive, reservation_create, space_set_occupancy
from parkos.parks.tests.factories import FloorFactory, LandParcelFactory, UnitFactory
from parkos.portal import services
from parkos.portal.choices import ArticleStatus
from parkos.portal.models import Article
from parkos.portal.tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db


def test_draft_is_not_public(client, alice):
    article = services.article_create(actor=alice, slug="draft-one", title="草稿文章", summary="摘要", body="正文")
    assert client.get(f"/portal/news/{article.slug}/").status_code == 404
    assert "草稿文章" not in client.get("/portal/news/").content.decode()
    services.article_submit(article=article, actor=alice)
    assert client.get(f"/portal/news/{article.slug}/").status_code == 404


def test_scheduled_article_is_not_public_before_its_time(client, alice):
    article = services.article_create(actor=alice, slug="scheduled", title="定时文章", summary="摘要", body="正文")
    at = timezone.now() + datetime.timedelta(hours=2)
    services.article_publish(article=article, actor=alice, publish_at=at)
    assert client.get("/portal/news/scheduled/").status_code == 404
    # The list was cached before the publication time; it must not hide the article after it.
    assert "定时文章" not in client.get("/portal/news/").content.decode()
    assert "scheduled" not in client.get("/sitemap.xml").content.decode()
    with time_machine.travel(at + datetime.timedelta(seconds=5)):
        assert client.get("/portal/news/scheduled/").status_code == 200
        assert "定时文章" in client.get("/portal/news/").content.decode()
        assert "/portal/news/scheduled/" in client.get("/sitemap.xml").content.decode()


def test_unpublish_removes_article_at_once(client, alice):
    article = services.article_create(actor=alice, slug="gone", title="撤回文章", summary="摘要", body="正文")
    services.article_publish(article=article, actor=alice)
    assert client.get("/portal/news/gone/").status_code == 200
    assert "撤回文章" in client.get("/portal/news/").content.decode()
    services.article_unpublish(article=article, actor=alice)
    assert client.get("/portal/news/gone/").status_code == 404
    assert "撤回文章" not in client.get("/portal/news/").content.decode()


def test_script_in_article_body_never_reaches_the_page(client, alice):
    body = (
        "正文<script>alert('x')</script>\n\n<img src=x onerror=\"alert(1)\">\n\n"
        '[点我](javascript:alert(2)) <a href="https://example.com" onclick="steal()">链接</a>'
    )
    article = services.article_create(actor=alice, slug="xss", title="安全", summary="摘要", body=body)
    services.article_publish(article=article, actor=alice)
    html = client.get("/portal/news/xss/").content.decode()
    body_html = html.split('class="article-body">')[1].split("</div>")[0]
    assert "<script" not in body_html
    assert "alert('x')" not in body_html
    assert "onerror" not in html
    assert "onclick" not in html
    assert "javascript:" not in html
    assert 'href="https://example.com"' in body_html


def test_edit_of_published_article_shows_at_once(client, alice):
    article = services.article_create(actor=alice, slug="edit-me", title="旧标题", summary="摘要", body="正文")
    services.article_publish(article=article, actor=alice)
    assert "旧标题" in client.get("/portal/news/edit-me/").content.decode()
    services.article_update(article=article, actor=alice, title="新标题")
    page = client.get("/portal/news/edit-me/")
    assert "新标题" in page.content.decode()
    assert page["X-Portal-Cache"] == "miss"


def test_view_counter_counts_cached_reads(client):
    article = ArticleFactory(slug="counted")
    for _ in range(3):
        assert client.get("/portal/news/counted/").status_code == 200
    services.article_flush_views()
    article.refresh_from_db()
    assert article.views == 3


def test_view_counter_is_an_atomic_increment(monkeypatch):
    article = ArticleFactory(slug="atomic", views=10)
    monkeypatch.setattr(services, "VIEW_FLUSH_SECONDS", 0)
    # Another process counted meanwhile: the flush adds, it never overwrites.
    Article.objects.filter(pk=article.pk).update(views=15)
    services.article_register_view(article_id=article.pk)
    article.refresh_from_db()
    assert article.views == 16


def test_article_page_is_cached(client, django_assert_max_num_queries):
    ArticleFactory(slug="cached")
    assert client.get("/portal/news/cached/")["X-Portal-Cache"] == "miss"
    # A hit costs the state token (one query) and at most one view-counter flush.
    with django_assert_max_num_queries(2):
        response = client.get("/portal/news/cached/")
    assert response["X-Portal-Cache"] == "hit"
    assert "public" in response["Cache-Control"]


def test_related_articles_prefer_same_park_and_tags(client, park_a, park_b):
    subject = ArticleFactory(slug="subject", parks=[park_a])
    same_park = ArticleFactory(slug="same-park", title="同园区", parks=[park_a])
    other = ArticleFactory(slug="other-park", title="其他园区", parks=[park_b], category="policy")
    html = client.get(f"/portal/news/{subject.slug}/").content.decode()
    assert same_park.title in html
    assert other.title not in html


def _units(park):
    floor = FloorFactory(building__park=park, floor_load_kn_m2=Decimal(12), clear_height_m=Decimal("6.5"))
    return UnitFactory(floor=floor, code="A1-101"), UnitFactory(floor=floor, code="A1-102")


def test_leased_unit_disappears_from_public_listing(client, park_a):
    leased, _kept = _units(park_a)
    for url in ("/portal/space/", f"/portal/parks/{park_a.code}/"):
        html = client.get(url).content.decode()
        assert "A1-101" in html
        assert "A1-102" in html
    assert client.get(f"/portal/parks/{park_a.code}/units/A1-101/").status_code == 200
    with transaction.atomic():
        space_set_occupancy(
            space=leased, occupancy=Occupancy.LEASED, occupied_from=timezone.localdate(), occupied_until=None
        )
    for url in ("/portal/space/", f"/portal/parks/{park_a.code}/", "/portal/"):
        html = client.get(url).content.decode()
        assert "A1-101" not in html
    assert "A1-102" in client.get("/portal/space/").content.decode()
    assert client.get(f"/portal/parks/{park_a.code}/units/A1-101/").status_code == 404


def test_space_search_filters_in_shareable_url(client, park_a, park_b):
    _units(park_a)
    low = FloorFactory(building__park=park_b, floor_load_kn_m2=Decimal(5), clear_height_m=Decimal("4.5"))
    UnitFactory(floor=low, code="B-LOW")
    LandParcelFactory(park=park_b, code="D09")
    html = client.get("/portal/space/?floor_load_min=8&clear_height_min=6").content.decode()
    assert "A1-101" in html
    assert "B-LOW" not in html
    html = client.get(f"/portal/space/?park={park_b.code}").content.decode()
    assert "B-LOW" in html
    assert "A1-101" not in html
    assert "D09" in html
    html = client.get("/portal/space/?city=成都市&kind=parcel").content.decode()
    assert "D09" in html
    assert "B-LOW" not in html


def test_land_prices_read_as_money_in_each_language(client, park_b):
    LandParcelFactory(park=park_b, code="D09", price_wan_per_mu=Decimal("35.00"))
    urls = [f"/portal/space/?park={park_b.code}&kind=parcel", f"/portal/parks/{park_b.code}/parcels/D09/"]
    listing, detail = (client.get(url).content.decode() for url in urls)
    assert ("挂牌价 万元/亩" in listing, '<td class="num">35.00</td>' in listing, "35 万元/亩" in detail) == (True,) * 3
    client.cookies["django_language"] = "en"
    listing, detail = (client.get(url).content.decode() for url in urls)
    assert ("Price CNY million/mu" in listing, '<td class="num">0.35</td>' in listing) == (True, True)
    assert "CNY 350,000/mu" in detail
    for page in (listing, detail):
        assert "10k" not in page
        assert "yuan" not in page


def test_public_pages_hold_nothing_private(client, park_a, alice):

    leased, _free = _units(park_a)
    tenant = Enterprise.objects.create(name="重庆秘密生物科技有限公司", city="重庆市")
    tenant.parks.add(park_a)
    Contact.objects.create(enterprise=tenant, name="张保密", mobile="+8613800138000")
    with transaction.atomic():
        space_set_occupancy(
            space=leased, occupancy=Occupancy.LEASED, occupied_from=timezone.localdate(), occupied_until=None
        )

    reservation_create(space=_free, holder_name="重庆意向预留企业", reserved_until=timezone.localdate(), actor=alice)
    article = ArticleFactory(slug="park-news", parks=[park_a])
    pages = [
        "/portal/",
        "/portal/news/",
        f"/portal/news/{article.slug}/",
        f"/portal/parks/{park_a.code}/",
        "/portal/space/",
        "/portal/feed.xml",
        "/sitemap.xml",
    ]
    for url in pages:
        html = client.get(url).content.decode()
        for secret in ("重庆秘密生物科技", "张保密", "13800138000", "重庆意向预留企业"):
            assert secret not in html, (url, secret)


def test_sitemap_lists_published_articles_and_active_parks_only(client, park_a, park_b, alice):

    ArticleFactory(slug="public-one")
    ArticleFactory(slug="draft-two", status=ArticleStatus.DRAFT)
    ArticleFactory(slug="withdrawn", status=ArticleStatus.UNPUBLISHED)
    ArticleFactory(slug="later", publish_at=timezone.now() + datetime.timedelta(days=1))
    park_archive(park=park_b, actor=alice)
    xml = client.get("/sitemap.xml").content.decode()
    assert "/portal/news/public-one/" in xml
    for slug in ("draft-two", "withdrawn", "later"):
        assert slug not in xml
    assert f"/portal/parks/{park_a.code}/" in xml
    assert f"/portal/parks/{park_b.code}/" not in xml
    assert client.get(f"/portal/parks/{park_b.code}/").status_code == 404


def test_robots_points_to_sitemap(client):
    text = client.get("/robots.txt").content.decode()
    assert "Sitemap: http://testserver/sitemap.xml" in text
    assert "Disallow: /portal/editor/" in text


def test_feed_lists_public_articles(client):
    ArticleFactory(slug="in-feed", title="订阅文章")
    ArticleFactory(slug="not-in-feed", title="草稿订阅", status=ArticleStatus.DRAFT)
    response = client.get("/portal/feed.xml")
    assert response["Content-Type"].startswith("application/rss+xml")
    assert "订阅文章" in response.content.decode()
    assert "草稿订阅" not in response.content.decode()


def test_pages_have_seo_metadata_and_contact_block(client, park_a, alice):
    services.site_settings_update(actor=alice, hotline="023-66668888", icp_number="渝ICP备00000001号")
    article = ArticleFactory(slug="seo", title="标题SEO", summary="摘要SEO", parks=[park_a])
    html = client.get(f"/portal/news/{article.slug}/").content.decode()
    assert '<html lang="zh-CN">' in html
    assert "<title>标题SEO · " in html
    assert '<meta name="description" content="摘要SEO">' in html
    assert '<link rel="canonical" href="http://testserver/portal/news/seo/">' in html
    assert '<meta property="og:title" content="标题SEO">' in html
    assert "application/ld+json" in html
    assert "023-66668888" in html
    assert "渝ICP备00000001号" in html
    assert f"/requirement/?park={park_a.code}" in html


def test_settings_change_invalidates_cached_pages(client, alice):
    client.get("/portal/")
    services.site_settings_update(actor=alice, hotline="400-800-1234")
    assert "400-800-1234" in client.get("/portal/").content.decode()


def test_language_switch_sets_cookie_and_stays_on_site(client):
    response = client.get("/portal/lang/?language=en&next=/portal/news/")
    assert response.status_code == 302
    assert response["Location"] == "/portal/news/"
    assert response.cookies["django_language"].value == "en"
    assert client.get("/portal/lang/?language=en&next=https://evil.example/")["Location"] == "/portal/"
    html = client.get("/portal/").content.decode()
    assert '<html lang="en">' in html


def test_news_pagination_and_categories(client):
    for i in range(12):
        ArticleFactory(slug=f"n-{i}", category="policy" if i % 2 else "news")
    assert client.get("/portal/news/?page=2").status_code == 200
    assert client.get("/portal/news/?page=9").status_code == 404
    assert client.get("/portal/news/category/policy/").status_code == 200
    assert client.get("/portal/news/category/nope/").status_code == 404
