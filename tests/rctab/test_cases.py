"""Every RCTab case in the verification corpus is reproduced round by round."""

from __future__ import annotations

import json
import os
import shutil
import time
from pathlib import Path

import pytest

from ballots.errors import FormatError
from ballots.verification import compare_rctab_case
from ballots.verification.rctab_case import read_rctab_summary

_SHARED = Path(os.environ.get("PLENARY_SHARED_DIR", Path(__file__).resolve().parents[2].parent / "shared"))
_CASES = sorted(p.name for p in (_SHARED / "verification" / "rctab").glob("*") if p.is_dir())


@pytest.mark.parametrize("case", _CASES or ["(no cases found)"])
def test_case_is_reproduced(shared_dir: Path, case: str) -> None:
    cases = shared_dir / "verification" / "rctab"
    assert _CASES, f"no RCTab cases under {cases}"
    assert compare_rctab_case(cases / case) == []


@pytest.fixture
def park_copy(shared_dir: Path, tmp_path: Path) -> Path:
    source = shared_dir / "verification" / "rctab" / "test_set_multi_winner_fractional_threshold"
    return Path(shutil.copytree(source, tmp_path / "case"))


def test_a_changed_rule_shows_as_divergence(park_copy: Path) -> None:
    rules = json.loads((park_copy / "rules.json").read_text())
    rules["rules"]["decimalPlacesForVoteArithmetic"] = "2"
    (park_copy / "rules.json").write_text(json.dumps(rules))
    lines = compare_rctab_case(park_copy)
    assert lines and any("round" in line and "expected.json" in line for line in lines)


def test_a_changed_expected_count_names_round_and_candidate(park_copy: Path) -> None:
    expected = json.loads((park_copy / "expected.json").read_text())
    name, value = next(iter(expected["results"][0]["tally"].items()))
    expected["results"][0]["tally"][name] = str(int(float(value)) + 1)
    (park_copy / "expected.json").write_text(json.dumps(expected))
    lines = compare_rctab_case(park_copy)
    assert f"round 1: tally of {name} is {int(float(value)) + 1} in expected.json, {value} here" in lines


def test_a_missing_file_is_a_format_error(park_copy: Path) -> None:
    (park_copy / "ballots.csv").unlink()
    with pytest.raises(FormatError, match="ballots.csv"):
        compare_rctab_case(park_copy)


def test_bad_expected_json_names_the_file(park_copy: Path) -> None:
    (park_copy / "expected.json").write_text('{"results": [}')
    with pytest.raises(FormatError, match="expected.json, line 1"):
        compare_rctab_case(park_copy)


@pytest.mark.parametrize("case", [c for c in _CASES if c.startswith("2013_minneapolis")] or ["(no cases found)"])
def test_large_real_elections_count_in_seconds(shared_dir: Path, case: str) -> None:
    from ballots.formats.csv_ballots import read_csv_ballots
    from ballots.formats.rctab_rules import read_rctab_rules
    from voting.methods import rctab

    folder = shared_dir / "verification" / "rctab" / case
    assert folder.is_dir(), f"missing {folder}"
    started = time.perf_counter()
    contest, rules = read_rctab_rules(folder / "rules.json")
    ballots = read_csv_ballots(folder / "ballots.csv", contest.candidates)
    result = rctab.count(contest, ballots, rules=rules)
    assert result.total_ballots == 80101
    assert time.perf_counter() - started < 3.0


def test_a_summary_that_is_not_json_is_a_format_error_at_its_line(tmp_path: Path) -> None:
    path = tmp_path / "expected.json"
    path.write_text('{\n  "results": [\n  oops\n]}\n', encoding="utf-8")
    with pytest.raises(FormatError, match=r"expected.json, line 3: not JSON"):
        read_rctab_summary(path)
