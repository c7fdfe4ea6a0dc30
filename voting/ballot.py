"""What the counting methods take in: ranked ballots and the contest they belong to.

A ballot is a sequence of ranking positions. Each position holds the marks made
at that rank: none (the rank was skipped), one candidate, several candidates (an
overvote whose names are known), ``OVERVOTE`` (several marks, names unknown) or
``UNDECLARED_WRITE_IN``. How skipped ranks, overvotes, repeated candidates and
write-ins are treated is a rule setting of the method, not of the ballot, so
real-world ballots are stored as they were marked.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Iterable, Sequence

from voting.record import Value

OVERVOTE = "<overvote>"
UNDECLARED_WRITE_IN = "<uwi>"


class BallotError(ValueError):
    """A ballot or contest that cannot be counted, with the reason in words."""


@dataclass(frozen=True, slots=True)
class Ballot:
    ranks: tuple[tuple[str, ...], ...]
    weight: Value = 1
    id: str | None = None

    @classmethod
    def ranking(cls, preferences: Sequence[str], weight: Value = 1, id: str | None = None) -> "Ballot":
        """A cleanly marked ballot: one candidate at each rank, in order."""
        return cls(tuple((name,) for name in preferences), weight, id)

    @property
    def is_clean(self) -> bool:
        """One mark at every rank, no candidate twice, no special marks."""
        seen: set[str] = set()
        for marks in self.ranks:
            if len(marks) != 1 or marks[0] in (OVERVOTE, UNDECLARED_WRITE_IN) or marks[0] in seen:
                return False
            seen.add(marks[0])
        return True

    @property
    def preferences(self) -> tuple[str, ...]:
        """Candidates in order for a clean ballot (skipped ranks dropped)."""
        return tuple(marks[0] for marks in self.ranks if len(marks) == 1)


@dataclass(frozen=True)
class Contest:
    """The candidates and seats of one count; the order of ``candidates`` is the ballot paper's."""

    candidates: tuple[str, ...]
    seats: int = 1
    withdrawn: frozenset[str] = field(default_factory=frozenset)
    title: str = ""

    def __post_init__(self) -> None:
        duplicates = [name for name, n in Counter(self.candidates).items() if n > 1]
        if duplicates:
            raise BallotError(f"candidate named more than once: {', '.join(duplicates)}")
        unknown = set(self.withdrawn) - set(self.candidates)
        if unknown:
            raise BallotError(f"withdrawn candidate not standing: {', '.join(sorted(unknown))}")
        if self.seats < 1:
            raise BallotError(f"seats must be at least 1, not {self.seats}")
        standing = len(self.candidates) - len(self.withdrawn)
        if self.seats > standing:
            raise BallotError(
                f"{self.seats} seats but only {standing} candidates standing"
            )

    @property
    def standing(self) -> tuple[str, ...]:
        return tuple(c for c in self.candidates if c not in self.withdrawn)


def group_identical(ballots: Iterable[Ballot]) -> list[Ballot]:
    """Merge ballots marked identically, summing weights; the count is unchanged.

    Large memberships produce many identical ballots; counting each distinct
    ballot once with its weight is what makes big counts fast. First-seen order
    is kept so any order-dependent rule sees the same sequence.
    """
    totals: dict[tuple[tuple[str, ...], ...], Value] = {}
    for ballot in ballots:
        totals[ballot.ranks] = totals.get(ballot.ranks, 0) + ballot.weight
    return [Ballot(ranks, weight) for ranks, weight in totals.items()]
