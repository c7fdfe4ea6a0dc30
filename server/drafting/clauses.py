"""Numbered clauses of a motion ("1. To campaign for…") and where each one ends.

A clause is a line that starts with a number and a full stop or bracket (up to
three spaces of indent, as markdown allows), and runs on over the following lines
until a blank line, a heading or the next numbered clause. Numbers in the text are
not renumbered when a clause is added: markdown numbers a list's items in order when
it is shown, so a repeated number in the source is harmless, and "clause 4" is then
picked by its occurrence like any repeated passage.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from types import MappingProxyType
from typing import Mapping

_CLAUSE_START = re.compile(r"^([ \t]{0,3})(\d{1,9})([.)])[ \t]+", re.MULTILINE)
_STOPS_CLAUSE = re.compile(r"[ \t]*(?:$|#|\d{1,9}[.)][ \t])")


@dataclass(frozen=True, slots=True)
class Clause:
    number: int
    start: int  # where its line begins
    marker_end: int  # just after its number, delimiter and the spaces after them
    end: int  # just after its last character, before the line break
    indent: str
    delimiter: str  # "." or ")"

    def marker_for(self, number: int) -> str:
        """How a clause numbered ``number`` following this one begins, in this list's style."""
        return f"{self.indent}{number}{self.delimiter} "


@lru_cache(maxsize=8)
def numbered_clauses(text: str) -> tuple[Clause, ...]:
    """Every numbered clause of the text, in order.

    Cached: carrying an amendment looks up the clauses of the same two texts once for
    every later amendment.
    """
    clauses: list[Clause] = []
    for found in _CLAUSE_START.finditer(text):
        end = text.find("\n", found.end())
        end = len(text) if end < 0 else end
        while end < len(text):
            next_end = text.find("\n", end + 1)
            next_end = len(text) if next_end < 0 else next_end
            if _STOPS_CLAUSE.match(text, end + 1, next_end) or not text[end + 1:next_end].strip():
                break
            end = next_end
        clauses.append(Clause(int(found.group(2)), found.start(), found.end(), end, found.group(1), found.group(3)))
    return tuple(clauses)


@dataclass(frozen=True)
class ClauseIndex:
    """The clauses of one text, looked up by number, by where they start and where they end."""

    clauses: tuple[Clause, ...]
    by_number: Mapping[int, tuple[Clause, ...]]
    by_start: Mapping[int, Clause]
    by_end: Mapping[int, Clause]


@lru_cache(maxsize=8)
def clause_index(text: str) -> ClauseIndex:
    clauses = numbered_clauses(text)
    by_number: dict[int, list[Clause]] = {}
    for clause in clauses:
        by_number.setdefault(clause.number, []).append(clause)
    return ClauseIndex(
        clauses,
        MappingProxyType({number: tuple(found) for number, found in by_number.items()}),
        MappingProxyType({clause.start: clause for clause in clauses}),
        MappingProxyType({clause.end: clause for clause in clauses}),
    )
