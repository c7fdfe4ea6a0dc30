"""R4 item 14: the forms minutes and conference reports use to record a vote."""

from __future__ import annotations

import pytest

from server.cli import main
from voting.published import PublishedCountError, check_published, parse_published


@pytest.mark.parametrize(("text", "figures"), [
    ("43-12-3", (43, 12, 3)),
    ("Carried 43–12–3", (43, 12, 3)),
    ("43/12/3", (43, 12, 3)),
    ("For 43, Against 12, Abstain 3", (43, 12, 3)),
    ("For: 43; Against: 12; Abstentions: 3", (43, 12, 3)),
    ("For 43 Against 12 Abstentions 3", (43, 12, 3)),
    ("Ayes 43, Noes 12", (43, 12, None)),
    ("Votes in favour: 43, votes against: 12", (43, 12, None)),
    ("1,204 for, 310 against, 12 abstentions", (1204, 310, 12)),
    ("718,273 votes for to 373,801 against", (718273, 373801, None)),
    ("Carried by 25 votes to 3, 2 abstentions", (25, 3, 2)),
    ("Strike for 3 days: 40 for, 2 against", (40, 2, None)),
    ("unanimous with 2 abstentions", (None, 0, 2)),
    ("carried unanimously with one abstention", (None, 0, 1)),
])
def test_counts_in_the_forms_minutes_use(text: str, figures: tuple[int | None, ...]) -> None:
    claim = parse_published(text)
    assert (claim.for_, claim.against, claim.abstain) == figures


def test_a_date_is_not_a_count() -> None:
    claim = parse_published("Meeting of 12/3/2014: carried")
    assert (claim.for_, claim.against, claim.abstain, claim.declared) == (None, None, None, "carried")


def test_spoilt_papers_are_read_and_kept_out_of_every_base() -> None:
    claim = parse_published("Yes 312, No 45, Spoilt 12")
    assert (claim.for_, claim.against, claim.spoilt) == (312, 45, 12)
    check = check_published(claim, rule="two-thirds", base="entitled")
    assert "at least 369 voted" in check.condition  # 312 + 45 + 12


@pytest.mark.parametrize(("text", "declared"), [
    ("Motion fell", "fell"), ("Defeated", "fell"), ("Lost", "fell"), ("Not carried", "fell"),
    ("The motion was rejected", "fell"), ("MOTION CARRIED", "carried"), ("Adopted", "carried"),
])
def test_declared_outcome_alone_is_read(text: str, declared: str) -> None:
    claim = parse_published(text)
    assert claim.declared == declared
    check = check_published(claim)
    assert check.outcome == "undetermined" and check.declared_follows is None
    assert "no count is published" in check.condition


def test_nem_con_means_nobody_against_with_abstentions_unknown() -> None:
    for text in ("agreed nem con", "Agreed nem. con.", "agreed nemine contradicente"):
        claim = parse_published(text)
        assert claim.unanimous and claim.against == 0 and claim.abstain is None and claim.for_ is None
        check = check_published(claim)
        assert check.outcome == "carried" and check.declared_follows is True
        assert any("nobody voted against; abstentions are not published" in u for u in check.undetermined)


@pytest.mark.parametrize("text", ["Carried by a large majority", "Carried overwhelmingly",
                                  "carried by a clear majority on a show of hands"])
def test_a_stated_majority_settles_a_simple_majority_only(text: str) -> None:
    claim = parse_published(text)
    assert claim.declared == "carried" and claim.majority == "for" and claim.for_ is None
    check = check_published(claim)
    assert check.outcome == "carried" and check.declared_follows is True
    assert "say more voted for than against" in check.condition
    two_thirds = check_published(claim, rule="two-thirds")
    assert two_thirds.outcome == "undetermined" and "say only which side had more votes" in two_thirds.condition


def test_lost_by_a_majority() -> None:
    check = check_published("was lost by a large majority")
    assert check.outcome == "fell" and check.declared_follows is True


def test_a_majority_of_n_gives_the_side_not_counted() -> None:
    check = check_published("Carried by a majority of 12, with 30 against", rule="two-thirds")
    assert check.outcome == "fell"  # 42 for, 30 against: 58.3%
    assert any("for 42 and against 30" in d for d in check.derived)


def test_a_tie_declared_lost_follows() -> None:
    check = check_published("LOST (the vote was exactly tied!)")
    assert check.outcome == "no decision" and check.declared_follows is True


def test_no_vote_taken_and_unreadable_text_exit_2_with_the_reason(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(PublishedCountError, match="'remitted' records that no vote was taken"):
        parse_published("Motion 12/13 remitted")
    assert main(["check", "the meeting went well"]) == 2
    assert "no count, percentage or outcome can be read" in capsys.readouterr().err
    assert main(["check", "Carried by a large majority"]) == 0
