"""Every entry of shared/published-counts.json, checked against its ``expect`` text."""

from __future__ import annotations

import json
from fractions import Fraction
from pathlib import Path
from typing import Any, Callable

import pytest

from voting.constraints import SeatQuota, unmeetable
from voting.decision import decide, minimum_threshold, share_threshold
from voting.published import check_published, parse_published


def _entries(shared_dir: Path) -> list[dict[str, Any]]:
    return json.loads((shared_dir / "published-counts.json").read_text())["entries"]


def _figures_read(entry: dict[str, Any]) -> None:
    """The parser reads exactly the counts the entry lists, and leaves the nulls unknown."""
    claim = parse_published(entry["published"])
    figures = entry["figures"]
    for key, attr in (("for", "for_"), ("against", "against"), ("abstain", "abstain")):
        if key in figures:
            assert getattr(claim, attr) == figures[key], key


def renewal_faction_expulsion(entry: dict[str, Any]) -> None:
    _figures_read(entry)
    check = check_published(entry["published"], rule="simple", declared=entry["declared_outcome"])
    assert check.outcome == "undetermined"
    assert "carried whenever for >= 7" in check.condition
    assert check.declared == "carried" and check.declared_follows is None  # consistent, under that condition
    assert check.bases == []  # no percentage published, none invented
    assert any("for count ('many') is not published" in u and "percentage" in u for u in check.undetermined)
    assert "%" not in check.condition


def swp_special_conference(entry: dict[str, Any]) -> None:
    _figures_read(entry)
    for base in ("cast", "cast-with-abstentions"):
        check = check_published(entry["published"], rule="simple", base=base, declared="carried")
        assert check.outcome == "carried" and check.declared_follows is True
    by_base = {m.base: m for m in check.bases}
    assert by_base["cast-with-abstentions"].consistent is True
    assert "483/629 = 76.8%" in by_base["cast-with-abstentions"].words
    assert by_base["cast"].consistent is False
    assert "483/616 = 78.4%" in by_base["cast"].words
    assert check.consistent_bases() == ["cast-with-abstentions"]
    # present/entitled are not published: undetermined, with the range that would fit
    assert by_base["present"].consistent is None and "629 and 631" in by_base["present"].words


def swp_national_committee(entry: dict[str, Any]) -> None:
    _figures_read(entry)
    check = check_published(entry["published"], declared="carried")
    assert check.outcome == "carried" and check.declared_follows is True
    assert "abstentions not published" in check.condition
    assert "0 abstentions" not in check.condition
    assert any("turnout" in u and "including abstentions" in u for u in check.undetermined)


def ctu_strike_authorisation(entry: dict[str, Any]) -> None:
    claim = parse_published(entry["published"])
    subjects = {p.subject: p.value for p in claim.percentages}
    assert subjects == {"turnout": entry["figures"]["turnout_percent"], "for": entry["figures"]["yes_percent_of_votes"]}
    check = check_published(claim, rule="3/4", base="entitled", declared=entry["declared_outcome"])
    assert check.outcome == "carried" and check.declared_follows is True
    derived = " ".join(check.derived)
    assert "82.8%" in derived
    # the +/- 0.5 rounding of each figure: 0.895 * 0.915 to 0.905 * 0.925
    assert "81.89% to 83.71%" in derived
    assert any("absolute counts are undetermined" in u for u in check.undetermined)
    assert claim.for_ is None and claim.against is None
    # the turnout is published (90%, +/- 0.5), so it is reported, not called undetermined
    assert check.turnout is not None and check.turnout["source"] == "published"
    assert check.turnout["percent"] == "90" and "89.50% and 90.50%" in str(check.turnout["words"])
    assert not any("turnout" in u.split("(")[0] for u in check.undetermined)


def isn_branch_meeting_split(entry: dict[str, Any]) -> None:
    claim = parse_published(entry["published"])
    assert claim.tie is True and claim.for_ is None and claim.against is None
    check = check_published(claim, rule="simple")
    assert check.outcome == "no decision"
    assert "status quo" in check.condition and "casting vote" in check.condition
    assert check_published(claim, casting_vote="yes").outcome == "carried"
    assert decide(12, 12).outcome == "fell"
    assert decide(12, 12, casting_vote="yes").carried


def iso_dissolution_vote(entry: dict[str, Any]) -> None:
    claim = parse_published(entry["published"])
    assert claim.participants == entry["figures"]["voters_approx"] and claim.participants_qualifier == "nearly"
    (share,) = claim.percentages
    assert share.value == entry["figures"]["percent_for_dissolution_of_votes"]
    assert share.phrase == "of those who voted" and "entitled" not in share.bases
    check = check_published(claim, restatement="70 percent of members chose dissolution")
    (flag,) = check.flags
    assert "not supported" in flag and "of those who voted" in flag and "turnout was 100%" in flag
    # the same restatement is supported once the figures show full turnout
    assert check_published("70 for, 30 against, 0 abstentions", entitled=100,
                           restatement="70 percent of members").flags == []
    assert check_published(claim, restatement="70 percent of those who voted").flags == []


def isn_dissolution_threshold(entry: dict[str, Any]) -> None:
    first, second = entry["cases"]
    args = (first["for"], first["against"], first["abstain"])
    excluding = decide(*args, rule="two-thirds", base="cast")
    including = decide(*args, rule="two-thirds", base="cast-with-abstentions")
    assert excluding.carried and excluding.share_of_base == Fraction(2, 3)
    assert not including.carried and "61.5%" in including.words
    fails = decide(second["for"], second["against"], second["abstain"], rule="two-thirds")
    assert not fails.carried and "66.1%" in fails.words and fails.share_of_base < Fraction(2, 3)
    # the published-count checker agrees
    text = f"{first['for']} for, {first['against']} against, {first['abstain']} abstentions"
    assert check_published(text, rule="two-thirds").outcome == "carried"
    assert check_published(text, rule="two-thirds", base="cast-with-abstentions").outcome == "fell"
    # one check reports both bases, the rule's own (votes cast excluding abstentions) named
    both = {o.base: (o.outcome, o.named) for o in check_published(text, rule="two-thirds").outcomes}
    assert both["cast"] == ("carried", True) and both["cast-with-abstentions"] == ("fell", False)


def isn_extra_nmm_petition(entry: dict[str, Any]) -> None:
    met, unmet, branches = entry["cases"]
    first = share_threshold(met["signatures"], met["members"], Fraction(1, 5))
    assert first.met and first.needed == Fraction(412, 5)
    assert first.words.startswith("83 of 412 members = 20.1%, threshold 20% = 82.4 members: met")
    second = share_threshold(unmet["signatures"], unmet["members"], Fraction(1, 5))
    assert not second.met and "not met (82 < 82.4)" in second.words
    third = share_threshold(branches["branches_requesting"], branches["branches"], Fraction(1, 10), "branches")
    assert third.met and "met (1 >= 0.9)" in third.words


def isn_faction_minimum(entry: dict[str, Any]) -> None:
    outcomes = {case["members"]: case["expect"] for case in entry["cases"]}
    for members, expect in outcomes.items():
        assert minimum_threshold(members, 10).met is (expect == "may form")


def isn_nsc_gender_balance(entry: dict[str, Any]) -> None:
    # The worked example is counted in tests/elections/test_nsc.py; here the rule itself.
    from voting.elections import group_quota_after_offices

    women = frozenset({"Ann", "Bea", "Cat", "Dee", "Eve"})
    (quota,) = group_quota_after_offices([SeatQuota("women", women, 4)], ["Ann", "Max", "Sam"])
    assert quota.minimum == 3
    assert unmeetable([quota], {"Bea", "Cat", "Max2", "Tom", "Ugo"}, 5)  # 2 women standing for 3 seats
    assert not unmeetable([quota], {"Bea", "Cat", "Dee", "Tom", "Ugo"}, 5)


CHECKERS: dict[str, Callable[[dict[str, Any]], None]] = {
    "renewal-faction-expulsion-2014": renewal_faction_expulsion,
    "swp-special-conference-2013": swp_special_conference,
    "swp-national-committee-2013": swp_national_committee,
    "ctu-strike-authorisation-2012": ctu_strike_authorisation,
    "isn-branch-meeting-split-2014": isn_branch_meeting_split,
    "iso-dissolution-vote-2019": iso_dissolution_vote,
    "isn-dissolution-threshold": isn_dissolution_threshold,
    "isn-extra-nmm-petition": isn_extra_nmm_petition,
    "isn-faction-minimum": isn_faction_minimum,
    "isn-nsc-gender-balance": isn_nsc_gender_balance,
}


def test_every_entry_has_a_checker(shared_dir: Path) -> None:
    assert {e["id"] for e in _entries(shared_dir)} == set(CHECKERS)


@pytest.mark.parametrize("entry_id", sorted(CHECKERS))
def test_published_entry(shared_dir: Path, entry_id: str) -> None:
    (entry,) = [e for e in _entries(shared_dir) if e["id"] == entry_id]
    CHECKERS[entry_id](entry)
