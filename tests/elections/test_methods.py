"""Plurality, the exhaustive ballot and the block vote: counts, ties, RON, withdrawals."""

from __future__ import annotations

import pytest

from voting.ballot import OVERVOTE, Ballot, BallotError, Contest
from voting.constraints import QuotaError, SeatQuota
from voting.methods.registry import count


def papers(*specs: tuple[str, int]) -> list[Ballot]:
    """("ABC", 3): three ballots ranking A, B, C."""
    return [Ballot.ranking(list(order)) for order, n in specs for _ in range(n)]


def test_plurality_counts_first_choices() -> None:
    result = count("plurality", Contest(tuple("ABC")), papers(("AB", 4), ("BA", 3), ("CB", 2)))
    assert result.elected == ["A"]
    assert result.rounds[0].tally == {"A": 4, "B": 3, "C": 2}


def test_plurality_overvote_and_blank_are_not_counted() -> None:
    ballots = [Ballot((("A", "B"),)), Ballot(((OVERVOTE,),)), Ballot(()), Ballot.ranking(["B"])]
    result = count("plurality", Contest(tuple("AB")), ballots)
    assert result.elected == ["B"]
    assert result.rounds[0].exhausted == {"overvote": 2, "no_further_preferences": 1}


def test_plurality_several_seats_and_tie_by_lot() -> None:
    contest = Contest(tuple("ABCD"), seats=2)
    ballots = papers(("A", 5), ("B", 3), ("C", 3), ("D", 1))
    with pytest.raises(BallotError, match="give the seed"):
        count("plurality", contest, ballots)
    result = count("plurality", contest, ballots, seed="published-seed")
    assert result.elected[0] == "A" and result.elected[1] in ("B", "C")
    (tie,) = result.ties
    assert tie.method == "lot" and set(tie.tied) == {"B", "C"} and tie.chosen == result.elected[1]
    again = count("plurality", contest, list(reversed(ballots)), seed="published-seed")
    assert again.elected == result.elected


def test_withdrawn_candidates_are_passed_over() -> None:
    contest = Contest(tuple("ABC"), withdrawn=frozenset({"A"}))
    ballots = papers(("AC", 5), ("B", 4))
    for method in ("plurality", "exhaustive"):
        result = count(method, contest, ballots)
        assert result.elected == ["C"] and "A" not in result.rounds[0].tally and result.withdrawn == ["A"]
    block = count("block", Contest(tuple("ABC"), 2, frozenset({"A"})), ballots)
    assert sorted(block.elected) == ["B", "C"] and "A" not in block.rounds[0].tally


def test_exhaustive_ballot_drops_the_lowest_until_a_majority() -> None:
    ballots = papers(("ABC", 8), ("BCA", 7), ("CBA", 4), ("C", 2))
    result = count("exhaustive", Contest(tuple("ABC")), ballots)
    assert [r.eliminated for r in result.rounds] == [["C"], []]
    assert result.rounds[1].tally == {"A": 8, "B": 11} and result.rounds[1].exhausted == {"no_further_preferences": 2}
    assert result.elected == ["B"]
    assert "simulation" in result.rules


def test_exhaustive_majority_in_the_first_round_ends_it() -> None:
    result = count("exhaustive", Contest(tuple("ABC")), papers(("A", 6), ("B", 3), ("C", 2)))
    assert len(result.rounds) == 1 and result.elected == ["A"]


def test_exhaustive_tie_broken_by_earlier_round() -> None:
    # Round 1: A 5, B 4, C 4, D 3 -> D out to B; round 2: A 5, B 7, C 4 ... build a tie that earlier rounds settle
    ballots = papers(("A", 6), ("B", 4), ("C", 5), ("DB", 1), ("E", 2), ("EC", 1))
    result = count("exhaustive", Contest(tuple("ABCDE")), ballots)
    # round 1: A6 B4 C5 D1 E3 -> D out; round 2: A6 B5 C5 E3 -> E out; round 3: A6 B5 C6 ...
    assert result.rounds[0].eliminated == ["D"]
    assert result.rounds[2].tally == {"A": 6, "B": 5, "C": 6}
    assert result.rounds[2].eliminated == ["B"]
    assert result.rounds[3].tally["A"] == result.rounds[3].tally["C"] == 6
    tie = result.ties[-1]
    assert tie.purpose == "eliminate" and tie.method == "previous_rounds" and tie.chosen == "C"
    assert result.elected == ["A"]


def test_exhaustive_fills_one_seat_only() -> None:
    with pytest.raises(BallotError, match="one seat"):
        count("exhaustive", Contest(tuple("ABC"), seats=2), [])


def test_block_vote_elects_the_top_totals_and_voids_too_many_marks() -> None:
    ballots = papers(("AB", 5), ("AC", 4), ("BC", 2), ("ABC", 3))
    result = count("block", Contest(tuple("ABCD"), seats=2), ballots)
    assert result.rounds[0].tally == {"A": 9, "B": 7, "C": 6, "D": 0}
    assert result.rounds[0].exhausted == {"too_many_marks": 3}
    assert result.elected == ["A", "B"]


def test_block_vote_quotas_skip_doomed_and_record_why() -> None:
    women = SeatQuota("women", frozenset({"Eve", "Fay", "Gil"}), 2)
    ballots = papers_named([["A", "B"]] * 10 + [["B", "C"]] * 8 + [["C", "Eve", "Fay"]] * 6 + [["Fay"]] * 2)
    contest = Contest(("A", "B", "C", "Eve", "Fay", "Gil"), 3)
    assert count("block", contest, ballots).elected == ["B", "C", "A"]
    result = count("block", contest, ballots, quotas=[women])
    assert result.rounds[0].tally == {"A": 10, "B": 18, "C": 14, "Eve": 6, "Fay": 8, "Gil": 0}
    assert result.elected == ["B", "Fay", "Eve"]
    assert "seat 2: C (14 votes) passed over: electing them would leave the quotas unmeetable" in result.notes
    assert "seat 2: A (10 votes) passed over: electing them would leave the quotas unmeetable" in result.notes
    assert result.rules["quotas"] == ["at least 2 women (Eve, Fay, Gil)"]


def test_block_vote_quota_impossible_stops_before_counting() -> None:
    women = SeatQuota("women", frozenset({"Eve"}), 2)
    with pytest.raises(QuotaError, match="cannot start"):
        count("block", Contest(("A", "B", "Eve"), 2), [Ballot.ranking(["nobody"])], quotas=[women])


def test_re_open_nominations_is_reported_as_a_re_opened_seat() -> None:
    contest = Contest(("Ann", "Bob", "RON"))
    result = count("exhaustive", contest, papers_named([["RON"]] * 6 + [["Ann"]] * 3 + [["Bob", "RON"]] * 2))
    assert result.elected == [] and result.rules["seats re-opened"] == 1
    assert any("re-opened" in note for note in result.notes)
    assert result.rounds[-1].elected == ["RON"]  # the count itself shows RON winning
    block = count("block", Contest(("Ann", "Bob", "RON"), 2), papers_named([["Ann", "RON"]] * 3 + [["Bob"]]))
    assert block.elected == ["Ann"] and block.rules["seats re-opened"] == 1
    named = count("plurality", Contest(("Ann", "Bob", "Reopen")), papers_named([["Reopen"]] * 2), ron="Reopen")
    assert named.elected == [] and named.rules["seats re-opened"] == 1
    person = count("plurality", Contest(("Ann", "RON")), papers_named([["RON"]]), ron="")
    assert person.elected == ["RON"]


def test_unknown_names_and_options_are_refused() -> None:
    with pytest.raises(BallotError, match="ballot 2: 'Zed' is not a candidate"):
        count("plurality", Contest(("A", "B")), [Ballot.ranking(["A"]), Ballot.ranking(["Zed"])])
    with pytest.raises(BallotError, match="unknown option"):
        count("block", Contest(("A", "B")), [], colour="red")


def papers_named(rankings: list[list[str]]) -> list[Ballot]:
    return [Ballot.ranking(r) for r in rankings]
