"""``plenary tally`` and ``plenary verify`` through the real command-line entry point."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from server.cli import main

REPO = Path(__file__).resolve().parents[2]


def _glasgow(shared_dir: Path, ward: str) -> Path:
    return shared_dir / "verification" / "scotland-glasgow-2007" / f"{ward}.blt"


def test_tally_prints_the_rounds(shared_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["tally", str(_glasgow(shared_dir, "Anderston-City-2007")), "--method", "scotland"]) == 0
    out = capsys.readouterr().out
    assert "Round 2  (surplus of Craig MacKay transferred (rules 48, 49))" in out
    assert re.search(r"^  Nina Baker +927\.98248$", out, re.MULTILINE)
    assert out.rstrip().splitlines()[-2] == "Elected: Craig MacKay, Philip Braat, Nina Baker, Gordon Matheson"


def test_tally_json(shared_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    ward = _glasgow(shared_dir, "Govan-2007")
    assert main(["tally", str(ward), "--method", "meek", "--json", "--arithmetic", "guarded-p18-g9-d18"]) == 0
    record = json.loads(capsys.readouterr().out)
    assert record["method"] == "meek" and len(record["elected"]) == 4
    assert record["rounds"][0]["threshold"].count(".") == 1


def test_tally_csv_with_seats(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "ballots.csv"
    path.write_text("id,weight,rank1,rank2,rank3\n1,5,Ann,Bob,\n2,4,Bob,Cat,\n3,3,Cat,Bob,\n4,1,Ann,,\n")
    assert main(["tally", str(path), "--method", "scotland", "--seats", "1", "--json"]) == 0
    record = json.loads(capsys.readouterr().out)
    assert record["candidates"] == ["Ann", "Bob", "Cat"]
    assert record["elected"] == ["Bob"]


def test_tally_bad_file_exits_2_naming_the_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "bad.blt"
    path.write_text('2 1\n1 1 0\n1 7 0\n0\n"A"\n"B"\n')
    assert main(["tally", str(path), "--method", "scotland"]) == 2
    assert f"{path}, line 3: candidate number 7 out of range 1..2" in capsys.readouterr().err


def test_tally_csv_needs_seats(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "b.csv"
    path.write_text("id,weight,rank1\n1,1,Ann\n")
    assert main(["tally", str(path), "--method", "scotland"]) == 2
    assert "--seats is needed" in capsys.readouterr().err


@pytest.mark.parametrize("report", ["42.expected.meek-o9-guarded-p18-g9-d18.txt", "42.expected.meek-o10-rational-d12.txt"])
def test_verify_meek_picks_the_report_arithmetic(shared_dir: Path, report: str, capsys: pytest.CaptureFixture[str]) -> None:
    rules = shared_dir / "verification" / "stv-rules"
    code = main(["verify", str(rules / "42.blt"), "--expected", str(rules / report), "--method", "meek"])
    out = capsys.readouterr().out
    assert code == 0, out
    assert out.startswith("IDENTICAL:") and len(out.splitlines()) == 1


def test_verify_divergent_exits_1_listing_rounds(shared_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    ward = _glasgow(shared_dir, "Calton-2007")
    text = ward.with_name("Calton-2007.expected.report.txt").read_text()
    tampered = tmp_path / "calton.txt"
    tampered.write_text(text.replace("Quota: ", "Quota: 1", 1))
    assert main(["verify", str(ward), "--expected", str(tampered)]) == 1
    out = capsys.readouterr().out
    assert out.startswith("DIVERGENT:")
    assert "  quota: expected 1" in out


def test_verify_refuses_wrong_method_and_missing_files(shared_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rules = shared_dir / "verification" / "stv-rules"
    assert main(["verify", str(rules / "SC.blt"), "--expected", str(rules / "SC.expected.wigm-rational-d12.txt"),
                 "--method", "meek"]) == 2
    assert main(["verify", str(tmp_path / "none.blt"), "--expected", str(rules / "SC.expected.wigm-rational-d12.txt")]) == 2
    assert main(["verify", str(rules / "SC.blt")]) == 2
    err = capsys.readouterr().err
    assert "not meek" in err and "no such file" in err and "needs --expected" in err


def test_verify_as_a_separate_process(shared_dir: Path) -> None:
    ward = _glasgow(shared_dir, "Hillhead-2007")
    done = subprocess.run(
        [sys.executable, "-c", "import sys; from server.cli import main; sys.exit(main())",
         "verify", str(ward), "--expected", str(ward.with_name("Hillhead-2007.expected.json.txt"))],
        cwd=REPO, capture_output=True, text=True, timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("IDENTICAL:")


def test_verify_an_rctab_case_directory(shared_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    case = shared_dir / "verification" / "rctab" / "2013_minneapolis_park"
    assert main(["verify", str(case)]) == 0
    assert capsys.readouterr().out.startswith("IDENTICAL:")


def test_tally_csv_with_rctab_rules(shared_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    case = shared_dir / "verification" / "rctab" / "2013_minneapolis_park"
    assert main(["tally", str(case / "ballots.csv"), "--rules", str(case / "rules.json"), "--method", "scotland", "--json"]) == 0
    record = json.loads(capsys.readouterr().out)
    assert record["seats"] == 3 and len(record["elected"]) == 3


def test_verify_refuses_a_file_that_is_not_a_report(shared_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rules = shared_dir / "verification" / "stv-rules"
    junk = tmp_path / "junk.txt"
    junk.write_text("this is not a count report\n")
    assert main(["verify", str(rules / "42.blt"), "--expected", str(junk)]) == 2
    assert f"{junk}: not a Droop report" in capsys.readouterr().err
