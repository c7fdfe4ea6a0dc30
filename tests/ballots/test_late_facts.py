"""Facts recorded after a ballot opens (ballots/late_facts.py): a candidate's withdrawal and the chair's
casting vote on a tie, kept beside the fixed spec and passed to the count as ``CountFacts``."""

from __future__ import annotations

import pytest

from ballots.late_facts import LateFactRefused, LateFacts, tie_for_chair, tied_words
from ballots.published_record import PublishedRecord, build_record, recount, verify_record
from ballots.receipts import RecordEntry
from ballots.contents import BallotContents
from ballots.validation import BallotRejected, validate
from voting.decision import decide

from ballot_specs import block_seats, competing_slates, motion, office, proposed_slate, stv_seats

AT = "2026-11-03T10:00:00Z"


def test_a_withdrawal_keeps_the_spec_and_refuses_new_votes_naming_the_candidate():
    spec = office("irv")
    facts = LateFacts().withdraw(spec, " Cal ", " elected treasurer ", "Olive", AT)
    assert facts.withdrawn == ("Cal",) and facts.withdrawals[0].reason == "elected treasurer"
    assert LateFacts.from_text(facts.to_text()) == facts and LateFacts.from_text("") == LateFacts()
    paper = facts.paper_spec(spec)
    assert paper.standing == ("Ann", "Bob") and spec.standing == ("Ann", "Bob", "Cal")
    with pytest.raises(BallotRejected, match="'Cal' has withdrawn: take them off your ballot."):
        validate(paper, {"ranking": ["Cal", "Ann"]})
    assert validate(spec, {"ranking": ["Cal", "Ann"]}).ranking == ("Cal", "Ann")  # cast before: still valid
    assert facts.count_facts().withdrawn == ("Cal",)


def test_the_count_passes_over_the_withdrawn_candidate_and_the_record_verifies():
    spec = office("irv")
    facts = LateFacts().withdraw(spec, "Cal", "stood down", "Olive", AT).count_facts()
    entries = [RecordEntry(f"AAAA-BBBB-CCCC-DDD{i}", BallotContents(ranking=r))
               for i, r in enumerate((("Cal", "Ann"), ("Cal", "Ann"), ("Bob",), ("Bob",), ("Ann",)), start=2)]
    record = build_record(spec, entries, facts)
    assert record.result["elected"] == ["Ann"]  # Cal's two papers pass to Ann: 3 against 2
    assert verify_record(record) == []
    without = PublishedRecord(spec, record.entries, result=record.result)  # the facts left out: it diverges
    assert verify_record(without) != []


@pytest.mark.parametrize("spec, message", [
    (motion(), "A motion has no candidates to withdraw"),
    (proposed_slate(), "A slate vote has no candidates to withdraw"),
    (competing_slates(), "A choice between slates has no candidates to withdraw"),
])
def test_only_elections_and_choices_have_candidates_to_withdraw(spec, message):
    with pytest.raises(LateFactRefused, match=message):
        LateFacts().withdraw(spec, "Ann", "x", "Olive", AT)


def test_refusals_say_what_is_wrong():
    spec = block_seats()  # six people for three seats
    with pytest.raises(LateFactRefused, match="'Zed' is not a candidate on this ballot."):
        LateFacts().withdraw(spec, "Zed", "x", "Olive", AT)
    with pytest.raises(LateFactRefused, match="Give the reason"):
        LateFacts().withdraw(spec, "Ann", "  ", "Olive", AT)
    facts = LateFacts()
    for name in ("Ann", "Bob", "Cal"):
        facts = facts.withdraw(spec, name, "elected earlier", "Olive", AT)
    with pytest.raises(LateFactRefused, match="'Bob' has already withdrawn."):
        facts.withdraw(spec, "Bob", "x", "Olive", AT)
    with pytest.raises(LateFactRefused, match=r"Withdrawing 'Dee' would leave 2 candidates for 3 seats"):
        facts.withdraw(spec, "Dee", "x", "Olive", AT)


def test_a_withdrawal_that_makes_a_quota_unmeetable_is_refused():
    spec = stv_seats()  # at least two of the three seats to women (Ann, Dee, Eve, Fay)
    facts = LateFacts().withdraw(spec, "Ann", "x", "Olive", AT).withdraw(spec, "Dee", "x", "Olive", AT)
    with pytest.raises(LateFactRefused, match="Withdrawing 'Eve' is not possible"):
        facts.withdraw(spec, "Eve", "x", "Olive", AT)


def test_a_simple_majority_tie_waits_for_the_chair():
    tie = tie_for_chair(decide(3, 3, 1))
    assert tie is not None
    words = tied_words(tie)
    assert words.startswith("Tied: 3 for, 3 against, 1 abstention; 50.0% of votes cast excluding abstentions")
    assert "tie:" not in words and "status quo" not in words and "Fell" not in words  # the tie is not yet decided
    assert "The chair may give a casting vote" in tied_words(tie)
    assert tie_for_chair(decide(4, 3)) is None
    assert tie_for_chair(decide(3, 3, casting_vote="no")) is None
    assert tie_for_chair(decide(3, 3, rule="two-thirds")) is None  # the rule decides: no casting vote


def test_a_casting_vote_is_given_once_on_a_held_tie():
    with pytest.raises(LateFactRefused, match="only on a tied result"):
        LateFacts().with_casting_vote("yes", "r", "Olive", AT)
    held = LateFacts().held_for_casting_vote("Tied: …")
    assert held.awaiting_casting_vote
    with pytest.raises(LateFactRefused, match="yes \\(for\\), no \\(against\\) or none"):
        held.with_casting_vote("maybe", "r", "Olive", AT)
    given = held.with_casting_vote("none", "the status quo", "Olive", AT)
    assert given.count_facts().casting_vote is None and not given.awaiting_casting_vote
    assert LateFacts.from_text(given.to_text()) == given
    with pytest.raises(LateFactRefused, match="already decided"):
        given.with_casting_vote("yes", "r", "Olive", AT)
    assert held.with_casting_vote("yes", "r", "Olive", AT).count_facts().casting_vote == "yes"


def test_a_tied_motion_recounts_with_the_casting_vote():
    spec = motion()
    entries = [RecordEntry(f"AAAA-BBBB-CCCC-DDD{i}", BallotContents(choice=c))
               for i, c in enumerate(("yes", "no"), start=2)]
    assert recount(PublishedRecord(spec, tuple(entries))).outcome == "fell"
    facts = LateFacts().held_for_casting_vote("t").with_casting_vote("yes", "r", "Olive", AT).count_facts()
    record = build_record(spec, entries, facts)
    assert record.result["outcome"] == "carried" and record.result["casting_vote"] == "yes"
    assert verify_record(record) == []
