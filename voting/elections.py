"""Elections to a body: offices filled one by one, then seats filled together.

A steering committee is typically elected as named offices (each its own
single-seat count, each with its own method and ballots) followed by a group
of seats counted together (STV or block vote). Whoever is elected to an
earlier office is withdrawn from every later count, as a candidate standing
for several posts can hold only one.

Attribute quotas for the whole body ("of the eight, at least four are
women") bind the group count: the group must make up whatever the officers
elected did not (``group_quota_after_offices``). Two checks say so before
anything is counted: ``committee_precheck`` (before the office counts: can
the quotas be met at all, and what do they depend on) and the group count's
own check (before the group count: can they be met from those still
standing); see ``voting.constraints`` for the rule during the count.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from typing import Any, Mapping, Sequence

from voting.ballot import Ballot, BallotError, Contest
from voting.constraints import SeatQuota, meetable, require_meetable, unmeetable
from voting.methods.registry import count
from voting.methods.ron import seats_reopened
from voting.record import Result

#: office counts enumerated exhaustively by the precheck up to this many combinations
PRECHECK_LIMIT = 200_000


@dataclass(frozen=True)
class Office:
    """One named post, filled by its own count (``seats`` is normally 1)."""

    title: str
    candidates: tuple[str, ...]
    method: str = "exhaustive"
    seats: int = 1
    options: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class GroupSeats:
    """Seats filled together in one count by a multi-seat method (``scotland``, ``block``, ...)."""

    title: str
    candidates: tuple[str, ...]
    seats: int
    method: str = "scotland"
    options: Mapping[str, Any] = field(default_factory=dict)


@dataclass
class OfficeResult:
    office: Office
    result: Result | None  # None when nobody was left standing for the office
    note: str = ""

    @property
    def elected(self) -> list[str]:
        return [] if self.result is None else list(self.result.elected)


@dataclass
class CommitteeResult:
    offices: list[OfficeResult]
    group: Result
    group_quotas: tuple[SeatQuota, ...]
    notes: list[str]

    @property
    def elected(self) -> list[str]:
        return [name for o in self.offices for name in o.elected] + list(self.group.elected)


def fill_offices(
    offices: Sequence[Office],
    ballots: Mapping[str, Sequence[Ballot]],
    *,
    withdrawn: frozenset[str] = frozenset(),
    seed: str | None = None,
) -> list[OfficeResult]:
    """Count each office in order; earlier winners are withdrawn from later offices."""
    elected_so_far: list[str] = []
    results: list[OfficeResult] = []
    for office in offices:
        if office.title not in ballots:
            raise BallotError(f"no ballots for office {office.title!r}")
        out = (set(withdrawn) | set(elected_so_far)) & set(office.candidates)
        standing = [c for c in office.candidates if c not in out]
        if len(standing) < office.seats:
            results.append(OfficeResult(office, None, f"{office.title}: unfilled, no candidate left standing "
                                        "(every one was elected to an earlier office or withdrew)"))
            continue
        contest = Contest(office.candidates, office.seats, frozenset(out), office.title)
        options = dict(office.options)
        if seed is not None:
            options.setdefault("seed", seed)
        result = count(office.method, contest, ballots[office.title], **options)
        moved = sorted(set(elected_so_far) & set(office.candidates))
        if moved:
            result.notes.append(f"withdrawn as already elected to an earlier office: {', '.join(moved)}")
        elected_so_far.extend(result.elected)
        results.append(OfficeResult(office, result))
    return results


def fill_group(
    group: GroupSeats,
    ballots: Sequence[Ballot],
    *,
    withdrawn: frozenset[str] = frozenset(),
    quotas: Sequence[SeatQuota] = (),
    seed: str | None = None,
) -> Result:
    """One multi-seat count; quotas are checked against those standing before it starts."""
    out = frozenset(withdrawn) & set(group.candidates)
    standing = [c for c in group.candidates if c not in out]
    active = tuple(q for q in quotas if q.minimum > 0)
    require_meetable(active, standing, group.seats)
    options = dict(group.options)
    if seed is not None:
        options.setdefault("seed", seed)
    if active:
        options["quotas"] = active
    contest = Contest(group.candidates, group.seats, out, group.title)
    return count(group.method, contest, ballots, **options)


def group_quota_after_offices(quotas: Sequence[SeatQuota], officers: Sequence[str]) -> tuple[SeatQuota, ...]:
    """The quotas the group count must meet, given the officers already elected.

    "Of the eight at least four are women", with one woman among the three
    officers, leaves "at least three of the group seats are women".
    """
    return tuple(
        SeatQuota(q.label, q.members, max(0, q.minimum - len(q.members & set(officers)))) for q in quotas
    )


@dataclass(frozen=True)
class Precheck:
    """Before any count: whether the body's quotas can be met, always, never, or depending on the offices."""

    always: bool
    possible: bool
    words: list[str]


def committee_precheck(
    offices: Sequence[Office],
    group: GroupSeats,
    quotas: Sequence[SeatQuota],
    withdrawn: frozenset[str] = frozenset(),
) -> Precheck:
    """Try every possible set of office winners (officers are distinct people).

    Says whether the quotas can be met whatever the offices' results, under
    none of them (the election cannot meet its constitution as nominated), or
    only under some, naming an outcome that would break them.
    """
    words: list[str] = []
    total_seats = sum(o.seats for o in offices) + group.seats
    for q in quotas:
        if q.minimum > total_seats:
            words.append(f"{q.describe()} of {total_seats} seats: more than the seats being filled")
    choices = [
        [combo for combo in itertools.combinations([c for c in o.candidates if c not in withdrawn], o.seats)]
        for o in offices
    ]
    size = 1
    for options in choices:
        size *= max(1, len(options))
    if size > PRECHECK_LIMIT:
        raise BallotError(f"too many possible office results ({size}) to check the quotas exhaustively")
    good = bad = 0
    example_bad: tuple[str, ...] | None = None
    for picks in itertools.product(*choices):
        officers = [name for combo in picks for name in combo]
        if len(set(officers)) < len(officers):
            continue
        group_quotas = group_quota_after_offices(quotas, officers)
        standing = [c for c in group.candidates if c not in withdrawn and c not in officers]
        if len(standing) >= group.seats and meetable(group_quotas, (), standing, group.seats):
            good += 1
        else:
            bad += 1
            example_bad = example_bad or tuple(officers)
    if words or good == 0:
        if not words:
            words.append("the quotas (" + "; ".join(q.describe() for q in quotas) + ") cannot be met "
                         "whatever the office results, from the candidates standing")
        return Precheck(False, False, words)
    if bad:
        reasons = unmeetable(group_quota_after_offices(quotas, example_bad or ()),
                             [c for c in group.candidates if c not in withdrawn and c not in (example_bad or ())],
                             group.seats)
        words.append(f"the quotas can be met, but not under every office result: e.g. officers "
                     f"{', '.join(example_bad or ())} would leave " + ("; ".join(reasons) or "too few standing"))
        return Precheck(False, True, words)
    return Precheck(True, True, ["the quotas can be met whatever the office results"])


def elect_committee(
    offices: Sequence[Office],
    office_ballots: Mapping[str, Sequence[Ballot]],
    group: GroupSeats,
    group_ballots: Sequence[Ballot],
    *,
    quotas: Sequence[SeatQuota] = (),
    withdrawn: frozenset[str] = frozenset(),
    seed: str | None = None,
) -> CommitteeResult:
    """Offices one by one, then the group under the quotas the officers leave to it."""
    precheck = committee_precheck(offices, group, quotas, withdrawn)
    if not precheck.possible:
        raise BallotError("the election cannot start: " + "; ".join(precheck.words))
    office_results = fill_offices(offices, office_ballots, withdrawn=withdrawn, seed=seed)
    officers = [name for o in office_results for name in o.elected]
    group_quotas = group_quota_after_offices(quotas, officers)
    notes = list(precheck.words)
    for before, after in zip(quotas, group_quotas):
        notes.append(f"{before.describe()} on the body; {before.label} among the officers elected: "
                     f"{len(before.members & set(officers))}; so the group count needs {after.describe()} "
                     f"of {group.seats}")
    reopened = sum(seats_reopened(o.result) for o in office_results if o.result)
    if reopened:
        notes.append(f"{reopened} office seat(s) re-opened (RON elected); the quotas count only people elected")
    group_result = fill_group(group, group_ballots, withdrawn=withdrawn | frozenset(officers),
                              quotas=group_quotas, seed=seed)
    return CommitteeResult(office_results, group_result, group_quotas, notes)
