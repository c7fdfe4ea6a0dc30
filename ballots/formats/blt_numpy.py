"""Reading the ballot lines of a large BLT file with NumPy, a million lines in a fraction of a second.

Only for the plain case: lines of whole numbers separated by single spaces
(``weight c1 c2 ... 0``), no comments, ids or equal rankings. Identical lines
are counted first (a C-speed ``Counter``), then the digits of the distinct
lines are turned into numbers by array arithmetic. Anything else (or anything
wrong, so that the error can name its line) returns None and the line-by-line
reader in ``blt.py`` takes over.
"""

from __future__ import annotations

from collections import Counter

import numpy as np

from voting.ranking_matrix import RankingMatrix

_ALLOWED = np.zeros(256, dtype=bool)
_ALLOWED[list(b"0123456789 \n")] = True
_SPACE, _NEWLINE, _ZERO = 32, 10, 48


def parse_plain_ballots(section: bytes, names: list[str]) -> RankingMatrix | None:
    """The ballots in ``section`` (the lines between the header and the closing 0), or None."""
    n = len(names)
    if n > 62:
        return None
    repeats = Counter(section.split(b"\n"))
    repeats.pop(b"", None)  # blank lines, and the split after the last newline
    if not repeats:
        return RankingMatrix(names, np.zeros((0, 0), dtype=np.int8), np.zeros(0, dtype=np.int64))
    times = np.fromiter(repeats.values(), dtype=np.int64, count=len(repeats))
    data = np.frombuffer(b"\n".join(repeats) + b"\n", dtype=np.uint8)
    if not _ALLOWED[data].all():
        return None
    digit = data >= _ZERO
    before = np.concatenate(([False], digit[:-1]))
    after = np.concatenate((digit[1:], [False]))
    # one space between numbers, none at either end of a line, no blank lines
    separators = ~digit
    if (separators & ~before).any():
        return None
    if ((data == _SPACE) & ~after).any():
        return None
    starts = np.flatnonzero(digit & ~before)
    ends = np.flatnonzero(digit & ~after) + 1
    lengths = ends - starts
    longest = int(lengths.max(initial=0))
    if longest > 12:
        return None
    # numbers are mostly one or two digits: last digit, plus tens where there are any
    values = data[ends - 1].astype(np.int64) - _ZERO
    if longest >= 2:
        values += np.where(lengths >= 2, data[ends - 2].astype(np.int64) - _ZERO, 0) * 10
    for j in range(2, longest):
        longer = np.flatnonzero(lengths > j)
        values[longer] += (data[ends[longer] - 1 - j].astype(np.int64) - _ZERO) * 10**j
    # the last number of a line is followed by its newline
    last = np.flatnonzero(data[ends] == _NEWLINE)
    n_lines = last.size
    if n_lines == 0 or last[-1] != values.size - 1:
        return None
    first = np.concatenate(([0], last[:-1] + 1))
    per_line = last - first + 1
    if (per_line < 2).any() or (values[last] != 0).any():
        return None
    # the preferences: every number but a line's first (the weight) and last (the 0)
    is_preference = np.ones(values.size, dtype=bool)
    is_preference[first] = False
    is_preference[last] = False
    preference = np.flatnonzero(is_preference)
    chosen = values[preference]
    if chosen.size and (chosen.min() < 1 or chosen.max() > n):
        return None
    # a candidate twice on a line: the sum of bits differs from their union
    bits = np.zeros(values.size, dtype=np.uint64)
    bits[preference] = np.left_shift(np.uint64(1), (chosen - 1).astype(np.uint64))
    if (np.add.reduceat(bits, first) != np.bitwise_or.reduceat(bits, first)).any():
        return None
    line = np.repeat(np.arange(n_lines), per_line - 2)
    width = int(per_line.max()) - 2
    dtype = np.int8 if n < 127 else np.int16
    ranks = np.full((n_lines, max(width, 0)), -1, dtype=dtype)
    ranks[line, preference - first[line] - 1] = chosen - 1
    return RankingMatrix(names, ranks, values[first] * times)

