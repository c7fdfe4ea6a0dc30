"""Seat quotas (``voting.constraints``) as the STV counts apply them at each stage.

The count asks, with the candidates elected so far, those continuing and the
seats left: who is *doomed* (electing them would make a quota impossible: they
are excluded and never elected), who is *guarded* (excluding them would make a
quota impossible: never excluded for having the fewest votes) and who is
*forced* (the seats left must all go to them: they are elected). With no quotas
every answer is empty and the count is exactly the unconstrained one.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Sequence

from voting.constraints import SeatQuota, describe_quotas, quota_verdict, require_meetable


@dataclass(frozen=True)
class Verdict:
    doomed: frozenset[int]
    guarded: frozenset[int]
    forced: frozenset[int]


NONE = Verdict(frozenset(), frozenset(), frozenset())


class SeatQuotas:
    def __init__(self, quotas: Sequence[SeatQuota], names: Sequence[str], standing: Sequence[str], seats: int) -> None:
        self.quotas = tuple(quotas)
        self.names = list(names)
        self.index = {name: i for i, name in enumerate(names)}
        if self.quotas:
            # refuse a count whose quotas no result could meet
            require_meetable(self.quotas, standing, seats)

    def __bool__(self) -> bool:
        return bool(self.quotas)

    def describe(self) -> list[str]:
        return describe_quotas(self.quotas)

    def verdict(self, elected: Iterable[int], continuing: Iterable[int], seats_left: int) -> Verdict:
        if not self.quotas:
            return NONE
        found = quota_verdict(
            self.quotas,
            [self.names[i] for i in elected],
            [self.names[i] for i in continuing],
            seats_left,
        )
        return Verdict(
            frozenset(self.index[n] for n in found.doomed),
            frozenset(self.index[n] for n in found.guarded),
            frozenset(self.index[n] for n in found.forced),
        )
