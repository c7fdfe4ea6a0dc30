"""BLT files: what the reader accepts, what it refuses (naming file and line), and round trips."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from ballots.errors import FormatError
from ballots.formats.blt import format_blt, parse_blt, read_blt, write_blt
from voting.ballot import Ballot, Contest
from voting.ranking_matrix import RankingMatrix

SAMPLE = """# a comment line
4 2
-4

3 1 2 0   # trailing comment
1 2 3 1 0
2 1 2 0
0
"Ann"
"Bob \\"Bobby\\" Lee"
"Cat"
"Dan"
"Sample election"
"""


def _as_dict(ballots) -> dict:
    """Total weight per way of marking (readers may or may not merge identical ballots)."""
    totals: dict = {}
    for b in ballots:
        totals[b.ranks] = totals.get(b.ranks, 0) + b.weight
    return totals


def test_reads_header_withdrawn_comments_names_and_title() -> None:
    blt = parse_blt(SAMPLE, "sample.blt")
    assert blt.contest == Contest(("Ann", 'Bob "Bobby" Lee', "Cat", "Dan"), 2, frozenset({"Dan"}), "Sample election")
    assert _as_dict(blt.ballots) == {
        (("Ann",), ('Bob "Bobby" Lee',)): 5,
        (('Bob "Bobby" Lee',), ("Cat",), ("Ann",)): 1,
    }
    assert blt.total_weight == 6


def test_ids_and_equal_rankings_keep_each_ballot() -> None:
    text = '3 1\n(b1) 1 1 2=3 0\n(b2) 1 3 0\n0\n"A"\n"B"\n"C"\n"T"\n'
    ballots = parse_blt(text).ballots
    assert ballots == [Ballot((("A",), ("B", "C")), 1, "b1"), Ballot((("C",),), 1, "b2")]


@pytest.mark.parametrize(
    "text,line,message",
    [
        ("3\n1 1 0\n0\n", 1, "header must be 'candidates seats'"),
        ("2 3\n1 1 0\n0\n", 1, "3 seats but only 2 candidates"),
        ('2 1\n1 1 2\n0\n"A"\n"B"\n', 2, "a ballot is 'weight preferences... 0'"),
        ('2 1\n1 1 0\n1 3 0\n0\n"A"\n"B"\n', 3, "candidate number 3 out of range 1..2"),
        ('2 1\n1 1 0\nx 2 0\n0\n"A"\n"B"\n', 3, "ballot weight 'x' is not a number"),
        ('2 1\n1 1 b 0\n0\n"A"\n"B"\n', 2, "candidate number expected, not 'b'"),
        ('2 1\n-3\n1 1 0\n0\n"A"\n"B"\n', 2, "candidate number 3 out of range"),
        ('2 1\n1 1 0\n', 2, "closing 0"),
        ('2 1\n1 1 0\n0\n"A"\n', 4, "2 candidate names"),
        ('2 1\n1 1 0\n0\n"A\n"B"\n', 4, "unbalanced quotes"),
    ],
)
def test_bad_input_names_file_and_line(text: str, line: int, message: str) -> None:
    with pytest.raises(FormatError) as caught:
        parse_blt(text, "bad.blt")
    assert caught.value.path == "bad.blt"
    assert caught.value.line == line
    assert message in caught.value.message


def test_errors_in_large_files_name_the_line(tmp_path: Path) -> None:
    lines = ["3 1"] + ["1 1 2 0"] * 3000 + ["1 2 4 0"] + ["0", '"A"', '"B"', '"C"', '"T"']
    path = tmp_path / "big.blt"
    path.write_text("\n".join(lines) + "\n")
    with pytest.raises(FormatError) as caught:
        read_blt(path)
    assert (caught.value.line, caught.value.message) == (3002, "candidate number 4 out of range 1..3")


def test_round_trip(tmp_path: Path) -> None:
    contest = Contest(("A", "B", "C"), 2, frozenset({"C"}), 'A "quoted" title')
    ballots = [Ballot.ranking(["A", "B"], 3), Ballot.ranking(["B", "C", "A"], 1), Ballot.ranking([], 2)]
    path = tmp_path / "out.blt"
    write_blt(contest, ballots, path)
    again = read_blt(path)
    assert again.contest == contest
    assert _as_dict(again.ballots) == _as_dict(ballots)
    assert format_blt(again.contest, again.ballots) == path.read_text()


def test_fast_reader_agrees_with_line_reader(shared_dir: Path, tmp_path: Path) -> None:
    rng = np.random.default_rng(7)
    lines = ["6 2", "-5"]
    for _ in range(5000):
        prefs = rng.permutation(6)[: rng.integers(1, 7)] + 1
        lines.append(f"{rng.integers(1, 4)} {' '.join(map(str, prefs))} 0")
    lines += ["0"] + [f'"C{i}"' for i in range(6)] + ['"random"']
    text = "\n".join(lines) + "\n"
    path = tmp_path / "r.blt"
    path.write_text(text)
    fast = read_blt(path)  # plain file: the NumPy reader
    slow = parse_blt(text)  # line by line
    assert isinstance(fast.ballots, RankingMatrix)
    assert fast.contest == slow.contest
    assert _as_dict(fast.ballots) == _as_dict(slow.ballots)
    for ward in sorted((shared_dir / "verification" / "scotland-glasgow-2007").glob("*.blt"))[:3]:
        assert _as_dict(read_blt(ward).ballots) == _as_dict(parse_blt(ward.read_text()).ballots)
