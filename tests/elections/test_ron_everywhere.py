"""Re-open nominations in every method (R4 item 1) and the exhaustive ballot's record (item 18)."""

from __future__ import annotations

import pytest

from voting.ballot import Ballot, BallotError, Contest
from voting.methods.registry import count
from voting.methods.rctab_rules import RctabRules
from voting.methods.ron import seats_reopened

STV = ["scotland", "wigm", "meek", "ers97"]


def _ron_takes_a_seat() -> tuple[Contest, list[Ballot]]:
    """R4's repro: candidates Ann, Bob, RON; 2 seats; 5 x (RON, Ann), 4 x Ann, 2 x Bob."""
    return Contest(("Ann", "Bob", "RON"), 2), [Ballot.ranking(["RON", "Ann"], 5), Ballot.ranking(["Ann"], 4),
                                               Ballot.ranking(["Bob"], 2)]


@pytest.mark.parametrize("method", STV)
def test_a_seat_won_by_ron_is_reopened_in_stv(method: str) -> None:
    contest, ballots = _ron_takes_a_seat()
    result = count(method, contest, ballots, seed="s")
    assert result.elected == ["Ann"]
    assert seats_reopened(result) == 1 and result.rules["re-open nominations"] == "RON"
    assert any("RON (re-open nominations) won a seat" in note for note in result.notes)
    assert "RON" in [name for rnd in result.rounds for name in rnd.elected]  # the round log keeps what happened
    assert "Elected: Ann\n" in result.to_text()


@pytest.mark.parametrize("method", STV)
def test_ron_can_be_renamed_or_switched_off(method: str) -> None:
    contest, ballots = _ron_takes_a_seat()
    off = count(method, contest, ballots, seed="s", ron="")
    assert sorted(off.elected) == ["Ann", "RON"] and seats_reopened(off) == 0
    renamed = Contest(("Ann", "Bob", "Re-open"), 2)
    ballots = [Ballot.ranking(["Re-open", "Ann"], 5), Ballot.ranking(["Ann"], 4), Ballot.ranking(["Bob"], 2)]
    result = count(method, renamed, ballots, seed="s", ron="Re-open")
    assert result.elected == ["Ann"] and seats_reopened(result) == 1


def _ron_wins_one_seat() -> tuple[Contest, list[Ballot]]:
    return Contest(("A", "B", "RON"), 1), [Ballot.ranking(["RON"], 6), Ballot.ranking(["A", "B"], 3),
                                          Ballot.ranking(["B"], 1)]


@pytest.mark.parametrize("method", ["irv", "rctab", "plurality", "exhaustive", "block"])
def test_a_single_seat_won_by_ron_is_reopened(method: str) -> None:
    contest, ballots = _ron_wins_one_seat()
    options = {} if method == "rctab" else {"seed": "s"}  # rctab's rules set its own tie-break
    result = count(method, contest, ballots, **options)
    assert result.elected == [] and seats_reopened(result) == 1


def test_rctab_applies_ron_only_when_the_contest_names_it() -> None:
    contest = Contest(("A", "B", "C"), 1)
    ballots = [Ballot.ranking(["A"], 3), Ballot.ranking(["B"], 2)]
    result = count("rctab", contest, ballots, rules=RctabRules(number_of_winners=1))
    assert result.elected == ["A"] and "re-open nominations" not in result.rules


def test_unknown_options_are_still_refused() -> None:
    contest, ballots = _ron_takes_a_seat()
    with pytest.raises(BallotError, match="unknown option"):
        count("meek", contest, ballots, rno="RON")


# -- item 18: the exhaustive ballot records its threshold and the eliminated candidate's transfers --

def test_exhaustive_records_threshold_and_transfers() -> None:
    contest = Contest(("A", "B", "C", "D"), 1)
    ballots = [Ballot.ranking(["A"], 4), Ballot.ranking(["B", "A"], 3), Ballot.ranking(["C", "B"], 2),
               Ballot.ranking(["D"], 1)]
    result = count("exhaustive", contest, ballots)
    thresholds = [rnd.threshold for rnd in result.rounds]
    assert thresholds == [6, 5, 5]  # 10 cast, then 9 (D's voter has no one left), then 9
    first, second = result.rounds[0], result.rounds[1]
    assert first.eliminated == ["D"]
    assert [(t.source, t.kind, t.to) for t in first.transfers] == [("D", "elimination", {"exhausted": 1})]
    assert second.eliminated == ["C"]
    assert [(t.source, t.to) for t in second.transfers] == [("C", {"B": 2})]
    assert result.elected == ["B"] and result.rounds[-1].threshold == 5
    assert result.as_dict()["rounds"][0]["threshold"] == "6"
