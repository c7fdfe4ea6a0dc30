"""Attribute quotas on a count: "at least N of the seats go to women".

(This is the *attribute* quota of a constitution, not the STV vote threshold
that is also called a quota.)

The rule members read
---------------------
A ``SeatQuota(label, members, minimum)`` says: of the seats filled in this
count, at least ``minimum`` go to candidates in ``members``. Several quotas may
apply at once and their member sets may overlap (a candidate who is a woman
and a member of a caucus counts towards both).

1. Before the count starts, the quotas are checked against the candidates
   standing (withdrawn candidates do not stand). If no choice of ``seats``
   standing candidates could meet every quota, the count does not start and
   the reason is stated (``unmeetable`` / ``require_meetable``).
2. At every step, with the candidates already elected in this count, the
   candidates still continuing and the seats still to fill:

   * a quota's *shortfall* is its minimum less the members already elected;
   * the quotas are *still meetable* if some choice of at most the seats left,
     from the continuing candidates, makes up every shortfall;
   * a continuing candidate is **doomed** if electing them would leave the
     quotas no longer meetable (they would take a seat the quotas need): the
     count must not elect them, and passes over or excludes them;
   * a continuing candidate is **guarded** if the quotas are meetable only
     with them (without them they are not): the count must not exclude them;
   * guarded candidates are **forced** when there are exactly as many of them
     as seats left: every remaining seat must go to them, so they are elected.
     For a single quota this is the case "seats left = shortfall = members
     still continuing".

With one quota these reduce to: when the seats left equal the shortfall,
every continuing non-member is doomed; when the members continuing equal the
shortfall, every one of them is guarded.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Collection, Iterable, Sequence

from voting.ballot import BallotError


class QuotaError(BallotError):
    """Attribute quotas that no result of the count could satisfy."""


@dataclass(frozen=True)
class SeatQuota:
    """At least ``minimum`` of the seats filled in this count go to ``members``."""

    label: str
    members: frozenset[str]
    minimum: int

    def __post_init__(self) -> None:
        if self.minimum < 0:
            raise QuotaError(f"quota {self.label!r}: minimum cannot be negative ({self.minimum})")
        if not isinstance(self.members, frozenset):
            object.__setattr__(self, "members", frozenset(self.members))

    def describe(self) -> str:
        return f"at least {self.minimum} {self.label}"


@dataclass(frozen=True)
class QuotaVerdict:
    """Who the quotas rule out, protect and require at one step of a count."""

    doomed: frozenset[str]
    forced: frozenset[str]
    guarded: frozenset[str] = frozenset()
    meetable: bool = True


def shortfalls(quotas: Sequence[SeatQuota], elected: Collection[str]) -> tuple[int, ...]:
    """Seats each quota still needs, given who is already elected in this count."""
    chosen = set(elected)
    return tuple(max(0, q.minimum - len(q.members & chosen)) for q in quotas)


def seats_needed(quotas: Sequence[SeatQuota], elected: Collection[str], continuing: Iterable[str]) -> int | None:
    """The fewest continuing candidates that make up every shortfall; None if none can."""
    needs = shortfalls(quotas, elected)
    if not any(needs):
        return 0
    available: dict[tuple[int, ...], int] = {}
    for name in continuing:
        kind = tuple(i for i, q in enumerate(quotas) if name in q.members)
        if kind:
            available[kind] = available.get(kind, 0) + 1
    kinds = tuple(sorted(available.items()))
    return _fewest(kinds, needs)


@lru_cache(maxsize=4096)
def _fewest(kinds: tuple[tuple[tuple[int, ...], int], ...], needs: tuple[int, ...]) -> int | None:
    """Exact minimum cover by candidate kind (kind = the quotas a candidate belongs to)."""
    if not any(needs):
        return 0
    if not kinds:
        return None
    (kind, count), rest = kinds[0], kinds[1:]
    best: int | None = None
    useful = max(needs[i] for i in kind)
    for take in range(min(count, useful) + 1):
        reduced = tuple(max(0, n - take) if i in kind else n for i, n in enumerate(needs))
        more = _fewest(rest, reduced)
        if more is not None and (best is None or take + more < best):
            best = take + more
    return best


def meetable(quotas: Sequence[SeatQuota], elected: Collection[str], continuing: Collection[str], seats_left: int) -> bool:
    needed = seats_needed(quotas, elected, continuing)
    return needed is not None and needed <= seats_left


def quota_verdict(
    quotas: Sequence[SeatQuota],
    elected: Collection[str],
    continuing: Collection[str],
    seats_left: int,
) -> QuotaVerdict:
    """Doomed, guarded and forced continuing candidates (rule 2 of the module docstring)."""
    continuing = list(continuing)
    if not quotas or seats_left <= 0:
        return QuotaVerdict(frozenset(), frozenset())
    if not meetable(quotas, elected, continuing, seats_left):
        return QuotaVerdict(frozenset(), frozenset(), meetable=False)
    doomed = frozenset(
        name for name in continuing
        if not meetable(quotas, [*elected, name], [c for c in continuing if c != name], seats_left - 1)
    )
    guarded = frozenset(
        name for name in continuing
        if not meetable(quotas, elected, [c for c in continuing if c != name], seats_left)
    )
    forced = guarded if len(guarded) == seats_left else frozenset()
    return QuotaVerdict(doomed, forced, guarded)


def unmeetable(quotas: Sequence[SeatQuota], standing: Collection[str], seats: int) -> list[str]:
    """Why the quotas cannot be met from the candidates standing; empty when they can."""
    standing = set(standing)
    reasons: list[str] = []
    for q in quotas:
        available = len(q.members & standing)
        if q.minimum > seats:
            reasons.append(f"{q.describe()} of {seats} seats: more than the seats being filled")
        elif q.minimum > available:
            reasons.append(f"{q.describe()} of {seats} seats, but only {available} {q.label} standing")
    if not reasons and not meetable(quotas, (), standing, seats):
        needed = seats_needed(quotas, (), standing)
        together = "; ".join(q.describe() for q in quotas)
        reasons.append(
            f"the quotas together ({together}) need {needed} of the candidates standing, "
            f"but only {seats} seats are being filled"
            if needed is not None
            else f"the quotas together ({together}) cannot be met from the candidates standing"
        )
    return reasons


def require_meetable(quotas: Sequence[SeatQuota], standing: Collection[str], seats: int) -> None:
    """Rule 1: refuse to start a count whose quotas no result could meet."""
    reasons = unmeetable(quotas, standing, seats)
    if reasons:
        raise QuotaError("the count cannot start: " + "; ".join(reasons))


def describe_quotas(quotas: Sequence[SeatQuota]) -> list[str]:
    """One line per quota, for a result's rules."""
    return [f"{q.describe()} ({', '.join(sorted(q.members))})" for q in quotas]
