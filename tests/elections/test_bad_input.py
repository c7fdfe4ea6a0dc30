"""Bad input to the quota, office, slate and method code is refused with a reason."""

from __future__ import annotations

from fractions import Fraction

import pytest

from voting.ballot import Ballot, BallotError, Contest
from voting.constraints import QuotaError, SeatQuota
from voting.decision import DecisionError, Quorum, decide, tally_weighted
from voting.elections import GroupSeats, Office, committee_precheck, fill_offices
from voting.methods.registry import count
from voting.slates import Slate, SlateVote, compare_individual_count, vote_on_slate


def test_quota_with_negative_minimum() -> None:
    with pytest.raises(QuotaError, match="minimum cannot be negative"):
        SeatQuota("women", frozenset({"Ann"}), -1)


def test_decision_inputs() -> None:
    with pytest.raises(DecisionError, match="weight -2 is negative"):
        tally_weighted([("yes", -2)])
    with pytest.raises(DecisionError, match="cannot be negative"):
        decide(-1, 3)
    with pytest.raises(DecisionError, match="casting vote is yes or no"):
        decide(3, 3, casting_vote="abstain")  # type: ignore[arg-type]
    with pytest.raises(DecisionError, match="only 5 members entitled"):
        decide(4, 3, entitled=5)
    with pytest.raises(DecisionError, match="needs the number entitled"):
        decide(4, 3, quorum=Quorum(share=Fraction(1, 2)))


def test_negative_ballot_weight() -> None:
    with pytest.raises(BallotError, match="ballot 1: negative weight -1"):
        count("plurality", Contest(("A", "B")), [Ballot.ranking(["A"], weight=-1)])


def test_office_without_ballots() -> None:
    with pytest.raises(BallotError, match="no ballots for office 'Treasurer'"):
        fill_offices([Office("Treasurer", ("A", "B"))], {})


def test_precheck_refuses_an_unbounded_search() -> None:
    many = tuple(f"c{i}" for i in range(80))
    offices = [Office(f"Office {i}", many) for i in range(4)]
    with pytest.raises(BallotError, match="too many possible office results"):
        committee_precheck(offices, GroupSeats("group", many, 5), [SeatQuota("q", frozenset(many[:3]), 2)])


def test_slate_paper_with_an_unknown_choice() -> None:
    with pytest.raises(BallotError, match="slate paper 2: 'maybe' is not yes, no or abstain"):
        vote_on_slate(Slate("S", ("A",)), [SlateVote("yes"), SlateVote("maybe")])  # type: ignore[arg-type]


def test_individual_count_needs_enough_people() -> None:
    with pytest.raises(BallotError, match="only 2 people named for 3 seats"):
        compare_individual_count(["A", "B"], ["A", "B"], [Ballot.ranking(["A"])], 3, method="block")
