"""Ranked ballots as CSV, the layout of the verification corpus (shared/verification/README.md).

    id,weight,rank1,rank2,rank3
    1,1,BETSY HODGES,,                 one candidate a rank; an empty cell is a skipped rank
    2,1,<overvote>,MARK ANDREW,        several marks at a rank, names unknown
    3,1,A|B,C,                         several marks at a rank, names known
    4,2,<uwi>,,                        an undeclared write-in; weight 2 = two identical ballots

Ballots are kept as marked; what a skipped rank or an overvote means is the
counting rule's business. Real files repeat the same marking thousands of
times, so each distinct row is parsed once and identical ballots are merged
(``group_identical``) unless the caller asks for every row.
"""

from __future__ import annotations

import csv
import io
import re
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Iterable, Mapping, Sequence, TextIO

from ballots.errors import FormatError
from voting.ballot import OVERVOTE, UNDECLARED_WRITE_IN, Ballot, group_identical
from voting.record import Value

_RANK_HEADER = re.compile(r"^rank(\d+)$")
_SEPARATOR = "|"


def read_csv_ballots(
    path: str | Path,
    candidates: Sequence[str] | None = None,
    *,
    group: bool = True,
    aliases: Mapping[str, str] | None = None,
) -> list[Ballot]:
    """Read a ballot CSV; with ``candidates``, any other name is an error naming its line.

    ``aliases`` maps other spellings (RCTab's candidate codes and aliases) to names."""
    path = Path(path)
    try:
        with path.open(encoding="utf-8-sig", newline="") as stream:
            return parse_csv_ballots(stream, str(path), candidates, group=group, aliases=aliases)
    except UnicodeDecodeError as exc:
        raise FormatError(str(path), None, f"not UTF-8 text ({exc.reason})") from None
    except OSError as exc:
        raise FormatError(str(path), None, f"cannot read: {exc.strerror}") from None


def parse_csv_ballots(
    stream: TextIO | Iterable[str],
    path: str = "<csv>",
    candidates: Sequence[str] | None = None,
    *,
    group: bool = True,
    aliases: Mapping[str, str] | None = None,
) -> list[Ballot]:
    known = set(candidates) if candidates is not None else None
    alias = dict(aliases or {})
    reader = csv.reader(stream)
    try:
        header = next(reader)
    except StopIteration:
        raise FormatError(path, 1, "empty file: expected the header id,weight,rank1..rankN") from None
    except csv.Error as exc:
        raise FormatError(path, 1, f"not CSV: {exc}") from None
    columns = _check_header(header, path)
    ranks_cache: dict[tuple[str, ...], tuple[tuple[str, ...], ...]] = {}
    weight_cache: dict[str, Value] = {}
    ballots: list[Ballot] = []
    try:
        for row in reader:
            line = reader.line_num
            if not row:
                continue
            if len(row) != columns:
                raise FormatError(path, line, f"{len(row)} columns, but the header has {columns}")
            raw_weight = row[1]
            weight = weight_cache.get(raw_weight)
            if weight is None:
                weight = weight_cache[raw_weight] = _parse_weight(raw_weight, path, line)
            cells = tuple(row[2:])
            ranks = ranks_cache.get(cells)
            if ranks is None:
                ranks = ranks_cache[cells] = tuple(_parse_cell(c, path, line, known, alias) for c in cells)
            ballots.append(Ballot(ranks, weight, row[0] or None))
    except csv.Error as exc:
        raise FormatError(path, reader.line_num, f"not CSV: {exc}") from None
    return group_identical(ballots) if group else ballots


def _check_header(header: list[str], path: str) -> int:
    if len(header) < 3 or [h.strip().lower() for h in header[:2]] != ["id", "weight"]:
        raise FormatError(path, 1, "the header must be id,weight,rank1..rankN")
    for position, name in enumerate(header[2:], start=1):
        match = _RANK_HEADER.match(name.strip().lower())
        if not match or int(match.group(1)) != position:
            raise FormatError(path, 1, f"header column {position + 2} must be rank{position}, not {name!r}")
    return len(header)


def _parse_weight(text: str, path: str, line: int) -> Value:
    text = text.strip()
    if text.isdigit():
        return int(text)
    try:
        weight = Decimal(text)
    except InvalidOperation:
        raise FormatError(path, line, f"weight {text!r} is not a number") from None
    if not weight.is_finite() or weight < 0:
        raise FormatError(path, line, f"weight {text!r} must be a number of 0 or more")
    return int(weight) if weight == weight.to_integral_value() else weight


def _parse_cell(
    cell: str, path: str, line: int, known: set[str] | None, alias: dict[str, str]
) -> tuple[str, ...]:
    cell = cell.strip()
    if not cell:
        return ()
    if cell in (OVERVOTE, UNDECLARED_WRITE_IN):
        return (cell,)
    marks = tuple(alias.get(name, name) for name in (part.strip() for part in cell.split(_SEPARATOR)))
    for name in marks:
        if not name:
            raise FormatError(path, line, f"empty name in the marks {cell!r}")
        if name == OVERVOTE:
            raise FormatError(path, line, f"{OVERVOTE} cannot share a rank with named marks")
        if known is not None and name != UNDECLARED_WRITE_IN and name not in known:
            raise FormatError(path, line, f"unknown candidate {name!r}")
    return marks


def write_csv_ballots(target: str | Path | TextIO, ballots: Sequence[Ballot], ranks: int | None = None) -> None:
    """Write ballots in the same layout; ``ranks`` columns (default: the longest ballot)."""
    width = ranks if ranks is not None else max((len(b.ranks) for b in ballots), default=1)
    if isinstance(target, (str, Path)):
        with Path(target).open("w", encoding="utf-8", newline="") as stream:
            _write(stream, ballots, width)
    else:
        _write(target, ballots, width)


def _write(stream: TextIO, ballots: Sequence[Ballot], width: int) -> None:
    writer = csv.writer(stream, lineterminator="\n")
    writer.writerow(["id", "weight", *(f"rank{i}" for i in range(1, width + 1))])
    for number, ballot in enumerate(ballots, start=1):
        if len(ballot.ranks) > width:
            raise ValueError(f"ballot {ballot.id or number} has {len(ballot.ranks)} ranks, more than {width}")
        cells = [_cell(marks) for marks in ballot.ranks]
        cells += [""] * (width - len(cells))
        writer.writerow([ballot.id or str(number), str(ballot.weight), *cells])


def _cell(marks: tuple[str, ...]) -> str:
    for name in marks:
        if _SEPARATOR in name or name != name.strip():
            raise ValueError(f"candidate name {name!r} cannot be written in a ballot CSV cell")
    return _SEPARATOR.join(marks)


def to_csv_text(ballots: Sequence[Ballot], ranks: int | None = None) -> str:
    buffer = io.StringIO()
    write_csv_ballots(buffer, ballots, ranks)
    return buffer.getvalue()
