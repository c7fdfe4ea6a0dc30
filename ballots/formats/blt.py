"""BLT, the ballot interchange format of ERS, OpenSTV and Droop counting programs.

    11 4            candidates, seats
    -3              (optional) candidate 3 withdrawn; several may share a line
    1 2 4 0         weight, preferences by candidate number, 0 ends the ballot
    (b17) 1 3 0     a ballot may carry an id in parentheses before its weight
    2 1=3 4 0       ``=`` joins candidates marked at the same rank
    0               end of ballots
    "Name One"      one quoted name per candidate, in number order
    "Title"         the election's title

Comments (``#`` to end of line) and blank lines are ignored, as Droop does.
A plain file (whole numbers only in its ballot lines) is read in bulk by
``blt_numpy``: a million ballot lines in about a third of a second. Anything
else, and any plain file with a fault, is read line by line here: identical
lines are counted first (a C-speed ``Counter``) and each distinct line parsed
once, and an error names the file and line.
"""

from __future__ import annotations

import io
import re
import shlex
from collections import Counter
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Callable, Iterable, Sequence, TextIO

from ballots.errors import FormatError
from ballots.formats.blt_numpy import parse_plain_ballots
from voting.ballot import Ballot, BallotError, Contest
from voting.ranking_matrix import RankingMatrix
from voting.record import Value

_ID = re.compile(r"^\((?P<id>[^)]*)\)\s*")
#: a ranking's total weight must fit the matrix's int64 weights; larger ones stay Python ints
_MATRIX_WEIGHT_LIMIT = 2**62


@dataclass
class BltFile:
    """What a BLT file holds: the contest and its ballots (identical ballots merged unless they carry ids)."""

    contest: Contest
    ballots: Sequence[Ballot]

    @property
    def total_weight(self) -> Value:
        return sum((b.weight for b in self.ballots), 0)


def read_blt(path: str | Path, whole_papers_for: str | None = None) -> BltFile:
    """Read a BLT file. ``whole_papers_for`` names a method that counts whole ballot
    papers: a fractional weight is then an error at the line of the first one."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise FormatError(str(path), None, f"cannot read: {exc.strerror}") from None
    plain = _read_plain(data, str(path))
    if plain is not None:
        return plain
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise FormatError(str(path), None, f"not UTF-8 text ({exc.reason})") from None
    return parse_blt(text, str(path), whole_papers_for)


def _read_plain(data: bytes, path: str) -> BltFile | None:
    """The fast path for a plain file (see ``blt_numpy``); None to read it line by line.

    The header, withdrawn lines, names and title are parsed by ``parse_blt``
    with the ballot lines left out; the ballot lines go to the NumPy reader.
    Any doubt or error falls back to the full reader, whose errors name lines.
    """
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    if b"\r" in data:
        data = data.replace(b"\r\n", b"\n")  # line numbers stay as they were
        if b"\r" in data:
            return None
    try:
        start = data.index(b"\n") + 1
        while data.startswith(b"-", start):
            start = data.index(b"\n", start) + 1
        # the last line "0" (names follow it); if an earlier line is "0" too, the
        # ballot section holds it and the bulk reader declines
        end = start - 1 if data.startswith(b"0\n", start) else data.rindex(b"\n0\n", start - 1)
        if data.find(b"#", 0, end) >= 0:
            return None  # comments: the line reader strips them
        outline = (data[:start] + data[end + 1:]).decode("utf-8")
        contest = parse_blt(outline, path).contest
    except (ValueError, FormatError):
        return None
    ballots = parse_plain_ballots(data[start:end + 1], list(contest.candidates))
    return None if ballots is None else BltFile(contest, ballots)


def parse_blt(text: str, path: str = "<blt>", whole_papers_for: str | None = None) -> BltFile:
    lines = text.splitlines()
    cursor = _Cursor(lines, path)

    header_no, header = cursor.next_content("the header line 'candidates seats'")
    fields = header.split()
    if len(fields) != 2 or not all(_is_int(f) for f in fields):
        raise FormatError(path, header_no, f"header must be 'candidates seats', not {header!r}")
    n_candidates, seats = int(fields[0]), int(fields[1])
    if n_candidates < 1:
        raise FormatError(path, header_no, "there must be at least one candidate")
    if seats < 1:
        raise FormatError(path, header_no, "there must be at least one seat")
    if seats > n_candidates:
        raise FormatError(path, header_no, f"{seats} seats but only {n_candidates} candidates")

    withdrawn_numbers: set[int] = set()
    while True:
        line_no, line = cursor.next_content("the ballots and the closing 0")
        if not line.startswith("-"):
            cursor.index -= 1  # the first ballot line (or the closing 0): read below in bulk
            break
        for field in line.split():
            if not _is_int(field) or int(field) >= 0:
                raise FormatError(path, line_no, f"withdrawn line must hold negative candidate numbers, not {field!r}")
            number = -int(field)
            _check_number(number, n_candidates, path, line_no)
            withdrawn_numbers.add(number)
    start = cursor.index
    end = _end_of_ballots(lines, start)
    if end is None:
        raise FormatError(path, len(lines), "file ends before the closing 0 of the ballots")
    cursor.index = end + 1

    names: list[str] = []
    for _ in range(n_candidates):
        line_no, line = cursor.next_content(f"{n_candidates} candidate names")
        names.append(_quoted(line, path, line_no))
    title = ""
    tail = cursor.next_optional()
    if tail is not None:
        title = _quoted(tail[1], path, tail[0])

    try:
        contest = Contest(
            tuple(names),
            seats,
            frozenset(names[n - 1] for n in withdrawn_numbers),
            title,
        )
    except BallotError as exc:
        raise FormatError(path, header_no, str(exc)) from None
    return BltFile(contest, _parse_ballots(lines, start, end, names, path, whole_papers_for))


def _end_of_ballots(lines: list[str], start: int) -> int | None:
    """Index of the line ``0`` that closes the ballots."""
    for i in range(start, len(lines)):
        line = lines[i]
        if line == "0" or (line.lstrip().startswith("0") and _strip_comment(line) == "0"):
            return i
    return None


def _parse_ballots(
    lines: list[str], start: int, end: int, names: list[str], path: str, whole_papers_for: str | None = None
) -> Sequence[Ballot]:
    """Parse each distinct ballot line once.

    When every ballot is a clean ranking with a whole-number weight (the usual
    case) the result is a ``RankingMatrix``; otherwise a list of ballots, where
    lines with ids stay separate ballots.
    """
    section = lines[start:end]

    def line_no(line: str) -> int:
        return start + section.index(line) + 1

    n = len(names)
    # (id, weight, plain ranking or None, marks per rank or None, times)
    entries: list[tuple[str | None, Value, list[int] | None, tuple[tuple[int, ...], ...] | None, int]] = []
    for raw, times in Counter(section).items():
        line = _strip_comment(raw)
        if not line:
            continue
        ballot_id = None
        body = line
        if line.startswith("("):
            match = _ID.match(line)
            if not match:
                raise FormatError(path, line_no(raw), f"unclosed ballot id in {line!r}")
            ballot_id = match.group("id")
            body = line[match.end():]
        fields = body.split()
        if len(fields) < 2 or fields[-1] != "0":
            raise FormatError(path, line_no(raw), f"a ballot is 'weight preferences... 0', not {line!r}")
        weight = int(fields[0]) if fields[0].isdigit() else _weight(fields[0], path, line_no(raw))
        if whole_papers_for and weight != int(weight):
            # lines are met in file order (Counter keeps first sight), so this is the first such line
            raise FormatError(path, line_no(raw), f"ballot weight {fields[0]} is not a whole number of ballot "
                                                  f"papers; {whole_papers_for} counts whole papers")
        marks = fields[1:-1]
        if not marks or "".join(marks).isdigit():
            entries.append((ballot_id, weight, _numbers(marks, n, path, raw, line_no), None, times))
        else:
            ranks = tuple(tuple(_numbers(field.split("="), n, path, raw, line_no)) for field in marks)
            entries.append((ballot_id, weight, None, ranks, times))
    if all(b is None and isinstance(w, int) and r is not None and len(set(r)) == len(r) for b, w, r, _, _ in entries):
        rows: dict[tuple[int, ...], int] = {}
        for _, weight, ranking, _, times in entries:
            row = tuple(ranking)  # type: ignore[arg-type]
            rows[row] = rows.get(row, 0) + weight * times  # type: ignore[operator]
        if max(rows.values(), default=0) < _MATRIX_WEIGHT_LIMIT:
            return RankingMatrix.from_rows(names, list(rows), list(rows.values()))
    totals: dict[tuple[tuple[str, ...], ...], Value] = {}
    with_ids: list[Ballot] = []
    for ballot_id, weight, ranking, ranks, times in entries:
        if ranks is None:
            ranks = tuple((i,) for i in ranking)  # type: ignore[union-attr]
        named = tuple(tuple(names[i] for i in marks) for marks in ranks)
        if ballot_id is not None:
            with_ids.extend(Ballot(named, weight, ballot_id) for _ in range(times))
        else:
            totals[named] = totals.get(named, 0) + weight * times
    return [Ballot(ranks, weight) for ranks, weight in totals.items()] + with_ids


def _numbers(parts: list[str], n: int, path: str, raw: str, line_no: Callable[[str], int]) -> list[int]:
    """Candidate numbers as 0-based indices, each checked to be a number in 1..n."""
    if parts and (not all(parts) or not "".join(parts).isdigit()):
        bad = next(part for part in parts if not part.isdigit())
        raise FormatError(path, line_no(raw), f"candidate number expected, not {bad!r}")
    numbers = list(map(int, parts))
    if numbers and (min(numbers) < 1 or max(numbers) > n):
        bad = next(x for x in numbers if not 1 <= x <= n)
        raise FormatError(path, line_no(raw), f"candidate number {bad} out of range 1..{n}")
    return [x - 1 for x in numbers]


class _Cursor:
    """Walks the lines, skipping comments and blank lines, remembering line numbers."""

    def __init__(self, lines: list[str], path: str) -> None:
        self.lines = lines
        self.path = path
        self.index = 0

    def next_optional(self) -> tuple[int, str] | None:
        while self.index < len(self.lines):
            raw = self.lines[self.index]
            self.index += 1
            line = _strip_comment(raw)
            if line:
                return self.index, line
        return None

    def next_content(self, wanted: str) -> tuple[int, str]:
        found = self.next_optional()
        if found is None:
            raise FormatError(self.path, len(self.lines), f"file ends before {wanted}")
        return found


def _strip_comment(raw: str) -> str:
    if "#" in raw and not raw.lstrip().startswith('"'):
        raw = raw.split("#", 1)[0]
    return raw.strip()


def _quoted(line: str, path: str, line_no: int) -> str:
    try:
        parts = shlex.split(line, comments=False, posix=True)
    except ValueError:
        raise FormatError(path, line_no, f"unbalanced quotes in {line!r}") from None
    if len(parts) != 1:
        raise FormatError(path, line_no, f"expected one quoted name, not {line!r}")
    return parts[0]


def _is_int(text: str) -> bool:
    return text.lstrip("-").isdigit()


def _check_number(number: int, n_candidates: int, path: str, line_no: int) -> None:
    if not 1 <= number <= n_candidates:
        raise FormatError(path, line_no, f"candidate number {number} out of range 1..{n_candidates}")


def _weight(text: str, path: str, line_no: int) -> Value:
    if text.isdigit():
        return int(text)
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise FormatError(path, line_no, f"ballot weight {text!r} is not a number") from None
    if not value.is_finite() or value < 0:
        raise FormatError(path, line_no, f"ballot weight {text!r} must be a non-negative number")
    return value


def format_blt(contest: Contest, ballots: Iterable[Ballot]) -> str:
    buffer = io.StringIO()
    write_blt(contest, ballots, buffer)
    return buffer.getvalue()


def write_blt(contest: Contest, ballots: Iterable[Ballot], out: TextIO | str | Path) -> None:
    """Write ballots as BLT; ballots must name only the contest's candidates."""
    if isinstance(out, (str, Path)):
        with open(out, "w", encoding="utf-8") as handle:
            write_blt(contest, ballots, handle)
        return
    number = {name: i + 1 for i, name in enumerate(contest.candidates)}
    out.write(f"{len(contest.candidates)} {contest.seats}\n")
    if contest.withdrawn:
        out.write(" ".join(f"-{number[name]}" for name in contest.candidates if name in contest.withdrawn) + "\n")
    for ballot in ballots:
        prefix = f"({ballot.id}) " if ballot.id is not None else ""
        ranks = []
        for marks in ballot.ranks:
            try:
                ranks.append("=".join(str(number[name]) for name in marks))
            except KeyError as exc:
                raise BallotError(f"ballot names {exc.args[0]!r}, who is not a candidate") from None
        out.write(f"{prefix}{ballot.weight} {' '.join(ranks)}{' ' if ranks else ''}0\n")
    out.write("0\n")
    for name in contest.candidates:
        out.write(_quote(name) + "\n")
    out.write(_quote(contest.title) + "\n")


def _quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'

