"""Markdown → HTML → allow-list sanitising, for article bodies.

Editors write Markdown and may mix in a little HTML; whatever they type, only the tags and
attributes below survive (nh3, the Rust `ammonia` sanitiser). `<script>`/`<style>` are dropped with
their content, event-handler attributes and `javascript:` URLs never pass, links get
`rel="noopener noreferrer"`. The result is stored in `Article.body_html` by the services.
"""

from __future__ import annotations

from typing import Final

import markdown
import nh3

ALLOWED_TAGS: Final = frozenset(
    {
        "p", "br", "hr", "h2", "h3", "h4", "h5", "h6", "strong", "em", "b", "i", "u", "s", "sub", "sup",
        "blockquote", "ul", "ol", "li", "dl", "dt", "dd", "a", "img", "figure", "figcaption",
        "table", "thead", "tbody", "tr", "th", "td", "caption", "code", "pre", "abbr", "span",
    }
)  # fmt: skip
ALLOWED_ATTRIBUTES: Final = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title", "width", "height"},
    "th": {"colspan", "rowspan", "scope"},
    "td": {"colspan", "rowspan"},
    "abbr": {"title"},
}
URL_SCHEMES: Final = frozenset({"http", "https", "mailto", "tel"})
MARKDOWN_EXTENSIONS: Final = ["extra", "sane_lists"]


def sanitise_html(html: str) -> str:
    """Keep only the allow-listed markup; everything else is removed (scripts with their content)."""
    return nh3.clean(
        html,
        tags=set(ALLOWED_TAGS),
        attributes={tag: set(attrs) for tag, attrs in ALLOWED_ATTRIBUTES.items()},
        url_schemes=set(URL_SCHEMES),
        link_rel="noopener noreferrer",
        strip_comments=True,
    )


def render_markdown(text: str) -> str:
    """An article body as safe HTML. H1 is reserved for the page title, so `#` headings become h2."""
    html = markdown.markdown(text or "", extensions=MARKDOWN_EXTENSIONS, output_format="html")
    html = html.replace("<h1", "<h2").replace("</h1>", "</h2>")
    return sanitise_html(html)
