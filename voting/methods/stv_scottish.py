"""Scottish STV: The Scottish Local Government Elections Order 2007 (SSI 2007/42), Schedule 1.

Rules 45-52 of the counting rules, step by step; comments give the rule number.
Surpluses move by the weighted inclusive Gregory method: every paper a candidate
holds moves at a transfer value worked to five decimal places with any remainder
ignored (rule 48(3)), so all arithmetic is fixed-point in 1/100000 of a vote.

Options:
    seed      published seed for lots (rules 49(3), 51(2)(b)); a lot without one stops the count
    lot       "seeded" (default) or "ballot-order" (Droop's tie order, to reproduce its reports)
    ron       the re-open nominations candidate (default "RON" when one stands; see voting.methods.ron)
    quotas    seat quotas (voting.constraints.SeatQuota): at each stage a candidate whose
              election would make a quota impossible is excluded (and never elected),
              one whose exclusion would is not excluded as lowest, and when the seats
              left must all go to certain candidates they are elected (stv_quotas)
    fast      True/False to force the NumPy path on/off; default: NumPy from 2000 distinct ballots

The NumPy path (``stv_scottish_fast``) does the same arithmetic on integer
arrays and is tested to give identical round logs.
"""

from __future__ import annotations

from typing import Any, Sequence

from voting.arithmetic import FixedDecimal
from voting.ballot import Ballot, BallotError, Contest
from voting.methods.ron import report_reopened, ron_name
from voting.methods.stv_papers import Papers, Piles, exhausted_by_reason, read_papers, transfer_entry
from voting.methods.stv_quotas import SeatQuotas
from voting.methods.stv_ties import Lots, by_earlier_stages, lot_options
from voting.record import Result, Round

RULES = {
    "rulebook": "Scottish Local Government Elections Order 2007, Schedule 1, rules 45-52",
    "quota": "floor(valid papers / (seats + 1)) + 1 (rule 46)",
    "surplus": "weighted inclusive Gregory, transfer values to 5 places, remainder ignored (rule 48)",
    "arithmetic": "fixed-point decimal, 5 places, truncated",
}

#: the NumPy path pays off above this many distinct ballots
FAST_THRESHOLD = 2000

ARITHMETIC = FixedDecimal(5)


def count(contest: Contest, ballots: Sequence[Ballot], **options: Any) -> Result:
    lot = lot_options(options)
    quotas = options.pop("quotas", None) or ()
    fast = options.pop("fast", None)
    ron = ron_name(contest, options.pop("ron", None))
    if options:
        raise BallotError(f"unknown option(s) for scotland: {', '.join(sorted(options))}")
    piles: Piles | None = None
    papers: Papers | None = None
    if fast is not False:
        piles, papers = _fast_piles(contest, ballots, force=bool(fast))
    if piles is None:
        piles = Piles(contest, papers if papers is not None else read_papers(contest, ballots), ARITHMETIC)
    result = _ScottishCount(contest, piles, Lots(contest.candidates, **lot), tuple(quotas)).run()
    return report_reopened(result, ron)


def _fast_piles(contest: Contest, ballots: Sequence[Ballot], force: bool) -> tuple[Piles | None, Papers | None]:
    """The NumPy piles for a large count (or when forced); None to use the readable path.

    Papers an overvote stopped are counted on the readable path, which keeps
    their non-transferable votes apart under the ``overvote`` reason.
    """
    from voting.methods.stv_scottish_fast import FastPiles
    from voting.ranking_matrix import RankingMatrix

    papers: Papers | None = None
    try:
        if isinstance(ballots, RankingMatrix) and (force or len(ballots) >= FAST_THRESHOLD):
            return FastPiles.from_matrix(contest, ballots, ARITHMETIC.one), None  # type: ignore[return-value]
        if force or len(ballots) >= FAST_THRESHOLD:
            papers = read_papers(contest, ballots)
            if any(overvoted for _, _, overvoted in papers):
                return None, papers
            plain = [(prefs, n) for prefs, n, _ in papers]
            return FastPiles.from_papers(contest, plain, ARITHMETIC.one), papers  # type: ignore[return-value]
    except OverflowError:
        return None, papers
    return None, papers


class _ScottishCount:
    def __init__(self, contest: Contest, piles: Piles, lots: Lots, quotas: tuple) -> None:
        self.contest = contest
        self.names = list(contest.candidates)
        self.piles = piles
        self.lots = lots
        self.seat_quotas = SeatQuotas(quotas, self.names, contest.standing, contest.seats)
        self.continuing = {i for i, name in enumerate(self.names) if name not in contest.withdrawn}
        self.elected: list[int] = []
        self.excluded: list[int] = []
        self.surplus_pending: list[int] = []
        self.history: list[list[int]] = []
        self.rounds: list[Round] = []
        self.residual = 0
        self.notes: list[str] = []

    # -- helpers -------------------------------------------------------------
    @property
    def seats_left(self) -> int:
        return self.contest.seats - len(self.elected)

    def votes(self, i: int) -> int:
        return self.piles.votes[i]

    def close_stage(self, rnd: Round) -> None:
        """Record the stage's end state; the history feeds the tie-break rules 49(2), 51(2)."""
        self.history.append(list(self.piles.votes))
        rnd.tally = {
            self.names[i]: ARITHMETIC.to_record(self.piles.votes[i])
            for i in range(len(self.names))
            if i in self.continuing or i in self.elected
        }
        rnd.threshold = ARITHMETIC.to_record(self.quota)
        rnd.exhausted = exhausted_by_reason(self.piles.non_transferable,
                                            getattr(self.piles, "non_transferable_overvote", 0), ARITHMETIC.to_record)
        rnd.residual = ARITHMETIC.to_record(self.residual)
        self.rounds.append(rnd)

    def elect(self, i: int, rnd: Round) -> None:
        self.continuing.discard(i)
        self.piles.close(i)
        self.elected.append(i)
        rnd.elected.append(self.names[i])

    def exclude(self, i: int, rnd: Round) -> None:
        self.continuing.discard(i)
        self.piles.close(i)
        self.excluded.append(i)
        rnd.eliminated.append(self.names[i])

    # -- the count -----------------------------------------------------------
    def run(self) -> Result:
        # Rule 45: first stage, papers sorted into parcels by first preference.
        # Rule 46: quota = valid papers / (councillors + 1), decimals ignored, plus one.
        valid = self.piles.valid_papers
        self.quota = ARITHMETIC.from_int(valid // (self.contest.seats + 1) + 1)
        if self.piles.invalid_papers:
            self.notes.append(
                f"{self.piles.invalid_papers} ballot(s) with no first preference for a standing candidate were not counted"
            )
        stage = Round(1, {}, note="first preferences (rule 45)")
        self.elect_quota_reached(stage)
        self.close_stage(stage)

        while not self.complete(stage):
            verdict = self.seat_quotas.verdict(self.elected, self.continuing, self.seats_left)
            if verdict.forced:
                # seat quotas: every seat left must go to these candidates
                for i in sorted(verdict.forced):
                    self.elect(i, stage)
                stage.note += "; elected because the seat quotas need every remaining seat"
                continue
            stage = Round(len(self.rounds) + 1, {})
            doomed = verdict.doomed & self.continuing
            if doomed:
                # seat quotas: their election would make a quota impossible
                self.exclude_doomed(doomed, stage)
            elif self.surplus_pending:
                # Rules 48, 49: transfer the largest surplus first.
                self.transfer_surplus(self.choose_surplus(stage.number), stage)
            else:
                # Rule 50: no surplus left to transfer, so exclude the lowest.
                self.exclude_lowest(stage)
            self.elect_quota_reached(stage)
            self.close_stage(stage)

        return Result(
            method="scotland",
            seats=self.contest.seats,
            candidates=list(self.contest.standing),
            elected=[self.names[i] for i in self.elected],
            rounds=self.rounds,
            rules=dict(RULES, **self.lots.rules(),
                       **({"seat quotas": "; ".join(self.seat_quotas.describe())} if self.seat_quotas else {})),
            places=5,
            total_ballots=valid + self.piles.invalid_papers,
            invalid_ballots=self.piles.invalid_papers,
            ties=self.lots.ties,
            withdrawn=[n for n in self.names if n in self.contest.withdrawn],
            notes=self.notes,
            title=self.contest.title,
        )

    def complete(self, stage: Round) -> bool:
        if self.seats_left <= 0:
            return True
        # Rule 52: continuing candidates no more than vacancies are deemed elected;
        # no further transfer is made.
        if len(self.continuing) <= self.seats_left:
            for i in sorted(self.continuing):
                self.elect(i, stage)
            stage.note = (stage.note + "; " if stage.note else "") + "remaining candidates deemed elected (rule 52)"
            return True
        return False

    def elect_quota_reached(self, stage: Round) -> None:
        # Rule 47(1): a candidate whose votes equal or exceed the quota is elected.
        reached = [i for i in self.continuing if self.votes(i) >= self.quota]
        reached.sort(key=lambda i: (-self.votes(i), i))
        for i in reached:
            if self.seats_left <= 0:
                break
            if i in self.seat_quotas.verdict(self.elected, self.continuing, self.seats_left).doomed:
                stage.note += f"; {self.names[i]} reached the quota but the seat quotas forbid their election"
                continue
            self.elect(i, stage)
            # Rule 48(1): only a vote exceeding the quota leaves a surplus to transfer.
            if self.votes(i) > self.quota:
                self.surplus_pending.append(i)

    def choose_surplus(self, stage_number: int) -> int:
        # Rule 49(1): the candidate with the highest surplus first.
        high = max(self.votes(i) for i in self.surplus_pending)
        tied = [i for i in self.surplus_pending if self.votes(i) == high]
        if len(tied) == 1:
            return tied[0]
        # Rule 49(2): the one with most votes at the most recent preceding stage where they differed.
        survivors, decided_at = by_earlier_stages(tied, self.history, prefer_highest=True)
        if len(survivors) == 1:
            self.lots.record(stage_number, "surplus", tied, survivors[0], "previous_rounds", f"stage {decided_at}")
            return survivors[0]
        # Rule 49(3): equal at all stages, decided by lot.
        return self.lots.draw(stage_number, "surplus", survivors)

    def transfer_surplus(self, source: int, stage: Round) -> None:
        self.surplus_pending.remove(source)
        total = self.votes(source)
        surplus = total - self.quota
        # Rule 48(2)-(4): every paper the candidate holds moves at
        # surplus x (its value) / total, to five places, remainder ignored.
        gained, lost = self.piles.transfer(source, lambda value: ARITHMETIC.muldiv(surplus, value, total))
        moved = sum(gained.values()) + lost
        # The candidate keeps exactly the quota; what truncation lost is the residual.
        self.piles.votes[source] = self.quota
        self.residual += surplus - moved
        stage.surplus = ARITHMETIC.to_record(surplus)
        stage.note = f"surplus of {self.names[source]} transferred (rules 48, 49)"
        stage.transfers.append(transfer_entry(ARITHMETIC, self.names, self.names[source], "surplus", ARITHMETIC.muldiv(surplus, ARITHMETIC.one, total), gained, lost))

    def exclude_doomed(self, doomed: frozenset[int], stage: Round) -> None:
        lowest = min(doomed, key=lambda i: (self.votes(i), i))
        self.exclude(lowest, stage)
        gained, lost = self.piles.transfer(lowest, None)
        self.piles.votes[lowest] = 0
        stage.note = f"{self.names[lowest]} excluded: their election would make a seat quota impossible"
        stage.transfers.append(transfer_entry(ARITHMETIC, self.names, self.names[lowest], "exclusion", None, gained, lost))

    def exclude_lowest(self, stage: Round) -> None:
        guarded = self.seat_quotas.verdict(self.elected, self.continuing, self.seats_left).guarded
        # seat quotas: a candidate the quotas cannot do without is not excluded as lowest
        pool = [i for i in self.continuing if i not in guarded] or list(self.continuing)
        low = min(self.votes(i) for i in pool)
        tied = [i for i in pool if self.votes(i) == low]
        lowest = tied[0]
        if len(tied) > 1:
            # Rule 51(2)(a): the lowest at the most recent preceding stage where they differed.
            survivors, decided_at = by_earlier_stages(tied, self.history, prefer_highest=False)
            if len(survivors) == 1:
                lowest = survivors[0]
                self.lots.record(stage.number, "exclude", tied, lowest, "previous_rounds", f"stage {decided_at}")
            else:
                # Rule 51(2)(b): equal at all stages, decided by lot.
                lowest = self.lots.draw(stage.number, "exclude", survivors)
        self.exclude(lowest, stage)
        # Rule 50(2)-(4): the excluded candidate's papers move at the value they carry.
        gained, lost = self.piles.transfer(lowest, None)
        self.piles.votes[lowest] = 0
        stage.note = f"{self.names[lowest]} excluded (rule 50)"
        stage.transfers.append(transfer_entry(ARITHMETIC, self.names, self.names[lowest], "exclusion", None, gained, lost))
