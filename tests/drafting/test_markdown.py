"""Members' markdown becomes HTML in which no payload can run script or load anything."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest

from server.drafting.diff import diff_words, render_inline, render_side_by_side
from server.drafting.markdown import render_markdown, render_plain

# Classic payloads, as a member could type them into a title, a motion or a post.
XSS_PAYLOADS = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=https://evil.example/x.js></SCRIPT>",
    "<img src=x onerror=alert(1)>",
    "<svg onload=alert(1)>",
    "<svg><script>alert(1)</script></svg>",
    "<body onload=alert(1)>",
    "<iframe src=\"javascript:alert(1)\"></iframe>",
    "<a href=\"javascript:alert(1)\">click</a>",
    "<a href=\"JaVaScRiPt:alert(1)\">click</a>",
    "<a href=\"jav&#x09;ascript:alert(1)\">click</a>",
    "[click](javascript:alert(1))",
    "[click](JAVASCRIPT:alert(1))",
    "[click](vbscript:msgbox(1))",
    "[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "![x](javascript:alert(1))",
    "![x](https://tracker.example/pixel.gif)",
    "<style>body{display:none}</style>",
    "<div style=\"background:url(javascript:alert(1))\">x</div>",
    "<input autofocus onfocus=alert(1)>",
    "<details open ontoggle=alert(1)>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    "<object data=\"javascript:alert(1)\"></object>",
    "<embed src=\"javascript:alert(1)\">",
    "<form action=\"javascript:alert(1)\"><button>x</button></form>",
    "<meta http-equiv=\"refresh\" content=\"0;url=javascript:alert(1)\">",
    "<base href=\"https://evil.example/\">",
    "<link rel=stylesheet href=https://evil.example/x.css>",
    "\"><script>alert(1)</script>",
    "'><img src=x onerror=alert(1)>",
    "<!--<script>alert(1)</script>-->",
    "<a href=\"https://ok.example\" onclick=\"alert(1)\">ok</a>",
    "[ok](https://ok.example \"title\\\" onmouseover=\\\"alert(1)\")",
    "`<script>alert(1)</script>`",
    "```\n<script>alert(1)</script>\n```",
    "<scr<script>ipt>alert(1)</script>",
]

_SAFE_TAGS = {
    "p", "br", "hr", "blockquote", "pre", "code", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "li",
    "strong", "em", "s", "del", "ins", "sub", "sup", "a", "table", "thead", "tbody", "tr", "th", "td", "div",
}
_SAFE_ATTRIBUTES = {"href", "title", "rel", "start", "style", "class", "data-amendment"}


class _ElementsSeen(HTMLParser):
    """Every element and attribute a browser would build from a fragment."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, list[tuple[str, str | None]]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append((tag, attrs))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append((tag, attrs))

    def handle_comment(self, data: str) -> None:
        self.elements.append(("!--", []))


def assert_inert(fragment: str) -> None:
    """Only harmless elements; no event handler; no URL but http(s), mailto or relative."""
    seen = _ElementsSeen()
    seen.feed(fragment)
    seen.close()
    for tag, attributes in seen.elements:
        assert tag in _SAFE_TAGS, f"<{tag}> survives in {fragment!r}"
        for name, value in attributes:
            assert name in _SAFE_ATTRIBUTES, f"{name}= on <{tag}> survives in {fragment!r}"
            value = "".join((value or "").split()).lower()
            if name == "href":
                assert re.match(r"(https?:|mailto:|[/#?]|[^:]*$)", value), f"href {value!r} survives"
            if name == "style":
                assert re.fullmatch(r"text-align:(left|right|center)", value), f"style {value!r} survives"


@pytest.mark.parametrize("payload", XSS_PAYLOADS)
def test_payload_in_a_motion_or_post_body_is_inert(payload: str) -> None:
    assert_inert(render_markdown(payload))
    assert_inert(render_markdown(f"This conference notes {payload} and resolves:\n\n1. {payload}\n\n> {payload}"))


@pytest.mark.parametrize("payload", XSS_PAYLOADS)
def test_payload_in_a_title_is_escaped_text(payload: str) -> None:
    shown = render_plain(payload)
    assert "<" not in shown and ">" not in shown and '"' not in shown
    assert_inert(shown)


@pytest.mark.parametrize("payload", XSS_PAYLOADS)
def test_payload_in_a_diff_or_amendment_is_escaped(payload: str) -> None:
    ops = diff_words("The motion says nothing.", f"The motion says {payload} nothing.")
    for fragment in (render_inline(ops), render_side_by_side(ops, payload, payload)):
        assert_inert(fragment)
        assert "<script" not in fragment.lower()


def test_script_typed_as_text_is_shown_as_text() -> None:
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in render_markdown("<script>alert(1)</script>")


def test_links_keep_their_address_and_get_nofollow_noopener() -> None:
    shown = render_markdown("See [the rulebook](https://union.example/rules?a=1&b=2).")
    assert 'href="https://union.example/rules?a=1&amp;b=2"' in shown
    assert 'rel="nofollow noopener"' in shown


def test_ordinary_motion_formatting_survives() -> None:
    shown = render_markdown(
        "# Motion\n\nThis branch **notes** the *ballot*.\n\nThis branch resolves:\n\n"
        "1. To campaign.\n2. To ~~wait~~ act.\n\n> quoted\n\n| a | b |\n|---|--:|\n| 1 | 2 |\n"
    )
    for tag in ("<h1>", "<strong>", "<em>", "<ol>", "<li>", "<s>", "<blockquote>", "<table>", "<td"):
        assert tag in shown
    assert 'style="text-align:right"' in shown


def test_images_are_dropped_so_no_remote_fetch_reveals_readers() -> None:
    assert "<img" not in render_markdown("![logo](https://tracker.example/pixel.gif)")


@pytest.mark.parametrize("raw", ["<img src=x onerror=alert(1)>", "<a href=\"javascript:alert(1)\">x</a>",
                                 "<script>alert(1)</script>", "<p onclick=alert(1)>x</p>"])
def test_the_inertness_check_itself_rejects_raw_payloads(raw: str) -> None:
    with pytest.raises(AssertionError):
        assert_inert(raw)
