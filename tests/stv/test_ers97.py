"""ERS97 on small elections worked by hand from the rules' text."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from ballots.formats.blt import read_blt
from voting.ballot import Ballot, Contest
from voting.methods import stv_ers97

D = Decimal


def _ballots(*groups: tuple[int, str]) -> list[Ballot]:
    return [Ballot.ranking(list(marks), weight) for weight, marks in groups]


def test_surplus_value_is_surplus_over_papers_to_two_places() -> None:
    # quota 100/3 = 33.333.. -> 33.33 + 0.01 (5.1.6); A's surplus 16.66 over 50 papers -> 0.33 each (5.3.7)
    result = stv_ers97.count(Contest(("A", "B", "C", "D"), 2), _ballots((50, "AB"), (20, "B"), (18, "CD"), (12, "DC")))
    first, second = result.rounds
    assert first.threshold == D("33.34") and first.elected == ["A"]
    assert second.transfers[0].transfer_value == D("0.33")
    assert second.tally == {"A": D("33.34"), "B": D("36.50"), "C": D("18.00"), "D": D("12.00")}
    assert second.exhausted == {"no_further_preferences": D("0.16")}
    assert result.elected == ["A", "B"]


def test_small_surplus_deferred_and_lowest_excluded_together() -> None:
    # A's surplus 1.66 cannot change who is lowest (E 7, D 10): deferred (5.2.2);
    # D and E together (17, plus 1.66) cannot reach C (20): excluded together (5.2.5);
    # C then holds 30 >= active vote 59.66 / 2 and is deemed elected (5.4.9(b))
    ballots = _ballots((35, "AE"), (28, "B"), (20, "C"), (10, "DC"), (7, "ED"))
    result = stv_ers97.count(Contest(("A", "B", "C", "D", "E"), 2), ballots)
    second = result.rounds[1]
    assert sorted(second.eliminated) == ["D", "E"]
    assert "deferred" in second.note
    assert second.tally == {"A": D("35.00"), "B": D("28.00"), "C": D("30.00")}
    assert second.exhausted == {"no_further_preferences": D("7.00")}
    assert result.elected == ["A", "C"]


def test_votes_conserved_on_glasgow(shared_dir: Path) -> None:
    for ward in sorted((shared_dir / "verification" / "scotland-glasgow-2007").glob("*.blt")):
        blt = read_blt(ward)
        result = stv_ers97.count(blt.contest, blt.ballots, seed="g")
        assert len(result.elected) == blt.contest.seats
        for rnd in result.rounds:
            assert sum(rnd.tally.values()) + sum(rnd.exhausted.values()) == result.total_ballots
