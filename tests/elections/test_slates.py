"""Slates: competing lists, one list accepted or rejected with strike-outs, and the individual count beside them."""

from __future__ import annotations

from fractions import Fraction

import pytest

from voting.ballot import BallotError
from voting.slates import Slate, SlatePaper, SlateVote, choose_slate, vote_on_slate

LEADERSHIP = Slate("Leadership", ("Ann", "Bob", "Cal"))
RENEWAL = Slate("Renewal", ("Dee", "Eve", "Fay"))


def test_competing_slates_by_plurality_and_the_individual_count_beside() -> None:
    papers = ([SlatePaper(("Leadership",), ("Ann", "Dee", "Bob"))] * 5
              + [SlatePaper(("Renewal",), ("Dee", "Eve", "Ann"))] * 4)
    choice = choose_slate([LEADERSHIP, RENEWAL], papers, individual_method="block")
    assert choice.slate == LEADERSHIP and choice.elected == ["Ann", "Bob", "Cal"]
    assert choice.result.rounds[0].tally == {"Leadership": 5, "Renewal": 4}
    comparison = choice.comparison
    assert comparison is not None
    assert sorted(comparison.result.elected) == ["Ann", "Bob", "Dee"]
    assert comparison.only_slate == ["Cal"] and comparison.only_individual == ["Dee"]
    assert "only by the individual count: Dee; only on the slate: Cal" in comparison.words


def test_competing_slates_ranked_by_exhaustive_ballot() -> None:
    third = Slate("Left", ("Gus", "Hal", "Ivy"))
    papers = ([SlatePaper(("Leadership",))] * 4 + [SlatePaper(("Renewal", "Left"))] * 3
              + [SlatePaper(("Left", "Renewal"))] * 2)
    choice = choose_slate([LEADERSHIP, RENEWAL, third], papers, method="exhaustive")
    assert choice.slate == RENEWAL and choice.comparison is None
    assert choice.result.rounds[-1].tally == {"Leadership": 4, "Renewal": 5}


def test_accept_one_slate_with_strike_outs() -> None:
    votes = ([SlateVote("yes", frozenset({"Cal"}))] * 6 + [SlateVote("no", frozenset({"Cal", "Bob"}))] * 4
             + [SlateVote("abstain")])
    decision = vote_on_slate(LEADERSHIP, votes, strike_share=Fraction(1, 2))
    assert decision.decision.carried
    assert decision.strikes == {"Ann": 0, "Bob": 4, "Cal": 10}
    assert decision.removed == ["Cal"] and decision.elected == ["Ann", "Bob"] and decision.vacancies == 1
    assert "a name goes if struck on more than 50.0% of 11 papers" in decision.words


def test_strike_exactly_at_the_share_does_not_remove() -> None:
    votes = [SlateVote("yes", frozenset({"Bob"}))] * 2 + [SlateVote("yes")] * 2
    assert vote_on_slate(LEADERSHIP, votes, strike_share=Fraction(1, 2)).removed == []


def test_rejected_slate_elects_nobody_and_strikes_need_the_rule() -> None:
    decision = vote_on_slate(LEADERSHIP, [SlateVote("no")] * 5 + [SlateVote("yes")] * 5)
    assert not decision.decision.carried and decision.elected == [] and "status quo" in decision.words
    with pytest.raises(BallotError, match="strike-outs are not allowed"):
        vote_on_slate(LEADERSHIP, [SlateVote("yes", frozenset({"Ann"}))])
    with pytest.raises(BallotError, match="not on the slate"):
        vote_on_slate(LEADERSHIP, [SlateVote("yes", frozenset({"Zed"}))], strike_share=Fraction(1, 2))


def test_accepted_slate_beside_an_individual_count_of_the_same_papers() -> None:
    votes = ([SlateVote("yes", individuals=("Ann", "Bob", "Dee"))] * 6
             + [SlateVote("no", individuals=("Dee", "Eve", "Ann"))] * 4)
    decision = vote_on_slate(LEADERSHIP, votes, rule="3/5", individual_method="block")
    assert decision.decision.carried  # exactly 60%
    comparison = decision.comparison
    assert comparison is not None
    assert sorted(comparison.result.elected) == ["Ann", "Bob", "Dee"]
    assert comparison.only_slate == ["Cal"]
