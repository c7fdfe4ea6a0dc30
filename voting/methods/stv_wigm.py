"""Weighted Inclusive Gregory Method (WIGM), the generic rule of the Droop tabulator.

The model rule the Scottish Order is a variant of, with the arithmetic left open
(``arithmetic``: ``rational-d12``, ``guarded-p18-g9-d18``, ``fixed-p9``…):

1. Quota: votes / (seats + 1). With exact arithmetic (rational, guarded) a
   candidate needs more than the quota; with fixed-point the quota is raised by
   the smallest unit and reaching it is enough.
2. Each stage: elect every continuing candidate with a quota, in order of
   votes. If any elected
   candidate's surplus is untransferred, transfer the largest: every paper the
   candidate holds moves on at value x surplus / votes, and the candidate keeps
   the quota. Otherwise exclude the lowest continuing candidate, papers moving
   at their value.
3. When continuing candidates are no more than the seats left, they are elected.

Ties (equal surpluses, equal lowest) are broken by the tied candidates' votes
at earlier stages, the most recent stage where they differ deciding (most votes
for a surplus, fewest for an exclusion); candidates equal at every stage are
separated by lot from the published ``seed`` (``lot="ballot-order"`` takes
Droop's default order). ``ties="droop"`` skips the earlier stages, as the Droop
tabulator does, to reproduce its reports (see voting.methods.stv_ties).

Seat quotas (``quotas=``, voting.constraints) apply as in the Scottish count
(voting.methods.stv_quotas): at each stage a candidate whose election would
make a quota impossible is excluded and never elected, one whose exclusion
would is not excluded as lowest, and candidates the seats left must all go to
are elected. ``ron`` names the re-open nominations candidate (voting.methods.ron).
"""

from __future__ import annotations

from typing import Any, Sequence

from voting.arithmetic import Arithmetic, parse_arithmetic
from voting.ballot import Ballot, BallotError, Contest
from voting.methods.ron import report_reopened, ron_name
from voting.methods.stv_papers import Piles, exhausted_by_reason, read_papers, transfer_entry
from voting.methods.stv_quotas import SeatQuotas, Verdict
from voting.methods.stv_ties import Lots, by_earlier_stages, lot_options
from voting.record import Result, Round


def count(contest: Contest, ballots: Sequence[Ballot], **options: Any) -> Result:
    arithmetic = parse_arithmetic(options.pop("arithmetic", "rational-d12"))
    lot = lot_options(options, tie_rule=True)
    quotas = tuple(options.pop("quotas", None) or ())
    ron = ron_name(contest, options.pop("ron", None))
    if options:
        raise BallotError(f"unknown option(s) for wigm: {', '.join(sorted(options))}")
    piles = Piles(contest, read_papers(contest, ballots), arithmetic)
    result = _WigmCount(contest, piles, arithmetic, Lots(contest.candidates, **lot), quotas).run()
    return report_reopened(result, ron)


class _WigmCount:
    def __init__(self, contest: Contest, piles: Piles, arithmetic: Arithmetic, lots: Lots, quotas: tuple = ()) -> None:
        self.contest = contest
        self.names = list(contest.candidates)
        self.piles = piles
        self.a = arithmetic
        self.lots = lots
        self.seat_quotas = SeatQuotas(quotas, self.names, contest.standing, contest.seats)
        self.hopeful = [i for i, name in enumerate(self.names) if name not in contest.withdrawn]
        self.elected: list[int] = []
        self.pending: list[int] = []
        self.rounds: list[Round] = []
        self.history: list[list] = []
        self.residual = arithmetic.zero

    def verdict(self) -> Verdict:
        return self.seat_quotas.verdict(self.elected, self.hopeful, self.seats_left)

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
            forced = self.verdict().forced
            if forced:
                # seat quotas: every seat left must go to these candidates
                for i in sorted(forced):
                    self.elect(i, stage)
                stage.note = (stage.note + "; " if stage.note else "") + \
                    "elected because the seat quotas need every remaining seat"
                continue
            # 2. elect every candidate with a quota at the end of the last stage,
            # then make one transfer: the largest surplus, else an exclusion
            # in order of votes, highest first (ballot-paper order among equals)
            for i in sorted((i for i in self.hopeful if self.has_quota(i)), key=lambda i: -self.piles.votes[i]):
                if i in self.verdict().doomed:
                    stage.note = (stage.note + "; " if stage.note else "") + \
                        f"{self.names[i]} reached the quota but the seat quotas forbid their election"
                    continue
                self.elect(i, stage)
            stage = Round(len(self.rounds) + 1, {})
            doomed = self.verdict().doomed & set(self.hopeful)
            if doomed:
                self.exclude_doomed(doomed, stage)
            elif self.pending:
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
                   "quota": "votes/(seats+1)" + ("" if a.exact else " + smallest unit"),
                   **self.lots.rules(tie_rule_applies=True),
                   **({"seat quotas": "; ".join(self.seat_quotas.describe())} if self.seat_quotas else {})},
            places=a.display,
            total_ballots=valid + self.piles.invalid_papers,
            invalid_ballots=self.piles.invalid_papers,
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
        stage.exhausted = exhausted_by_reason(self.piles.non_transferable, self.piles.non_transferable_overvote,
                                              a.to_record)
        stage.residual = a.to_record(self.residual)
        self.rounds.append(stage)
        self.history.append(list(votes))
        return stage

    def tie_order(self, tied: list[int], stage: Round, purpose: str) -> int:
        """Earlier stages (most for a surplus, fewest for an exclusion), then a lot."""
        if len(tied) == 1:
            return tied[0]
        if not self.lots.droop_rule:
            survivors, decided_at = by_earlier_stages(tied, self.history, prefer_highest=purpose == "surplus",
                                                      compare=self.a.compare)
            if len(survivors) == 1:
                self.lots.record(stage.number, purpose, tied, survivors[0], "previous_rounds", f"stage {decided_at}")
                return survivors[0]
            tied = survivors
        return self.lots.draw(stage.number, purpose, tied)

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

    def exclude_doomed(self, doomed: set[int], stage: Round) -> None:
        """Seat quotas: the lowest candidate whose election would make a quota impossible goes."""
        lowest = min(doomed, key=lambda i: (self.piles.votes[i], i))
        self.exclude(lowest, stage)
        stage.note = f"{self.names[lowest]} excluded: their election would make a seat quota impossible"

    def exclude_lowest(self, stage: Round) -> None:
        a = self.a
        votes = self.piles.votes
        # seat quotas: a candidate the quotas cannot do without is not excluded as lowest
        guarded = self.verdict().guarded
        pool = [i for i in self.hopeful if i not in guarded] or list(self.hopeful)
        low = min(votes[i] for i in pool)
        lowest = self.tie_order([i for i in pool if a.eq(votes[i], low)], stage, "exclude")
        self.exclude(lowest, stage)
        stage.note = f"{self.names[lowest]} excluded"

    def exclude(self, lowest: int, stage: Round) -> None:
        a = self.a
        votes = self.piles.votes
        self.hopeful.remove(lowest)
        self.piles.close(lowest)
        stage.eliminated.append(self.names[lowest])
        gained, lost = self.piles.transfer(lowest, None)
        votes[lowest] = a.zero
        stage.transfers.append(transfer_entry(a, self.names, self.names[lowest], "exclusion", None, gained, lost))

