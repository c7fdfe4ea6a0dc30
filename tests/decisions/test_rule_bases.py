"""R4 item 13: an absolute majority counts abstentions, and rule/base pairs that change a rule's meaning are refused."""

from __future__ import annotations

import pytest

from server.cli import main
from voting.decision import ABSOLUTE, SIMPLE, TWO_THIRDS, DecisionError, decide, parse_rule
from voting.published import check_published


def test_absolute_majority_defaults_to_all_votes_cast_including_abstentions() -> None:
    # 10 of 23 votes cast is not more than half: abstentions count like votes against
    d = decide(10, 8, 5, rule="absolute")
    assert d.outcome == "fell" and d.base_name == "cast-with-abstentions" and d.needed == 23 / 2
    assert "of votes cast including abstentions" in d.words
    assert decide(12, 8, 3, rule=ABSOLUTE).carried  # 12 of 23


def test_absolute_majority_of_members_when_the_base_says_so() -> None:
    assert not decide(10, 2, 0, rule="absolute", base="present", present=20).carried  # 10 is not more than 10
    assert decide(11, 2, 0, rule="absolute", base="entitled", entitled=20).carried


def test_each_rule_has_its_own_base() -> None:
    assert ABSOLUTE.default_base == "cast-with-abstentions"
    assert TWO_THIRDS.default_base == "cast" and SIMPLE.default_base == "cast"
    assert parse_rule("3/5").default_base == "cast"


@pytest.mark.parametrize(("rule", "base", "reason"), [
    ("absolute", "cast", "same as a simple majority"),
    ("simple", "present", "takes no share of members present"),
    ("simple", "entitled", "use the absolute rule with base entitled"),
])
def test_a_rule_on_a_base_that_changes_its_meaning_is_refused(rule: str, base: str, reason: str) -> None:
    with pytest.raises(DecisionError, match=reason):
        decide(10, 8, 5, rule=rule, base=base, present=30, entitled=40)
    with pytest.raises(DecisionError, match=reason):
        check_published("10 for, 8 against, 5 abstentions", rule=rule, base=base)


def test_check_command_uses_the_rules_own_base_and_refuses_a_clash(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", "10 for, 8 against, 5 abstentions", "--rule", "absolute"]) == 0
    out = capsys.readouterr().out
    assert "Outcome: Fell: 10 for, 8 against, 5 abstentions; 43.5% of votes cast including abstentions" in out
    assert "(the base this rule is taken on)" in out
    assert main(["check", "10 for, 8 against, 5 abstentions", "--rule", "absolute", "--base", "cast"]) == 2
    assert "same as a simple majority" in capsys.readouterr().err
