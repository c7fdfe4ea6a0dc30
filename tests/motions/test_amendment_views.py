"""What the motion page shows of each amendment: its change in context and conflicts,
against the text it is given (the excerpts are kept between requests)."""

from __future__ import annotations

from server.db.models import Amendment, MotionVersion
from server.services.amendments import describe


def amendment(number: int, operation: str, passage: str, replacement: str = "") -> Amendment:
    return Amendment(id=number, number=number, operation=operation, passage=passage, occurrence=1,
                     replacement=replacement, after_clause=None, state="admitted")


def test_kept_excerpts_follow_the_text_not_the_row_id():
    one = MotionVersion(id=1, number=1, text="We resolve to fund the union.\n")
    other = MotionVersion(id=1, number=1, text="We resolve to fund the campaign and the union.\n")
    change = [amendment(1, "replace", "the union", "the renters' union")]
    first, second = describe(one, change)[0], describe(other, change)[0]
    assert "fund <del>the union</del><ins>the renters&#x27; union</ins>" in first.excerpt_html
    assert "campaign and <del>the union</del>" in second.excerpt_html
    assert describe(one, change)[0].excerpt_html == first.excerpt_html


def test_conflicts_and_problems_are_reported_per_amendment():
    version = MotionVersion(id=7, number=3, text="We resolve to fund the union and the campaign.\n")
    views = describe(version, [amendment(1, "delete", "fund the union"), amendment(2, "replace", "the union", "x"),
                               amendment(3, "delete", "not here")])
    assert [v.conflicts_with for v in views] == [[2], [1], []]
    assert "both change the words" in views[0].conflicts[0][1]
    assert views[2].excerpt_html == "" and "are not in version 3 of the motion" in views[2].problem
