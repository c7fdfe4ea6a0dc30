"""Tie-breaking shared by the STV counts: earlier stages, then a lot that anyone can redraw.

``lot`` chooses how the lot is drawn:

* ``"seeded"`` (default): ``voting.ties.draw_lot`` from the published ``seed``.
  With no seed given the count stops and asks for one, as every other method
  does: a lot drawn from a seed nobody published could not be checked.
* ``"ballot-order"``: the first tied candidate in ballot-paper order. This is
  the Droop tabulator's default tie order; it exists so its published reports
  can be reproduced, and is recorded as such in the round log.

``ties`` chooses the tie rule of the rules that leave it open (WIGM, Meek):

* ``"plenary"`` (default): the tied candidates' votes at earlier rounds, the
  most recent round where they differ deciding; then a lot.
* ``"droop"``: straight to the lot order, and for Meek every hopeful within
  the surplus of the lowest counts as tied: the Droop tabulator's own rule,
  kept so its published reports can be reproduced.

The seed, lot mode and tie rule are recorded in the result's rules.
"""

from __future__ import annotations

from typing import Callable, Sequence

from voting.ballot import BallotError
from voting.record import TieBreak
from voting.ties import draw_lot

LOT_MODES = ("seeded", "ballot-order")
TIE_RULES = ("plenary", "droop")


def seed_option(options: dict) -> str | None:
    """The published seed from a method's options; None when none was given."""
    seed = options.pop("seed", None)
    return None if seed is None else str(seed)


def lot_options(options: dict, tie_rule: bool = False) -> dict[str, str | None]:
    """Take the seed, lot mode and, for the rules that leave ties open, the tie rule
    from a method's options, as the keyword arguments of :class:`Lots`."""
    taken = {"seed": seed_option(options), "lot": options.pop("lot", "seeded")}
    if tie_rule:
        taken["ties"] = options.pop("ties", "plenary")
    return taken


class Lots:
    """Draws lots for one count and records each draw as a TieBreak."""

    def __init__(self, candidates: Sequence[str], seed: str | None = None, lot: str = "seeded",
                 ties: str = "plenary") -> None:
        if lot not in LOT_MODES:
            raise ValueError(f"unknown lot mode {lot!r}; choose one of {', '.join(LOT_MODES)}")
        if ties not in TIE_RULES:
            raise ValueError(f"unknown tie rule {ties!r}; choose one of {', '.join(TIE_RULES)}")
        self.candidates = list(candidates)
        self.seed = seed
        self.mode = lot
        self.rule = ties
        self.ties: list[TieBreak] = []

    @property
    def droop_rule(self) -> bool:
        return self.rule == "droop"

    def rules(self, tie_rule_applies: bool = False) -> dict[str, str | None]:
        """The lot settings for the result's rules, so a reader can redraw every lot."""
        described: dict[str, str | None] = {"seed": self.seed, "lot": self.mode}
        if tie_rule_applies:
            described["tie rule"] = (
                "Droop's: the tie order directly" if self.droop_rule
                else "earlier rounds' counts, most recent difference first; then a lot")
        return described

    def draw(self, round_number: int, purpose: str, tied: Sequence[int]) -> int:
        names = [self.candidates[i] for i in sorted(tied)]
        if self.mode == "ballot-order":
            chosen = names[0]
            detail = "first in ballot-paper order (Droop's default tie order)"
        else:
            if self.seed is None:
                raise BallotError(
                    f"round {round_number}: {', '.join(names)} are tied ({purpose}) and earlier rounds do not "
                    "separate them; a lot is needed, so give the seed published before the count (seed=...)")
            chosen, detail = draw_lot(self.seed, f"round {round_number} {purpose}", names)
        self.ties.append(TieBreak(round_number, purpose, names, chosen, "lot", detail))
        return self.candidates.index(chosen)

    def record(self, round_number: int, purpose: str, tied: Sequence[int], chosen: int, method: str, detail: str = "") -> None:
        names = [self.candidates[i] for i in sorted(tied)]
        self.ties.append(TieBreak(round_number, purpose, names, self.candidates[chosen], method, detail))


def by_earlier_stages(
    tied: Sequence[int],
    history: Sequence[Sequence[int]],
    prefer_highest: bool,
    compare: Callable[[object, object], int] = lambda a, b: (a > b) - (a < b),
) -> tuple[list[int], int | None]:
    """Narrow ``tied`` by the most recent earlier stage at which their votes differed.

    ``history`` holds each stage's votes by candidate index, oldest first. Walking
    back from the latest stage, at the first stage where the tied candidates' votes
    are unequal keep those with the highest (or lowest) votes there; if several
    remain, keep walking back with them. Returns the survivors and the stage
    number (1-based) that decided last, or None if no stage told them apart.
    """
    remaining = sorted(tied)
    decided_at: int | None = None
    for stage in range(len(history) - 1, -1, -1):
        if len(remaining) == 1:
            break
        votes = history[stage]
        best = remaining[0]
        for i in remaining[1:]:
            c = compare(votes[i], votes[best])
            if (c > 0) if prefer_highest else (c < 0):
                best = i
        keep = [i for i in remaining if compare(votes[i], votes[best]) == 0]
        if len(keep) < len(remaining):
            remaining = keep
            decided_at = stage + 1
    return remaining, decided_at
