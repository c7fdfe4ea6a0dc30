"""Hand counts: figures checked against the rule and attendance; two tellers confirm before publishing."""

from __future__ import annotations

import pytest

import ballot_specs as S
from ballots import kinds as K
from ballots.hand_count import Confirmation, HandCount, check_hand_count, ready_to_publish


def test_a_consistent_count_is_not_flagged() -> None:
    spec = K.with_flags(S.motion(), electorate=K.Electorate(689, 689))
    result = check_hand_count(spec, HandCount(412, 98, 20, present=600, declared="carried"))
    assert result.consistent and result.check is not None and result.check.outcome == "carried"


def test_many_for_states_the_condition() -> None:
    result = check_hand_count(S.motion(), HandCount(None, 6, 1, present=50, declared="carried"))
    assert result.consistent
    assert result.words == "carried whenever for >= 7, otherwise fell; the for count is not published"
    assert HandCount(None, 6, 1).text() == "many for, 6 against, 1 abstention"


def test_many_for_that_attendance_rules_out_is_flagged() -> None:
    result = check_hand_count(S.motion(), HandCount(None, 6, 1, present=10, declared="carried"))
    assert not result.consistent
    assert result.flags[-1].startswith("declared carried, but with 10 present at most 3 could have voted for")


def test_more_votes_than_present_is_flagged() -> None:
    result = check_hand_count(S.motion(), HandCount(40, 30, 1, present=60))
    assert result.flags == ["71 votes counted but only 60 members present"]


def test_declared_outcome_that_does_not_follow_is_flagged() -> None:
    spec = S.motion(rule="two-thirds")
    result = check_hand_count(spec, HandCount(40, 30, 1, present=80, declared="carried"))
    assert not result.consistent and result.flags[0].startswith("declared carried, but the figures give: Fell: 40 for")


def test_hand_counts_are_for_motions() -> None:
    with pytest.raises(K.SpecError, match="not a choice ballot"):
        check_hand_count(S.plurality_choice(), HandCount(1, 2))
    with pytest.raises(ValueError, match="cannot be negative"):
        HandCount(-1, 2)


def test_two_different_tellers_must_confirm_the_same_figures() -> None:
    count = HandCount(30, 12, 2, present=50, declared="carried")
    first = Confirmation("teller A", count.fingerprint())
    assert ready_to_publish(count, []) == (False, "needs 2 more tellers to confirm these figures")
    assert ready_to_publish(count, [first, first]) == (
        False, "needs 1 more teller to confirm these figures (confirmed by teller A)")
    assert ready_to_publish(count, [first, Confirmation("teller B", count.fingerprint())]) == (
        True, "confirmed by teller A and teller B")
    edited = HandCount(31, 12, 2, present=50, declared="carried")
    ok, words = ready_to_publish(edited, [first, Confirmation("teller B", count.fingerprint())])
    assert not ok and words.endswith("teller A, teller B confirmed earlier figures, since changed")
