"""Cast ballots: accepted in one normal form, or refused with a message saying what to fix."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

import ballot_specs as S
from ballots import kinds as K
from ballots.contents import BallotContents
from ballots.validation import BallotRejected, parse_numbered_form, parse_numbered_people, validate


def rejected(spec: K.BallotSpec, submitted: dict, weight: int = 1) -> str:
    with pytest.raises(BallotRejected) as caught:
        validate(spec, submitted, weight)
    return caught.value.message


def test_motion_answers() -> None:
    assert validate(S.motion(), {"choice": " Yes "}) == BallotContents(choice="yes")
    for bad in ({}, {"choice": "maybe"}, {"choice": 1}, {"choice": ""}):
        assert rejected(S.motion(), bad) == "Choose yes, no or abstain."
    assert rejected(S.motion(), {"choice": "yes", "ranking": ["Ann"]}) == "This ballot has no 'ranking' to fill in."


def test_ranked_ballot_messages() -> None:
    spec = S.ranked_choice()
    assert validate(spec, {"ranking": ["Wages", "Housing"]}).ranking == ("Wages", "Housing")
    assert rejected(spec, {"ranking": ["Wages", "X"]}) == "Unknown candidate 'X'."
    assert rejected(spec, {"ranking": ["Wages", "Wages"]}) == "'Wages' is ranked more than once: rank each candidate once."
    assert rejected(spec, {"ranking": []}) == "Rank at least one candidate."
    assert rejected(spec, {"ranking": "Wages"}) == "Send the names you chose as a list."
    limited = K.with_flags(spec, max_marks=3)
    assert rejected(limited, {"ranking": ["Wages", "Housing", "Climate", "Transport"]}) == (
        "You ranked 4 candidates; this ballot allows at most 3.")
    withdrawn = K.with_flags(spec, withdrawn=("Climate",))
    assert rejected(withdrawn, {"ranking": ["Climate"]}) == "'Climate' has withdrawn: take them off your ballot."


def test_marked_ballots_are_kept_in_ballot_paper_order() -> None:
    spec = S.block_seats()
    assert validate(spec, {"ranking": ["Eve", "Ann", "Cal"]}).ranking == ("Ann", "Cal", "Eve")
    assert rejected(spec, {"ranking": ["Eve", "Ann", "Cal", "Bob"]}) == (
        "You marked 4 candidates; this ballot allows at most 3.")
    assert rejected(spec, {"ranking": []}) == "Mark at least one candidate."
    assert rejected(S.plurality_choice(), {"ranking": ["Leeds", "Cardiff"]}) == (
        "You marked 2 candidates; this ballot allows only one.")
    assert validate(K.with_flags(spec, blank_allowed=True), {"ranking": []}).is_blank


def test_weights_come_from_the_roll() -> None:
    assert rejected(S.motion(), {"choice": "yes"}, weight=3) == "This ballot carries one vote per voter, not 3."
    card = K.with_flags(S.motion(), weighted=True, electorate=S.CARD_ELECTORATE)
    assert validate(card, {"choice": "no"}, weight=120).weight == 120


def test_slate_vote_with_strike_outs() -> None:
    spec = S.proposed_slate()
    vote = validate(spec, {"choice": "yes", "struck": ["Cal", "Ann"]})
    assert vote == BallotContents(choice="yes", struck=("Ann", "Cal"))
    assert rejected(spec, {"choice": "yes", "struck": ["Dee"]}) == "'Dee' is not on the slate."
    no_strikes = K.with_flags(spec, strike_share=None)
    assert rejected(no_strikes, {"choice": "no", "struck": ["Ann"]}) == (
        "This slate vote does not allow striking names out.")
    assert rejected(spec, {"choice": "yes", "individuals": ["Ann"]}) == (
        "This ballot does not ask you to rank people individually.")


def test_competing_slates_and_individual_preferences() -> None:
    spec = S.competing_slates(individual_preferences=True)
    paper = validate(spec, {"ranking": ["Renewal"], "individuals": ["Dee", "Ann"]})
    assert paper.ranking == ("Renewal",) and paper.individuals == ("Dee", "Ann")
    assert rejected(spec, {"ranking": ["Other"]}) == "Unknown slate 'Other'."
    assert rejected(spec, {"ranking": ["Renewal"], "individuals": ["Zed"]}) == (
        "Unknown person 'Zed': rank only people named on the slates.")


def test_numbered_form() -> None:
    spec = S.stv_seats()
    assert parse_numbered_form(spec, {"Ann": "2", "Bob": "", "Cal": "1", "Dee": " "}) == ("Cal", "Ann")
    assert parse_numbered_form(spec, {"Ann": "1", "Bob": "4", "Cal": "7"}) == ("Ann", "Bob", "Cal")

    def refused(form: dict, spec: K.BallotSpec = spec) -> str:
        with pytest.raises(BallotRejected) as caught:
            parse_numbered_form(spec, form)
        return caught.value.message

    assert refused({"Ann": "1", "Bob": "2", "Cal": "2"}) == "Rank 2 is given twice: give each rank once."
    assert refused({"Ann": "1", "Bob": "1", "Cal": "1"}) == "Rank 1 is given three times: give each rank once."
    assert refused({"Ann": "first"}) == "Give a whole number for 'Ann', or leave its box blank."
    assert refused({"Ann": "0"}) == "Ranks start at 1: give 'Ann' a number from 1 up, or leave its box blank."
    assert refused({"X": "1"}) == "Unknown candidate 'X'."
    strict = K.with_flags(spec, gaps=K.GAPS_REFUSE)
    assert refused({"Ann": "1", "Bob": "3"}, strict) == "Rank 2 is missing: number your choices 1, 2, 3 … without gaps."
    assert parse_numbered_form(strict, {"Ann": "2", "Bob": "1"}) == ("Bob", "Ann")
    assert refused({}) == "Rank at least one candidate."


def test_numbered_people_on_a_slate_paper() -> None:
    spec = S.competing_slates(individual_preferences=True)
    assert parse_numbered_people(spec, {"Dee": "4", "Ann": "2", "Bob": ""}) == ("Ann", "Dee")
    assert parse_numbered_people(spec, {"Ann": "", "Bob": " "}) == ()  # ranking people is optional

    def refused(form: dict, spec: K.BallotSpec = spec) -> tuple[str, str | None]:
        with pytest.raises(BallotRejected) as caught:
            parse_numbered_people(spec, form)
        return caught.value.message, caught.value.field

    assert refused({"Ann": "1", "Dee": "1"}) == ("Rank 1 is given twice: give each rank once.", "individuals")
    assert refused({"Zed": "1"}) == ("Unknown person 'Zed': rank only people named on the slates.", "individuals")
    assert refused({"Ann": "x"})[0] == "Give a whole number for 'Ann', or leave its box blank."
    strict = K.with_flags(spec, gaps=K.GAPS_REFUSE)
    assert refused({"Ann": "1", "Dee": "3"}, strict)[0] == (
        "Rank 2 is missing: number your choices 1, 2, 3 … without gaps.")
    assert refused({"Ann": "1"}, S.competing_slates())[0] == (
        "This ballot does not ask you to rank people individually.")
    slate = S.proposed_slate(individual_preferences=True)
    assert parse_numbered_people(slate, {"Cal": "1", "Ann": "2"}) == ("Cal", "Ann")
    assert refused({"Dee": "1"}, slate)[0] == "Unknown person 'Dee': rank only people named on the slates."


@given(st.permutations(S.PEOPLE), st.integers(1, len(S.PEOPLE)), st.data())
def test_numbered_form_agrees_with_the_ranking_it_numbers(order, length, data) -> None:
    """Any increasing numbers (gaps closed) give the same ranking as clicking in that order."""
    ranking = tuple(order[:length])
    numbers = sorted(data.draw(st.sets(st.integers(1, 40), min_size=length, max_size=length)))
    form = {name: str(n) for name, n in zip(ranking, numbers)}
    form.update({name: "" for name in S.PEOPLE if name not in ranking})
    spec = S.stv_seats()
    assert parse_numbered_form(spec, form) == ranking == validate(spec, {"ranking": list(ranking)}).ranking


@given(st.lists(st.sampled_from(S.PEOPLE), max_size=8))
def test_every_submission_is_accepted_in_normal_form_or_refused_with_words(names) -> None:
    spec = S.block_seats()
    try:
        contents = validate(spec, {"ranking": names})
    except BallotRejected as exc:
        assert exc.message.endswith(".") and exc.field == "ranking"
        assert len(set(names)) > 3 or not names
    else:
        assert list(contents.ranking) == [p for p in S.PEOPLE if p in names]
        assert validate(spec, {"ranking": list(contents.ranking)}) == contents
