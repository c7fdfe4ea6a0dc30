"""Members' markdown (motions, supporting arguments, thread posts) turned into safe HTML.

Two layers, because either alone has failed somewhere before: markdown-it-py renders
CommonMark with raw HTML switched off (so ``<script>`` in a motion is shown as text),
then nh3 (the Rust ``ammonia`` sanitiser) keeps only the tags and attributes listed
here, drops every URL whose scheme is not http, https or mailto, and gives each link
``rel="nofollow noopener"``. Images are not allowed: a remote image in a motion would
tell its host who read the motion and when.
"""

from __future__ import annotations

import html

import nh3
from markdown_it import MarkdownIt

ALLOWED_TAGS = frozenset({
    "p", "br", "hr", "blockquote", "pre", "code",
    "h1", "h2", "h3", "h4", "h5", "h6",
    "ul", "ol", "li",
    "strong", "em", "s", "del", "ins", "sub", "sup",
    "a",
    "table", "thead", "tbody", "tr", "th", "td",
})
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "ol": {"start"},
    "th": {"style"},  # markdown-it writes table column alignment as text-align
    "td": {"style"},
}
ALLOWED_URL_SCHEMES = frozenset({"http", "https", "mailto"})
LINK_REL = "nofollow noopener"
# Only text-align survives in the style attribute (nh3 filters properties one by one).
ALLOWED_CSS_PROPERTIES = frozenset({"text-align"})

_renderer = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
_renderer.enable(["table", "strikethrough"])


def render_markdown(source: str) -> str:
    """Sanitised HTML for a member's markdown; safe to place unescaped in a page."""
    return sanitise_html(_renderer.render(source))


def sanitise_html(fragment: str) -> str:
    """Keep only the allowed tags, attributes and URL schemes of an HTML fragment."""
    return nh3.clean(
        fragment,
        tags=set(ALLOWED_TAGS),
        attributes={tag: set(names) for tag, names in ALLOWED_ATTRIBUTES.items()},
        url_schemes=set(ALLOWED_URL_SCHEMES),
        link_rel=LINK_REL,
        strip_comments=True,
        filter_style_properties=set(ALLOWED_CSS_PROPERTIES),
    )


def render_plain(text: str) -> str:
    """A one-line text (a title, a name) as escaped HTML: markdown is not interpreted."""
    return html.escape(text, quote=True)
