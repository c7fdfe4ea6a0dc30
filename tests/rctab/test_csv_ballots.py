"""The ballot CSV format: round trip, speed on a real file, and errors that name file and line."""

from __future__ import annotations

import time
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ballots.errors import FormatError
from ballots.formats.csv_ballots import parse_csv_ballots, read_csv_ballots, to_csv_text, write_csv_ballots
from voting.ballot import OVERVOTE, UNDECLARED_WRITE_IN, Ballot

SAMPLE = """id,weight,rank1,rank2,rank3
1,1,Ann,,
2,1,<overvote>,Bob,
3,2,Ann|Bob,Cy,
4,1,<uwi>,,Ann
5,0.5,"Smith, Jo",Ann,
"""


def test_cells_become_marks() -> None:
    ballots = parse_csv_ballots(SAMPLE.splitlines(keepends=True), group=False)
    assert [b.ranks for b in ballots] == [
        (("Ann",), (), ()),
        ((OVERVOTE,), ("Bob",), ()),
        (("Ann", "Bob"), ("Cy",), ()),
        ((UNDECLARED_WRITE_IN,), (), ("Ann",)),
        (("Smith, Jo",), ("Ann",), ()),
    ]
    assert [b.weight for b in ballots] == [1, 1, 2, 1, Decimal("0.5")]
    assert ballots[2].id == "3"


def test_round_trip(tmp_path: Path) -> None:
    ballots = parse_csv_ballots(SAMPLE.splitlines(keepends=True), group=False)
    path = tmp_path / "ballots.csv"
    write_csv_ballots(path, ballots, ranks=3)
    assert read_csv_ballots(path, group=False) == ballots
    assert path.read_text() == SAMPLE


def test_identical_ballots_are_grouped() -> None:
    text = "id,weight,rank1,rank2\n1,1,A,B\n2,1,B,\n3,2,A,B\n"
    ballots = parse_csv_ballots(text.splitlines(keepends=True))
    assert [(b.ranks, b.weight) for b in ballots] == [((("A",), ("B",)), 3), ((("B",), ()), 1)]


def test_writer_pads_short_ballots() -> None:
    text = to_csv_text([Ballot.ranking(["A"]), Ballot.ranking(["B", "A"], weight=3)])
    assert text == "id,weight,rank1,rank2\n1,1,A,\n2,3,B,A\n"


@pytest.mark.parametrize(
    ("body", "line", "message"),
    [
        ("1,1,A,B,C\n", 2, "5 columns, but the header has 4"),
        ("1,1,A,B\n2,x,A,B\n", 3, "weight 'x' is not a number"),
        ("1,1,A,B\n2,-1,A,B\n", 3, "must be a number of 0 or more"),
        ("1,1,A,Zed\n", 2, "unknown candidate 'Zed'"),
        ("1,1,A|<overvote>,B\n", 2, "cannot share a rank"),
        ("1,1,A|,B\n", 2, "empty name"),
    ],
)
def test_bad_rows_name_file_and_line(tmp_path: Path, body: str, line: int, message: str) -> None:
    path = tmp_path / "bad.csv"
    path.write_text("id,weight,rank1,rank2\n" + body)
    with pytest.raises(FormatError) as caught:
        read_csv_ballots(path, ["A", "B"])
    assert caught.value.path == str(path) and caught.value.line == line
    assert message in str(caught.value) and f"{path}, line {line}" in str(caught.value)


@pytest.mark.parametrize("header", ["", "weight,id,rank1\n", "id,weight,rank2\n", "id,weight\n"])
def test_bad_header(tmp_path: Path, header: str) -> None:
    path = tmp_path / "bad.csv"
    path.write_text(header)
    with pytest.raises(FormatError, match=r"bad\.csv, line 1"):
        read_csv_ballots(path)


def test_missing_file_is_a_format_error(tmp_path: Path) -> None:
    with pytest.raises(FormatError, match="cannot read"):
        read_csv_ballots(tmp_path / "none.csv")


def test_writer_refuses_names_it_cannot_write() -> None:
    with pytest.raises(ValueError):
        to_csv_text([Ballot.ranking(["A|B"])])


def test_minneapolis_mayor_reads_fast(shared_dir: Path) -> None:
    path = shared_dir / "verification" / "rctab" / "2013_minneapolis_mayor" / "ballots.csv"
    started = time.perf_counter()
    ballots = read_csv_ballots(path)
    elapsed = time.perf_counter() - started
    assert sum(b.weight for b in ballots) == 80101
    assert elapsed < 3.0


@pytest.mark.parametrize("case", ["test_set_1_exhaust_at_overvote", "2015_portland_mayor"])
def test_corpus_files_round_trip(shared_dir: Path, tmp_path: Path, case: str) -> None:
    source = shared_dir / "verification" / "rctab" / case / "ballots.csv"
    ballots = read_csv_ballots(source, group=False)
    copy = tmp_path / "copy.csv"
    write_csv_ballots(copy, ballots, ranks=len(ballots[0].ranks))
    assert read_csv_ballots(copy, group=False) == ballots


_names = st.sampled_from(["Ann", "Bob Roy", "Lee, Cy", 'Dee "D" Dow', "Émile"])
_marks = st.one_of(
    st.just(()), _names.map(lambda n: (n,)), st.just((OVERVOTE,)), st.just((UNDECLARED_WRITE_IN,)),
    st.lists(_names, min_size=2, max_size=3, unique=True).map(tuple),
)


@settings(max_examples=80, deadline=None)
@given(st.lists(st.builds(lambda r, w: Ballot(tuple(r), w, None), st.lists(_marks, min_size=3, max_size=3),
                          st.integers(0, 5)), max_size=20))
def test_any_ballots_round_trip(ballots: list[Ballot]) -> None:
    text = to_csv_text(ballots, ranks=3)
    again = parse_csv_ballots(text.splitlines(keepends=True), group=False)
    assert [(b.ranks, b.weight) for b in again] == [(b.ranks, b.weight) for b in ballots]
