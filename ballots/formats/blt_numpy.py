"""Reading the ballot lines of a large BLT file in bulk: a million lines in a few tenths of a second.

Only for the plain case: every line is ``weight c1 c2 ... 0`` in whole
numbers separated by spaces or tabs, with a positive weight and no comments,
ids, equal rankings or blank lines. Then every 0 in the section ends a line,
so one C call (``numpy.fromstring``; two, in two threads, for a large file)
turns the whole section into numbers, the zeros split it into ballots, and
identical rankings are grouped by sorting row hashes (each group checked row
by row against its first member, so grouping is exact). Anything unusual or
wrong returns None and the line-by-line reader in ``blt.py`` takes over: it
reads the same ballots, or names the bad line. Fresh memory is slow to
touch on virtual machines, so big buffers are reused where they can be.
"""

from __future__ import annotations

import threading

import numpy as np

from voting.ranking_matrix import RankingMatrix

#: every byte a plain ballot section may hold
_PLAIN_BYTES = b"0123456789 \t\n"
#: weights below this keep every total exact in int64 for any file that fits in memory
_MAX_WEIGHT = 2**31
#: 64-bit odd multipliers for the row hash (from SplitMix64)
_MIX = (0x9E3779B97F4A7C15, 0xBF58476D1CE4E5B9, 0x94D049BB133111EB)
#: sections this long are parsed in two threads
_SPLIT_BYTES = 2**20
_NEWLINE, _ZERO, _SPACE = ord("\n"), ord("0"), ord(" ")


def parse_plain_ballots(section: bytes, names: list[str]) -> RankingMatrix | None:
    """The ballots in ``section`` (the lines between the header and the closing 0), or None.

    Rows come in the order their ranking first appears, each ranking's weights
    summed: exactly what the line reader builds for the same lines.
    """
    n = len(names)
    if n >= 2**15 - 1 or section.translate(None, _PLAIN_BYTES):
        return None
    if b"\t" in section:
        section = section.replace(b"\t", b" ")
    lines = _lines_ending_in_zero(section)
    if lines is None:
        return None
    if lines == 0:
        return RankingMatrix(names, np.zeros((0, 0), dtype=np.int16), np.zeros(0, dtype=np.int64))
    found = _parse_lines(section)
    parts = [part for part in found if part is not None]
    if len(parts) < len(found) or sum(part.firsts.size for part in parts) != lines:
        return None  # a zero weight or candidate, a 0 not ending its line, or a line of just 0
    if max(int(part.weights.max()) for part in parts) >= _MAX_WEIGHT:
        return None
    if max(int(part.values.max()) for part in parts) > n:
        return None  # a candidate number out of range
    width = max(int(part.lengths.max()) for part in parts)
    if width > n:
        return None  # some candidate is marked twice
    rows = _row_matrix(parts, lines, width, n)
    if rows is None:
        return None
    weights = np.concatenate([part.weights for part in parts])
    order, starts = _group_identical(rows.view(np.uint64))
    totals = np.add.reduceat(weights[order], starts)
    in_file_order = np.argsort(order[starts])
    group_first, totals = order[starts][in_file_order], totals[in_file_order]
    ranks = rows[group_first, 1:width + 1].astype(np.int16) - 1  # 0 (end, padding) becomes -1
    if _has_repeats(ranks):
        return None
    return RankingMatrix(names, ranks, totals)


def _lines_ending_in_zero(section: bytes) -> int | None:
    """How many lines ``section`` holds, if every one ends in " 0" (so none is blank); else None."""
    text = np.frombuffer(section, dtype=np.uint8)
    newline = text == _NEWLINE
    lines = int(np.count_nonzero(newline))
    if text.size < 3:
        return lines if lines == 0 else None
    ending = np.equal(text[1:-1], _ZERO)
    np.logical_and(ending, newline[2:], out=ending)
    np.logical_and(ending, np.equal(text[:-2], _SPACE, out=newline[:-2]), out=ending)
    return lines if int(np.count_nonzero(ending)) == lines else None


class _Lines:
    """One run of ballot lines as numbers: ``values`` with each line's weight set to 0, and where lines start."""

    __slots__ = ("values", "firsts", "lengths", "weights")

    def __init__(self, values: np.ndarray, firsts: np.ndarray, lengths: np.ndarray, weights: np.ndarray) -> None:
        self.values = values
        self.firsts = firsts
        self.lengths = lengths  # preferences per line
        self.weights = weights

    @classmethod
    def parse(cls, text: bytes) -> "_Lines | None":
        """The numbers of ``text`` (digits, spaces and newlines only) parsed in C, split into lines at the zeros."""
        if not text:
            return None
        # counted first, so that NumPy allocates the array once rather than growing it page by page
        digit = np.frombuffer(text, dtype=np.uint8) >= _ZERO
        numbers = int(np.count_nonzero(digit[1:] & ~digit[:-1])) + int(digit[0])
        values = np.fromstring(text, dtype=np.int64, sep=" ", count=numbers)
        ends = np.flatnonzero(values == 0)
        if ends.size == 0:
            return None
        firsts = np.empty_like(ends)
        firsts[0] = 0
        firsts[1:] = ends[:-1] + 1
        lengths = ends - firsts - 1
        if lengths.min() < 0 or ends[-1] != values.size - 1:
            return None
        weights = values[firsts]
        values[firsts] = 0  # the weight column of the row matrix: not part of the ranking
        return cls(values, firsts, lengths, weights)


def _parse_lines(section: bytes) -> list[_Lines | None]:
    """``_Lines.parse`` of the section in one piece, or of its two halves in two threads if it is large.

    NumPy's text parser and array operations let go of the interpreter lock
    while they work, so the halves are parsed at the same time.
    """
    middle = section.find(b"\n", len(section) // 2) + 1
    if len(section) < _SPLIT_BYTES or not 0 < middle < len(section):
        return [_Lines.parse(section)]
    second: list[_Lines | None | BaseException] = []

    def parse_second_half() -> None:
        try:
            second.append(_Lines.parse(section[middle:]))
        except BaseException as exc:  # re-raised in the calling thread
            second.append(exc)

    worker = threading.Thread(target=parse_second_half)
    worker.start()
    first = _Lines.parse(section[:middle])
    worker.join()
    if isinstance(second[0], BaseException):
        raise second[0]
    return [first, second[0]]


def _row_matrix(parts: list[_Lines], lines: int, width: int, n: int) -> np.ndarray | None:
    """One row per line, ``[0, c1, ..., ck, 0, 0...]``, padded to whole 8-byte words for hashing."""
    dtype = np.int8 if n <= 127 else np.int16
    per_row = -(-(width + 2) * np.dtype(dtype).itemsize // 8) * 8 // np.dtype(dtype).itemsize
    if lines * per_row > 16 * sum(part.values.size for part in parts) + 2**20:
        return None  # memory out of proportion to the file: let the line reader merge first
    rows = np.zeros((lines, per_row), dtype=dtype)
    cells = rows.reshape(-1)
    row = 0
    for part in parts:
        tokens = part.values.astype(dtype)
        # token t of line i goes to cell t - firsts[i] of row i: each token one
        # cell on from the one before, except that a line starts a new row
        # (the step buffer reuses the numbers' own)
        step = part.values
        step.fill(1)
        step[part.firsts[1:]] = per_row - part.lengths[:-1] - 1
        step[0] = row * per_row
        cells[np.cumsum(step, out=step)] = tokens
        row += part.firsts.size
    return rows


def _group_identical(words: np.ndarray, hashed: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """An order of the rows of ``words`` (rows x k uint64) putting equal rows together, and where each group starts.

    Within a group rows keep file order, so a group's first row is its
    earliest. Rows are sorted by a hash (first with the row number packed into
    its low bits, so a plain sort does it); if a group then holds unequal rows
    (a hash collision), by the full hash; then by the rows themselves.
    ``hashed`` replaces the row hash (the tests force collisions with it).
    """
    if hashed is None:
        hashed = _row_hash(words)
    for sort in (_sort_packed, _sort_hashed, _sort_rows):
        order, keys = sort(hashed, words)
        if keys is None:
            change = (words[order[1:]] != words[order[:-1]]).any(axis=1)
            break
        change = keys[1:] != keys[:-1]
        if not _splits_unequal(words, order, change):
            break
    return order, np.concatenate(([0], np.flatnonzero(change) + 1))


def _sort_packed(hashed: np.ndarray, words: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    bits = max(1, (hashed.size - 1).bit_length())
    low = np.uint64((1 << bits) - 1)
    packed = np.sort((hashed & ~low) | np.arange(hashed.size, dtype=np.uint64))
    return (packed & low).astype(np.int64), packed >> np.uint64(bits)


def _sort_hashed(hashed: np.ndarray, words: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    order = np.argsort(hashed, kind="stable")
    return order, hashed[order]


def _sort_rows(hashed: np.ndarray, words: np.ndarray) -> tuple[np.ndarray, None]:
    return np.lexsort(words.T[::-1]), None


def _splits_unequal(words: np.ndarray, order: np.ndarray, change: np.ndarray) -> bool:
    """Whether two neighbours in ``order`` with equal keys (no ``change`` between them) differ."""
    for j in range(words.shape[1]):
        column = words[:, j][order]
        if ((column[1:] != column[:-1]) & ~change).any():
            return True
    return False


def _row_hash(words: np.ndarray) -> np.ndarray:
    hashed = np.zeros(words.shape[0], dtype=np.uint64)
    with np.errstate(over="ignore"):
        for j in range(words.shape[1]):
            hashed ^= words[:, j]
            hashed *= np.uint64(_MIX[j % len(_MIX)])
            hashed ^= hashed >> np.uint64(31)
    return hashed


def _has_repeats(ranks: np.ndarray) -> bool:
    """Whether any row marks a candidate twice (-1 pads rows)."""
    if ranks.shape[1] < 2:
        return False
    ordered = np.sort(ranks, axis=1)
    return bool(((ordered[:, 1:] == ordered[:, :-1]) & (ordered[:, 1:] >= 0)).any())
