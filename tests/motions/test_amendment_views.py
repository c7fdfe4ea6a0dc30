"""What the motion page shows of each amendment: its change in context and conflicts,
against the text it is given (the excerpts are kept between requests)."""

from __future__ import annotations

from html.parser import HTMLParser

from server.db.models import Amendment, MotionVersion
from server.drafting.diff import diff_words, render_inline, render_side_by_side
from server.drafting.marked_markdown import render_marked
from server.services.amendment_text import TextOperation, marked_up
from server.services.amendments import describe

MOTION = ("**This conference notes:**\n\nRents rose by 9% this year.\n\n**This conference resolves:**\n\n"
          "1. To fund the *renters' union* with 500 pounds.\n2. To campaign for rent controls.\n")


class Nesting(HTMLParser):
    """Fails on an end tag that does not close the element opened last (crossing marks)."""

    VOID = {"br", "hr"}

    def __init__(self) -> None:
        super().__init__()
        self.open: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag not in self.VOID:
            self.open.append(tag)

    def handle_endtag(self, tag):
        assert self.open and self.open[-1] == tag, f"</{tag}> closes {self.open}"
        self.open.pop()


def well_nested(fragment: str) -> bool:
    checker = Nesting()
    checker.feed(fragment)
    checker.close()
    return not checker.open


def amendment(number: int, operation: str, passage: str, replacement: str = "") -> Amendment:
    return Amendment(id=number, number=number, operation=operation, passage=passage, occurrence=1,
                     replacement=replacement, after_clause=None, state="admitted")


def test_kept_excerpts_follow_the_text_not_the_row_id():
    one = MotionVersion(id=1, number=1, text="We resolve to fund the union.\n")
    other = MotionVersion(id=1, number=1, text="We resolve to fund the campaign and the union.\n")
    change = [amendment(1, "replace", "the union", "the renters' union")]
    first, second = describe(one, change)[0], describe(other, change)[0]
    assert "fund <del>the union</del><ins>the renters' union</ins>" in first.excerpt_html
    assert "campaign and <del>the union</del>" in second.excerpt_html
    assert describe(one, change)[0].excerpt_html == first.excerpt_html


def test_conflicts_and_problems_are_reported_per_amendment():
    version = MotionVersion(id=7, number=3, text="We resolve to fund the union and the campaign.\n")
    views = describe(version, [amendment(1, "delete", "fund the union"), amendment(2, "replace", "the union", "x"),
                               amendment(3, "delete", "not here")])
    assert [v.conflicts_with for v in views] == [[2], [1], []]
    assert "both change the words" in views[0].conflicts[0][1]
    assert views[2].excerpt_html == "" and "are not in version 3 of the motion" in views[2].problem


def test_the_marked_motion_is_formatted_markdown():
    shown = marked_up(1, MOTION, TextOperation("replace", "500 pounds", 1, "**800** pounds"))
    assert "**" not in shown and "<strong>This conference notes:</strong>" in shown
    assert "<li>To fund the <em>renters' union</em> with <del>500 pounds</del><strong><ins>800</ins></strong>" in shown
    assert well_nested(shown)
    excerpt = marked_up(1, MOTION, TextOperation("delete", "conference resolves:"), context=10)
    assert excerpt.count("<p>") == 1 and "<strong>This <del>conference resolves:</del></strong>" in excerpt
    assert "**" not in excerpt and "\u2026" not in excerpt  # the whole heading line, not "… resolves:**"
    clause = marked_up(1, MOTION, TextOperation("add_clause", replacement="To report back."), context=80)
    assert "<li><ins>To report back.</ins></li>" in clause


def test_a_mark_across_emphasis_and_paragraphs_is_closed_and_reopened():
    old = "Keep *this part and* that.\n\nAnd this paragraph.\n"
    new = "Keep.\n"
    inline = render_inline(diff_words(old, new), render_marked)
    side = render_side_by_side(diff_words(old, new), write=render_marked)
    for shown in (inline, side):
        assert well_nested(shown) and "*" not in shown
    assert "<em><del>this part and</del></em>" in side


def test_sentinels_and_markup_typed_by_members_stay_inert():
    typed = "a \ue000<script>alert(1)</script>\ue001 [x](javascript:alert(2)) [y](http://e.test/\ue002z)"
    shown = render_marked([("equal", typed), ("insert", " <img src=x onerror=alert(3)>")], frozenset({"equal"}))
    assert "<script" not in shown and "<img" not in shown and 'href="javascript' not in shown
    assert "\ue000" not in shown and "\ue002" not in shown and shown.count("<ins>") == 1
    assert 'href="http://e.test/z"' in shown and well_nested(shown)
