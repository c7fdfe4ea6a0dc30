"""Small ballot sets for the RCTab setting tests."""

from __future__ import annotations

from typing import Any

from voting.ballot import OVERVOTE, UNDECLARED_WRITE_IN, Ballot, Contest
from voting.methods import rctab
from voting.methods.rctab_rules import RctabRules
from voting.record import Result


def ballot(*cells: str, weight: int = 1) -> Ballot:
    """``ballot("A", "", "B|C", "<overvote>")``: one cell a rank, as in the CSV format."""
    ranks = []
    for cell in cells:
        if not cell:
            ranks.append(())
        elif cell in (OVERVOTE, UNDECLARED_WRITE_IN):
            ranks.append((cell,))
        else:
            ranks.append(tuple(cell.split("|")))
    return Ballot(tuple(ranks), weight)


def count(candidates: str, ballots: list[Ballot], excluded: str = "", **settings: Any) -> Result:
    settings.setdefault("tiebreak_mode", "useCandidateOrder")
    rules = RctabRules(**settings)
    contest = Contest(tuple(candidates.split()), max(rules.number_of_winners, 1), frozenset(excluded.split()))
    return rctab.count(contest, ballots, rules=rules)


def tallies(result: Result) -> list[dict[str, str]]:
    """Each round's tally as plain strings, for short assertions."""
    return [{k: str(v) for k, v in r.tally.items()} for r in result.rounds]


def inactive(result: Result, reason: str) -> list[str]:
    return [str(r.exhausted.get(reason, 0)) for r in result.rounds]
