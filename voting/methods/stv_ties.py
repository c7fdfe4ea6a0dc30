"""Tie-breaking shared by the STV counts: earlier stages, then a lot that anyone can redraw.

``lot`` chooses how the lot is drawn:

* ``"seeded"`` (default): ``voting.ties.draw_lot`` from the published ``seed``.
* ``"ballot-order"``: the first tied candidate in ballot-paper order. This is
  the Droop tabulator's default tie order; it exists so its published reports
  can be reproduced, and is recorded as such in the round log.
"""

from __future__ import annotations

from typing import Callable, Sequence

from voting.record import TieBreak
from voting.ties import draw_lot

LOT_MODES = ("seeded", "ballot-order")


class Lots:
    """Draws lots for one count and records each draw as a TieBreak."""

    def __init__(self, candidates: Sequence[str], seed: str = "", lot: str = "seeded") -> None:
        if lot not in LOT_MODES:
            raise ValueError(f"unknown lot mode {lot!r}; choose one of {', '.join(LOT_MODES)}")
        self.candidates = list(candidates)
        self.seed = seed
        self.mode = lot
        self.ties: list[TieBreak] = []

    def draw(self, round_number: int, purpose: str, tied: Sequence[int]) -> int:
        names = [self.candidates[i] for i in sorted(tied)]
        if self.mode == "ballot-order":
            chosen = names[0]
            detail = "first in ballot-paper order (Droop's default tie order)"
        else:
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
