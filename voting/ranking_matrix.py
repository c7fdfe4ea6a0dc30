"""Cleanly ranked ballots held as a matrix, for counts of a million papers.

Row r is one distinct ranking: ``ranks[r, k]`` is the index (into
``candidates``) of the k-th preference, -1 after the last; ``weights[r]`` is how
many papers were marked that way. It is also a ``Sequence[Ballot]``, so every
method can count it; the Scottish count reads the arrays directly.
"""

from __future__ import annotations

from typing import Iterator, Sequence, overload

import numpy as np

from voting.ballot import Ballot


class RankingMatrix(Sequence[Ballot]):
    def __init__(self, candidates: Sequence[str], ranks: np.ndarray, weights: np.ndarray) -> None:
        if ranks.ndim != 2 or weights.shape != (ranks.shape[0],):
            raise ValueError("ranks must be (ballots x ranks) and weights one per row")
        self.candidates = tuple(candidates)
        self.ranks = ranks
        self.weights = weights

    def __len__(self) -> int:
        return int(self.ranks.shape[0])

    @overload
    def __getitem__(self, index: int) -> Ballot: ...
    @overload
    def __getitem__(self, index: slice) -> list[Ballot]: ...

    def __getitem__(self, index: int | slice) -> Ballot | list[Ballot]:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        row = self.ranks[index]
        names = tuple((self.candidates[i],) for i in row.tolist() if i >= 0)
        return Ballot(names, int(self.weights[index]))

    def __iter__(self) -> Iterator[Ballot]:
        candidates = self.candidates
        for row, weight in zip(self.ranks.tolist(), self.weights.tolist()):
            yield Ballot(tuple((candidates[i],) for i in row if i >= 0), weight)

    @classmethod
    def from_rows(cls, candidates: Sequence[str], rows: Sequence[Sequence[int]], weights: Sequence[int]) -> "RankingMatrix":
        width = max((len(r) for r in rows), default=0)
        dtype = np.int16 if len(candidates) < 2**15 else np.int32
        ranks = np.full((len(rows), width), -1, dtype=dtype)
        for r, row in enumerate(rows):
            ranks[r, : len(row)] = row
        return cls(candidates, ranks, np.asarray(weights, dtype=np.int64))
