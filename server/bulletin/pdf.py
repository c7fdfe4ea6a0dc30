"""One issue of the internal bulletin as a single PDF: cover, contents, documents, docket.

Issue 7: documents appear in submission order, each with its authors and grouping; the
docket lists every submission, every refusal with its written reason, and every appeal, so
members can see what was submitted, what was refused and why. The contents page gives each
document's page number and the PDF carries the same entries as bookmarks (its outline).

Library: fpdf2 (pure Python, from PyPI, no system libraries; embeds TrueType subsets and
writes outlines, internal links and a contents placeholder). Text is set in DejaVu Sans,
which covers Latin with accents, Greek, Cyrillic and more; the fonts come from Debian's
``fonts-dejavu-core`` and ``fonts-dejavu-extra`` packages (or ``PLENARY_PDF_FONT_DIR``).

Document bodies are members' markdown, rendered and sanitised by server/drafting/markdown.py
(the same HTML members see on the web page), then narrowed to the tags fpdf2 can lay out.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Literal, Sequence
from zoneinfo import ZoneInfo

import nh3
from fpdf import FPDF, FontFace, TextStyle
from fpdf.outline import OutlineSection

from server.dates import day_month_year
from server.drafting.markdown import render_markdown

DEFAULT_FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
#: (family, style) -> file; Oblique faces are in fonts-dejavu-extra, the rest in fonts-dejavu-core
FONT_FILES = {
    ("DejaVu", ""): "DejaVuSans.ttf",
    ("DejaVu", "B"): "DejaVuSans-Bold.ttf",
    ("DejaVu", "I"): "DejaVuSans-Oblique.ttf",
    ("DejaVu", "BI"): "DejaVuSans-BoldOblique.ttf",
    ("DejaVuMono", ""): "DejaVuSansMono.ttf",
    ("DejaVuMono", "B"): "DejaVuSansMono-Bold.ttf",
}
FONT_PACKAGES = "fonts-dejavu-core fonts-dejavu-extra"

#: tags fpdf2's HTML layout handles; tables become lines of cells joined by " | "
PDF_TAGS = {"p", "br", "hr", "blockquote", "pre", "code", "h1", "h2", "h3", "h4", "h5", "h6",
            "ul", "ol", "li", "b", "strong", "i", "em", "u", "sub", "sup", "a"}

Decision = Literal["published", "refused", "withdrawn"]
DOCKET_TITLE = "Docket of submissions, refusals and appeals"


class BulletinError(ValueError):
    """An issue that cannot be assembled as given, with the reason in words."""


@dataclass(frozen=True)
class BulletinDocument:
    title: str
    authors: tuple[str, ...]
    submitted_at: datetime
    body_markdown: str
    #: the faction, platform, caucus or body it is submitted for; None for members writing as themselves
    grouping: str | None = None


@dataclass(frozen=True)
class DocketEntry:
    """One submission and what became of it: published, refused (with the reason) or withdrawn."""

    title: str
    submitted_by: str
    submitted_at: datetime
    decision: Decision
    reason: str | None = None
    appeal: str | None = None
    appeal_outcome: str | None = None
    #: the editor who refused it and when, so the docket says who took the decision
    decided_by: str | None = None
    decided_at: datetime | None = None


@dataclass(frozen=True)
class BulletinIssue:
    organisation: str
    title: str
    published_on: date
    documents: Sequence[BulletinDocument]
    docket: Sequence[DocketEntry]
    time_zone: str = "Europe/London"
    editors: str = "the Conference Arrangements Committee"


@dataclass(frozen=True)
class _ContentsLayout:
    """The contents pages' geometry, shared by the page count and the drawing so they agree."""

    line_height: float = 6.0
    number_width: float = 14.0
    heading_height: float = 14.0
    entry_gap: float = 1.5


def render_bulletin_pdf(issue: BulletinIssue, font_dir: Path | None = None) -> bytes:
    """The whole issue as PDF bytes; documents and docket in submission order."""
    _check(issue)
    documents = sorted(issue.documents, key=lambda document: document.submitted_at)
    docket = sorted(issue.docket, key=lambda entry: entry.submitted_at)
    zone = ZoneInfo(issue.time_zone)
    pdf = _BulletinPDF(f"{issue.organisation}: {issue.title}")
    _load_fonts(pdf, font_dir or Path(os.environ.get("PLENARY_PDF_FONT_DIR", DEFAULT_FONT_DIR)))
    pdf.set_title(f"{issue.organisation}: {issue.title}")
    pdf.set_author(issue.organisation)
    pdf.set_creator("Plenary")
    pdf.set_lang("en")

    pdf.add_page()
    _cover(pdf, issue, documents, docket)

    sections = [(_entry_name(number, document),
                 lambda name, document=document: _document(pdf, name, document, zone))
                for number, document in enumerate(documents, start=1)]
    sections.append((DOCKET_TITLE, lambda name: _docket(pdf, name, issue, docket, zone)))
    layout = _ContentsLayout()
    pdf.add_page()
    pages = _contents_lines(pdf, layout, [name for name, _ in sections])[-1].page + 1
    # The placeholder breaks to a fresh page, on which the first section starts.
    pdf.insert_toc_placeholder(lambda target, outline: _draw_contents(target, outline, layout),
                               pages=pages, reset_page_indices=False)
    for number, (name, draw) in enumerate(sections):
        if number:
            pdf.add_page()
        pdf.start_section(name, level=0)
        draw(name)
    return bytes(pdf.output())


class _BulletinPDF(FPDF):
    def __init__(self, running_title: str) -> None:
        super().__init__(format="A4")
        self.running_title = running_title
        self.set_margins(20, 18, 20)
        self.set_auto_page_break(True, margin=20)

    def footer(self) -> None:
        self.set_y(-14)
        self.set_font("DejaVu", "", 8)
        self.set_text_color(90)
        self.cell(0, 5, f"{self.running_title} · page {self.page_no()} of {{nb}}", align="C")
        self.set_text_color(0)


def _check(issue: BulletinIssue) -> None:
    for number, entry in enumerate(issue.docket, start=1):
        if entry.decision not in ("published", "refused", "withdrawn"):
            raise BulletinError(f"docket entry {number} ({entry.title!r}): unknown decision {entry.decision!r}")
        if entry.decision == "refused" and not (entry.reason or "").strip():
            # Issue 7: editors may refuse a document only with a written reason, published in the docket.
            raise BulletinError(f"docket entry {number} ({entry.title!r}) is refused without a written reason")
        if entry.appeal_outcome and not entry.appeal:
            raise BulletinError(f"docket entry {number} ({entry.title!r}) has an appeal outcome but no appeal")
        if entry.submitted_at.tzinfo is None:
            raise BulletinError(f"docket entry {number} ({entry.title!r}): submission time has no time zone")
        if entry.decided_at is not None and entry.decided_at.tzinfo is None:
            raise BulletinError(f"docket entry {number} ({entry.title!r}): decision time has no time zone")
    for number, document in enumerate(issue.documents, start=1):
        if not document.title.strip():
            raise BulletinError(f"document {number} has no title")
        if not document.authors:
            raise BulletinError(f"document {number} ({document.title!r}) names no author")
        if document.submitted_at.tzinfo is None:
            raise BulletinError(f"document {number} ({document.title!r}): submission time has no time zone")


def _load_fonts(pdf: FPDF, font_dir: Path) -> None:
    missing = [name for name in FONT_FILES.values() if not (font_dir / name).is_file()]
    if missing:
        raise BulletinError(f"fonts missing from {font_dir}: {', '.join(missing)}; install the Debian "
                            f"packages {FONT_PACKAGES} or set PLENARY_PDF_FONT_DIR")
    for (family, style), name in FONT_FILES.items():
        pdf.add_font(family, style, str(font_dir / name))


def _entry_name(number: int, document: BulletinDocument) -> str:
    return f"{number}. {document.title}"


def _byline(document: BulletinDocument) -> str:
    authors = ", ".join(document.authors)
    return f"{authors} ({document.grouping})" if document.grouping else authors


def _when(moment: datetime, zone: ZoneInfo) -> str:
    """``9 March 2026 at 14:05``, in the organisation's time zone (the cover names the zone)."""
    local = moment.astimezone(zone)
    return f"{day_month_year(local.date())} at {local:%H:%M}"


def local_moment(moment: datetime, time_zone: str) -> str:
    """A stored UTC moment as the pages show it: ``9 March 2026 at 14:05 GMT``, the same local
    time as the PDF, with the zone's abbreviation."""
    return f"{_when(moment, ZoneInfo(time_zone))} {moment.astimezone(ZoneInfo(time_zone)):%Z}"


def _cover(pdf: FPDF, issue: BulletinIssue, documents: list[BulletinDocument],
           docket: list[DocketEntry]) -> None:
    pdf.set_y(60)
    pdf.set_font("DejaVu", "", 14)
    pdf.multi_cell(0, 8, issue.organisation, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    pdf.set_font("DejaVu", "B", 24)
    pdf.multi_cell(0, 12, issue.title, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    pdf.set_font("DejaVu", "", 13)
    pdf.multi_cell(0, 8, day_month_year(issue.published_on), align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(16)
    refused = sum(entry.decision == "refused" for entry in docket)
    pdf.set_font("DejaVu", "", 11)
    summary = (f"{len(documents)} document{'s' if len(documents) != 1 else ''}, in the order they were "
               f"submitted. {len(docket)} submission{'s' if len(docket) != 1 else ''} in the docket, "
               f"{refused} refused; every refusal is printed there with the reason {issue.editors} gave. "
               f"Times are {issue.time_zone} time.")
    pdf.multi_cell(0, 6, summary, align="C", new_x="LMARGIN", new_y="NEXT")


@dataclass(frozen=True)
class _ContentsLine:
    page: int  # counted from the first contents page
    y: float
    text: str
    entry: int
    last: bool  # an entry's last line carries its page number


def _contents_lines(pdf: FPDF, layout: _ContentsLayout, names: Sequence[str]) -> list[_ContentsLine]:
    """Where each line of the contents goes, breaking pages line by line."""
    pdf.set_font("DejaVu", "", 11)
    width = pdf.epw - layout.number_width
    page, y = 0, pdf.t_margin + layout.heading_height
    placed = []
    for entry, name in enumerate(names):
        lines = pdf.multi_cell(width, layout.line_height, name, dry_run=True, output="LINES")
        for number, text in enumerate(lines):
            if y + layout.line_height > pdf.page_break_trigger:
                page, y = page + 1, pdf.t_margin
            placed.append(_ContentsLine(page, y, text, entry, number == len(lines) - 1))
            y += layout.line_height
        y += layout.entry_gap
    return placed


def _draw_contents(pdf: FPDF, outline: list[OutlineSection], layout: _ContentsLayout) -> None:
    """fpdf2 calls this once every page exists, so the page numbers are known."""
    sections = [section for section in outline if section.level == 0]
    pdf.set_font("DejaVu", "B", 16)
    pdf.set_xy(pdf.l_margin, pdf.t_margin)
    pdf.cell(0, 10, "Contents")
    current_page = 0
    for line in _contents_lines(pdf, layout, [section.name for section in sections]):
        while current_page < line.page:
            pdf.add_page()
            current_page += 1
        target = sections[line.entry].page_number
        link = pdf.add_link(page=target)
        pdf.set_font("DejaVu", "", 11)
        pdf.set_xy(pdf.l_margin, line.y)
        pdf.cell(pdf.epw - layout.number_width, layout.line_height, line.text, link=link)
        if line.last:
            pdf.cell(layout.number_width, layout.line_height, str(target), align="R", link=link)


def _document(pdf: FPDF, name: str, document: BulletinDocument, zone: ZoneInfo) -> None:
    pdf.set_font("DejaVu", "B", 16)
    pdf.multi_cell(0, 8, name, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("DejaVu", "", 10)
    pdf.set_text_color(70)
    pdf.multi_cell(0, 5, f"By {_byline(document)}. Submitted {_when(document.submitted_at, zone)}.",
                   new_x="LMARGIN", new_y="NEXT")
    pdf.set_text_color(0)
    pdf.ln(4)
    pdf.set_font("DejaVu", "", 11)
    pdf.write_html(pdf_html(document.body_markdown), tag_styles=_TAG_STYLES)


def _docket(pdf: FPDF, name: str, issue: BulletinIssue, docket: list[DocketEntry], zone: ZoneInfo) -> None:
    pdf.set_font("DejaVu", "B", 16)
    pdf.multi_cell(0, 8, name, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("DejaVu", "", 10)
    pdf.multi_cell(0, 5, f"Every submission to this issue, in the order received, and what {issue.editors} "
                   "decided. A document may be refused only with a written reason, printed here.",
                   new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    if not docket:
        pdf.multi_cell(0, 6, "No submissions.", new_x="LMARGIN", new_y="NEXT")
    for number, entry in enumerate(docket, start=1):
        pdf.set_font("DejaVu", "B", 11)
        pdf.multi_cell(0, 6, f"{number}. {entry.title}", new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("DejaVu", "", 10)
        lines = [f"Submitted by {entry.submitted_by}, {_when(entry.submitted_at, zone)}.",
                 f"Decision: {entry.decision}."]
        if entry.decision == "refused":
            if entry.decided_by:
                when = f", {_when(entry.decided_at, zone)}" if entry.decided_at else ""
                lines.append(f"Refused by {entry.decided_by}{when}.")
            lines.append(f"Reason for refusal: {entry.reason}")
        if entry.appeal:
            lines.append(f"Appeal: {entry.appeal}")
            lines.append(f"Appeal outcome: {entry.appeal_outcome or 'pending'}")
        for line in lines:
            pdf.set_x(pdf.l_margin + 6)
            pdf.multi_cell(pdf.epw - 6, 5, line, new_x="LMARGIN", new_y="NEXT")
        pdf.ln(3)


_TAG_STYLES = {
    "h1": TextStyle(font_family="DejaVu", font_style="B", font_size_pt=14, t_margin=4, b_margin=2),
    "h2": TextStyle(font_family="DejaVu", font_style="B", font_size_pt=13, t_margin=4, b_margin=2),
    "h3": TextStyle(font_family="DejaVu", font_style="B", font_size_pt=12, t_margin=3, b_margin=1),
    "h4": TextStyle(font_family="DejaVu", font_style="B", font_size_pt=11, t_margin=3, b_margin=1),
    "h5": TextStyle(font_family="DejaVu", font_style="B", font_size_pt=11, t_margin=2, b_margin=1),
    "h6": TextStyle(font_family="DejaVu", font_style="B", font_size_pt=11, t_margin=2, b_margin=1),
    "code": FontFace(family="DejaVuMono"),
    "pre": TextStyle(font_family="DejaVuMono", font_size_pt=9, t_margin=2, b_margin=2),
}


def pdf_html(markdown_source: str) -> str:
    """A member's markdown as the HTML fpdf2 lays out: sanitised first, then narrowed.

    Headings are renumbered from ``h2`` by rank (a document using ``##`` and ``####`` gets
    ``h2`` and ``h3``): fpdf2 puts each heading in the outline at its level minus one, so a
    document's own headings nest under the document's bookmark, without gaps in the levels
    that would drop them, instead of standing beside it in the contents. Table rows become lines with
    cells joined by `` | `` (fpdf2 cannot set formatted text inside table cells);
    struck-through text keeps its words.
    """
    html = render_markdown(markdown_source)
    ranks = {level: rank for rank, level in enumerate(sorted(set(re.findall(r"<h([1-6])\b", html))), start=2)}
    html = re.sub(r"<(/?)h([1-6])\b", lambda m: f"<{m[1]}h{min(ranks[m[2]], 6)}", html)
    # Rows become paragraphs before the HTML is parsed again: a parser moves anything that
    # is not a cell out of a table ("foster parenting"), so the table tags go first.
    html = re.sub(r"</?(?:table|thead|tbody)[^>]*>", "", html)
    html = re.sub(r"</t[dh]>\s*<t[dh][^>]*>", " | ", html)
    html = re.sub(r"<tr[^>]*>\s*<t[dh][^>]*>", "<p>", html)
    html = re.sub(r"</t[dh]>\s*</tr>", "</p>", html)
    return nh3.clean(html, tags=PDF_TAGS, attributes={"a": {"href"}, "ol": {"start"}},
                     url_schemes={"http", "https", "mailto"}, link_rel=None, strip_comments=True)

