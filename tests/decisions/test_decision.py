"""Motions under each rule and base, ties, quorum, card votes, thresholds."""

from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from voting.decision import (
    ABSOLUTE,
    SIMPLE,
    TWO_THIRDS,
    DecisionError,
    Quorum,
    decide,
    minimum_threshold,
    parse_base,
    parse_rule,
    share_threshold,
    tally_weighted,
)


def test_words_and_figures_of_a_result() -> None:
    d = decide(412, 98, 20, entitled=689)
    assert d.carried
    # the sentence, word for word: a simple majority is not restated
    assert d.words == ("Carried: 412 for, 98 against, 20 abstentions; 80.8% of votes cast excluding abstentions; "
                       "turnout 530 of 689 members, 76.9%")
    assert d.share_of_base == Fraction(412, 510)


def test_simple_majority_ignores_abstentions() -> None:
    assert decide(10, 9, 50).carried
    assert not decide(9, 10, 0).carried


def test_tie_falls_unless_chair_casts_a_vote() -> None:
    d = decide(15, 15, 3)
    assert d.outcome == "fell" and d.tie and "status quo" in d.words
    carried = decide(15, 15, 3, casting_vote="yes")
    assert carried.carried and carried.casting_vote == "yes" and "casting vote (yes)" in carried.words
    assert decide(15, 15, casting_vote="no").outcome == "fell"
    # a casting vote is only recorded when it was needed
    assert decide(16, 15, casting_vote="no").casting_vote is None


def test_two_thirds_is_at_least_two_thirds_exactly() -> None:
    assert decide(40, 20, rule=TWO_THIRDS).carried
    assert not decide(39, 20, rule=TWO_THIRDS).carried
    assert decide(2_000_000, 1_000_000, rule="two-thirds").carried  # exact, no float drift
    assert not decide(1_999_999, 1_000_000, rule="two-thirds").carried


def test_absolute_majority_needs_more_than_half_the_base() -> None:
    assert not decide(50, 10, rule=ABSOLUTE, base="entitled", entitled=100).carried
    assert decide(51, 10, rule=ABSOLUTE, base="entitled", entitled=100).carried
    assert not decide(30, 10, 30, rule=ABSOLUTE, base="cast-with-abstentions").carried
    assert decide(31, 10, 0, rule=ABSOLUTE, base="present", present=61).carried
    assert not decide(30, 10, 0, rule=ABSOLUTE, base="present", present=60).carried


def test_ratio_rules() -> None:
    three_fifths = parse_rule("3/5")
    assert three_fifths.share == Fraction(3, 5)
    assert decide(60, 40, rule=three_fifths).carried
    assert not decide(59, 41, rule=three_fifths).carried
    assert parse_rule("60%").share == Fraction(3, 5)
    assert parse_rule("66.5%").share == Fraction(133, 200)
    for bad in ("3/0", "7/5", "most", "0%"):
        with pytest.raises(DecisionError):
            parse_rule(bad)


def test_bases_need_their_numbers() -> None:
    with pytest.raises(DecisionError, match="needs that number"):
        decide(10, 5, rule=TWO_THIRDS, base="entitled")
    with pytest.raises(DecisionError, match="only 12 members present"):
        decide(10, 5, present=12)
    assert parse_base("excluding-abstentions") == "cast"
    with pytest.raises(DecisionError):
        parse_base("voters")


def test_quorum_on_turnout() -> None:
    quorum = Quorum(share=Fraction(1, 10))
    assert decide(30, 10, entitled=500, quorum=quorum).outcome == "inquorate"
    assert decide(40, 10, entitled=500, quorum=quorum).carried
    assert decide(5, 1, quorum=Quorum(minimum=7)).outcome == "inquorate"
    assert decide(5, 1, 1, quorum=Quorum(minimum=7)).carried
    # members present, when given, are what makes a meeting quorate
    assert decide(5, 1, present=20, quorum=Quorum(minimum=20)).carried


def test_card_and_weighted_votes() -> None:
    totals = tally_weighted([("yes", 120), ("no", 80), ("yes", 15), ("abstain", 40), ("no", 60)])
    assert totals == {"yes": 135, "no": 140, "abstain": 40}
    assert not decide(totals["yes"], totals["no"], totals["abstain"]).carried
    with pytest.raises(DecisionError, match="vote 2"):
        tally_weighted([("yes", 1), ("maybe", 1)])


def test_thresholds() -> None:
    assert share_threshold(83, 412, Fraction(1, 5)).met
    assert not share_threshold(82, 412, Fraction(1, 5)).met
    assert minimum_threshold(10, 10).met and not minimum_threshold(9, 10).met


@given(st.integers(0, 10_000), st.integers(0, 10_000), st.integers(0, 500),
       st.integers(1, 12), st.integers(1, 12))
def test_ratio_rule_matches_integer_arithmetic(yes: int, no: int, abstain: int, num: int, den: int) -> None:
    if num > den:
        num, den = den, num
    rule = parse_rule(f"{num}/{den}")
    for base, total in (("cast", yes + no), ("cast-with-abstentions", yes + no + abstain)):
        assert decide(yes, no, abstain, rule=rule, base=base).carried == (yes * den >= num * total)
    assert decide(yes, no, abstain, rule=SIMPLE).carried == (yes > no)
