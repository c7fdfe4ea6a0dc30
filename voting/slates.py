"""Slates: members choose between competing lists, or accept or reject one list.

Two ways a body can be elected as a list, and what each hides:

* **Competing slates.** Each paper marks or ranks slates by name; the slate
  counted the winner (``plurality`` by default, or ``irv``/``exhaustive``
  over slate names) is elected whole.
* **One proposed slate.** Each paper says yes, no or abstain to the list,
  decided under a rule and base like any motion (``voting.decision``). Where
  the rule allows strike-outs, a paper may also strike names: a name struck
  on more than ``strike_share`` of the papers cast (yes, no and abstain
  alike) is removed, and its seat is left vacant for a separate election.

Challenging one name on a slate used to mean assembling a whole rival slate.
So when the papers also carry individual preferences, the result reports
what an individual count of the same papers (STV or block vote over every
person named) would have elected, and where it differs from the slate.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import Any, Literal, Sequence

from voting.ballot import Ballot, BallotError, Contest
from voting.decision import SIMPLE, Decision, Rule, decide, percent
from voting.methods.registry import count
from voting.record import Result


@dataclass(frozen=True)
class Slate:
    name: str
    members: tuple[str, ...]


@dataclass(frozen=True)
class SlatePaper:
    """A paper choosing between slates; ``individuals`` when it also ranks people."""

    slates: tuple[str, ...]
    individuals: tuple[str, ...] = ()
    weight: int = 1


@dataclass(frozen=True)
class SlateVote:
    """A paper on one proposed slate: yes, no or abstain, with any names struck out."""

    choice: Literal["yes", "no", "abstain"]
    struck: frozenset[str] = frozenset()
    individuals: tuple[str, ...] = ()
    weight: int = 1


@dataclass
class IndividualComparison:
    """What an individual count of the same papers gives beside the slate's result."""

    result: Result
    both: list[str]
    only_slate: list[str]
    only_individual: list[str]
    words: str


@dataclass
class SlateChoice:
    result: Result  # the count over slate names
    slate: Slate | None
    elected: list[str]
    comparison: IndividualComparison | None


@dataclass
class SlateDecision:
    decision: Decision
    strikes: dict[str, int]
    removed: list[str]
    elected: list[str]
    vacancies: int
    words: str
    comparison: IndividualComparison | None


def choose_slate(
    slates: Sequence[Slate],
    papers: Sequence[SlatePaper],
    *,
    method: str = "plurality",
    seed: str | None = None,
    individual_method: str = "scotland",
    individual_options: dict[str, Any] | None = None,
) -> SlateChoice:
    """Count the papers over slate names; the winning slate is elected whole."""
    names = tuple(s.name for s in slates)
    contest = Contest(names, 1, title="choice of slate")
    ballots = [Ballot.ranking(p.slates, p.weight) for p in papers]
    options = {"seed": seed} if seed is not None else {}
    result = count(method, contest, ballots, **options)
    winner = next((s for s in slates if s.name in result.elected), None)
    elected = list(winner.members) if winner else []
    comparison = None
    if winner and any(p.individuals for p in papers):
        everyone = [m for s in slates for m in s.members]
        comparison = compare_individual_count(
            elected, everyone, [Ballot.ranking(p.individuals, p.weight) for p in papers], len(winner.members),
            method=individual_method, seed=seed, **(individual_options or {}))
    return SlateChoice(result, winner, elected, comparison)


def vote_on_slate(
    slate: Slate,
    votes: Sequence[SlateVote],
    *,
    rule: Rule | str = SIMPLE,
    base: str = "cast",
    present: int | None = None,
    entitled: int | None = None,
    casting_vote: Literal["yes", "no"] | None = None,
    strike_share: Fraction | None = None,
    individual_method: str = "scotland",
    seed: str | None = None,
    unit: str = "members",
) -> SlateDecision:
    """Accept or reject one slate; strike-outs only where ``strike_share`` allows them. ``unit``: what the
    turnout counts ("card votes" on a weighted ballot)."""
    totals = {"yes": 0, "no": 0, "abstain": 0}
    strikes = {name: 0 for name in slate.members}
    for number, vote in enumerate(votes, start=1):
        if vote.choice not in totals:
            raise BallotError(f"slate paper {number}: {vote.choice!r} is not yes, no or abstain")
        totals[vote.choice] += vote.weight
        if vote.struck and strike_share is None:
            raise BallotError(f"slate paper {number}: strike-outs are not allowed under this rule")
        unknown = vote.struck - set(slate.members)
        if unknown:
            raise BallotError(f"slate paper {number}: struck {', '.join(sorted(unknown))}, not on the slate")
        for name in vote.struck:
            strikes[name] += vote.weight
    decision = decide(totals["yes"], totals["no"], totals["abstain"], rule=rule, base=base,
                      present=present, entitled=entitled, casting_vote=casting_vote, unit=unit)
    papers = sum(totals.values())
    removed: list[str] = []
    if strike_share is not None:
        # A name goes when struck on more than the rule's share of all papers cast.
        removed = [name for name in slate.members if strikes[name] > strike_share * papers]
    elected = [m for m in slate.members if m not in removed] if decision.carried else []
    words = f"Slate {slate.name!r}: {decision.words}"
    if strike_share is not None:
        words += (f". Strike-outs (a name goes if struck on more than {percent(strike_share)} of {papers} papers): "
                  + ", ".join(f"{n} {strikes[n]}" for n in slate.members))
        if removed and decision.carried:
            words += f"; removed {', '.join(removed)}, leaving {len(removed)} seat(s) for a separate election"
    comparison = None
    if decision.carried and any(v.individuals for v in votes):
        comparison = compare_individual_count(
            elected, list(slate.members), [Ballot.ranking(v.individuals, v.weight) for v in votes if v.individuals],
            len(slate.members), method=individual_method, seed=seed)
    return SlateDecision(decision, strikes, removed, elected, len(removed) if decision.carried else 0,
                         words, comparison)


def compare_individual_count(
    slate_elected: Sequence[str],
    candidates: Sequence[str],
    ballots: Sequence[Ballot],
    seats: int,
    *,
    method: str = "scotland",
    **options: Any,
) -> IndividualComparison:
    """Count the individual preferences on the same papers and set the result beside the slate's."""
    names = list(dict.fromkeys([*candidates, *(n for b in ballots for marks in b.ranks for n in marks)]))
    if len(names) < seats:
        raise BallotError(f"only {len(names)} people named for {seats} seats in the individual count")
    options = {k: v for k, v in options.items() if v is not None}
    result = count(method, Contest(tuple(names), seats, title="individual count of the slate papers"),
                   ballots, **options)
    both = [n for n in slate_elected if n in result.elected]
    only_slate = [n for n in slate_elected if n not in result.elected]
    only_individual = [n for n in result.elected if n not in slate_elected]
    if not only_slate and not only_individual:
        words = (f"An individual count ({method}) of the same papers elects the same people: "
                 f"{', '.join(result.elected)}.")
    else:
        words = (f"An individual count ({method}) of the same papers would have elected "
                 f"{', '.join(result.elected)}. Elected either way: {', '.join(both) or 'nobody'}; "
                 f"only by the individual count: {', '.join(only_individual) or 'nobody'}; "
                 f"only on the slate: {', '.join(only_slate) or 'nobody'}.")
    return IndividualComparison(result, both, only_slate, only_individual, words)
