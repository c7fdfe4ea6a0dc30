"""One small hand-made count per RCTab setting, checked against the rule as documented.

Clauses are RCTab's (BrightSpots/rcv): ``config_file_documentation.txt`` for what a
setting means, ``Tabulator.java`` for how it is applied.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from voting.ballot import BallotError
from voting.methods.rctab import EXHAUSTED_FINAL_ROUND_SURPLUS, EXHAUSTED_NO_RANKINGS, UNDECLARED_WRITE_INS
from voting.record import (
    EXHAUSTED_NO_FURTHER_PREFERENCES as NO_MORE,
    EXHAUSTED_OVERVOTE as OVERVOTE,
    EXHAUSTED_REPEATED_RANKINGS as REPEATED,
    EXHAUSTED_SKIPPED_RANKINGS as SKIPPED,
)

from rctab_helpers import ballot, count, inactive, tallies

OVERVOTES = [ballot("A|B", "C"), ballot("A", "B"), ballot("A"), ballot("B"), ballot("C", "B")]


# -- overvoteRule ----------------------------------------------------------------------------
def test_overvote_always_skip_to_next_rank() -> None:
    result = count("A B C", OVERVOTES, overvote_rule="alwaysSkipToNextRank")
    assert tallies(result)[0] == {"A": "2", "B": "1", "C": "2"}


def test_overvote_exhaust_immediately() -> None:
    result = count("A B C", OVERVOTES, overvote_rule="exhaustImmediately")
    assert tallies(result)[0] == {"A": "2", "B": "1", "C": "1"}
    assert inactive(result, OVERVOTE)[0] == "1"


def test_overvote_exhaust_if_multiple_continuing_counts_the_one_left() -> None:
    ballots = [ballot("A|C", "B"), ballot("A"), ballot("A"), ballot("B"), ballot("B"), ballot("C")]
    result = count("A B C", ballots, overvote_rule="exhaustIfMultipleContinuing")
    # round 1: A and C both continue, so the ballot is an overvote and is exhausted
    assert tallies(result)[0] == {"A": "2", "B": "2", "C": "1"}
    assert inactive(result, OVERVOTE)[0] == "1"


def test_overvote_exhaust_if_multiple_continuing_with_one_continuing() -> None:
    ballots = [ballot("C|D", "B"), ballot("A"), ballot("A"), ballot("B"), ballot("B"), ballot("C")]
    result = count("A B C D", ballots, overvote_rule="exhaustIfMultipleContinuing", excluded="D")
    # D is excluded, so only C of "C|D" continues and the ballot counts for C
    assert tallies(result)[0] == {"A": "2", "B": "2", "C": "2"}


def test_unnamed_overvote_cannot_use_exhaust_if_multiple_continuing() -> None:
    with pytest.raises(BallotError, match="unnamed overvote"):
        count("A B", [ballot("<overvote>", "A")], overvote_rule="exhaustIfMultipleContinuing")


def test_overvote_in_last_rank_is_exhausted_choices_when_skipping() -> None:
    result = count("A B C", [ballot("C", "A|B"), ballot("A"), ballot("A"), ballot("B"), ballot("B")],
                   overvote_rule="alwaysSkipToNextRank")
    assert inactive(result, NO_MORE)[1] == "1"
    assert inactive(result, OVERVOTE)[1] == "0"


# -- maxSkippedRanksAllowed ------------------------------------------------------------------
SKIPS = [ballot("", "A"), ballot("B", "", "", "A"), ballot("A")] + [ballot("C")] * 3 + [ballot("D")] * 2


@pytest.mark.parametrize(
    ("allowed", "first_round", "skipped"),
    [
        # a skip before the first choice counts too; B's ballot jumps 3 ranks to A
        (0, {"A": "1", "B": "1", "C": "3", "D": "2"}, ["1", "2"]),
        (1, {"A": "2", "B": "1", "C": "3", "D": "2"}, ["0", "1"]),
        (None, {"A": "2", "B": "1", "C": "3", "D": "2"}, ["0", "0"]),
    ],
)
def test_max_skipped_ranks(allowed: int | None, first_round: dict[str, str], skipped: list[str]) -> None:
    result = count("A B C D", SKIPS, max_skipped_ranks_allowed=allowed, max_rankings_allowed=4)
    assert tallies(result)[0] == first_round
    assert result.rounds[0].eliminated == ["B"]  # A and B tie at 0 skips allowed: B is later in order
    assert inactive(result, SKIPPED)[:2] == skipped


# -- maxRankingsAllowed ----------------------------------------------------------------------
def test_ranks_beyond_max_rankings_are_not_read() -> None:
    ballots = [ballot("C", "", "A"), ballot("A"), ballot("A"), ballot("B"), ballot("B"), ballot("B")]
    short = count("A B C", ballots, max_rankings_allowed=2)
    full = count("A B C", ballots, max_rankings_allowed=3)
    assert inactive(short, NO_MORE)[1] == "1"
    assert tallies(full)[1] == {"A": "3", "B": "3"}


def test_max_rankings_default_is_the_number_of_declared_candidates() -> None:
    ballots = [ballot("C", "", "", "A")] + [ballot("A")] * 2 + [ballot("B")] * 3
    result = count("A B C", ballots, max_skipped_ranks_allowed=None)  # "max" = 3 ranks
    assert inactive(result, NO_MORE)[1] == "1"


# -- exhaustOnDuplicateCandidate --------------------------------------------------------------
DUPLICATES = [ballot("C", "C", "A"), ballot("A"), ballot("A"), ballot("B"), ballot("B")]


def test_duplicate_exhausts_when_enabled() -> None:
    result = count("A B C", DUPLICATES, exhaust_on_duplicate_candidate=True)
    assert inactive(result, REPEATED)[1] == "1"


def test_duplicate_is_passed_over_when_disabled() -> None:
    result = count("A B C", DUPLICATES, exhaust_on_duplicate_candidate=False)
    assert tallies(result)[1] == {"A": "3", "B": "2"}


# -- batchElimination --------------------------------------------------------------------------
BATCH = [ballot("A")] * 10 + [ballot("B")] * 6 + [ballot("C", "B")] * 2 + [ballot("D", "B")] * 1 + [ballot("E")]


def test_batch_elimination_removes_everyone_who_cannot_catch_up() -> None:
    result = count("A B C D E", BATCH, batch_elimination=True)
    # 1 + 1 < 2 and 1 + 1 + 2 = 4 < 6: D, E and C cannot overtake B together
    assert sorted(result.rounds[0].eliminated) == ["C", "D", "E"]
    assert tallies(result)[1] == {"A": "10", "B": "9"}


def test_without_batch_elimination_one_goes_each_round() -> None:
    result = count("A B C D E", BATCH, batch_elimination=False)
    # D and E tie at 1: the later in candidate order goes; then A has a majority of 20
    assert [r.eliminated for r in result.rounds] == [["E"], []]
    assert result.elected == ["A"]


# -- continueUntilTwoCandidatesRemain ----------------------------------------------------------
def test_continue_until_two_keeps_counting_after_the_winner() -> None:
    ballots = [ballot("A")] * 6 + [ballot("B")] * 2 + [ballot("C", "B")] * 1
    result = count("A B C", ballots, continue_until_two_candidates_remain=True)
    assert result.rounds[0].elected == ["A"]
    assert result.rounds[1].eliminated == ["C"]
    assert tallies(result)[-1] == {"A": "6", "B": "3"}
    # the threshold freezes once the winner is elected (RCTab pull request 925)
    assert [str(r.threshold) for r in result.rounds] == ["5", "5", "5"]


# -- thresholds --------------------------------------------------------------------------------
THREE_SEATS = [ballot("A", "B")] * 9 + [ballot("B")] * 7 + [ballot("C")] * 5 + [ballot("D")] * 4 + [ballot("E")] * 1


@pytest.mark.parametrize(
    ("settings", "threshold"),
    [
        ({}, "7"),  # floor(26 / 4) + 1
        ({"non_integer_winning_threshold": True}, "6.5001"),  # 26 / 4 to 4 places, plus one unit
        ({"hare_quota": True}, "9"),  # ceiling(26 / 3)
        ({"hare_quota": True, "non_integer_winning_threshold": True}, "8.6667"),
        ({"minimum_vote_threshold": Decimal(8)}, "8"),
    ],
)
def test_multi_winner_threshold(settings: dict, threshold: str) -> None:
    result = count("A B C D E", THREE_SEATS, number_of_winners=3, stop_tabulation_early_after_round=1,
                   winner_election_mode="multiWinnerAllowMultipleWinnersPerRound", **settings)
    assert str(result.rounds[0].threshold) == threshold


def test_surplus_fraction_and_transfers_are_truncated_at_decimal_places() -> None:
    result = count("A B C D E", THREE_SEATS, number_of_winners=3,
                   winner_election_mode="multiWinnerAllowMultipleWinnersPerRound", decimal_places=2)
    first = result.rounds[0]
    assert first.elected == ["A", "B"]
    transfer = next(t for t in first.transfers if t.source == "A")
    # surplus 2 of 9: fraction 0.2222 truncated to 0.22; each of 9 ballots moves 0.22
    assert str(transfer.transfer_value) == "0.22"
    assert transfer.to == {"exhausted": Decimal("1.98"), "residual surplus": Decimal("0.02")}
    assert str(result.rounds[1].tally["A"]) == "7"
    assert str(result.rounds[1].residual) == "0.02"


def test_final_round_surplus_is_its_own_inactive_reason() -> None:
    ballots = [ballot("A", "B")] * 10 + [ballot("B")] * 5 + [ballot("C")] * 2
    result = count("A B C", ballots, number_of_winners=2,
                   winner_election_mode="multiWinnerAllowMultipleWinnersPerRound")
    # threshold floor(17 / 3) + 1 = 6: A elected in round 1, B reaches 9 in round 2
    assert [r.elected for r in result.rounds] == [["A"], ["B"], []]
    last = result.rounds[-1]
    # B's surplus fraction 3/9 = 0.3333: 5 whole ballots move 0.3333 each, and A's 10
    # ballots (worth 0.4 each) move 0.4 * 0.3333 = 0.13332, truncated to 0.1333
    assert str(last.exhausted[EXHAUSTED_FINAL_ROUND_SURPLUS]) == "2.9995"
    assert last.exhausted.get(NO_MORE, 0) == 0


def test_first_round_determines_threshold() -> None:
    ballots = [ballot("A")] * 4 + [ballot("B")] * 3 + [ballot("C")] * 2 + [ballot("D", "C")]
    result = count("A B C D", ballots, first_round_determines_threshold=True)
    assert [str(r.threshold) for r in result.rounds] == ["6", "6", "6"]
    assert result.elected == ["A"]


def test_minimum_vote_threshold_drops_everyone_below_it() -> None:
    ballots = [ballot("A")] * 5 + [ballot("B")] * 4 + [ballot("C", "B")] * 2 + [ballot("D", "B")]
    result = count("A B C D", ballots, minimum_vote_threshold=Decimal(3))
    assert sorted(result.rounds[0].eliminated) == ["C", "D"]
    assert tallies(result)[1] == {"A": "5", "B": "7"}


def test_everyone_below_minimum_is_an_error() -> None:
    with pytest.raises(BallotError, match="minimum vote threshold"):
        count("A B", [ballot("A"), ballot("B")], minimum_vote_threshold=Decimal(5))


def test_stop_tabulation_early_after_round() -> None:
    ballots = [ballot("A")] * 4 + [ballot("B")] * 3 + [ballot("C")] * 2 + [ballot("D", "C")]
    result = count("A B C D", ballots, stop_tabulation_early_after_round=1)
    assert len(result.rounds) == 1 and result.elected == []


# -- write-ins and excluded candidates ----------------------------------------------------------
def test_undeclared_write_ins_go_first_and_block_winners() -> None:
    ballots = [ballot("A")] * 6 + [ballot("B")] * 2 + [ballot("<uwi>", "B")]
    result = count("A B", ballots)
    assert result.rounds[0].elected == [] and result.rounds[0].eliminated == [UNDECLARED_WRITE_INS]
    assert result.rounds[1].elected == ["A"]


def test_treat_blank_as_undeclared_write_in() -> None:
    ballots = [ballot("A", "")] * 3 + [ballot("", "B")] * 2
    result = count("A B", ballots, treat_blank_as_undeclared_write_in=True)
    assert tallies(result)[0] == {"A": "3", "B": "0", UNDECLARED_WRITE_INS: "2"}


def test_declared_write_in_candidate_without_votes_is_eliminated() -> None:
    ballots = [ballot("A")] * 3 + [ballot("B")] * 2 + [ballot("C")] * 2
    result = count("A B C", ballots, undeclared_write_ins=True)
    assert tallies(result)[0][UNDECLARED_WRITE_INS] == "0"
    assert result.rounds[0].eliminated == [UNDECLARED_WRITE_INS]


def test_excluded_candidates_are_skipped() -> None:
    result = count("A B C", [ballot("C", "B"), ballot("A"), ballot("B")], excluded="C")
    assert tallies(result)[0] == {"A": "1", "B": "2"}
    assert result.withdrawn == ["C"]


def test_ballots_with_no_rankings_are_undervotes() -> None:
    result = count("A B", [ballot("", ""), ballot("A"), ballot("A"), ballot("B")])
    assert inactive(result, EXHAUSTED_NO_RANKINGS) == ["1"]


# -- winnerElectionMode --------------------------------------------------------------------------
RANKED = (
    [ballot("A", "B", "C")] * 8 + [ballot("B", "C")] * 5 + [ballot("C", "B")] * 4
    + [ballot("D", "C")] * 3 + [ballot("E", "D")] * 1
)


def test_only_one_winner_per_round() -> None:
    ballots = [ballot("A")] * 9 + [ballot("B")] * 8 + [ballot("C")] * 3
    result = count("A B C", ballots, number_of_winners=2,
                   winner_election_mode="multiWinnerAllowOnlyOneWinnerPerRound")
    # both pass the threshold 7 in round 1; only the top one is elected that round
    assert [r.elected for r in result.rounds[:2]] == [["A"], ["B"]]


def test_bottoms_up_eliminates_until_the_seats_are_filled() -> None:
    result = count("A B C D E", RANKED, number_of_winners=2, winner_election_mode="bottomsUp")
    assert result.rounds[-1].elected and sorted(result.elected) == ["A", "C"]
    assert all(not r.elected for r in result.rounds[:-1])
    assert all(not t.kind == "surplus" for r in result.rounds for t in r.transfers)


def test_bottoms_up_percentage_threshold() -> None:
    result = count("A B C D E", RANKED, number_of_winners=0,
                   winner_election_mode="bottomsUpUsingPercentageThreshold",
                   bottoms_up_percentage_threshold=Decimal(25))
    # eliminate until everyone left has more than 25% of the votes still counting
    # round 3: B has 5 of 20, not more than 25%, and goes; A and C then both qualify
    assert sorted(result.elected) == ["A", "C"]
    assert [str(r.threshold) for r in result.rounds] == ["5.25", "5.25", "5", "5"]
    last = result.rounds[-1]
    assert all(v > last.threshold for v in last.tally.values())
    assert all(not all(v > r.threshold for v in r.tally.values()) for r in result.rounds[:-1])


def test_multi_pass_irv_excludes_earlier_winners() -> None:
    result = count("A B C D E", RANKED, number_of_winners=2, winner_election_mode="multiPassIrv")
    passes = sorted({r.pass_number for r in result.rounds})
    assert passes == [1, 2]
    first_pass = [r for r in result.rounds if r.pass_number == 1]
    second_pass = [r for r in result.rounds if r.pass_number == 2]
    assert result.elected[0] in first_pass[-1].elected
    assert result.elected[0] not in second_pass[0].tally
    assert len(result.notes) == 2


# -- rules validation -----------------------------------------------------------------------------
@pytest.mark.parametrize(
    "settings",
    [
        {"winner_election_mode": "nope"},
        {"overvote_rule": "nope"},
        {"tiebreak_mode": "random"},  # needs a seed
        {"decimal_places": 21},
        {"max_skipped_ranks_allowed": -1},
        {"winner_election_mode": "singleWinnerMajority", "number_of_winners": 2},
        {"winner_election_mode": "bottomsUp", "number_of_winners": 2, "batch_elimination": True},
    ],
)
def test_bad_settings_are_refused(settings: dict) -> None:
    with pytest.raises(BallotError):
        count("A B C", [ballot("A")], **settings)
