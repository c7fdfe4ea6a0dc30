"""Plenary's own instant-runoff count: majority, transfers, and its tie rule."""

from __future__ import annotations

from decimal import Decimal

import pytest

from voting.ballot import Ballot, BallotError, Contest
from voting.methods.registry import count
from voting.ties import draw_lot

ABC = Contest(("A", "B", "C"))


def _ballots(*groups: tuple[str, int]) -> list[Ballot]:
    return [Ballot.ranking(list(prefs), weight=n) for prefs, n in groups]


def test_elects_by_majority_after_transfers() -> None:
    result = count("irv", ABC, _ballots(("AB", 4), ("BA", 3), ("CB", 2)))
    assert result.elected == ["B"]
    assert result.rounds[0].eliminated == ["C"]
    assert result.rounds[0].transfers[0].to == {"B": Decimal(2)}
    assert [str(r.threshold) for r in result.rounds] == ["5", "5"]


def test_exhausted_ballots_lower_the_majority() -> None:
    result = count("irv", ABC, _ballots(("A", 4), ("B", 3), ("C", 2)))
    assert result.rounds[1].exhausted == {"no_further_preferences": Decimal(2)}
    assert str(result.rounds[1].threshold) == "4" and result.elected == ["A"]


def test_tie_broken_by_earlier_round() -> None:
    contest = Contest(("A", "B", "C", "D"))
    result = count("irv", contest, _ballots(("A", 10), ("B", 4), ("C", 5), ("DB", 1), ("D", 1)))
    assert result.rounds[1].eliminated == ["B"]
    assert result.ties[0].method == "previous_rounds"


def test_tie_in_every_round_needs_the_seed_and_is_reproducible() -> None:
    ballots = _ballots(("A", 3), ("B", 2), ("C", 2))
    with pytest.raises(BallotError, match="seed"):
        count("irv", ABC, ballots)
    result = count("irv", ABC, ballots, seed="2026-agm")
    chosen, _ = draw_lot("2026-agm", "round 1 eliminate", ["B", "C"])
    assert result.rounds[0].eliminated == [chosen] and result.ties[0].method == "lot"
    assert count("irv", ABC, ballots, seed="2026-agm").to_json() == result.to_json()


def test_withdrawn_candidates_are_passed_over() -> None:
    contest = Contest(("A", "B", "C"), withdrawn=frozenset({"C"}))
    result = count("irv", contest, _ballots(("CB", 3), ("A", 2)))
    assert result.rounds[0].tally == {"A": Decimal(2), "B": Decimal(3)} and result.elected == ["B"]


def test_fractional_weights_count_exactly() -> None:
    ballots = [Ballot.ranking(["A"], Decimal("1.5")), Ballot.ranking(["B"], Decimal("1.25")),
               Ballot.ranking(["C", "B"], Decimal("0.5"))]
    result = count("irv", ABC, ballots)
    assert result.elected == ["B"] and str(result.rounds[-1].tally["B"]) == "1.75"


def test_one_seat_only() -> None:
    with pytest.raises(BallotError, match="one seat"):
        count("irv", Contest(("A", "B", "C"), seats=2), _ballots(("A", 1)))
