"""``plenary check`` through the real command line entry point."""

from __future__ import annotations

import json

import pytest

from server.cli import main


def test_check_prints_outcome_bases_and_undetermined(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", "483 for, 133 against, 13 abstentions, 77 percent"]) == 0
    out = capsys.readouterr().out
    assert "Outcome: Carried: 483 for, 133 against, 13 abstentions" in out
    assert "483/629 = 76.8%, consistent with 77% rounded" in out
    assert "483/616 = 78.4%, not consistent" in out
    assert "Undetermined: turnout" in out


def test_check_condition_on_unpublished_figures(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", "Many for, 6 no, 1 abstention", "--declared", "carried"]) == 0
    out = capsys.readouterr().out
    assert "carried whenever for >= 7" in out and "consistent only under the condition" in out


def test_check_json_with_rule_and_base(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", "40 for, 20 against, 5 abstentions", "--rule", "two-thirds",
                 "--base", "cast-with-abstentions", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["outcome"] == "fell" and data["figures"]["for"] == 40
    assert main(["check", "60 for, 40 against", "--rule", "3/5", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["outcome"] == "carried"


def test_check_entitled_and_restated(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", "around 70 percent of those who voted", "--restated", "70 percent of members"]) == 0
    assert "Flag: restated '70% of members' is not supported" in capsys.readouterr().out
    assert main(["check", "a 90% turn out with a 92% yes vote", "--rule", "75%", "--base", "entitled"]) == 0
    assert "81.89% to 83.71%" in capsys.readouterr().out


def test_unknown_base_size_gives_a_condition(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", "40 for, 20 against", "--rule", "absolute", "--base", "entitled"]) == 0
    assert "carried whenever members entitled <= 79" in capsys.readouterr().out
    assert main(["check", "40 for, 20 against", "--rule", "absolute", "--base", "entitled", "--entitled", "80"]) == 0
    assert "Outcome: Fell" in capsys.readouterr().out


def test_declared_outcome_that_does_not_follow_exits_1(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", "12 for, 30 against", "--declared", "carried"]) == 1
    assert "does NOT follow" in capsys.readouterr().out


@pytest.mark.parametrize(("argv", "reason"), [
    (["check", "the weather was fine"], "no count, percentage or outcome"),
    (["check", "39 to 8", "--rule", "3/0"], "divides by zero"),
    (["check", "39 to 8", "--rule", "most"], "unknown rule"),
    (["check", "39 to 8", "--entitled", "-4"], "cannot be negative"),
])
def test_unreadable_input_exits_2(capsys: pytest.CaptureFixture[str], argv: list[str], reason: str) -> None:
    assert main(argv) == 2
    assert reason in capsys.readouterr().err
