"""ERS97: the Electoral Reform Society's STV rules (1997), section 5 "Detailed instructions".

A hand-count rule, with values to two decimal places. It differs from the
Scottish rules in four ways that matter: a surplus arising after the first stage
is taken from the *last batch* of papers received only (5.3.2), its transfer
value is the surplus divided by the *number* of transferable papers (5.3.7);
surpluses too small to change the next exclusion are *deferred* (5.2.2);
several lowest candidates are excluded together when they could not overtake
the next one (5.2.5), their papers moving in batches of equal value, highest
first, with elections checked after each batch (5.4); and a candidate may also
be elected on the *total active vote* (5.1.7(b)). Ties look for the *earliest*
point where the candidates' votes differed (5.2.3, 5.2.5, 5.6.2).

Options: ``seed`` and ``lot`` for lots (voting.methods.stv_ties; a lot without
a seed stops the count); ``ron`` for re-open nominations (voting.methods.ron);
``quotas`` for seat quotas (voting.constraints), applied as in the Scottish
count (voting.methods.stv_quotas): before each stage, candidates the seats left
must all go to are elected, a candidate whose election would make a quota
impossible is excluded on their own (and never deemed elected), and one whose
exclusion would is left out of the lowest candidates chosen for exclusion.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Sequence

from voting.arithmetic import FixedDecimal
from voting.ballot import Ballot, BallotError, Contest
from voting.constraints import meetable
from voting.methods.ron import report_reopened, ron_name
from voting.methods.stv_papers import Papers, Parcel, exhausted_by_reason, next_preference, read_papers, transfer_entry
from voting.methods.stv_quotas import SeatQuotas, Verdict
from voting.methods.stv_ties import Lots, lot_options
from voting.record import Result, Round

ARITHMETIC = FixedDecimal(2)
ONE = ARITHMETIC.one


@dataclass
class _Batch:
    """Papers a candidate received together (at one stage), each parcel at its own value."""

    parcels: list[Parcel] = field(default_factory=list)

    @property
    def vote(self) -> int:
        return sum(p.vote for p in self.parcels)


def count(contest: Contest, ballots: Sequence[Ballot], **options: Any) -> Result:
    lot = lot_options(options)
    quotas = tuple(options.pop("quotas", None) or ())
    ron = ron_name(contest, options.pop("ron", None))
    if options:
        raise BallotError(f"unknown option(s) for ers97: {', '.join(sorted(options))}")
    result = _Ers97Count(contest, read_papers(contest, ballots), Lots(contest.candidates, **lot), quotas).run()
    return report_reopened(result, ron)


class _Ers97Count:
    def __init__(self, contest: Contest, papers: Papers, lots: Lots, quotas: tuple = ()) -> None:
        self.contest = contest
        self.names = list(contest.candidates)
        n = len(self.names)
        self.lots = lots
        self.seat_quotas = SeatQuotas(quotas, self.names, contest.standing, contest.seats)
        self.continuing_flags = [name not in contest.withdrawn for name in self.names]
        self.piles: list[list[_Batch]] = [[] for _ in range(n)]
        self.votes = [0] * n
        self.elected: list[int] = []
        self.elected_at_first_stage: set[int] = set()
        self.pending: list[int] = []
        self.non_transferable = 0
        self.non_transferable_overvote = 0
        self.history: list[list[int]] = []
        self.rounds: list[Round] = []
        # 5.1.1-5.1.2: sort into first preferences, setting aside invalid papers
        first_batches = [_Batch() for _ in range(n)]
        self.valid = 0
        self.invalid = 0
        for prefs, papers_count, overvoted in papers:
            parcel = Parcel(prefs, papers_count, ONE, overvoted=overvoted)
            first = next_preference(parcel, self.continuing_flags)
            if first is None:
                self.invalid += papers_count
                continue
            self.valid += papers_count
            first_batches[first].parcels.append(parcel)
            self.votes[first] += parcel.vote
        for i, batch in enumerate(first_batches):
            if batch.parcels:
                self.piles[i].append(batch)

    # -- state --------------------------------------------------------------------
    @property
    def continuing(self) -> list[int]:
        return [i for i, flag in enumerate(self.continuing_flags) if flag]

    @property
    def seats_left(self) -> int:
        return self.contest.seats - len(self.elected)

    def verdict(self) -> Verdict:
        return self.seat_quotas.verdict(self.elected, self.continuing, self.seats_left)

    def lose(self, parcel: Parcel) -> int:
        """A parcel with no continuing preference left: its votes are non-transferable."""
        self.non_transferable += parcel.vote
        if parcel.overvoted:
            self.non_transferable_overvote += parcel.vote
        return parcel.vote

    def calculate_quota(self, total: int) -> int:
        # 5.1.6: total / (places + 1) to two decimals; if not exact, ignore the remainder and add 0.01
        quota, remainder = divmod(total, self.contest.seats + 1)
        return quota + (1 if remainder else 0)

    def active_vote(self) -> int:
        # 5.6.1: valid vote less the quotas (or votes, if less) of those elected and the non-transferable
        held = sum(min(self.quota, self.votes[i]) for i in self.elected)
        return self.valid * ONE - held - self.non_transferable

    def snapshot(self) -> None:
        """A point "after the transfer of a batch of papers", for the tie rules."""
        self.history.append(list(self.votes))

    def earliest_difference(self, tied: list[int], prefer_highest: bool) -> list[int]:
        """5.2.3, 5.2.5, 5.6.2: narrow by the first stage or earliest point where their votes differed."""
        remaining = sorted(tied)
        for votes in self.history:
            if len(remaining) == 1:
                break
            best = (max if prefer_highest else min)(votes[i] for i in remaining)
            narrowed = [i for i in remaining if votes[i] == best]
            if len(narrowed) < len(remaining):
                remaining = narrowed
        return remaining

    def close(self, stage: Round) -> None:
        # an excluded candidate keeps the batches left when the places filled (5.5.2)
        held = [self.names.index(name) for name in stage.eliminated]
        stage.tally = {self.names[i]: ARITHMETIC.to_record(self.votes[i])
                       for i in sorted(self.continuing + self.elected + held)
                       if i not in held or self.votes[i]}
        stage.threshold = ARITHMETIC.to_record(self.quota)
        stage.exhausted = exhausted_by_reason(self.non_transferable, self.non_transferable_overvote,
                                              ARITHMETIC.to_record)
        self.rounds.append(stage)

    # -- elections ------------------------------------------------------------------
    def deem_elected(self, stage: Round) -> None:
        """5.1.7, 5.3.13, 5.4.9: in descending order of votes, the quota or the active-vote share."""
        if self.seats_left <= 0:
            return
        active = self.active_vote()
        places = self.seats_left
        qualified = [i for i in self.continuing
                     if self.votes[i] >= self.quota or self.votes[i] * (places + 1) >= active]
        qualified.sort(key=lambda i: -self.votes[i])
        if len(qualified) > places:
            # 5.6.2: equal votes at the last place: earliest difference decides, else none of them now
            boundary = self.votes[qualified[places - 1]]
            sure = [i for i in qualified if self.votes[i] > boundary]
            tied = [i for i in qualified if self.votes[i] == boundary]
            chosen = self.earliest_difference(tied, prefer_highest=True)
            room = places - len(sure)
            qualified = sure + (chosen if len(chosen) <= room else [])
            if len(chosen) > room:
                stage.note += "; candidates equal at every point for the last place: none deemed elected (5.6.2)"
        for i in qualified[:places]:
            if self.seat_quotas and i in self.verdict().doomed:
                # seat quotas: their election would make a quota impossible
                stage.note += f"; {self.names[i]} qualified but the seat quotas forbid their election"
                continue
            self.continuing_flags[i] = False
            self.elected.append(i)
            stage.elected.append(self.names[i])
            if self.votes[i] > self.quota:
                self.pending.append(i)
            if len(self.rounds) == 0:
                self.elected_at_first_stage.add(i)

    # -- the count --------------------------------------------------------------------
    def run(self) -> Result:
        self.quota = self.calculate_quota(self.valid * ONE)
        stage = Round(1, {}, note="first preferences (5.1)")
        self.snapshot()
        self.deem_elected(stage)
        self.close(stage)
        while self.seats_left > 0:
            continuing = self.continuing
            if len(continuing) <= self.seats_left:
                # 5.5.1: as many continuing candidates as places: all deemed elected
                self.fill_remaining(stage, continuing)
                break
            verdict = self.verdict()
            if verdict.forced:
                # seat quotas: every seat left must go to these candidates
                self.fill_remaining(stage, sorted(verdict.forced))
                stage.note += "; elected because the seat quotas need every remaining seat"
                break
            doomed = verdict.doomed & set(continuing)
            if doomed:
                stage = Round(len(self.rounds) + 1, {})
                self.exclude([min(doomed, key=lambda i: (self.votes[i], i))], stage)
                stage.note += ": their election would make a seat quota impossible"
                self.close(stage)
                continue
            surplus_total = sum(self.votes[i] - self.quota for i in self.pending)
            exclusion = self.exclusion_group(surplus_total, verdict.guarded)
            # seat quotas: surpluses are not deferred while the exclusion passes over a guarded lowest
            transfer = bool(self.pending) and (bool(verdict.guarded) or not self.deferrable(surplus_total, exclusion))
            if not transfer and exclusion[0] != -1 and len(continuing) - len(exclusion) <= self.seats_left:
                # 5.5.1: the proposed exclusion would leave as many candidates as places: those are
                # deemed elected without a transfer; the others are formally excluded (5.5.2)
                self.fill_remaining(stage, [i for i in continuing if i not in exclusion])
                break
            stage = Round(len(self.rounds) + 1, {})
            if transfer:
                self.transfer_surplus(self.largest_surplus(stage), stage)
            else:
                if self.pending:
                    stage.note = "surpluses deferred (5.2.2); "
                self.exclude(exclusion, stage)
            self.close(stage)
        # 5.5.2: places filled; any others still continuing are formally excluded
        return Result(
            method="ers97",
            seats=self.contest.seats,
            candidates=list(self.contest.standing),
            elected=[self.names[i] for i in self.elected],
            rounds=self.rounds,
            rules={"rulebook": "Electoral Reform Society STV rules 1997 (ERS97), section 5",
                   "arithmetic": ARITHMETIC.describe(),
                   "quota": "valid/(seats+1) to 2 places; if inexact, truncated plus 0.01 (5.1.6)",
                   **self.lots.rules(),
                   **({"seat quotas": "; ".join(self.seat_quotas.describe())} if self.seat_quotas else {})},
            places=2,
            total_ballots=self.valid + self.invalid,
            invalid_ballots=self.invalid,
            ties=self.lots.ties,
            withdrawn=[n for n in self.names if n in self.contest.withdrawn],
            notes=[f"{self.invalid} paper(s) with no valid first preference set aside"] if self.invalid else [],
            title=self.contest.title,
        )

    def fill_remaining(self, stage: Round, candidates: list[int]) -> None:
        for i in candidates:
            self.continuing_flags[i] = False
            self.elected.append(i)
            stage.elected.append(self.names[i])
        stage.note += "; continuing candidates fill the remaining places (5.5.1)"

    # -- 5.2 choosing the stage ---------------------------------------------------------
    def exclusion_group(self, deferred: int, guarded: frozenset[int] = frozenset()) -> list[int]:
        """5.2.5: as many lowest candidates as can go together, or the single lowest.

        Seat quotas: with guarded candidates (the quotas cannot do without them), the single
        lowest candidate who is not guarded; a group only if its exclusion leaves the quotas meetable.
        """
        ranked = sorted(self.continuing, key=lambda i: (self.votes[i], i))
        if guarded and any(i not in guarded for i in ranked):
            # seat quotas: one candidate at a time, the lowest the quotas can do without
            ranked = [i for i in ranked if i not in guarded]
            low = self.votes[ranked[0]]
            tied = [i for i in ranked if self.votes[i] == low]
            return [tied[0]] if len(tied) == 1 else [-1] + tied
        best = 1
        total = 0
        for k in range(1, len(ranked)):
            total += self.votes[ranked[k - 1]]
            if len(ranked) - k < self.seats_left:
                break
            # (b) their votes and the deferred surpluses do not exceed the next one up;
            # a group never splits candidates with equal votes
            if k >= 2 and total + deferred <= self.votes[ranked[k]] and self.votes[ranked[k - 1]] < self.votes[ranked[k]]:
                best = k
        if best > 1 and self.group_keeps_quotas(ranked[:best]):
            return ranked[:best]
        low = self.votes[ranked[0]]
        tied = [i for i in ranked if self.votes[i] == low]
        return [tied[0]] if len(tied) == 1 else [-1] + tied  # -1 marks a tie still to break

    def group_keeps_quotas(self, group: list[int]) -> bool:
        """Seat quotas: excluding the whole group must leave every quota meetable."""
        if not self.seat_quotas:
            return True
        names = self.names
        return meetable(self.seat_quotas.quotas, [names[i] for i in self.elected],
                        [names[i] for i in self.continuing if i not in group], self.seats_left)

    def deferrable(self, surplus_total: int, exclusion: list[int]) -> bool:
        """5.2.2: defer the surpluses if they could not change the exclusion."""
        ranked = sorted(self.votes[i] for i in self.continuing)
        if len(ranked) < 2:
            return False
        if surplus_total <= ranked[1] - ranked[0]:
            return True
        if len(exclusion) >= 2 and exclusion[0] != -1:
            above = min(self.votes[i] for i in self.continuing if i not in exclusion)
            return surplus_total <= above - sum(self.votes[i] for i in exclusion)
        return False

    def largest_surplus(self, stage: Round) -> int:
        # 5.2.3: the largest; equal: greatest vote at the earliest point they differed; else lot
        high = max(self.votes[i] for i in self.pending)
        tied = [i for i in self.pending if self.votes[i] == high]
        if len(tied) == 1:
            return tied[0]
        survivors = self.earliest_difference(tied, prefer_highest=True)
        if len(survivors) == 1:
            self.lots.record(stage.number, "surplus", tied, survivors[0], "previous_rounds", "earliest difference")
            return survivors[0]
        return self.lots.draw(stage.number, "surplus", survivors)

    # -- 5.3 transfer of a surplus ----------------------------------------------------
    def transfer_surplus(self, source: int, stage: Round) -> None:
        self.pending.remove(source)
        surplus = self.votes[source] - self.quota
        # 5.3.1-5.3.2: all papers at the first stage, else only the last batch received
        if source in self.elected_at_first_stage:
            batches = self.piles[source]
            self.piles[source] = []
        else:
            batches = [self.piles[source].pop()] if self.piles[source] else []
        selected = [p for b in batches for p in b.parcels]
        # 5.3.3: sort to next available preferences for continuing candidates
        by_target: dict[int, list[Parcel]] = {}
        kept = _Batch()
        for parcel in selected:
            target = next_preference(parcel, self.continuing_flags)
            if target is None:
                kept.parcels.append(parcel)
            else:
                by_target.setdefault(target, []).append(parcel)
        if kept.parcels:
            self.piles[source].append(kept)
        papers = sum(p.count for ps in by_target.values() for p in ps)
        value = sum(p.vote for ps in by_target.values() for p in ps)
        # 5.3.7: surplus / transferable papers, two places, remainder ignored; or the present value
        transfer_value = surplus // papers if papers and value > surplus else None
        gained: dict[int, int] = {}
        for target, parcels in sorted(by_target.items()):
            batch = _Batch()
            for parcel in parcels:
                if transfer_value is not None:
                    parcel.value = transfer_value
                batch.parcels.append(parcel)
            self.piles[target].append(batch)
            gained[target] = batch.vote
            self.votes[target] += batch.vote
        # 5.3.9-5.3.10: the difference is non-transferable; the candidate keeps the quota
        moved = sum(gained.values())
        self.non_transferable += surplus - moved
        self.votes[source] = self.quota
        stage.surplus = ARITHMETIC.to_record(surplus)
        stage.note += f"surplus of {self.names[source]} transferred (5.3)"
        stage.transfers.append(transfer_entry(ARITHMETIC, self.names, self.names[source], "surplus",
                                              transfer_value, gained, surplus - moved))
        self.snapshot()
        self.deem_elected(stage)

    # -- 5.4 exclusion ------------------------------------------------------------------
    def exclude(self, group: list[int], stage: Round) -> None:
        if group[0] == -1:
            # 5.2.5: equal fewest: fewest at the earliest point they differed; else lot
            tied = group[1:]
            survivors = self.earliest_difference(tied, prefer_highest=False)
            if len(survivors) == 1:
                group = survivors
                self.lots.record(stage.number, "exclude", tied, survivors[0], "previous_rounds", "earliest difference")
            else:
                group = [self.lots.draw(stage.number, "exclude", survivors)]
        origin: list[tuple[int, Parcel]] = []
        for i in group:
            self.continuing_flags[i] = False
            stage.eliminated.append(self.names[i])
            origin.extend((i, p) for b in self.piles[i] for p in b.parcels)
            self.piles[i] = []
        stage.note += f"{', '.join(self.names[i] for i in group)} excluded (5.2.5, 5.4)"
        # 5.4.1: batches in descending order of transfer value
        for value in sorted({p.value for _, p in origin}, reverse=True):
            if self.seats_left <= 0:
                break  # 5.5.2
            batch = [p for _, p in origin if p.value == value]
            gained: dict[int, _Batch] = {}
            lost = 0
            for parcel in batch:
                # 5.4.2, 5.4.10: next preference for a continuing candidate (none elected since)
                target = next_preference(parcel, self.continuing_flags)
                if target is None:
                    lost += self.lose(parcel)
                else:
                    gained.setdefault(target, _Batch()).parcels.append(parcel)
            for target, received in gained.items():
                self.piles[target].append(received)
                self.votes[target] += received.vote
            for i in group:
                self.votes[i] = sum(p.vote for o, p in origin if o == i and p.value < value)
            stage.transfers.append(transfer_entry(ARITHMETIC, self.names, ", ".join(self.names[i] for i in group),
                                                  "exclusion", value, {i: b.vote for i, b in gained.items()}, lost))
            # 5.4.8: papers non-transferable before anyone is elected: quota recalculated
            if lost and not self.elected:
                self.quota = self.calculate_quota(self.valid * ONE - self.non_transferable)
            self.snapshot()
            # 5.4.9, 5.4.11: elections after each batch
            self.deem_elected(stage)
