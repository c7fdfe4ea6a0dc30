"""Weighted Inclusive Gregory Method (WIGM), the generic rule of the Droop tabulator.

The model rule the Scottish Order is a variant of, with the arithmetic left open
(``arithmetic``: ``rational-d12``, ``guarded-p18-g9-d18``, ``fixed-p9``…):

1. Quota: votes / (seats + 1). With exact arithmetic (rational, guarded) a
   candidate needs more than the quota; with fixed-point the quota is raised by
   the smallest unit and reaching it is enough.
2. Each stage: elect every continuing candidate with a quota. If any elected
   candidate's surplus is untransferred, transfer the largest: every paper the
   candidate holds moves on at value x surplus / votes, and the candidate keeps
   the quota. Otherwise exclude the lowest continuing candidate, papers moving
   at their value.
3. When continuing candidates are no more than the seats left, they are elected.

Ties (equal surpluses, equal lowest) go to the first in the tie order: by lot
from the published ``seed``, or ``lot="ballot-order"`` for Droop's default order.
"""

from __future__ import annotations

from typing import Any, Sequence

from voting.arithmetic import Arithmetic, parse_arithmetic
from voting.ballot import Ballot, BallotError, Contest
from voting.methods.stv_papers import Piles, preference_lists, transfer_entry
from voting.methods.stv_ties import Lots
from voting.record import EXHAUSTED_NO_FURTHER_PREFERENCES, Result, Round


def count(contest: Contest, ballots: Sequence[Ballot], **options: Any) -> Result:
    arithmetic = parse_arithmetic(options.pop("arithmetic", "rational-d12"))
    seed = str(options.pop("seed", "") or "")
    lot = options.pop("lot", "seeded")
    if options:
        raise BallotError(f"unknown option(s) for wigm: {', '.join(sorted(options))}")
    piles = Piles(contest, preference_lists(contest, ballots), arithmetic)
    return _WigmCount(contest, piles, arithmetic, Lots(contest.candidates, seed, lot)).run()


class _WigmCount:
    def __init__(self, contest: Contest, piles: Piles, arithmetic: Arithmetic, lots: Lots) -> None:
        self.contest = contest
        self.names = list(contest.candidates)
        self.piles = piles
        self.a = arithmetic
        self.lots = lots
        self.hopeful = [i for i, name in enumerate(self.names) if name not in contest.withdrawn]
        self.elected: list[int] = []
        self.pending: list[int] = []
        self.rounds: list[Round] = []
        self.residual = arithmetic.zero

    @property
    def seats_left(self) -> int:
        return self.contest.seats - len(self.elected)

    def has_quota(self, i: int) -> bool:
        vote = self.piles.votes[i]
        return self.a.gt(vote, self.quota) if self.a.exact else self.a.ge(vote, self.quota)

    def run(self) -> Result:
        a = self.a
        valid = self.piles.valid_papers
        # 1. quota: votes / (seats + 1), raised by the smallest unit where not exact
        self.quota = a.div(a.from_int(valid), a.from_int(self.contest.seats + 1))
        if not a.exact:
            self.quota += a.epsilon()
        stage = self.close_stage(Round(1, {}, note="first preferences"))
        while len(self.hopeful) > self.seats_left > 0:
            # 2. elect every candidate with a quota at the end of the last stage,
            # then make one transfer: the largest surplus, else an exclusion
            for i in [i for i in self.hopeful if self.has_quota(i)]:
                self.elect(i, stage)
            stage = Round(len(self.rounds) + 1, {})
            if self.pending:
                self.transfer_surplus(stage)
            elif self.hopeful:
                self.exclude_lowest(stage)
            self.close_stage(stage)
        # 3. the continuing candidates fill the seats left
        for i in list(self.hopeful):
            if self.seats_left > 0:
                self.elect(i, stage)
                stage.note = (stage.note + "; " if stage.note else "") + "remaining candidates elected"
        return Result(
            method="wigm",
            seats=self.contest.seats,
            candidates=list(self.contest.standing),
            elected=[self.names[i] for i in self.elected],
            rounds=self.rounds,
            rules={"rulebook": "Droop generic WIGM", "arithmetic": a.describe(),
                   "quota": "votes/(seats+1)" + ("" if a.exact else " + smallest unit")},
            places=a.display,
            total_ballots=valid,
            ties=self.lots.ties,
            withdrawn=[n for n in self.names if n in self.contest.withdrawn],
            title=self.contest.title,
        )

    def elect(self, i: int, stage: Round) -> None:
        self.hopeful.remove(i)
        self.piles.close(i)
        self.elected.append(i)
        self.pending.append(i)
        stage.elected.append(self.names[i])

    def close_stage(self, stage: Round) -> Round:
        a = self.a
        votes = self.piles.votes
        stage.tally = {self.names[i]: a.to_record(votes[i]) for i in sorted(self.hopeful + self.elected)}
        stage.threshold = a.to_record(self.quota)
        stage.exhausted = {EXHAUSTED_NO_FURTHER_PREFERENCES: a.to_record(self.piles.non_transferable)}
        stage.residual = a.to_record(self.residual)
        self.rounds.append(stage)
        return stage

    def tie_order(self, tied: list[int], stage: Round, purpose: str) -> int:
        return tied[0] if len(tied) == 1 else self.lots.draw(stage.number, purpose, tied)

    def transfer_surplus(self, stage: Round) -> None:
        a = self.a
        votes = self.piles.votes
        high = max((votes[i] for i in self.pending), )
        source = self.tie_order([i for i in self.pending if a.eq(votes[i], high)], stage, "surplus")
        self.pending.remove(source)
        total = votes[source]
        surplus = total - self.quota
        # every paper moves at value x surplus / votes (WIGM)
        gained, lost = self.piles.transfer(source, lambda value: a.div(a.mul(value, surplus), total))
        votes[source] = self.quota
        self.residual += surplus - sum(gained.values(), a.zero) - lost
        stage.surplus = a.to_record(surplus)
        stage.note = f"surplus of {self.names[source]} transferred"
        stage.transfers.append(transfer_entry(a, self.names, self.names[source], "surplus", a.div(surplus, total), gained, lost))

    def exclude_lowest(self, stage: Round) -> None:
        a = self.a
        votes = self.piles.votes
        low = min((votes[i] for i in self.hopeful), )
        lowest = self.tie_order([i for i in self.hopeful if a.eq(votes[i], low)], stage, "exclude")
        self.hopeful.remove(lowest)
        self.piles.close(lowest)
        stage.eliminated.append(self.names[lowest])
        gained, lost = self.piles.transfer(lowest, None)
        votes[lowest] = a.zero
        stage.note = f"{self.names[lowest]} excluded"
        stage.transfers.append(transfer_entry(a, self.names, self.names[lowest], "exclusion", None, gained, lost))

