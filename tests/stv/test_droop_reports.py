"""Every published Droop count in the verification corpus is reproduced stage by stage."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from ballots.errors import FormatError
from ballots.formats.blt import read_blt
from ballots.formats.droop_report import read_droop_report
from ballots.verification.droop_case import compare_droop_case
from voting.methods import stv_scottish

REPO = Path(__file__).resolve().parents[2]
#: collected at import time, so read from the same place as the ``shared_dir`` fixture
SHARED = Path(os.environ.get("PLENARY_SHARED_DIR", REPO.parent / "shared")) / "verification"


def _cases() -> list[tuple[Path, Path]]:
    """(ballots, report) pairs found on disk: each Glasgow ward and each stv-rules report."""
    root = SHARED
    pairs = []
    for report in sorted(root.glob("scotland-glasgow-2007/*.expected.*")) + sorted(root.glob("stv-rules/*.expected.*")):
        ballots = report.parent / (report.name.split(".expected")[0] + ".blt")
        pairs.append((ballots, report))
    return pairs


CASES = _cases()


def test_corpus_found(shared_dir: Path) -> None:
    assert len(list((shared_dir / "verification" / "scotland-glasgow-2007").glob("*.blt"))) == 14
    assert len(CASES) >= 14 * 2 + 20


@pytest.mark.parametrize("ballots,report", CASES, ids=[r.name for _, r in CASES])
def test_reproduces_droop_report(shared_dir: Path, ballots: Path, report: Path) -> None:
    assert compare_droop_case(ballots, report) == []


@pytest.mark.parametrize("ward", sorted((SHARED / "scotland-glasgow-2007").glob("*.blt")), ids=lambda p: p.stem)
def test_fast_path_matches_readable_path(shared_dir: Path, ward: Path) -> None:
    blt = read_blt(ward)
    readable = stv_scottish.count(blt.contest, blt.ballots, fast=False)
    fast = stv_scottish.count(blt.contest, blt.ballots, fast=True)
    assert fast.as_dict() == readable.as_dict()


def test_a_changed_figure_is_reported(shared_dir: Path, tmp_path: Path) -> None:
    ward = shared_dir / "verification" / "scotland-glasgow-2007" / "Anderston-City-2007"
    text = (ward.parent / (ward.name + ".expected.report.txt")).read_text()
    tampered = tmp_path / "tampered.txt"
    tampered.write_text(text.replace("Hopeful:  Nina Baker (927.98248)", "Hopeful:  Nina Baker (927.98249)", 1))
    divergences = compare_droop_case(ward.with_suffix(".blt"), tampered, "scotland")
    assert divergences == ["stage 2 (Surplus transferred: Craig MacKay (251.00000)): Nina Baker expected 927.98249, got 927.98248"]


def test_a_different_winner_is_reported(shared_dir: Path, tmp_path: Path) -> None:
    report = shared_dir / "verification" / "stv-rules" / "SC.expected.wigm-rational-d12.txt"
    text = report.read_text().replace("Break tie (defeat): [Steve Greenfield, Jimmy Leas] -> Steve Greenfield", "x")
    tampered = tmp_path / "SC.txt"
    tampered.write_text(text.replace("Defeat: Steve Greenfield", "Defeat: Jimmy Leas"))
    assert any("excluded expected ['Jimmy Leas']" in d for d in compare_droop_case(report.parent / "SC.blt", tampered))


def test_report_header_names_rule_and_arithmetic(shared_dir: Path) -> None:
    rules = shared_dir / "verification" / "stv-rules"
    meek9 = read_droop_report(rules / "42.expected.meek-o9-guarded-p18-g9-d18.txt")
    assert (meek9.method, meek9.arithmetic_spec, meek9.omega_exponent) == ("meek", "guarded-p18-g9-d18", 9)
    meek10 = read_droop_report(rules / "42.expected.meek-o10-rational-d12.txt")
    assert (meek10.method, meek10.arithmetic_spec, meek10.omega_exponent) == ("meek", "rational-d12", 10)
    scot = read_droop_report(rules / "42.expected.scotland-fixed-p5-d5.txt")
    assert (scot.method, scot.arithmetic_spec, scot.quota) == ("scotland", "fixed-p5", "3.00000")


def test_json_and_text_reports_read_alike(shared_dir: Path) -> None:
    base = shared_dir / "verification" / "scotland-glasgow-2007" / "Govan-2007"
    text = read_droop_report(base.with_name(base.name + ".expected.report.txt"))
    data = read_droop_report(base.with_name(base.name + ".expected.json.txt"))
    assert (text.rule, text.arithmetic, text.quota, text.seats) == (data.rule, data.arithmetic, data.quota, data.seats)
    chosen = [a.votes for a in text.actions if a.message.startswith("Transfer defeated")]
    assert chosen == [a.votes for a in data.actions if a.message.startswith("Transfer defeated")]


@pytest.mark.parametrize(
    ("content", "message"),
    [(None, "cannot read"), (b"Rule: \xff\xfe not text\n", "not UTF-8 text")],
    ids=["missing", "not-utf8"],
)
def test_an_unreadable_report_is_a_format_error_naming_the_file(tmp_path: Path, content: bytes | None,
                                                                message: str) -> None:
    path = tmp_path / "report.txt"
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(FormatError, match=f"report.txt: {message}"):
        read_droop_report(path)
