"""Forming and dissolving factions and platforms; petitions against a frozen base."""

from __future__ import annotations

import json
from datetime import date
from fractions import Fraction
from pathlib import Path

import pytest

from server.groupings.formation import (
    FormationError,
    PetitionBase,
    Period,
    Threshold,
    convening_deadline,
    formation_status,
    lifespan,
    parse_period,
    parse_petition_rule,
    petition_status,
)

NMM_PETITION = "10% of the branches or 20% of the membership"


def signers(count: int) -> list[str]:
    return [f"member-{number}" for number in range(1, count + 1)]


def test_nine_signatures_are_refused_with_the_reason() -> None:
    status = formation_status(signers(9))
    assert not status.formed
    assert status.message == "9 of the 10 signatures needed; 1 more to form"
    assert status.missing == 1


def test_ten_signatures_form_and_are_listed_in_order() -> None:
    status = formation_status(signers(10))
    assert status.formed and status.missing == 0
    assert status.message == "10 of the 10 signatures needed: formed"
    assert status.signers == tuple(signers(10))


def test_a_member_signing_twice_counts_once() -> None:
    status = formation_status(signers(9) + ["member-3"])
    assert not status.formed and len(status.signers) == 9


def test_minimum_is_configurable() -> None:
    assert formation_status(signers(4), minimum=5).message == "4 of the 5 signatures needed; 1 more to form"
    assert formation_status(signers(5), minimum=5).formed
    assert formation_status([], minimum=3).message == "0 of the 3 signatures needed; 3 more to form"
    with pytest.raises(FormationError, match="at least 1"):
        formation_status(signers(3), minimum=0)


def test_faction_dissolves_on_its_meetings_vote_date_and_platform_never() -> None:
    before = lifespan("faction", "the NMM of 14 June 2026", date(2026, 6, 14))
    assert before.dissolves_on == date(2026, 6, 14) and not before.dissolved
    assert before.words == "Dissolves when the NMM of 14 June 2026 votes on its proposals, on 14 June 2026."
    after = lifespan("faction", "the NMM of 14 June 2026", date(2026, 6, 14), meeting_has_voted=True)
    assert after.dissolved
    assert after.words == "Dissolved on 14 June 2026, when the NMM of 14 June 2026 voted on its proposals."
    platform = lifespan("platform")
    assert platform.dissolves_on is None and not platform.dissolved
    with pytest.raises(FormationError, match="names the meeting"):
        lifespan("faction")


def test_petition_wording_against_the_frozen_base() -> None:
    rule = parse_petition_rule(NMM_PETITION)
    assert rule.thresholds == (Threshold(Fraction(1, 10), "branches"), Threshold(Fraction(1, 5), "members"))
    base = PetitionBase(members=412, branches=9)
    status = petition_status(rule, base, {"members": 83})
    assert status.met
    assert status.checks[1].words.startswith("83 of 412 members = 20.1%, threshold 20% = 82.4 members: met")
    assert status.words.startswith("0 of 9 branches = 0.0%, threshold 10% = 0.9 branches: not met")


def test_either_threshold_is_enough() -> None:
    rule = parse_petition_rule(NMM_PETITION)
    base = PetitionBase(members=412, branches=9)
    assert petition_status(rule, base, {"branches": 1, "members": 3}).met
    assert not petition_status(rule, base, {"branches": 0, "members": 82}).met


def test_members_who_joined_after_opening_do_not_move_the_threshold() -> None:
    rule = parse_petition_rule("20% of the membership")
    opened_with = PetitionBase(members=412)
    assert petition_status(rule, opened_with, {"members": 83}).met
    with pytest.raises(FormationError, match="base has only 412"):
        petition_status(rule, opened_with, {"members": 413})


def test_rule_wordings_and_errors() -> None:
    assert parse_petition_rule("a fifth of all members").thresholds == (Threshold(Fraction(1, 5), "members"),)
    assert parse_petition_rule("1/3 of the branches").thresholds == (Threshold(Fraction(1, 3), "branches"),)
    assert parse_petition_rule("12.5% of members").thresholds == (Threshold(Fraction(1, 8), "members"),)
    with pytest.raises(FormationError, match="cannot read the threshold 'most people'"):
        parse_petition_rule("20% of the branches or most people")
    with pytest.raises(FormationError, match="between 0 and 100%"):
        parse_petition_rule("120% of the membership")
    with pytest.raises(FormationError, match="no number of branches"):
        petition_status(parse_petition_rule("10% of the branches"), PetitionBase(members=50), {"branches": 1})


def test_convening_deadline_within_the_stated_period() -> None:
    rule = parse_petition_rule(NMM_PETITION, convene_within="6 weeks")
    deadline = convening_deadline(rule, date(2026, 3, 3), meeting="an additional NMM")
    assert deadline.convene_by == date(2026, 4, 14)
    assert deadline.words == ("Threshold met on 3 March 2026: the steering committee must convene an "
                              "additional NMM by 14 April 2026 (within 6 weeks).")
    assert Period(2, "months").after(date(2026, 12, 31)) == date(2027, 2, 28)
    assert Period(1, "months").after(date(2028, 1, 31)) == date(2028, 2, 29)
    assert parse_period("28 days").after(date(2026, 2, 1)) == date(2026, 3, 1)
    assert parse_period("1 month").words() == "1 month"
    with pytest.raises(FormationError, match="states no period"):
        convening_deadline(parse_petition_rule(NMM_PETITION), date(2026, 3, 3))
    with pytest.raises(FormationError, match="cannot read the period 'soon'"):
        parse_period("soon")


def published_entry(shared_dir: Path, entry_id: str) -> dict:
    entries = json.loads((shared_dir / "published-counts.json").read_text())["entries"]
    return next(entry for entry in entries if entry["id"] == entry_id)


def test_published_petition_cases(shared_dir: Path) -> None:
    entry = published_entry(shared_dir, "isn-extra-nmm-petition")
    rule = parse_petition_rule(entry["published"].split("at the request of ")[1].split(" by petition")[0])
    assert len(rule.thresholds) == 2
    for case in entry["cases"]:
        if "members" in case:
            status = petition_status(rule, PetitionBase(members=case["members"], branches=9),
                                     {"members": case["signatures"]})
            check = status.checks[1]
        else:
            base = PetitionBase(members=412, branches=case["branches"])
            status = petition_status(rule, base, {"branches": case["branches_requesting"]})
            check = status.checks[0]
        expected_met = case["expect"].startswith("met")
        assert status.met is expected_met, case
        # "met (83 >= 82.4)": the words carry the same comparison the shared entry states.
        assert check.words.endswith(": " + case["expect"]), (check.words, case)


def test_published_faction_minimum(shared_dir: Path) -> None:
    entry = published_entry(shared_dir, "isn-faction-minimum")
    for case in entry["cases"]:
        status = formation_status(signers(case["members"]))
        assert status.formed is (case["expect"] == "may form"), case
