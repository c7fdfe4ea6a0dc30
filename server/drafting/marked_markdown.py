"""Markdown with changes marked: a diff or an amendment shown as formatted text, the
inserted words in ``<ins>`` and the deleted ones in ``<del>``.

Marks cannot be written as HTML into the markdown (raw HTML is switched off, and a mark
crossing ``**`` or a paragraph break would not nest). Instead each changed stretch is
wrapped in private-use sentinel characters, the whole text is rendered and sanitised
by ``markdown.py`` as any motion is, and the sanitised HTML is written out again with
the sentinels turned into tags. Every mark wraps one run of text inside one element, so
a change spanning emphasis, list items or paragraphs is closed and reopened around
each tag and the HTML stays well nested. Sentinels typed by a member are removed first,
and sentinels that end up in an attribute (a changed link address) are dropped there.
"""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser
from typing import Iterable

from server.drafting.markdown import render_markdown

INS_OPEN, INS_CLOSE, DEL_OPEN, DEL_CLOSE = "\ue000", "\ue001", "\ue002", "\ue003"
_SENTINELS = re.compile("[\ue000-\ue003]")
_OPENS = {INS_OPEN: "ins", DEL_OPEN: "del"}
_CLOSES = {INS_CLOSE: "ins", DEL_CLOSE: "del"}
_WRAP = {"insert": (INS_OPEN, INS_CLOSE), "delete": (DEL_OPEN, DEL_CLOSE)}
_VOID = frozenset({"br", "hr"})
# what may open a line before its text: indentation, quote, list and heading markers
_LINE_LEAD = re.compile(r"[ \t]*(?:(?:>[ \t]?)|(?:[-*+][ \t]+)|(?:\d{1,9}[.)][ \t]+)|(?:#{1,6}[ \t]+))*")
_LINE_BREAKS = re.compile(r"[ \t]*\n\s*")
_LEADING_SPACE = re.compile(r"\A\s*")
_TRAILING_SPACE = re.compile(r"\s*\Z")


def strip_sentinels(text: str) -> str:
    """A member's text without the characters this module uses as marks."""
    return _SENTINELS.sub("", text)


def render_marked(segments: Iterable[tuple[str, str]], structural: frozenset[str]) -> str:
    """Sanitised HTML of the text the segments spell, with inserted and deleted segments
    marked. A line break in a segment whose kind is in ``structural`` shapes the text;
    in any other segment it is shown as a marked pilcrow (so an inline diff can show a
    paragraph break that was removed without keeping it)."""
    source = _marked_source(segments, structural)
    return _MarkWriter.write(render_markdown(source))


def _marked_source(segments: Iterable[tuple[str, str]], structural: frozenset[str]) -> str:
    parts: list[str] = []
    at_line_start = True
    for kind, text in segments:
        text = strip_sentinels(text)
        if not text:
            continue
        if kind not in structural:
            text = _LINE_BREAKS.sub(" \u00b6 ", text)
        if kind in _WRAP and text.strip():
            parts.append(_wrapped(text, *_WRAP[kind], at_line_start))
        else:
            parts.append(text)
        at_line_start = parts[-1].endswith("\n")
    return "".join(parts)


def _wrapped(text: str, opening: str, closing: str, at_line_start: bool) -> str:
    """The text with its sentinels inside the markdown that makes its blocks: after any
    leading space and (at a line start) list, quote or heading markers, and before any
    trailing space, so ``- item`` or a paragraph break still means what it says."""
    lead = _LEADING_SPACE.match(text).end()
    if at_line_start or "\n" in text[:lead]:
        lead += _LINE_LEAD.match(text, lead).end() - lead
    trail = _TRAILING_SPACE.search(text).start()
    if trail <= lead:
        return text
    return f"{text[:lead]}{opening}{text[lead:trail]}{closing}{text[trail:]}"


class _MarkWriter(HTMLParser):
    """Writes sanitised HTML out again, turning sentinels in text into ``<ins>``/``<del>``
    around each run of text and dropping them from attribute values."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.active: str | None = None  # the mark the text is in
        self.written = False  # whether its tag is open in the output

    @classmethod
    def write(cls, fragment: str) -> str:
        writer = cls()
        writer.feed(fragment)
        writer.close()
        writer._end_mark()
        return "".join(writer.out)

    def _end_mark(self) -> None:
        if self.written:
            self.out.append(f"</{self.active}>")
            self.written = False

    def _follow(self, value: str) -> None:
        """Sentinels seen where no mark can be written still open and close the mark."""
        for sentinel in _SENTINELS.findall(value):
            self.active = _OPENS.get(sentinel) if sentinel in _OPENS else None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._end_mark()
        written = []
        for name, value in attrs:
            value = value or ""
            self._follow(value)
            written.append(f' {name}="{html.escape(strip_sentinels(value), quote=True)}"')
        self.out.append(f"<{tag}{''.join(written)}>")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        self._end_mark()
        if tag not in _VOID:
            self.out.append(f"</{tag}>")

    def handle_data(self, data: str) -> None:
        for piece in re.split("([\ue000-\ue003])", data):
            if piece in _OPENS:
                self._end_mark()
                self.active = _OPENS[piece]
            elif piece in _CLOSES:
                self._end_mark()
                self.active = None
            elif piece:
                if self.active and not self.written and piece.strip():
                    self.out.append(f"<{self.active}>")
                    self.written = True
                self.out.append(html.escape(piece, quote=False))
