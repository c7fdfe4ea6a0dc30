"""Reading counts as published, and checking them without inventing numbers."""

from __future__ import annotations

from fractions import Fraction

import pytest

from voting.published import PublishedCountError, check_published, parse_published, words_to_digits


@pytest.mark.parametrize(
    ("text", "digits"),
    [("thirty-nine votes to eight", "39 votes to 8"), ("one hundred and twelve for", "112 for"),
     ("two thousand and five", "2005"), ("ninety nine", "99"), ("nothing here", "nothing here")],
)
def test_number_words(text: str, digits: str) -> None:
    assert words_to_digits(text) == digits


def test_counts_in_words_and_digits() -> None:
    claim = parse_published("Carried by thirty-nine votes to eight, with two abstentions")
    assert (claim.for_, claim.against, claim.abstain, claim.declared) == (39, 8, 2, "carried")
    claim = parse_published("Passed 25-3")
    assert (claim.for_, claim.against, claim.declared) == (25, 3, "carried")
    claim = parse_published("483 in favour, 133 opposed, 13 abstained")
    assert (claim.for_, claim.against, claim.abstain) == (483, 133, 13)


def test_unanimous_means_nobody_against_not_a_for_count() -> None:
    claim = parse_published("carried unanimously")
    assert claim.unanimous and claim.against == 0 and claim.for_ is None and claim.declared == "carried"
    check = check_published(claim)
    assert check.outcome == "carried" and check.declared_follows is True
    assert any("for count is not published" in u for u in check.undetermined)


def test_many_for_under_a_two_thirds_rule_gives_a_condition() -> None:
    check = check_published("many for, 6 no, 1 abstention", rule="two-thirds")
    assert check.outcome == "undetermined" and "for >= 12" in check.condition
    check = check_published("many for, 6 no, 1 abstention", rule="two-thirds", base="cast-with-abstentions")
    assert "for >= 14" in check.condition


def test_percentages_name_their_base() -> None:
    claim = parse_published("62% of those who voted; 40 percent of members")
    first, second = claim.percentages
    assert first.value == 62 and set(first.bases) == {"cast", "cast-with-abstentions"}
    assert second.bases == ("entitled",) and second.phrase == "of members"
    assert parse_published("12.5% of votes cast").percentages[0].value == Fraction(25, 2)


def test_published_base_contradicted_by_the_figures_is_flagged() -> None:
    check = check_published("483 for, 133 against, 13 abstentions; 78 percent of those present", present=629)
    (flag,) = check.flags
    assert "of those present" in flag and "votes cast excluding abstentions" in flag


def test_turnout_interval_against_a_threshold_that_rounding_could_cross() -> None:
    # 82% turnout x 92% yes = 75.4%, but 81.5% x 91.5% = 74.6%: undetermined under 75% of entitled
    check = check_published("82% turnout, 92% yes vote", rule="3/4", base="entitled")
    assert check.outcome == "undetermined"
    assert check_published("70% turnout, 92% yes vote", rule="3/4", base="entitled").outcome == "fell"


def test_declared_outcome_contradicted() -> None:
    check = check_published("20 for, 25 against, carried")
    assert check.outcome == "fell" and check.declared == "carried" and check.declared_follows is False


def test_unreadable_text() -> None:
    with pytest.raises(PublishedCountError, match="no count"):
        parse_published("the meeting went well")
