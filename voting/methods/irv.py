"""Instant-runoff voting for one seat, as Plenary counts its own elections.

Each round every ballot counts for its highest-ranked continuing candidate. A
candidate with more than half of the votes still counting is elected; when two
remain, the one with more votes is. Otherwise the candidate with the fewest
votes is eliminated and their ballots move on. Skipped ranks are passed over, an
overvote ends the ballot, a ballot with no continuing choice is exhausted.

Ties (for elimination, or between the final two) are broken by the counts of
earlier rounds, latest first: the tied candidate with the fewest (or most) votes
in the most recent round where they differ. A tie that every earlier round
shares is settled by lot from the published seed (:mod:`voting.ties`).

A seat won by the re-open nominations candidate (``ron``, default "RON" when
one stands) is reported as re-opened, not filled (voting.methods.ron).

The rounds are counted by the RCTab-compatible engine (:mod:`voting.methods.rctab`)
with clean-ballot settings, so there is one implementation of the IRV round.
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction
from typing import Any, Callable, Sequence

from voting.ballot import Ballot, BallotError, Contest
from voting.methods import rctab
from voting.methods import rctab_rules as R
from voting.methods.rctab_ties import TallyHistory, narrow_by_earlier_rounds
from voting.methods.ron import report_reopened, ron_name
from voting.record import Result, TieBreak
from voting.ties import draw_lot


class EarlierRoundsThenLot:
    """Plenary's tie rule: earlier rounds' counts, backwards; then a lot from ``seed``."""

    def __init__(self, seed: str | None) -> None:
        self.seed = seed

    def choose(
        self,
        tied: Sequence[str],
        selecting_winner: bool,
        round_number: int,
        history: TallyHistory,
        describe: Callable[[int], str],
    ) -> TieBreak:
        purpose = "elect" if selecting_winner else "eliminate"
        candidates = sorted(tied)
        decided, in_contention = narrow_by_earlier_rounds(candidates, selecting_winner, round_number, history,
                                                          describe, purpose)
        if decided is not None:
            return decided
        if self.seed is None:
            raise BallotError(
                f"round {round_number}: {', '.join(in_contention)} are tied in every round; "
                "a lot is needed, so give the published seed"
            )
        chosen, detail = draw_lot(self.seed, f"round {round_number} {purpose}", in_contention)
        return TieBreak(round_number, purpose, candidates, chosen, "lot", detail)


def count(contest: Contest, ballots: Sequence[Ballot], **options: Any) -> Result:
    """Count one seat by instant runoff; option ``seed`` is the published seed for lots."""
    seed = options.pop("seed", None)
    ron = ron_name(contest, options.pop("ron", None))
    if options:
        raise BallotError(f"unknown option(s) for irv: {', '.join(sorted(options))}")
    if contest.seats != 1:
        raise BallotError(f"instant-runoff fills one seat, not {contest.seats}; use an STV method")
    places = max((_places(b.weight) for b in ballots), default=0)
    rules = R.RctabRules(
        winner_election_mode=R.SINGLE_WINNER_MAJORITY,
        number_of_winners=1,
        overvote_rule=R.EXHAUST_IMMEDIATELY,
        max_skipped_ranks_allowed=None,
        max_rankings_allowed=max([len(contest.candidates), *(len(b.ranks) for b in ballots)]),
        # a majority is the smallest amount above half, at the precision of the weights
        non_integer_winning_threshold=True,
        decimal_places=places,
        undeclared_write_ins=False,
    )
    result = rctab.count(contest, ballots, rules=rules, tie_breaker=EarlierRoundsThenLot(seed), method_name="irv",
                         ron="")
    result.rules = {
        "majority": "more than half of the votes still counting; the larger of the final two",
        "ties": "earlier rounds' counts, latest first; then a lot",
        "seed": seed,
        "lot": "seeded",
    }
    return report_reopened(result, ron)


def _places(weight: Any) -> int:
    if isinstance(weight, int):
        return 0
    if isinstance(weight, Decimal):
        exponent = weight.normalize().as_tuple().exponent
        return max(0, -exponent) if isinstance(exponent, int) else 0
    if isinstance(weight, Fraction):
        if weight.denominator == 1:
            return 0
        raise BallotError(f"weight {weight} is not a decimal number")
    raise BallotError(f"weight {weight!r} is not a number")
