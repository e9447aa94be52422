"""The RSS feed carries article text as text: feed readers render `<description>` as HTML.

Ref: #13 (hole 8): a summary with markup was stored XSS for every feed reader.
"""

import xml.etree.ElementTree as ET

import pytest

from parkos.portal.tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db

PAYLOAD = '<script>alert(1)</script><img src=x onerror="alert(2)">'


def test_feed_text_is_escaped_for_readers(client):
    ArticleFactory(slug="xss", title=f"标题{PAYLOAD}", summary=f"摘要{PAYLOAD}", author_name=f"作者{PAYLOAD}")
    response = client.get("/portal/feed.xml")
    assert response.status_code == 200
    item = ET.fromstring(response.content).find("channel/item")  # noqa: S314 - our own feed
    assert item is not None
    # What a reader gets after XML parsing is what it renders as HTML: no live markup may survive.
    for tag in ("description", "title"):
        text = item.findtext(tag) or ""
        assert "<script" not in text, (tag, text)
        assert "<img" not in text, (tag, text)
        assert "&lt;script&gt;" in text, (tag, text)
