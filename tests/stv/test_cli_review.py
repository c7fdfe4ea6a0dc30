"""Reviewer R4's findings on ``plenary tally`` (items 4, 8, 16) and its options --ron, --ties, --lot.

Every test goes through the real command-line entry point or the real readers.
"""

from __future__ import annotations

import dataclasses
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from ballots.errors import FormatError
from ballots.formats.blt import read_blt
from ballots.formats.csv_ballots import read_csv_ballots
from ballots.formats.rctab_rules import read_rctab_rules
from ballots.rctab_reading import UNDECLARED_WRITE_INS, read_as_rctab
from server.cli import main
from voting.ballot import OVERVOTE, UNDECLARED_WRITE_IN, Ballot, BallotError, Contest
from voting.methods import rctab
from voting.methods import rctab_rules as R

REPO = Path(__file__).resolve().parents[2]


def _rctab_case(shared_dir: Path, name: str) -> Path:
    return shared_dir / "verification" / "rctab" / name


def _tally_json(args: list[str], capsys: pytest.CaptureFixture[str]) -> dict:
    assert main(["tally", *args, "--json"]) == 0, capsys.readouterr().err
    return json.loads(capsys.readouterr().out)


# -- item 4: rules.json's ballot-reading settings apply to every method ----------------------------

def test_irv_with_rules_reads_ballots_as_the_contest_does(shared_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    case = _rctab_case(shared_dir, "test_set_3_skipped_choice_exhaust")
    files = [str(case / "ballots.csv"), "--rules", str(case / "rules.json")]
    irv = _tally_json([*files, "--method", "irv"], capsys)
    reference = _tally_json([*files, "--method", "rctab"], capsys)
    final = {name: float(v) for name, v in irv["rounds"][-1]["tally"].items()}
    assert final == {name: float(v) for name, v in reference["rounds"][-1]["tally"].items()}
    assert final["Candidate B Name"] == 7  # 10 when the skipped-rank setting was ignored
    assert irv["rules"]["rules.json ballot reading"]["maxSkippedRanksAllowed"] == 0
    assert any("3 at skipped rankings" in note for note in irv["notes"])
    # the counting settings irv does not use are named, not silently dropped
    assert irv["rules"]["rules.json settings not applied"]["tiebreakMode"] == "random"


def test_the_text_report_says_which_settings_applied(shared_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    case = _rctab_case(shared_dir, "test_set_6_duplicate_exhaust")
    assert main(["tally", str(case / "ballots.csv"), "--rules", str(case / "rules.json"), "--method", "scotland"]) == 0
    out = capsys.readouterr().out
    assert "Note: ballots read as the contest's rules.json reads them" in out
    assert "exhaustOnDuplicateCandidate true" in out


def test_exhaust_if_multiple_continuing_is_refused_for_other_methods(shared_dir: Path,
                                                                    capsys: pytest.CaptureFixture[str]) -> None:
    case = _rctab_case(shared_dir, "exhaust_if_multiple_continuing")
    args = ["tally", str(case / "ballots.csv"), "--rules", str(case / "rules.json")]
    assert main([*args, "--method", "irv"]) == 2
    err = capsys.readouterr().err
    assert "overvoteRule exhaustIfMultipleContinuing" in err and "--method rctab" in err
    assert main([*args, "--method", "rctab"]) == 0


_NEUTRAL_READING = dict(overvote_rule=R.EXHAUST_IMMEDIATELY, max_skipped_ranks_allowed=None,
                        max_rankings_allowed=None, exhaust_on_duplicate_candidate=False,
                        treat_blank_as_undeclared_write_in=False, undeclared_write_ins=None)
_RCTAB_CASES = Path(os.environ.get("PLENARY_SHARED_DIR", REPO.parent / "shared")) / "verification" / "rctab"
# every case but the one whose overvote rule is refused; of the Minneapolis park variants (same
# ballots, other counting modes) the plain one
_CASES = sorted(p.name for p in _RCTAB_CASES.iterdir() if p.is_dir() and p.name != "exhaust_if_multiple_continuing"
                and not p.name.startswith("2013_minneapolis_park_")) if _RCTAB_CASES.is_dir() else []


@pytest.mark.parametrize("name", _CASES)
def test_reading_ballots_first_gives_rctabs_own_rounds(shared_dir: Path, name: str) -> None:
    """The reading done once equals RCTab's reading done each round: counting the read ballots
    with settings that change nothing gives every round's tally of the count with the settings."""
    case = _rctab_case(shared_dir, name)
    contest, rules = read_rctab_rules(case / "rules.json")
    ballots = read_csv_ballots(case / "ballots.csv", contest.candidates)
    expected = rctab.count(contest, ballots, rules=rules)
    reading = read_as_rctab(contest, ballots, rules)
    assert all(b.is_clean for b in reading.ballots)
    again = rctab.count(reading.contest, reading.ballots, rules=dataclasses.replace(rules, **_NEUTRAL_READING))
    assert [r.tally for r in again.rounds] == [r.tally for r in expected.rounds]
    assert again.elected == expected.elected


def test_reading_rules_one_ballot_at_a_time() -> None:
    contest = Contest(("A", "B", "C", "D"), 1)
    ballots = [
        Ballot((("A",), (), (), ("B",)), 1, "skip2"),        # two skipped ranks, limit 1: stops at B
        Ballot((("A", "B"), ("C",)), 1, "over"),              # overvote skipped: C
        Ballot((("A",), ("A",), ("B",)), 1, "dup"),           # duplicate: stops there
        Ballot(((OVERVOTE,), ("B",)), 1, "unnamed"),
        Ballot(((UNDECLARED_WRITE_IN,), ("C",)), 2, "uwi"),
    ]
    rules = R.RctabRules(max_skipped_ranks_allowed=1, exhaust_on_duplicate_candidate=True)
    reading = read_as_rctab(contest, ballots, rules)
    assert {b.preferences: b.weight for b in reading.ballots} == {
        ("A",): 2, ("C",): 1, ("B",): 1, (UNDECLARED_WRITE_INS, "C"): 2}
    assert reading.stopped == {"skipped_rankings": 1, "repeated_rankings": 1}
    assert reading.contest.candidates[-1] == UNDECLARED_WRITE_INS
    exhaust = read_as_rctab(contest, ballots, dataclasses.replace(rules, overvote_rule=R.EXHAUST_IMMEDIATELY))
    assert exhaust.stopped["overvote"] == 2
    beyond = read_as_rctab(contest, ballots[:1], dataclasses.replace(rules, max_rankings_allowed=3))
    assert beyond.stopped == {} and beyond.ballots[0].preferences == ("A",)  # rank 4 is never read
    with pytest.raises(BallotError, match="'E', who is not a candidate"):
        read_as_rctab(contest, [Ballot.ranking(["E"])], rules)


# -- item 8: a fractional BLT weight, per method ----------------------------------------------------

def _fractional_blt(tmp_path: Path) -> Path:
    path = tmp_path / "weights.blt"
    # line 4 holds the first fractional weight; line 6 repeats it (merged with it when read)
    path.write_text('3 1\n2 1 2 0\n1 2 0\n1.5 3 1 0\n2 1 0\n1.5 3 1 0\n0.25 2 0\n0\n"A"\n"B"\n"C"\n')
    return path


@pytest.mark.parametrize("method", ["scotland", "ers97", "wigm", "meek"])
def test_whole_paper_methods_name_the_line_of_a_fractional_weight(tmp_path: Path, method: str,
                                                                  capsys: pytest.CaptureFixture[str]) -> None:
    path = _fractional_blt(tmp_path)
    assert main(["tally", str(path), "--method", method, "--seed", "s"]) == 2
    err = capsys.readouterr().err
    assert f"{path}, line 4: ballot weight 1.5 is not a whole number of ballot papers; {method} counts whole papers" in err


@pytest.mark.parametrize("method", ["irv", "plurality", "rctab"])
def test_weighted_vote_methods_take_fractional_weights(tmp_path: Path, method: str,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    record = _tally_json([str(_fractional_blt(tmp_path)), "--method", method], capsys)
    assert float(record["total_ballots"]) == 8.25


def test_the_reader_checks_whole_papers_only_when_asked(tmp_path: Path) -> None:
    path = _fractional_blt(tmp_path)
    assert float(read_blt(path).total_weight) == 8.25
    with pytest.raises(FormatError) as caught:
        read_blt(path, whole_papers_for="scotland")
    assert (caught.value.path, caught.value.line) == (str(path), 4)
    whole = tmp_path / "whole.blt"
    whole.write_text('2 1\n2.0 1 0\n1 2 0\n0\n"A"\n"B"\n')
    assert read_blt(whole, whole_papers_for="scotland").total_weight == 3


# -- item 16: --seats overriding the file is reported; too many seats names the file ----------------

def _small_blt(tmp_path: Path, header: str = "3 2") -> Path:
    path = tmp_path / "small.blt"
    path.write_text(f'{header}\n4 1 2 0\n3 2 0\n2 3 1 0\n0\n"Ann"\n"Bob"\n"Cat"\n')
    return path


def test_seats_overriding_the_header_is_noted(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = _small_blt(tmp_path)
    record = _tally_json([str(path), "--method", "scotland", "--seats", "1"], capsys)
    assert record["seats"] == 1 and record["rules"]["seats given on the command line"] == 1
    assert f"--seats 1 overrides the 2 seat(s) stated in the header of {path}" in record["notes"]
    assert main(["tally", str(path), "--method", "scotland", "--seats", "1"]) == 0
    assert f"Note: --seats 1 overrides the 2 seat(s) stated in the header of {path}" in capsys.readouterr().out
    same = _tally_json([str(path), "--method", "scotland", "--seats", "2"], capsys)
    assert not any("overrides" in note for note in same["notes"])


def test_too_many_seats_names_the_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = _small_blt(tmp_path)
    assert main(["tally", str(path), "--method", "scotland", "--seats", "20"]) == 2
    assert f"{path}: --seats 20: 20 seats but only 3 candidates standing" in capsys.readouterr().err
    header = _small_blt(tmp_path, "3 20")
    assert main(["tally", str(header), "--method", "scotland"]) == 2
    assert f"{header}, line 1: 20 seats but only 3 candidates" in capsys.readouterr().err


def test_seats_overriding_rules_json_is_noted(shared_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    case = _rctab_case(shared_dir, "2013_minneapolis_park")
    record = _tally_json([str(case / "ballots.csv"), "--rules", str(case / "rules.json"), "--method", "scotland",
                          "--seats", "2"], capsys)
    assert record["seats"] == 2 and len(record["elected"]) == 2
    assert any("--seats 2 overrides the 3 seat(s) stated in" in note and "numberOfWinners" in note
               for note in record["notes"])


# -- --ron, --ties, --lot -----------------------------------------------------------------------------

def _ron_blt(tmp_path: Path, ron: str) -> Path:
    path = tmp_path / "ron.blt"
    path.write_text(f'3 2\n5 3 1 0\n4 1 0\n2 2 0\n0\n"Ann"\n"Bob"\n"{ron}"\n')
    return path


@pytest.mark.parametrize("method", ["scotland", "wigm", "meek", "ers97"])
def test_ron_names_the_reopen_nominations_candidate(tmp_path: Path, method: str,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    path = _ron_blt(tmp_path, "Re-open nominations")
    plain = _tally_json([str(path), "--method", method, "--seed", "s"], capsys)
    assert "Re-open nominations" in plain["elected"]  # without --ron it is a person
    record = _tally_json([str(path), "--method", method, "--seed", "s", "--ron", "Re-open nominations"], capsys)
    assert record["elected"] == ["Ann"]
    assert record["rules"]["re-open nominations"] == "Re-open nominations"
    assert record["rules"]["seats re-opened"] == 1


def test_ron_empty_turns_the_rule_off(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = _ron_blt(tmp_path, "RON")
    assert _tally_json([str(path), "--method", "scotland"], capsys)["elected"] == ["Ann"]
    assert set(_tally_json([str(path), "--method", "scotland", "--ron", ""], capsys)["elected"]) == {"RON", "Ann"}


@pytest.mark.parametrize("method", ["wigm", "meek"])
def test_ties_droop_is_recorded(shared_dir: Path, method: str, capsys: pytest.CaptureFixture[str]) -> None:
    blt = shared_dir / "verification" / "stv-rules" / "SC.blt"
    droop = _tally_json([str(blt), "--method", method, "--ties", "droop", "--lot", "ballot-order"], capsys)
    assert droop["rules"]["tie rule"].startswith("Droop's")
    plenary = _tally_json([str(blt), "--method", method, "--lot", "ballot-order"], capsys)
    assert plenary["rules"]["tie rule"].startswith("earlier rounds")


def test_ties_and_lot_are_refused_where_they_do_not_apply(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = _small_blt(tmp_path)
    assert main(["tally", str(path), "--method", "scotland", "--ties", "droop"]) == 2
    assert "--ties applies to wigm and meek" in capsys.readouterr().err
    assert main(["tally", str(path), "--method", "irv", "--seats", "1", "--lot", "ballot-order"]) == 2
    assert "--lot applies to scotland, wigm, meek, ers97" in capsys.readouterr().err


def test_ers97_takes_lot(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "tie.blt"
    path.write_text('3 1\n2 1 0\n2 2 0\n1 3 0\n0\n"A"\n"B"\n"C"\n')
    record = _tally_json([str(path), "--method", "ers97", "--lot", "ballot-order"], capsys)
    assert record["rules"]["lot"] == "ballot-order"
    assert [t["method"] for t in record["ties"]] == ["lot"]


def test_tally_help_lists_every_option() -> None:
    done = subprocess.run(
        [sys.executable, "-c", "import sys; from server.cli import main; sys.exit(main())", "tally", "--help"],
        cwd=REPO, capture_output=True, text=True, timeout=60,
    )
    assert done.returncode == 0, done.stderr
    for option in ("--method", "--seats", "--rules", "--ron NAME", "--ties {plenary,droop}", "--lot", "--seed"):
        assert option in done.stdout


def test_a_csv_fractional_weight_is_named_by_line_too(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "weights.csv"
    path.write_text("id,weight,rank1,rank2\n1,2,A,B\n2,1,B,\n3,0.5,C,A\n4,0.5,C,A\n")
    assert main(["tally", str(path), "--method", "ers97", "--seats", "1"]) == 2
    assert f"{path}, line 4: ballot weight 0.5 is not a whole number of ballot papers; ers97 counts whole papers" \
        in capsys.readouterr().err
    assert float(_tally_json([str(path), "--method", "irv", "--seats", "1", "--seed", "s"], capsys)["total_ballots"]) == 4
