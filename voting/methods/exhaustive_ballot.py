"""The exhaustive ballot: vote again and again, dropping the last, until someone has a majority.

Each round every voter votes for one continuing candidate; a candidate with
more than half of the votes cast in that round is elected. Otherwise the
candidate with the fewest votes is eliminated and the room votes again.

Counted from ranked ballots, each voter's vote in a round is read as their
highest-ranked continuing candidate: this simulates an online exhaustive
ballot on the assumption that voters would vote in later rounds as their
ranking says (a real exhaustive ballot lets them change their minds, so a
published exhaustive ballot need not match). A ballot with no continuing
candidate left casts no vote in that round. A tie for elimination is broken
by the earlier rounds (fewest votes at the latest round where the tied
differ), then by lot from the published seed. One seat only.

Each round records its majority threshold (with whole votes, half the votes
cast rounded down plus one; with fractional weights, half the votes cast, which
must be exceeded) and, for the candidate eliminated, where their voters' votes
went in the next round (a Transfer, with "exhausted" for those left with no
continuing choice).

Options: ``seed``, ``ron`` (as plurality).
"""

from __future__ import annotations

from typing import Any, Sequence

from voting.ballot import Ballot, BallotError, Contest, group_identical
from voting.methods.ron import report_reopened, ron_name
from voting.ballot import OVERVOTE
from voting.methods.tally_steps import break_tie, check_ballots, current_vote, tally_current_votes, total_weight
from voting.record import Result, Round, Transfer, Value, format_value

RULES = {
    "rulebook": "exhaustive ballot: more than half the votes cast in a round wins; otherwise the lowest is dropped",
    "simulation": "each ranked ballot votes in each round for its highest-ranked continuing candidate",
    "ties": "earlier rounds, then lot from the published seed",
}


def count(contest: Contest, ballots: Sequence[Ballot], **options: Any) -> Result:
    seed = options.pop("seed", None)
    ron = ron_name(contest, options.pop("ron", None))
    if options:
        raise BallotError(f"unknown option(s) for exhaustive: {', '.join(sorted(options))}")
    if contest.seats != 1:
        raise BallotError(f"the exhaustive ballot fills one seat, not {contest.seats}; use block or an STV method")
    check_ballots(contest, ballots)
    total = total_weight(ballots)
    ballots = group_identical(ballots)  # identical papers vote alike in every round
    result = Result("exhaustive", 1, list(contest.candidates), [], [], dict(RULES, seed=seed, lot="seeded"),
                    total_ballots=total, withdrawn=sorted(contest.withdrawn), title=contest.title)
    continuing = list(contest.standing)
    loser: str | None = None
    while True:
        number = len(result.rounds) + 1
        if loser is not None:
            result.rounds[-1].transfers.append(_moved(ballots, loser, continuing))
        tally, exhausted = tally_current_votes(ballots, continuing)
        cast = sum(tally.values())
        round_ = Round(number, tally, threshold=_majority(cast), exhausted=exhausted,
                       note=f"{format_value(cast)} votes cast; a majority is more than half of them")
        result.rounds.append(round_)
        leader = max(continuing, key=lambda name: tally[name])
        if 2 * tally[leader] > cast or len(continuing) == 1:
            round_.elected.append(leader)
            result.elected = [leader]
            return report_reopened(result, ron)
        fewest = min(tally.values())
        lowest = [name for name in continuing if tally[name] == fewest]
        if len(lowest) > 1:
            tie = break_tie(lowest, purpose="eliminate", round_number=number, earlier=result.rounds[:-1],
                            seed=seed, method="exhaustive", lowest=True)
            result.ties.append(tie)
            loser = tie.chosen
        else:
            loser = lowest[0]
        round_.eliminated.append(loser)
        continuing.remove(loser)



def _majority(cast: Value) -> Value:
    """The votes a majority needs: more than half; with whole votes, the least whole number above half."""
    if isinstance(cast, int):
        return cast // 2 + 1
    return cast / 2


def _moved(ballots: Sequence[Ballot], loser: str, continuing: Sequence[str]) -> Transfer:
    """Where the eliminated candidate's voters' votes went in the next round."""
    before = [*continuing, loser]
    to: dict[str, Value] = {}
    for ballot in ballots:
        if current_vote(ballot, before) != loser:
            continue
        vote = current_vote(ballot, continuing)
        target = vote if vote is not None and vote != OVERVOTE else "exhausted"
        to[target] = to.get(target, 0) + ballot.weight
    ordered = {name: to[name] for name in continuing if name in to}
    if "exhausted" in to:
        ordered["exhausted"] = to["exhausted"]
    return Transfer(loser, "elimination", None, ordered)
