"""Plurality (first past the post): each ballot counts once for its first choice.

A ballot's vote is its highest-ranked standing candidate (a single-mark paper
is a one-rank ballot); a withdrawn candidate's name is passed over. A rank
marking several candidates is an overvote and the paper is not counted.
The ``seats`` candidates with the most votes are elected (with several seats
this is the single non-transferable vote). A tie for the last seat is settled
by lot from the published seed (there are no earlier rounds to look back to).

Options: ``seed`` (published seed for lots), ``ron`` (name of the re-open
nominations candidate, default "RON").
"""

from __future__ import annotations

from typing import Any, Sequence

from voting.ballot import Ballot, BallotError, Contest
from voting.methods.ron import report_reopened, ron_name
from voting.methods.tally_steps import break_tie, check_ballots, tally_current_votes, total_weight
from voting.record import Result, Round, Value

RULES = {"rulebook": "plurality: most first choices wins; several seats go to the highest totals",
         "ties": "lot from the published seed"}


def count(contest: Contest, ballots: Sequence[Ballot], **options: Any) -> Result:
    seed = options.pop("seed", None)
    ron = ron_name(contest, options.pop("ron", None))
    if options:
        raise BallotError(f"unknown option(s) for plurality: {', '.join(sorted(options))}")
    check_ballots(contest, ballots)
    tally, exhausted = tally_current_votes(ballots, contest.standing)
    round_ = Round(1, tally, exhausted=exhausted)
    result = Result("plurality", contest.seats, list(contest.candidates), [], [round_], dict(RULES, seed=seed, lot="seeded"),
                    total_ballots=total_weight(ballots), withdrawn=sorted(contest.withdrawn),
                    title=contest.title)
    elected = _top(tally, contest.seats, seed, result)
    round_.elected = elected
    result.elected = list(elected)
    return report_reopened(result, ron)


def _top(tally: dict[str, Value], seats: int, seed: str | None, result: Result) -> list[str]:
    """The highest totals; ties at the boundary drawn by lot and recorded."""
    elected: list[str] = []
    for value in sorted(set(tally.values()), reverse=True):
        group = [name for name in tally if tally[name] == value]
        room = seats - len(elected)
        if room <= 0:
            break
        while len(group) > room and room > 0:
            tie = break_tie(group, purpose="elect", round_number=1, earlier=[], seed=seed,
                            method="plurality", lowest=False)
            result.ties.append(tie)
            elected.append(tie.chosen)
            group.remove(tie.chosen)
            room -= 1
        if room > 0:
            elected.extend(group)
    return elected
