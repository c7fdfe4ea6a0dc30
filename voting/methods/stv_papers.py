"""Ballot papers as the Gregory-style STV rules handle them: parcels moving between piles.

Identical ballots are one parcel (``count`` papers, each of the same ``value``),
so a count of a million papers moves a few thousand parcels. Values are in the
rule's arithmetic (``voting.arithmetic``); ``count * value`` is the parcel's vote.
Shared by the Scottish and WIGM counts, which differ in their rules, not here.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Sequence

from voting.arithmetic import Arithmetic
from voting.ballot import OVERVOTE, UNDECLARED_WRITE_IN, Ballot, BallotError, Contest
from voting.record import EXHAUSTED_NO_FURTHER_PREFERENCES, EXHAUSTED_OVERVOTE, Transfer, Value

#: papers as the counts read them: (candidate indices in order, number of papers, stopped by an overvote)
Papers = list[tuple[tuple[int, ...], int, bool]]


@dataclass(slots=True)
class Parcel:
    """Identical ballot papers: preferences (candidate indices), how many, value each, where they sit."""

    preferences: tuple[int, ...]
    count: int
    value: int
    position: int = 0
    #: the preferences were cut short by a rank marking several candidates
    overvoted: bool = False

    @property
    def vote(self) -> int:
        return self.count * self.value


def preference_lists(contest: Contest, ballots: Sequence[Ballot]) -> list[tuple[tuple[int, ...], int]]:
    """Each ballot as (candidate indices in order, number of papers), identical ones merged."""
    merged: dict[tuple[int, ...], int] = {}
    for prefs, papers, _ in read_papers(contest, ballots):
        merged[prefs] = merged.get(prefs, 0) + papers
    return list(merged.items())


def read_papers(contest: Contest, ballots: Sequence[Ballot]) -> Papers:
    """Each ballot as (candidate indices, number of papers, stopped by an overvote), identical ones merged.

    A preference is read until the first rank that does not name exactly one
    standing candidate: a rank with several marks is not a clear preference, so
    it and everything after it is ignored (a ballot whose first preference is
    unclear has no valid vote). A candidate ranked twice counts at first mention;
    a withdrawn candidate is passed over.
    """
    index = {name: i for i, name in enumerate(contest.candidates)}
    withdrawn = contest.withdrawn
    merged: dict[tuple[tuple[int, ...], bool], int] = {}
    for ballot in ballots:
        weight = ballot.weight
        if isinstance(weight, bool) or not isinstance(weight, int):
            if int(weight) != weight:
                raise BallotError(f"ballot weight {weight} is not a whole number of papers")
            weight = int(weight)
        prefs: list[int] = []
        overvoted = False
        for marks in ballot.ranks:
            if len(marks) != 1 or marks[0] in (OVERVOTE, UNDECLARED_WRITE_IN):
                if not marks:
                    continue
                overvoted = len(marks) > 1 or marks[0] == OVERVOTE
                break
            name = marks[0]
            if name not in index:
                raise BallotError(f"ballot ranks {name!r}, who is not a candidate")
            if name in withdrawn:
                continue
            i = index[name]
            if i not in prefs:
                prefs.append(i)
        key = (tuple(prefs), overvoted)
        merged[key] = merged.get(key, 0) + weight
    return [(prefs, papers, overvoted) for (prefs, overvoted), papers in merged.items()]


def next_preference(parcel: Parcel, continuing: Sequence[bool]) -> int | None:
    """Advance the parcel to its next continuing candidate; None when it has none (non-transferable)."""
    prefs = parcel.preferences
    position = parcel.position
    while position < len(prefs) and not continuing[prefs[position]]:
        position += 1
    parcel.position = position
    return prefs[position] if position < len(prefs) else None


class Piles:
    """The papers on each candidate's pile and the votes they carry (the readable path)."""

    def __init__(self, contest: Contest, papers: Papers | list[tuple[tuple[int, ...], int]], arithmetic: Arithmetic) -> None:
        n = len(contest.candidates)
        self.arithmetic = arithmetic
        self.continuing = [name not in contest.withdrawn for name in contest.candidates]
        self.piles: list[list[Parcel]] = [[] for _ in range(n)]
        self.votes = [arithmetic.zero] * n
        self.non_transferable = arithmetic.zero
        #: the part of ``non_transferable`` on papers an overvote stopped
        self.non_transferable_overvote = arithmetic.zero
        self.valid_papers = 0
        self.invalid_papers = 0
        for prefs, papers_count, *stopped in papers:
            parcel = Parcel(prefs, papers_count, arithmetic.one, overvoted=bool(stopped and stopped[0]))
            first = next_preference(parcel, self.continuing)
            if first is None:
                # no preference for a standing candidate: not a valid vote
                self.invalid_papers += papers_count
                continue
            self.valid_papers += papers_count
            self.piles[first].append(parcel)
            self.votes[first] += parcel.vote

    def close(self, candidate: int) -> None:
        """The candidate stops continuing (elected or excluded): later transfers pass over them."""
        self.continuing[candidate] = False

    def transfer(self, source: int, new_value: Callable[[int], int] | None) -> tuple[dict[int, int], int]:
        """Move every paper on ``source``'s pile to its next continuing preference.

        ``new_value`` maps a paper's value to its transfer value (a surplus
        transfer); None keeps values as they are (an exclusion). Returns the
        votes each candidate gained and the votes that became non-transferable.
        """
        gained: dict[int, int] = {}
        lost = self.arithmetic.zero
        moving = self.piles[source]
        self.piles[source] = []
        for parcel in moving:
            if new_value is not None:
                parcel.value = new_value(parcel.value)
            target = next_preference(parcel, self.continuing)
            if target is None:
                lost += parcel.vote
                if parcel.overvoted:
                    self.non_transferable_overvote += parcel.vote
                continue
            self.piles[target].append(parcel)
            gained[target] = gained.get(target, 0) + parcel.vote
        for target, vote in gained.items():
            self.votes[target] += vote
        self.non_transferable += lost
        return gained, lost


def exhausted_by_reason(non_transferable: Value, overvote: Value, to_record) -> dict[str, Value]:
    """Non-transferable votes by why the papers stopped: an overvote, or no further preference."""
    exhausted = {EXHAUSTED_NO_FURTHER_PREFERENCES: to_record(non_transferable - overvote)}
    if overvote:
        exhausted[EXHAUSTED_OVERVOTE] = to_record(overvote)
    return exhausted


def transfer_entry(
    arithmetic: Arithmetic, names: Sequence[str], source: str, kind: str,
    value: int | None, gained: dict[int, int], lost: int,
) -> Transfer:
    """The round log's record of one transfer: votes gained by each candidate, and those exhausted."""
    to = {names[i]: arithmetic.to_record(v) for i, v in sorted(gained.items())}
    if lost:
        to["exhausted"] = arithmetic.to_record(lost)
    return Transfer(source, kind, None if value is None else arithmetic.to_record(value), to)
