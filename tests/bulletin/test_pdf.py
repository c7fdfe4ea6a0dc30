"""A bulletin issue assembled into one PDF, read back with pypdf."""

from __future__ import annotations

import io
import re
from datetime import date, datetime, timezone
from pathlib import Path

import pypdf
import pytest

from server.bulletin.pdf import (
    BulletinDocument,
    BulletinError,
    BulletinIssue,
    DocketEntry,
    pdf_html,
    render_bulletin_pdf,
)


def at(day: int, hour: int) -> datetime:
    return datetime(2026, 3, day, hour, 0, tzinfo=timezone.utc)


LONG_BODY = "\n\n".join(
    f"## Part {n}\n\n" + f"The branches met {n} times; ça a été décidé à l'unanimité. " * 3 for n in range(1, 13))

ISSUE = BulletinIssue(
    organisation="IS Network",
    title="Internal Bulletin 12: pre-conference",
    published_on=date(2026, 3, 9),
    documents=[
        # Given out of order: the issue must follow submission time.
        BulletinDocument("For individual elections to the NSC", ("Aisha Rahman", "Tomás Ó Briain"),
                         at(8, 16), "We propose **individual** elections, not a slate.\n\n"
                         "- term limits\n- secret ballots\n\n| seat | term |\n|---|---|\n| chair | 2 years |",
                         grouping="Renewal faction"),
        BulletinDocument("Report of the women's caucus", ("Zoë Łukasiewicz",), at(7, 9), LONG_BODY,
                         grouping="Women's caucus"),
        BulletinDocument("Солидарность: a letter from comrades abroad", ("Ελένη Παπαδοπούλου",), at(8, 10),
                         "Греция и Россия: *solidarity* across borders. Ωμέγα.\n\n> Quoted `code`"),
    ],
    docket=[
        DocketEntry("Report of the women's caucus", "Women's caucus", at(7, 9), "published"),
        DocketEntry("Солидарность: a letter from comrades abroad", "Ελένη Παπαδοπούλου", at(8, 10), "published"),
        DocketEntry("Why the faction should be expelled", "Steering committee member", at(8, 12), "refused",
                    reason="It names a complainant in a confidential case.",
                    appeal="Appealed to the NMM by the author.", appeal_outcome="Refusal upheld by 34 to 12."),
        DocketEntry("For individual elections to the NSC", "Renewal faction", at(8, 16), "published"),
        DocketEntry("Late submission", "A member", at(9, 8), "refused", reason="After the deadline of 5pm Sunday."),
    ],
)


@pytest.fixture(scope="module")
def reader() -> pypdf.PdfReader:
    return pypdf.PdfReader(io.BytesIO(render_bulletin_pdf(ISSUE)))


def page_text(reader: pypdf.PdfReader, number: int) -> str:
    """The text of a page counted from 1, as a member reads the page numbers."""
    return reader.pages[number - 1].extract_text()


def test_outline_lists_documents_in_submission_order_then_the_docket(reader: pypdf.PdfReader) -> None:
    top = [item for item in reader.outline if not isinstance(item, list)]
    assert [item.title for item in top] == [
        "1. Report of the women's caucus",
        "2. Солидарность: a letter from comrades abroad",
        "3. For individual elections to the NSC",
        "Docket of submissions, refusals and appeals",
    ]
    # The caucus report's own headings nest under its bookmark.
    nested = reader.outline[1]
    assert isinstance(nested, list) and [item.title for item in nested][:2] == ["Part 1", "Part 2"]


def test_contents_page_numbers_match_the_bookmarks(reader: pypdf.PdfReader) -> None:
    contents = page_text(reader, 2)
    assert "\nContents\n" in contents
    top = [item for item in reader.outline if not isinstance(item, list)]
    for item in top:
        page = reader.get_destination_page_number(item) + 1
        assert re.search(re.escape(item.title) + r"\s*" + str(page) + r"\b", contents), (item.title, contents)
        assert item.title.split(". ", 1)[-1] in page_text(reader, page)
    pages = [reader.get_destination_page_number(item) + 1 for item in top]
    assert pages[0] == 3 and pages == sorted(pages) and pages[1] > 3  # the long report spans pages
    assert len(reader.pages) == pages[-1]  # the docket fits on the last page
    assert f"page 2 of {len(reader.pages)}" in contents


def test_documents_carry_authors_groupings_and_unicode_text(reader: pypdf.PdfReader) -> None:
    text = "\n".join(page.extract_text() for page in reader.pages)
    assert "By Zoë Łukasiewicz (Women's caucus). Submitted 7 March 2026 at 09:00." in text
    assert "By Aisha Rahman, Tomás Ó Briain (Renewal faction). Submitted 8 March 2026 at 16:00." in text
    assert "Греция и Россия" in text and "Ωμέγα" in text
    assert "ça a été décidé à l'unanimité" in text
    assert "seat | term\nchair | 2 years" in text
    assert "term limits" in text


def test_docket_shows_every_submission_refusal_reason_and_appeal(reader: pypdf.PdfReader) -> None:
    docket = page_text(reader, len(reader.pages))
    assert docket.index("1. Report of the women's caucus") < docket.index("3. Why the faction should be expelled") \
        < docket.index("5. Late submission")
    assert "Reason for refusal: It names a complainant in a confidential case." in docket
    assert "Appeal: Appealed to the NMM by the author." in docket
    assert "Appeal outcome: Refusal upheld by 34 to 12." in docket
    assert "Reason for refusal: After the deadline of 5pm Sunday." in docket
    cover = " ".join(page_text(reader, 1).split())
    assert "3 documents" in cover and "5 submissions in the docket, 2 refused" in cover


def test_metadata(reader: pypdf.PdfReader) -> None:
    assert reader.metadata.title == "IS Network: Internal Bulletin 12: pre-conference"
    assert reader.metadata.author == "IS Network"


def test_many_documents_make_the_contents_span_pages() -> None:
    documents = [BulletinDocument(f"Motion {n} on the conduct of the national members' meeting and its "
                                  "standing orders, with amendments", ("A Member",), at(1, 0).replace(minute=n % 60,
                                                                                                    hour=n // 60),
                                  f"Text of motion {n}.") for n in range(70)]
    reader = pypdf.PdfReader(io.BytesIO(render_bulletin_pdf(
        BulletinIssue("IS Network", "Motions", date(2026, 3, 2), documents, []))))
    top = [item for item in reader.outline if not isinstance(item, list)]
    assert len(top) == 71
    first_document_page = reader.get_destination_page_number(top[0]) + 1
    assert first_document_page > 3  # cover, then more than one contents page
    contents = "\n".join(page_text(reader, number) for number in range(2, first_document_page))
    last = top[-2]
    assert re.search(r"amendments\s*" + str(reader.get_destination_page_number(last) + 1), contents)
    assert "No submissions." in page_text(reader, len(reader.pages))


def test_an_issue_with_no_documents_is_cover_contents_and_docket() -> None:
    issue = BulletinIssue("IS Network", "Nothing this week", date(2026, 3, 2), [], ISSUE.docket[-1:])
    reader = pypdf.PdfReader(io.BytesIO(render_bulletin_pdf(issue)))
    assert len(reader.pages) == 3
    assert "Late submission" in page_text(reader, 3)


def test_refusal_without_reason_and_missing_fonts_are_errors(tmp_path: Path) -> None:
    unexplained = BulletinIssue("IS Network", "B", date(2026, 3, 9), [],
                                [DocketEntry("Something", "A member", at(8, 9), "refused", reason="  ")])
    with pytest.raises(BulletinError, match="docket entry 1 \\('Something'\\) is refused without a written reason"):
        render_bulletin_pdf(unexplained)
    with pytest.raises(BulletinError, match="install the Debian packages fonts-dejavu-core fonts-dejavu-extra"):
        render_bulletin_pdf(ISSUE, font_dir=tmp_path)


def test_markdown_is_sanitised_before_layout() -> None:
    html = pdf_html("### Title\n\n##### Sub\n\n<script>alert(1)</script>\n\n[x](javascript:alert(1)) "
                    "[ok](https://example.org)\n\n~~gone~~ kept")
    assert "<h2>Title</h2>" in html and "<h3>Sub</h3>" in html
    assert "&lt;script&gt;" in html and "<script" not in html  # shown as text, never run
    assert 'href="javascript' not in html
    assert '<a href="https://example.org">ok</a>' in html
    assert "gone" in html and "<del>" not in html
