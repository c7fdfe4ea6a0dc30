"""What one accepted ballot holds, in one normal form for every kind.

``validation.validate`` produces it; the ballot box stores it (as its
canonical JSON) and the published record prints it. Only the fields a kind
uses are set, so equal ballots have equal JSON:

* ``choice``: ``yes``/``no``/``abstain`` (motions, amendments, a slate vote);
* ``ranking``: names in order of preference (ranked methods), or the names
  marked in ballot-paper order (plurality, block);
* ``struck``: names struck off a proposed slate, in slate order;
* ``individuals``: people ranked on a slate paper for the individual count;
* ``weight``: the votes the paper carries (1, or a delegate's card vote).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping

from ballots.canonical import canonical_json


@dataclass(frozen=True)
class BallotContents:
    choice: str | None = None
    ranking: tuple[str, ...] = ()
    struck: tuple[str, ...] = ()
    individuals: tuple[str, ...] = ()
    weight: int = 1

    @property
    def is_blank(self) -> bool:
        return self.choice is None and not self.ranking

    def as_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"weight": self.weight}
        if self.choice is not None:
            data["choice"] = self.choice
        if self.ranking:
            data["ranking"] = list(self.ranking)
        if self.struck:
            data["struck"] = list(self.struck)
        if self.individuals:
            data["individuals"] = list(self.individuals)
        return data

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> "BallotContents":
        unknown = sorted(set(data) - {"weight", "choice", "ranking", "struck", "individuals"})
        if unknown:
            raise ValueError(f"unknown field(s) in ballot contents: {', '.join(unknown)}")
        weight = data.get("weight", 1)
        if not isinstance(weight, int) or isinstance(weight, bool) or weight < 1:
            raise ValueError(f"ballot weight {weight!r} must be a whole number of at least 1")
        lists = {}
        for name in ("ranking", "struck", "individuals"):
            value = data.get(name, [])
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                raise ValueError(f"ballot {name} must be a list of names")
            lists[name] = tuple(value)
        choice = data.get("choice")
        if choice is not None and not isinstance(choice, str):
            raise ValueError(f"ballot choice {choice!r} must be text")
        return cls(choice, lists["ranking"], lists["struck"], lists["individuals"], weight)

    def canonical_json(self) -> str:
        return canonical_json(self.as_dict())
