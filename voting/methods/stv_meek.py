"""Meek's method of STV, as the Droop tabulator's parametric Meek rule counts it.

Every ballot is reread at every iteration: each candidate keeps a fraction of
the value reaching them (their keep factor, 1 while hopeful, 0 once defeated)
and passes the rest on. Keep factors of elected candidates are lowered until
each holds just a quota, so surpluses flow everywhere at once and a defeated
candidate's votes go back as if they had never stood.

Options:
    arithmetic  ``guarded-p18-g9-d18`` (default), ``rational-d12``, ``fixed-p9``…
    omega       iterate until the total surplus is at most 1/10^omega
                (default 9 for guarded, 10 for rational, 2/3 of places for fixed)
    seed, lot   lots for ties (see voting.methods.stv_ties); a lot without a seed stops the count
    ties        "plenary" (default): the lowest hopefuls with equal votes are tied, and the
                counts of earlier rounds (most recent difference) decide, then a lot;
                "droop": every hopeful within the surplus of the lowest is tied and the lot
                order decides at once (the Droop tabulator's rule, to reproduce its reports)
    ron         the re-open nominations candidate (voting.methods.ron)
    quotas      seat quotas (voting.constraints.SeatQuota): at the start of each round,
                hopefuls whose election would make a quota impossible are defeated and,
                when the seats left must all go to certain candidates, they are elected;
                a doomed candidate is never elected and a guarded one never defeated as
                lowest or in a batch (see voting.methods.stv_quotas)

Steps (names follow the reference rule):
    B   a round begins while more candidates are hopeful than seats are left
    C   iterate: distribute every ballot; quota = votes / (seats + 1) (plus the
        smallest unit where arithmetic is not exact); elect those above it;
        stop when someone is elected, when the surplus is at most omega, when
        it stops falling, or when a batch of sure losers can be defeated;
        otherwise set each elected keep factor to kf x quota / votes, each
        product and quotient rounded UP where the arithmetic is not exact (as
        Hill's and the New Zealand Schedule 1A rules and the Droop tabulator do)
    D   defeat the sure-loser batch, or the lowest hopeful (ties as ``ties`` says)

The round log keeps, per round, each candidate's keep factor, the votes no
candidate kept because the ballot had no further preference (``exhausted``, by
reason) and what rounding lost (``residual``), and the state after each
decision of the round (``Round.steps``), as the Droop report logs each action.
"""

from __future__ import annotations

from typing import Any, Sequence

from voting.arithmetic import Arithmetic, FixedDecimal, Guarded, parse_arithmetic
from voting.ballot import Ballot, BallotError, Contest
from voting.methods.ron import report_reopened, ron_name
from voting.methods.stv_papers import exhausted_by_reason, read_papers
from voting.methods.stv_quotas import SeatQuotas, Verdict
from voting.methods.stv_ties import Lots, by_earlier_stages, lot_options
from voting.record import Result, Round

HOPEFUL, ELECTED, DEFEATED = "hopeful", "elected", "defeated"


def count(contest: Contest, ballots: Sequence[Ballot], **options: Any) -> Result:
    arithmetic = parse_arithmetic(options.pop("arithmetic", "guarded-p18-g9-d18"))
    omega = options.pop("omega", None)
    if omega is None:
        omega = _default_omega(arithmetic)
    lot = lot_options(options, tie_rule=True)
    quotas = tuple(options.pop("quotas", None) or ())
    ron = ron_name(contest, options.pop("ron", None))
    if options:
        raise BallotError(f"unknown option(s) for meek: {', '.join(sorted(options))}")
    lots = Lots(contest.candidates, **lot)
    return report_reopened(_MeekCount(contest, ballots, arithmetic, int(omega), lots, quotas).run(), ron)


def _default_omega(a: Arithmetic) -> int:
    if isinstance(a, Guarded):
        return a.precision // 2
    if isinstance(a, FixedDecimal):
        return a.places * 2 // 3
    return 10


class _MeekCount:
    def __init__(self, contest: Contest, ballots: Sequence[Ballot], a: Arithmetic, omega10: int,
                 lots: Lots, quotas: tuple) -> None:
        self.contest = contest
        self.names = list(contest.candidates)
        self.a = a
        self.omega10 = omega10
        self.omega = a.div(a.one, a.from_int(10**omega10))
        self.lots = lots
        self.seat_quotas = SeatQuotas(quotas, self.names, contest.standing, contest.seats)
        papers = read_papers(contest, ballots)
        self.ballots = [(prefs, n, overvoted) for prefs, n, overvoted in papers if prefs]
        self.n_ballots = sum(n for _, n, _ in self.ballots)
        self.invalid = sum(n for prefs, n, _ in papers if not prefs)
        self.state = {i: HOPEFUL for i, name in enumerate(self.names) if name not in contest.withdrawn}
        self.kf = {i: a.one for i in self.state}
        self.votes = {i: a.zero for i in self.state}
        self.elected: list[int] = []
        self.rounds: list[Round] = []
        self.residual = a.zero
        self.exhausted = a.zero
        self.exhausted_overvote = a.zero
        self.surplus = a.zero
        self.quota = a.zero
        self.history: list[dict[int, Any]] = []
        self.notes: list[str] = []

    # -- state ---------------------------------------------------------------
    def hopeful(self) -> list[int]:
        return [i for i, s in self.state.items() if s == HOPEFUL]

    def elected_now(self) -> list[int]:
        return [i for i, s in self.state.items() if s == ELECTED]

    @property
    def seats_left(self) -> int:
        return self.contest.seats - len(self.elected)

    def complete(self) -> bool:
        return len(self.hopeful()) <= self.seats_left or self.seats_left <= 0

    def has_quota(self, i: int) -> bool:
        return self.a.gt(self.votes[i], self.quota) if self.a.exact else self.a.ge(self.votes[i], self.quota)

    def calc_quota(self, votes: Any) -> Any:
        quota = self.a.div(votes, self.a.from_int(self.contest.seats + 1))
        return quota if self.a.exact else quota + self.a.epsilon()

    # -- C. distribution and iteration ----------------------------------------
    def distribute(self) -> None:
        """Reread every ballot: each candidate keeps weight x kf, passes on weight x (1 - kf).

        What a ballot still carries after its last preference is exhausted (by an
        overvote if one cut its preferences short); what the rounding of keep and
        pass-on amounts lost is the residual.
        """
        a = self.a
        kf = self.kf
        one, zero = a.one, a.zero
        votes = {i: zero for i in self.state}
        residual = exhausted = exhausted_overvote = zero
        for prefs, multiplier, overvoted in self.ballots:
            weight = one
            kept_total = zero
            for i in prefs:
                k = kf[i]
                if not k:
                    continue
                keep = a.mul(weight, k)
                weight = a.mul(weight, one - k)
                votes[i] += keep * multiplier
                kept_total += keep
                if a.le(weight, zero):
                    break
            else:
                if weight:
                    exhausted += weight * multiplier
                    if overvoted:
                        exhausted_overvote += weight * multiplier
                    kept_total += weight
            residual += (one - kept_total) * multiplier
        self.votes = votes
        self.residual = residual
        self.exhausted = exhausted
        self.exhausted_overvote = exhausted_overvote

    def iterate(self, stage: Round) -> tuple[str, list[int]]:
        a = self.a
        last_surplus = a.from_int(self.n_ballots)
        while True:
            self.distribute()
            total = sum((self.votes[i] for i in self.hopeful() + self.elected_now()), a.zero)
            self.quota = self.calc_quota(total)
            status = ""
            for i in [i for i in self.hopeful() if self.has_quota(i)]:
                if i in self.verdict().doomed:
                    continue  # seat quotas forbid it; defeated at the next round's start
                self.decide(stage, i, ELECTED)
                status = "elected"
            self.surplus = sum((self.votes[i] - self.quota for i in self.elected_now()), a.zero)
            if status:
                return status, []
            if a.le(self.surplus, self.omega):
                return "omega", []
            if a.ge(self.surplus, last_surplus):
                self.notes.append(f"round {stage.number}: stable surplus {a.to_record(self.surplus)}")
                return "stable", []
            batch = self.sure_losers()
            if batch:
                return "batch", batch
            last_surplus = self.surplus
            for i in self.elected_now():
                # keep factor kf x quota / votes, each step rounded up (Hill; NZ Schedule 1A)
                self.kf[i] = a.div_up(a.mul_up(self.kf[i], self.quota), self.votes[i])

    def sure_losers(self) -> list[int]:
        """The largest group of lowest candidates whose votes plus the surplus cannot reach the next one."""
        a = self.a
        surplus = self.surplus
        ranked = sorted(self.hopeful(), key=lambda i: (self.votes[i], i))
        groups: list[list[int]] = []
        group: list[int] = []
        base = a.zero
        for i in ranked:
            if a.ge(base + surplus, self.votes[i]):
                group.append(i)
            else:
                if group:
                    groups.append(group)
                group = [i]
                base = self.votes[i]
        if group:
            groups.append(group)
        max_defeat = len(self.hopeful()) - self.seats_left
        total = a.zero
        best = None
        defeated = 0
        for g in range(len(groups) - 1):
            defeated += len(groups[g])
            if defeated > max_defeat:
                break
            total += sum((self.votes[i] for i in groups[g]), a.zero)
            if a.lt(total + surplus, self.votes[groups[g + 1][0]]):
                best = g
        return [] if best is None else sorted(i for g in groups[: best + 1] for i in g)

    # -- recording -------------------------------------------------------------
    def state_now(self, number: int, eliminated: list[str]) -> Round:
        """The count as it stands: tallies, quota, surplus, exhausted votes, residual, keep factors."""
        a = self.a
        return Round(
            number,
            {self.names[i]: a.to_record(self.votes[i]) for i in sorted(self.state)
             if self.state[i] != DEFEATED or self.names[i] in eliminated},
            threshold=a.to_record(self.quota),
            exhausted=exhausted_by_reason(self.exhausted, self.exhausted_overvote, a.to_record),
            residual=a.to_record(self.residual),
            surplus=a.to_record(self.surplus),
            keep_factors={self.names[i]: a.to_record(self.kf[i]) for i in sorted(self.state)
                          if self.state[i] != DEFEATED},
        )

    def snapshot(self, stage: Round) -> None:
        """The tally at the round's first decision, as the round log shows it."""
        if stage.tally:
            return
        now = self.state_now(stage.number, stage.eliminated)
        stage.tally, stage.threshold, stage.surplus = now.tally, now.threshold, now.surplus
        stage.exhausted, stage.residual, stage.keep_factors = now.exhausted, now.residual, now.keep_factors
        self.history.append(dict(self.votes))

    def decide(self, stage: Round, i: int, outcome: str) -> None:
        self.state[i] = outcome
        if outcome == ELECTED:
            self.elected.append(i)
            stage.elected.append(self.names[i])
        else:
            stage.eliminated.append(self.names[i])
        self.snapshot(stage)
        # the state at this decision, the defeated candidate's votes not yet passed on
        step = self.state_now(stage.number, [self.names[i]] if outcome == DEFEATED else [])
        step.elected, step.eliminated = ([self.names[i]], []) if outcome == ELECTED else ([], [self.names[i]])
        stage.steps.append(step)
        if outcome == DEFEATED:
            self.kf[i] = self.a.zero
            self.votes[i] = self.a.zero
            self.distribute()

    # -- seat quotas ----------------------------------------------------------------
    def verdict(self) -> Verdict:
        return self.seat_quotas.verdict(self.elected, self.hopeful(), self.seats_left)

    def apply_seat_quotas(self, stage: Round) -> bool:
        """Elect the forced, or defeat the doomed; True if the round was decided so."""
        verdict = self.verdict()
        if verdict.forced:
            for i in sorted(verdict.forced):
                self.decide(stage, i, ELECTED)
            stage.note = "elected because the seat quotas need every remaining seat"
            return True
        doomed = sorted(verdict.doomed & set(self.hopeful()))
        if doomed:
            for i in doomed:
                self.decide(stage, i, DEFEATED)
            stage.note = "defeated: their election would make a seat quota impossible"
            return True
        return False

    def lowest(self, hopeful: list[int], stage: Round) -> int:
        """D: the hopeful to defeat; ties by earlier rounds then lot, or Droop's rule."""
        a = self.a
        low = min(self.votes[i] for i in hopeful)
        if self.lots.droop_rule:
            # Droop: candidates within the surplus of the lowest are effectively tied
            tied = [i for i in hopeful if a.ge(low + self.surplus, self.votes[i])]
            return tied[0] if len(tied) == 1 else self.lots.draw(stage.number, "defeat", tied)
        tied = [i for i in hopeful if a.eq(self.votes[i], low)]
        if len(tied) == 1:
            return tied[0]
        survivors, decided_at = by_earlier_stages(tied, self.history, prefer_highest=False, compare=a.compare)
        if len(survivors) == 1:
            self.lots.record(stage.number, "defeat", tied, survivors[0], "previous_rounds", f"round {decided_at}")
            return survivors[0]
        return self.lots.draw(stage.number, "defeat", survivors)

    # -- B/D. the rounds -----------------------------------------------------------
    def run(self) -> Result:
        a = self.a
        for prefs, multiplier, _ in self.ballots:
            self.votes[prefs[0]] += a.from_int(multiplier)
        self.quota = self.calc_quota(a.from_int(self.n_ballots))
        stage: Round | None = None
        while not self.complete():
            stage = Round(len(self.rounds) + 1, {})
            self.rounds.append(stage)
            if self.apply_seat_quotas(stage):
                continue
            status, batch = self.iterate(stage)
            stage.note = f"iteration ended: {status}"
            if status == "elected":
                continue
            if status == "batch" and not set(batch) & self.verdict().guarded:
                for i in batch:
                    self.decide(stage, i, DEFEATED)
                continue
            guarded = self.verdict().guarded
            # seat quotas: a candidate the quotas cannot do without is not defeated as lowest
            hopeful = [i for i in self.hopeful() if i not in guarded] or self.hopeful()
            self.decide(stage, self.lowest(hopeful, stage), DEFEATED)
        if stage is None:
            stage = Round(1, {}, note="first preferences")
            self.rounds.append(stage)
            self.snapshot(stage)
        for i in self.hopeful():
            if self.seats_left > 0:
                self.decide(stage, i, ELECTED)
        return Result(
            method="meek",
            seats=self.contest.seats,
            candidates=list(self.contest.standing),
            elected=[self.names[i] for i in self.elected],
            rounds=self.rounds,
            rules={"rulebook": "Meek's method (Droop parametric Meek)", "arithmetic": a.describe(),
                   "omega": f"1/10^{self.omega10}",
                   "keep factors": "kf x quota / votes, rounded up",
                   **self.lots.rules(tie_rule_applies=True),
                   **({"seat quotas": "; ".join(self.seat_quotas.describe())} if self.seat_quotas else {})},
            places=a.display,
            total_ballots=self.n_ballots + self.invalid,
            invalid_ballots=self.invalid,
            ties=self.lots.ties,
            withdrawn=[n for n in self.names if n in self.contest.withdrawn],
            notes=self.notes,
            title=self.contest.title,
        )
