"""The bulk BLT reader (``blt_numpy``) reads exactly what the line reader reads, and leaves every fault to it.

``read_blt`` tries the bulk reader first; ``parse_blt`` is the line reader.
Each test builds files big enough that speed would matter, and checks the
two agree ballot for ballot (same rows, same order, same weights), or that
the bulk reader declines and the error names the line reader's file and line.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from ballots.errors import FormatError
from ballots.formats import blt_numpy
from ballots.formats.blt import BltFile, _read_plain, parse_blt, read_blt
from voting.ranking_matrix import RankingMatrix


def _line_reader(path: Path) -> BltFile:
    return parse_blt(path.read_bytes().decode("utf-8-sig"), str(path))


def _bulk_reader(path: Path) -> BltFile | None:
    return _read_plain(path.read_bytes(), str(path))


def _assert_identical(bulk: BltFile, careful: BltFile) -> None:
    assert bulk.contest == careful.contest
    assert isinstance(bulk.ballots, RankingMatrix) and isinstance(careful.ballots, RankingMatrix)
    assert bulk.ballots.ranks.dtype == careful.ballots.ranks.dtype
    assert bulk.ballots.ranks.shape == careful.ballots.ranks.shape
    assert np.array_equal(bulk.ballots.ranks, careful.ballots.ranks)
    assert np.array_equal(bulk.ballots.weights, careful.ballots.weights)
    assert list(bulk.ballots) == list(careful.ballots)


def _totals(ballots) -> dict:
    totals: dict = {}
    for b in ballots:
        totals[b.ranks] = totals.get(b.ranks, 0) + b.weight
    return totals


def _election(rng: np.random.Generator, n: int, lines: int, weights: int = 1, withdrawn: bool = False) -> list[str]:
    """A BLT file's lines: random rankings, many repeated, some empty, weights 1..``weights``."""
    body = [f"{n} {min(3, n)}"]
    if withdrawn:
        body.append(f"-{n}")
    popular = [rng.permutation(n)[: rng.integers(0, n + 1)] + 1 for _ in range(40)]
    for _ in range(lines):
        prefs = popular[rng.integers(40)] if rng.random() < 0.6 else rng.permutation(n)[: rng.integers(0, n + 1)] + 1
        body.append(" ".join([str(rng.integers(1, weights + 1)), *map(str, prefs), "0"]))
    return body + ["0"] + [f'"Candidate {i + 1}"' for i in range(n)] + ['"Generated"']


def _write(path: Path, lines: list[str], newline: str = "\n", bom: bool = False) -> Path:
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + (newline.join(lines) + newline).encode("utf-8"))
    return path


def test_every_glasgow_ward_reads_the_same(shared_dir: Path) -> None:
    wards = sorted((shared_dir / "verification" / "scotland-glasgow-2007").glob("*.blt"))
    assert len(wards) >= 14
    for ward in wards:
        bulk = _bulk_reader(ward)
        assert bulk is not None, f"{ward.name} is a plain file: the bulk reader should take it"
        _assert_identical(bulk, _line_reader(ward))
        _assert_identical(read_blt(ward), _line_reader(ward))


def test_stv_rules_files_read_the_same(shared_dir: Path) -> None:
    for path in sorted((shared_dir / "verification" / "stv-rules").glob("*.blt")):
        careful = _line_reader(path)
        bulk = _bulk_reader(path)
        if bulk is not None:
            _assert_identical(bulk, careful)
        fast = read_blt(path)
        assert fast.contest == careful.contest
        assert _totals(fast.ballots) == _totals(careful.ballots)


@pytest.mark.parametrize(
    "n,lines,weights,withdrawn,newline,bom",
    [
        (5, 3000, 1, False, "\n", False),
        (20, 20000, 3, True, "\n", False),
        (9, 5000, 250, False, "\r\n", True),  # weights of several digits; Windows line ends; byte-order mark
        (130, 2000, 2, True, "\n", False),  # over 127 candidates: 16-bit rows
        (20, 120000, 1, False, "\n", False),  # over a megabyte: parsed in two threads
    ],
)
def test_generated_files_read_the_same(tmp_path: Path, n: int, lines: int, weights: int, withdrawn: bool,
                                       newline: str, bom: bool) -> None:
    rng = np.random.default_rng(n * 1000 + lines)
    path = _write(tmp_path / "generated.blt", _election(rng, n, lines, weights, withdrawn), newline, bom)
    bulk = _bulk_reader(path)
    assert bulk is not None
    careful = _line_reader(path)
    _assert_identical(bulk, careful)
    assert int(bulk.ballots.weights.sum()) == sum(int(line.split()[0]) for line in path.read_text().splitlines()[1 + withdrawn:1 + withdrawn + lines])
    _assert_identical(read_blt(path), careful)


def test_spacing_tabs_leading_zeros_and_empty_rankings_read_the_same(tmp_path: Path) -> None:
    rng = np.random.default_rng(11)
    lines = _election(rng, 6, 4000)
    lines[1:1] = ["2\t1  2\t\t3 0", "1 01 002 0", "3 0", "  1 4 0", "1 0"]
    path = _write(tmp_path / "spacing.blt", lines)
    bulk = _bulk_reader(path)
    assert bulk is not None
    _assert_identical(bulk, _line_reader(path))


def test_no_ballots_at_all(tmp_path: Path) -> None:
    path = _write(tmp_path / "empty.blt", ["3 1", "0", '"A"', '"B"', '"C"', '"Nobody voted"'])
    bulk = _bulk_reader(path)
    assert bulk is not None
    _assert_identical(bulk, _line_reader(path))


@pytest.mark.parametrize(
    "line",
    [
        "(b7) 1 2 3 0",  # a ballot id: kept as its own ballot
        "2 1=2 3 0",  # equal rankings
        "1.5 1 2 0",  # a fractional weight
        "0 1 2 0",  # a zero weight
        "1 2 2 0",  # a candidate marked twice
        "# a comment",
        "1 2 0   # a trailing comment",
        "",  # a blank line
        "1 2 0 ",  # trailing blank
        "99999999999999999999 1 0",  # a weight past 64 bits
    ],
)
def test_unusual_lines_go_to_the_line_reader(tmp_path: Path, line: str) -> None:
    rng = np.random.default_rng(3)
    lines = _election(rng, 5, 3000)
    lines.insert(1500, line)
    path = _write(tmp_path / "unusual.blt", lines)
    assert _bulk_reader(path) is None
    careful = _line_reader(path)
    read = read_blt(path)
    assert read.contest == careful.contest
    assert _totals(read.ballots) == _totals(careful.ballots)
    assert list(read.ballots) == list(careful.ballots)


@pytest.mark.parametrize(
    "line,message",
    [
        ("1 2 9 0", "candidate number 9 out of range 1..5"),
        ("1 2 0 3 0", "candidate number 0 out of range 1..5"),
        ("1 2 3", "a ballot is 'weight preferences... 0'"),
        ("x 1 0", "ballot weight 'x' is not a number"),
        ("1 1 b 0", "candidate number expected, not 'b'"),
        ("1 2 -3 0", "candidate number expected, not '-3'"),
        ("1 2 3 00", "a ballot is 'weight preferences... 0'"),
    ],
)
def test_faults_are_reported_by_the_line_reader_with_file_and_line(tmp_path: Path, line: str, message: str) -> None:
    rng = np.random.default_rng(5)
    lines = _election(rng, 5, 3000)
    lines.insert(2001, line)  # the 2002nd line of the file
    path = _write(tmp_path / "faulty.blt", lines)
    assert _bulk_reader(path) is None
    with pytest.raises(FormatError) as careful:
        _line_reader(path)
    with pytest.raises(FormatError) as caught:
        read_blt(path)
    assert (caught.value.path, caught.value.line, caught.value.message) == (str(path), 2002, careful.value.message)
    assert message in caught.value.message


def _groups_by_dict(words: np.ndarray) -> list[list[int]]:
    groups: dict[bytes, list[int]] = {}
    for i, row in enumerate(words):
        groups.setdefault(row.tobytes(), []).append(i)
    return list(groups.values())


@pytest.mark.parametrize("collide", ["none", "all", "some"])
def test_grouping_is_exact_even_when_hashes_collide(collide: str) -> None:
    rng = np.random.default_rng(1)
    distinct = rng.integers(0, 4, size=(50, 3)).astype(np.uint64)
    words = distinct[rng.integers(0, 50, size=2000)]
    hashed = {
        "none": None,
        "all": np.zeros(len(words), dtype=np.uint64),
        "some": (words[:, 0] % np.uint64(2)).copy(),
    }[collide]
    order, starts = blt_numpy._group_identical(words, hashed)
    ends = np.append(starts[1:], len(order))
    found = [order[a:b].tolist() for a, b in zip(starts, ends)]
    assert sorted(found) == sorted(_groups_by_dict(words))
    assert all(group == sorted(group) for group in found)  # file order within a group


def test_tally_command_on_a_large_file_starts_lean_and_names_a_faulty_line(tmp_path: Path) -> None:
    """``plenary tally`` as its own process: no web or database stack imported; a fault exits 2 naming file and line."""
    import subprocess
    import sys

    repo = Path(__file__).resolve().parents[2]
    rng = np.random.default_rng(8)
    lines = _election(rng, 7, 5000)
    good = _write(tmp_path / "good.blt", lines)
    probe = (
        "import sys; from server.cli import main; code = main(sys.argv[1:]); "
        "heavy = sorted({m.split('.')[0] for m in sys.modules} & {'scipy', 'sqlalchemy', 'starlette', 'jinja2'}); "
        "commands = sorted(m for m in sys.modules if m.startswith('server.commands.')); "
        "print('HEAVY', heavy, 'COMMANDS', commands, file=sys.stderr); sys.exit(code)"
    )
    done = subprocess.run([sys.executable, "-c", probe, "tally", str(good), "--method", "scotland"],
                          cwd=repo, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "Elected: " in done.stdout
    assert "HEAVY [] COMMANDS ['server.commands.tally']" in done.stderr

    lines.insert(4001, "1 3 8 0")
    bad = _write(tmp_path / "bad.blt", lines)
    done = subprocess.run([sys.executable, "-c", probe, "tally", str(bad), "--method", "scotland"],
                          cwd=repo, capture_output=True, text=True, timeout=120)
    assert done.returncode == 2
    assert f"{bad}, line 4002: candidate number 8 out of range 1..7" in done.stderr


@pytest.mark.parametrize("early_end", ["0", " 0", "0 ", "0\t"])
def test_an_early_closing_zero_is_where_the_line_reader_says(tmp_path: Path, early_end: str) -> None:
    """The line reader ends the ballots at the first line reading 0; the bulk reader must not read past it."""
    rng = np.random.default_rng(2)
    lines = _election(rng, 4, 3000)
    lines.insert(1000, early_end)
    path = _write(tmp_path / "early.blt", lines)
    assert _bulk_reader(path) is None
    with pytest.raises(FormatError) as careful:
        _line_reader(path)
    with pytest.raises(FormatError) as caught:
        read_blt(path)
    assert (caught.value.line, caught.value.message) == (careful.value.line, careful.value.message)


def test_a_huge_last_line_is_declined_not_crashed(tmp_path: Path) -> None:
    """A section whose second half is one line (too long to be a ranking) must not break the two-thread split."""
    lines = ["3 1", "1 1 0", "1 " + "1 " * 600_000 + "0", "0", '"A"', '"B"', '"C"', '"T"']
    path = _write(tmp_path / "long.blt", lines)
    assert _bulk_reader(path) is None
    assert _totals(read_blt(path).ballots) == _totals(_line_reader(path).ballots)
