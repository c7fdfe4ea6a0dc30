"""The Scottish count's piles on NumPy arrays: same rules, same integers, a million papers in a blink.

Drop-in for ``stv_papers.Piles`` (the readable path). Each distinct ranking is a
row of an int16 matrix of candidate indices; per row we keep the number of
papers, the value of each paper in integers of 1/100000 of a vote (int64), the
position of its current preference and, per candidate, the rows on their pile.
A transfer computes every moving row's new value with the same truncating
integer formula as the readable path (surplus x value // total), advances the
rows past candidates no longer continuing, and sums votes per receiving
candidate with an exact integer reduction. The count itself (rules 45-52) is
the same code for both paths, so they agree by construction on decisions and,
as the tests check, on every figure.
"""

from __future__ import annotations

from typing import Callable

import numpy as np

from voting.ballot import Contest
from voting.ranking_matrix import RankingMatrix

#: a surplus is at most all the votes (papers x one) and a value at most one
_INT64_SAFE = 2**62


class FastPiles:
    def __init__(self, contest: Contest, ranks: np.ndarray, counts: np.ndarray, one: int) -> None:
        n = len(contest.candidates)
        self.n = n
        rows = ranks.shape[0]
        # candidate n is "no further preference": never continuing, ends every row
        matrix = np.full((rows, ranks.shape[1] + 1), n, dtype=np.int16 if n < 2**15 - 1 else np.int32)
        body = matrix[:, : ranks.shape[1]]
        body[...] = ranks
        body[body < 0] = n
        self.matrix = matrix
        self.counts = counts.astype(np.int64)
        self.values = np.full(rows, one, dtype=np.int64)
        self.position = np.zeros(rows, dtype=np.int32)
        self.continuing_mask = np.ones(n + 1, dtype=bool)
        self.continuing_mask[n] = False
        for i, name in enumerate(contest.candidates):
            if name in contest.withdrawn:
                self.continuing_mask[i] = False
        self.piles: list[list[np.ndarray]] = [[] for _ in range(n)]
        self.votes: list[int] = [0] * n
        self.non_transferable = 0
        first = self._advance(np.arange(rows))
        order, targets, starts, ends = self._group(first)
        self.invalid_papers = 0
        self.valid_papers = 0
        for t, a, b in zip(targets, starts, ends):
            chosen = order[a:b]
            papers = int(self.counts[chosen].sum())
            if t == n:
                # no first preference for a standing candidate: not a valid vote
                self.invalid_papers += papers
                continue
            self.valid_papers += papers
            self.piles[t].append(chosen)
            self.votes[t] += papers * one
        if self.valid_papers * one * one >= _INT64_SAFE:
            # surplus x value could overflow int64 (some 46 million papers and more)
            raise OverflowError("too many papers for the int64 path")

    @classmethod
    def from_matrix(cls, contest: Contest, matrix: RankingMatrix, one: int) -> "FastPiles":
        if tuple(matrix.candidates) != tuple(contest.candidates):
            raise ValueError("ranking matrix and contest name different candidates")
        return cls(contest, matrix.ranks, matrix.weights, one)

    @classmethod
    def from_papers(cls, contest: Contest, papers: list[tuple[tuple[int, ...], int]], one: int) -> "FastPiles":
        m = RankingMatrix.from_rows(contest.candidates, [p for p, _ in papers], [c for _, c in papers])
        return cls(contest, m.ranks, m.weights, one)

    @property
    def continuing(self) -> list[bool]:
        return self.continuing_mask[: self.n].tolist()

    def close(self, candidate: int) -> None:
        self.continuing_mask[candidate] = False

    def _advance(self, rows: np.ndarray) -> np.ndarray:
        """Move each row's pointer to its next continuing candidate (or the end); return who that is."""
        position = self.position[rows]
        current = self.matrix[rows, position]
        stuck = np.nonzero(~self.continuing_mask[current] & (current != self.n))[0]
        while stuck.size:
            position[stuck] += 1
            current[stuck] = self.matrix[rows[stuck], position[stuck]]
            keep = ~self.continuing_mask[current[stuck]] & (current[stuck] != self.n)
            stuck = stuck[keep]
        self.position[rows] = position
        return current

    @staticmethod
    def _group(targets: np.ndarray) -> tuple[np.ndarray, list[int], list[int], list[int]]:
        order = np.argsort(targets, kind="stable")
        ordered = targets[order]
        if ordered.size == 0:
            return order, [], [], []
        cuts = np.nonzero(np.diff(ordered))[0] + 1
        starts = np.concatenate(([0], cuts))
        ends = np.concatenate((cuts, [ordered.size]))
        return order, ordered[starts].tolist(), starts.tolist(), ends.tolist()

    def transfer(self, source: int, new_value: Callable[[np.ndarray], np.ndarray] | None) -> tuple[dict[int, int], int]:
        """As ``Piles.transfer``; ``new_value`` must be elementwise integer arithmetic (it gets an array)."""
        parts = self.piles[source]
        self.piles[source] = []
        if not parts:
            return {}, 0
        rows = np.concatenate(parts) if len(parts) > 1 else parts[0]
        if new_value is not None:
            self.values[rows] = new_value(self.values[rows])
        targets = self._advance(rows)
        votes = self.counts[rows] * self.values[rows]
        order, receivers, starts, ends = self._group(targets)
        sums = np.add.reduceat(votes[order], starts).tolist() if receivers else []
        gained: dict[int, int] = {}
        lost = 0
        for t, a, b, total in zip(receivers, starts, ends, sums):
            if t == self.n:
                lost = int(total)
                continue
            self.piles[t].append(rows[order[a:b]])
            gained[t] = int(total)
        for t, total in gained.items():
            self.votes[t] += total
        self.non_transferable += lost
        return gained, lost

