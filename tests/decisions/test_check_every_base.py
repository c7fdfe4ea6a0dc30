"""R4 item 15: the outcome on every base the figures allow, bounded unpublished figures, turnout, stable JSON."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from server.cli import main
from voting.decision import decide
from voting.published import check_published


def _on(check, base):  # type: ignore[no-untyped-def]
    (outcome,) = [o for o in check.outcomes if o.base == base]
    return outcome


def test_two_thirds_is_reported_on_every_base() -> None:
    check = check_published("40 for, 20 against, 5 abstentions", rule="two-thirds")
    assert [o.base for o in check.outcomes] == ["cast", "cast-with-abstentions", "present", "entitled"]
    assert [o.base for o in check.outcomes if o.named] == ["cast"]
    assert _on(check, "cast").outcome == "carried"
    assert _on(check, "cast-with-abstentions").outcome == "fell"
    # 65 voted, so at least 65 present; carrying would need at most 60
    present = _on(check, "present")
    assert present.outcome == "fell" and "members present <= 60" in present.condition
    assert "at least 65 voted" in present.condition and present.possible_from == 65


def test_an_unpublished_base_bounded_by_those_who_voted() -> None:
    check = check_published("10 for, 5 against", rule="two-thirds", base="entitled")
    entitled = _on(check, "entitled")
    assert entitled.outcome == "undetermined"
    assert "carried only if exactly 15 members were entitled to vote" in entitled.condition
    assert (entitled.carried_from, entitled.carried_to, entitled.possible_from) == (15, 15, 15)
    absolute = _on(check_published("10 for, 5 against", rule="absolute", base="entitled"), "entitled")
    assert (absolute.carried_from, absolute.carried_to) == (15, 19)
    assert "carried whenever members entitled <= 19" in absolute.condition and "at least 15 voted" in absolute.condition
    # present members bound the number entitled from below
    bounded = _on(check_published("10 for, 5 against", rule="absolute", base="entitled", present=18), "entitled")
    assert (bounded.carried_from, bounded.carried_to, bounded.possible_from) == (18, 19, 18)


def test_a_percentage_reports_its_consistent_bases() -> None:
    check = check_published("483 for, 133 against, 13 abstentions, 77 percent")
    (summary,) = check.percentage_bases()
    assert summary["consistent"] == ["cast-with-abstentions"] and summary["not_consistent"] == ["cast"]
    assert summary["undetermined"] == ["present", "entitled"]
    assert any(line.startswith("Percentage 77% (no base named): consistent with votes cast including abstentions")
               for line in check.lines())


def test_published_turnout_is_reported_not_undetermined() -> None:
    check = check_published("a 90% turn out with a 92% yes vote", rule="3/4", base="entitled")
    assert check.turnout is not None and check.turnout["source"] == "published"
    assert (check.turnout["percent"], check.turnout["low"], check.turnout["high"]) == ("90", "179/200", "181/200")
    assert "89.50% and 90.50%" in str(check.turnout["words"])
    assert not any("turnout" in u.split("(")[0] for u in check.undetermined)


def test_turnout_from_the_figures() -> None:
    check = check_published("412 for, 98 against, 20 abstentions", entitled=689)
    assert check.turnout is not None and check.turnout["voted"] == 530 and "76.9%" in str(check.turnout["words"])


def test_json_shape_is_complete_and_stable(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", "40 for, 20 against, 5 abstentions, 62 percent", "--rule", "two-thirds", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert list(data) == ["published", "figures", "rule", "base", "base_source", "outcome", "condition", "outcomes",
                          "declared", "declared_follows", "bases", "percentage_bases", "turnout", "derived",
                          "undetermined", "flags"]
    assert list(data["figures"]) == ["for", "against", "abstain", "spoilt", "many_for", "unanimous", "tie",
                                     "majority", "majority_words", "margin", "participants",
                                     "participants_qualifier", "percentages"]
    assert data["base_source"] == "rule"
    assert [(o["base"], o["named"], o["outcome"]) for o in data["outcomes"]] == [
        ("cast", True, "carried"), ("cast-with-abstentions", False, "fell"), ("present", False, "fell"),
        ("entitled", False, "fell")]
    assert list(data["outcomes"][2]) == ["base", "base_words", "named", "outcome", "condition", "carried_if"]
    assert data["outcomes"][2]["carried_if"] == {"figure": "present", "carried_from": None, "carried_to": None,
                                                 "possible_from": 65, "possible_to": None}
    assert data["percentage_bases"][0]["consistent"] == ["cast-with-abstentions"]


def test_text_output_names_every_base(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", "40 for, 20 against, 5 abstentions", "--rule", "two-thirds"]) == 0
    out = capsys.readouterr().out
    assert "On votes cast excluding abstentions (the rule's base): Carried" in out
    assert "On votes cast including abstentions: Fell" in out


@settings(max_examples=150, deadline=None)
@given(st.integers(0, 60), st.integers(0, 60), st.integers(0, 20),
       st.sampled_from(["two-thirds", "absolute", "3/5", "1/2"]), st.sampled_from(["present", "entitled"]))
def test_the_carried_range_of_an_unpublished_base_matches_deciding_each_value(
        yes: int, no: int, abstain: int, rule: str, base: str) -> None:
    outcome = _on(check_published(f"{yes} for, {no} against, {abstain} abstentions", rule=rule), base)
    voted = yes + no + abstain
    for size in range(max(voted, 1), voted + 150):
        carried = decide(yes, no, abstain, rule=rule, base=base, present=size, entitled=size).carried
        if outcome.outcome in ("carried", "fell"):
            assert carried == (outcome.outcome == "carried"), size
        else:
            low, high = outcome.carried_from, outcome.carried_to
            assert carried == (low <= size and (high is None or size <= high)), size


@settings(max_examples=150, deadline=None)
@given(st.integers(0, 60), st.integers(0, 60), st.sampled_from(["two-thirds", "absolute", "3/5"]))
def test_the_carried_range_of_unpublished_abstentions_matches_deciding_each_value(
        yes: int, no: int, rule: str) -> None:
    outcome = _on(check_published(f"{yes} for, {no} against", rule=rule), "cast-with-abstentions")
    for abstain in range(0, 150):
        if yes + no + abstain == 0:
            continue
        carried = decide(yes, no, abstain, rule=rule, base="cast-with-abstentions").carried
        if outcome.outcome in ("carried", "fell"):
            assert carried == (outcome.outcome == "carried"), abstain
        else:
            low, high = outcome.carried_from, outcome.carried_to
            assert carried == (low <= abstain and (high is None or abstain <= high)), abstain
