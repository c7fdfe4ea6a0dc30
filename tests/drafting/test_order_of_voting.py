"""Standing orders: amendments in the CAC's order, then the substantive motion; a fallen
amendment is never applied; a vote out of order or on an amendment that no longer applies is refused."""

from __future__ import annotations

import pytest

from server.drafting.amendments import Amendment, AmendmentError, MotionVersion, proceed, voting_order

MOTION = MotionVersion(1, "This branch resolves:\n1. To campaign for a four-day week with immediate effect.\n"
                          "2. To support the strike.")
A1 = Amendment("amendment 1", 1, "delete", passage="with immediate effect")
A2 = Amendment("amendment 2", 1, "replace", passage="four-day week with immediate effect", text="32-hour week")
A3 = Amendment("amendment 3", 1, "insert_after", passage="support", text="and fund")
A4 = Amendment("amendment 4", 1, "add_clause", text="To report back.")
ALL = [A1, A2, A3, A4]


def states(proceedings) -> dict[str, str]:
    return {status.label: status.state for status in proceedings.statuses}


def test_the_cac_order_must_place_every_amendment_once() -> None:
    assert voting_order(ALL, ["amendment 3", "amendment 1", "amendment 2", "amendment 4"])[0] is A3
    with pytest.raises(AmendmentError, match="leaves out amendment 4"):
        voting_order(ALL, ["amendment 1", "amendment 2", "amendment 3"])
    with pytest.raises(AmendmentError, match="names amendment 1 twice"):
        voting_order(ALL, ["amendment 1", "amendment 1", "amendment 2", "amendment 3", "amendment 4"])
    with pytest.raises(AmendmentError, match="amendment 9, which is not an amendment"):
        voting_order(ALL, ["amendment 9"])


def test_before_any_vote_the_first_amendment_is_next() -> None:
    state = proceed(MOTION, "motion", ALL, {})
    assert state.next_vote == "amendment 1"
    assert states(state) == {"amendment 1": "to_vote", "amendment 2": "waiting",
                             "amendment 3": "waiting", "amendment 4": "waiting"}
    assert state.version == MOTION and state.versions == []


def test_a_carried_amendment_rules_out_a_later_one_on_the_same_words() -> None:
    state = proceed(MOTION, "motion", ALL, {"amendment 1": "carried"})
    assert states(state)["amendment 2"] == "not_applicable"
    [reason] = [status.reason for status in state.statuses if status.label == "amendment 2"]
    assert "the words \u2018with immediate effect\u2019 were deleted by amendment 1" in reason
    assert state.next_vote == "amendment 3"
    assert state.version.number == 2 and "four-day week.\n" in state.version.text
    assert [amendment.target_version for amendment in state.pending] == [2, 2]


def test_a_fallen_amendment_is_never_applied_and_the_next_still_can_be() -> None:
    state = proceed(MOTION, "motion", ALL, {"amendment 1": "fell", "amendment 2": "carried"})
    assert states(state)["amendment 1"] == "fell"
    assert "with immediate effect" not in state.version.text and "32-hour week." in state.version.text
    assert len(state.versions) == 1


def test_the_motion_is_voted_last_on_its_text_as_amended() -> None:
    outcomes = {"amendment 1": "carried", "amendment 3": "carried", "amendment 4": "fell"}
    state = proceed(MOTION, "motion", ALL, outcomes)
    assert state.next_vote == "motion" and state.pending == []
    assert state.version.text == ("This branch resolves:\n1. To campaign for a four-day week.\n"
                                  "2. To support and fund the strike.")
    assert [version.number for version in state.versions] == [2, 3]
    done = proceed(MOTION, "motion", ALL, {**outcomes, "motion": "carried"})
    assert done.next_vote is None


def test_votes_out_of_order_are_refused() -> None:
    with pytest.raises(AmendmentError, match="amendment 3 cannot be voted on before amendment 1"):
        proceed(MOTION, "motion", ALL, {"amendment 3": "carried"})
    with pytest.raises(AmendmentError, match="the motion cannot be voted on before its amendments"):
        proceed(MOTION, "motion", ALL, {"motion": "carried"})


def test_a_vote_on_an_amendment_that_no_longer_applies_is_refused() -> None:
    with pytest.raises(AmendmentError, match="a vote is recorded for amendment 2, but amendment 2 no longer applies"):
        proceed(MOTION, "motion", ALL, {"amendment 1": "carried", "amendment 2": "fell"})


def test_unknown_labels_and_outcomes_are_refused() -> None:
    with pytest.raises(AmendmentError, match="amendment 7, which is not on this motion"):
        proceed(MOTION, "motion", ALL, {"amendment 7": "carried"})
    with pytest.raises(AmendmentError, match="must be 'carried' or 'fell'"):
        proceed(MOTION, "motion", ALL, {"amendment 1": "remitted"})
