"""RCTab-compatible ranked-choice counting, round by round as RCTab counts.

RCTab (BrightSpots/rcv) is the certified open-source tabulator many US
jurisdictions use. This module follows its ``Tabulator.java`` step for step so
that its published results (tally, threshold, transfers and inactive ballots of
every round) are reproduced exactly, including its fixed-point arithmetic:
vote values are integers of 10^-decimalPlacesForVoteArithmetic, and the
surplus fraction and each ballot's transferred share are truncated
(``ContestConfig.divide``/``multiply`` round DOWN). The rule settings are
:class:`~voting.methods.rctab_rules.RctabRules`; ties go through
:mod:`voting.methods.rctab_ties` unless the caller supplies another
tie-breaker (plain IRV does, with Plenary's own rule).

Grouped ballots (one per distinct marking, with a weight) follow exactly the
path each of their copies would, so counting them once is the same count.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from decimal import Decimal, localcontext
from fractions import Fraction
from typing import Any, Callable, Protocol, Sequence

from voting.arithmetic import FixedDecimal
from voting.ballot import OVERVOTE, UNDECLARED_WRITE_IN, Ballot, BallotError, Contest, group_identical
from voting.methods import rctab_rules as R
from voting.methods.ron import report_reopened, ron_name
from voting.methods.rctab_ties import RctabTieBreaker, TallyHistory
from voting.record import (
    EXHAUSTED_NO_FURTHER_PREFERENCES,
    EXHAUSTED_OVERVOTE,
    EXHAUSTED_REPEATED_RANKINGS,
    EXHAUSTED_SKIPPED_RANKINGS,
    Result,
    Round,
    TieBreak,
    Transfer,
)

#: How RCTab names the candidate that collects undeclared write-ins (Tabulator.java).
UNDECLARED_WRITE_INS = "Undeclared Write-ins"
#: Ballots that marked no rank at all (RCTab: DID_NOT_RANK_ANY_CANDIDATES, "undervotes").
EXHAUSTED_NO_RANKINGS = "no_rankings"
#: Surplus of the last winners, with no continuing candidate left to take it (FINAL_ROUND_SURPLUS).
EXHAUSTED_FINAL_ROUND_SURPLUS = "final_round_surplus"
#: Target of the part of a surplus lost to truncation (TallyTransfers.RESIDUAL_TARGET).
RESIDUAL_SURPLUS = "residual surplus"
EXHAUSTED = "exhausted"

INACTIVE_REASONS = (
    EXHAUSTED_OVERVOTE,
    EXHAUSTED_SKIPPED_RANKINGS,
    EXHAUSTED_NO_FURTHER_PREFERENCES,
    EXHAUSTED_REPEATED_RANKINGS,
)


class TieBreaker(Protocol):
    def choose(
        self,
        tied: Sequence[str],
        selecting_winner: bool,
        round_number: int,
        history: TallyHistory,
        describe: Callable[[int], str],
    ) -> TieBreak: ...


@dataclass
class _Paper:
    """One distinct ballot marking and where its copies stand."""

    rankings: tuple[tuple[int, tuple[str, ...]], ...]  # (rank number, marks) for marked ranks
    weight: int
    recipient: str | None = None
    status: str | None = None  # None while active, else the inactive reason
    allocated: dict[str, int] = field(default_factory=dict)  # winner -> share kept, per copy
    value: int = 0  # per copy, in units; 1 minus the shares kept by winners


@dataclass
class _RoundState:
    number: int
    tally: dict[str, int]
    inactive: dict[str, int]
    threshold: Fraction = Fraction(0)
    elected: list[str] = field(default_factory=list)
    eliminated: list[str] = field(default_factory=list)
    surplus_fractions: dict[str, int] = field(default_factory=dict)
    residual: int = 0
    # (source, target) -> value moved while counting this round (TallyTransfers)
    moves: dict[tuple[str, str], int] = field(default_factory=dict)


def count(contest: Contest, ballots: Sequence[Ballot], **options: Any) -> Result:
    """Count under RCTab's rules; ``rules`` (RctabRules) holds the settings."""
    rules = options.pop("rules", None) or R.RctabRules(number_of_winners=contest.seats)  # RCTab's defaults
    if not isinstance(rules, R.RctabRules):
        raise BallotError("the rctab method's rules option must be an RctabRules")
    tie_breaker: TieBreaker | None = options.pop("tie_breaker", None)
    method_name = options.pop("method_name", "rctab")
    # re-open nominations: only when the contest names such a candidate (voting.methods.ron)
    ron = ron_name(contest, options.pop("ron", None))
    if options:
        raise BallotError(f"unknown option(s) for rctab: {', '.join(sorted(options))}")
    papers_source = group_identical(ballots)
    if rules.winner_election_mode == R.MULTI_PASS_IRV:
        result = _count_multi_pass(contest, papers_source, rules, tie_breaker, method_name)
    else:
        tabulation = _Tabulation(contest, papers_source, rules, contest.withdrawn, tie_breaker)
        tabulation.run()
        result = tabulation.result(method_name)
    # how any lot is drawn, in the words every method's rules use (RCTab's own settings stay as well)
    result.rules["seed"] = None if rules.random_seed is None else str(rules.random_seed)
    result.rules["lot"] = f"RCTab tiebreakMode {rules.tiebreak_mode}"
    return report_reopened(result, ron)


def _count_multi_pass(
    contest: Contest,
    ballots: Sequence[Ballot],
    rules: R.RctabRules,
    tie_breaker: TieBreaker | None,
    method_name: str,
) -> Result:
    """multiPassIrv: one single-winner count per seat, earlier winners excluded (TabulatorSession)."""
    seats = rules.number_of_winners
    pass_rules = replace(rules, number_of_winners=1)
    excluded = set(contest.withdrawn)
    passes: list[Result] = []
    winners: list[str] = []
    while len(winners) < seats:
        tabulation = _Tabulation(contest, ballots, pass_rules, frozenset(excluded), tie_breaker)
        tabulation.run()
        result = tabulation.result(method_name)
        if len(result.elected) != 1:
            raise BallotError(
                f"multi-pass IRV pass {len(passes) + 1} elected {len(result.elected)} candidates, not one"
            )
        passes.append(result)
        winners.append(result.elected[0])
        excluded.add(result.elected[0])
    rounds: list[Round] = []
    ties: list[TieBreak] = []
    notes: list[str] = []
    for number, result in enumerate(passes, start=1):
        for rnd in result.rounds:
            rnd.pass_number = number
            rnd.note = f"pass {number} of {seats}" + (f"; {rnd.note}" if rnd.note else "")
            rounds.append(rnd)
        for tie in result.ties:
            tie.detail = f"pass {number}: {tie.detail}"
            ties.append(tie)
        notes.append(
            f"multi-pass IRV pass {number}: rounds 1-{len(result.rounds)} (pass_number {number}), "
            f"elected {result.elected[0]}"
            + (f"; excluded earlier winners {', '.join(winners[: number - 1])}" if number > 1 else "")
        )
    first = passes[0]
    return Result(
        method=method_name,
        seats=seats,
        candidates=first.candidates,
        elected=winners,
        rounds=rounds,
        rules=rules.as_dict(),
        places=first.places,
        total_ballots=first.total_ballots,
        ties=ties,
        withdrawn=sorted(contest.withdrawn),
        notes=notes,
        title=contest.title,
    )


class _Tabulation:
    """One run of RCTab's Tabulator.tabulate over the papers."""

    def __init__(
        self,
        contest: Contest,
        ballots: Sequence[Ballot],
        rules: R.RctabRules,
        excluded: frozenset[str],
        tie_breaker: TieBreaker | None,
    ) -> None:
        self.contest = contest
        self.rules = rules
        self.arithmetic = FixedDecimal(rules.decimal_places)
        self.one = self.arithmetic.one
        self.excluded = excluded
        declared = list(contest.candidates)
        uses_write_ins = rules.undeclared_write_ins
        if uses_write_ins is None:
            uses_write_ins = rules.treat_blank_as_undeclared_write_in or any(
                UNDECLARED_WRITE_IN in marks for b in ballots for marks in b.ranks
            )
        self.candidate_names = declared + ([UNDECLARED_WRITE_INS] if uses_write_ins else [])
        self.num_declared = len(declared)
        self.num_candidates = len(self.candidate_names)
        self.number_of_winners = rules.number_of_winners
        self.max_rankings = rules.max_rankings_allowed or self.num_declared
        self.min_threshold = Fraction(rules.minimum_vote_threshold) * self.one
        self.tie_breaker: TieBreaker = tie_breaker or RctabTieBreaker(rules, declared)
        self._known = set(declared)
        self.papers = [self._paper(b) for b in ballots]
        self.total = sum(p.weight * p.value for p in self.papers)
        self.winner_round: dict[str, int] = {}
        self.eliminated_round: dict[str, int] = {}
        self.rounds: list[_RoundState] = []
        self.full_tallies: dict[int, dict[str, int]] = {}
        self.ties: list[TieBreak] = []
        self.round_number = 0

    # -- reading ballots ---------------------------------------------------------------------
    def _paper(self, ballot: Ballot) -> _Paper:
        weight, value = self._weight_and_value(ballot)
        rankings: list[tuple[int, tuple[str, ...]]] = []
        # Readers stop at maxRankingsAllowed; with treatBlankAsUndeclaredWriteIn every blank
        # rank up to it reads as a write-in.
        for rank in range(1, self.max_rankings + 1):
            marks = ballot.ranks[rank - 1] if rank <= len(ballot.ranks) else ()
            if not marks:
                if self.rules.treat_blank_as_undeclared_write_in:
                    rankings.append((rank, (UNDECLARED_WRITE_INS,)))
                continue
            names: list[str] = []
            for mark in marks:
                if mark == UNDECLARED_WRITE_IN:
                    names.append(UNDECLARED_WRITE_INS)
                elif mark == OVERVOTE:
                    if len(marks) != 1:
                        raise BallotError("an unnamed overvote cannot share a rank with named marks")
                    if self.rules.overvote_rule == R.EXHAUST_IF_MULTIPLE_CONTINUING:
                        raise BallotError(
                            "overvoteRule exhaustIfMultipleContinuing needs the names in every overvote; "
                            "a ballot has an unnamed overvote"
                        )
                    names.append(OVERVOTE)
                elif mark in self._known:
                    names.append(mark)
                else:
                    raise BallotError(f"ballot {ballot.id or ''} ranks {mark!r}, who is not a candidate")
            rankings.append((rank, tuple(names)))
        return _Paper(tuple(rankings), weight, value=value)

    def _weight_and_value(self, ballot: Ballot) -> tuple[int, int]:
        """Copies and value per copy. RCTab counts whole ballots; a fractional weight (a
        Plenary extension) is one copy worth that much, exact at the count's decimal places,
        and only where no surplus is ever split (single-winner and bottoms-up modes)."""
        weight = ballot.weight
        if isinstance(weight, bool) or not isinstance(weight, (int, Decimal, Fraction)):
            raise BallotError(f"ballot {ballot.id or ''} has weight {weight!r}, not a number")
        if weight < 0:
            raise BallotError(f"ballot {ballot.id or ''} has a negative weight")
        if weight == int(weight):
            return int(weight), self.one
        scaled = Fraction(weight) * self.one
        if self.rules.uses_surpluses or scaled.denominator != 1:
            raise BallotError(
                f"ballot {ballot.id or ''} has weight {weight}: RCTab counts whole ballots"
                + ("" if self.rules.uses_surpluses else
                   f" (a fractional weight needs at most {self.rules.decimal_places} decimal places)")
            )
        return 1, int(scaled)

    # -- candidate status (Tabulator.getCandidateStatus / isCandidateContinuing) --------------
    def _continuing(self, candidate: str) -> bool:
        if candidate in self.excluded or candidate == OVERVOTE:
            return False
        if candidate in self.winner_round:
            return self.rules.continue_until_two_candidates_remain
        return candidate not in self.eliminated_round

    # -- the main loop (Tabulator.tabulate) -------------------------------------------------
    def run(self) -> None:
        guard = 2 * self.num_candidates + 5
        while self._should_continue():
            self.round_number += 1
            if self.round_number > guard:
                raise BallotError("the count does not finish: no candidate can be elected or eliminated")
            state = self._count_round()
            self.rounds.append(state)
            state.residual = self.rounds[-2].residual if len(self.rounds) > 1 else 0
            if self.number_of_winners > 1:
                # multi-winner: the threshold of round 1 stands
                state.threshold = self._threshold(state) if state.number == 1 else self.rounds[0].threshold
            elif state.number > 1 and (
                self.rules.first_round_determines_threshold
                # continueUntilTwoCandidatesRemain: the threshold freezes once the winner is
                # elected (RCTab pull request #925, "threshold for Continue Until 2 freezes")
                or (self.rules.continue_until_two_candidates_remain and self.winner_round)
            ):
                state.threshold = self.rounds[-2].threshold
            else:
                state.threshold = self._threshold(state)
            self.full_tallies[state.number] = state.tally
            winners = self._identify_winners(state)
            if winners:
                for winner in winners:
                    self.winner_round[winner] = state.number
                state.elected = winners
                if self.rules.uses_surpluses:
                    self._record_surpluses(state, winners)
            elif (
                len(self.winner_round) < self.number_of_winners
                or (self.rules.continue_until_two_candidates_remain
                    and len(self.eliminated_round) < self.num_candidates - 2)
                or self.rules.bottoms_up_with_threshold
            ):
                losers = self._eliminate(state)
                for loser in losers:
                    self.eliminated_round[loser] = state.number
                state.eliminated = losers
            if self.number_of_winners > 1:
                self._update_winner_tallies(state)

    def _should_continue(self) -> bool:
        stop = self.rules.stop_tabulation_early_after_round
        winners = len(self.winner_round)
        if stop is not None and self.round_number >= stop:
            return False
        if winners == self.num_declared and self.number_of_winners > self.num_candidates:
            return False
        if self.rules.continue_until_two_candidates_remain:
            return (len(self.eliminated_round) + winners + 1 < self.num_candidates
                    or self.round_number in self.eliminated_round.values())
        if self.rules.bottoms_up_with_threshold:
            return winners == 0
        return winners < self.number_of_winners or (
            self.rules.uses_surpluses and self.round_number in self.winner_round.values()
        )

    # -- one round's count (Tabulator.computeTalliesForRound) ---------------------------------
    def _count_round(self) -> _RoundState:
        state = _RoundState(
            number=self.round_number,
            tally={c: 0 for c in self.candidate_names if self._continuing(c)},
            inactive={reason: 0 for reason in (*INACTIVE_REASONS, EXHAUSTED_NO_RANKINGS)},
        )
        if self.rules.uses_surpluses:
            state.inactive[EXHAUSTED_FINAL_ROUND_SURPLUS] = 0
        all_seats_filled = self.rules.uses_surpluses and len(self.winner_round) == self.number_of_winners
        skip_limit = self.rules.max_skipped_ranks_allowed
        for paper in self.papers:
            if paper.status is not None:
                state.inactive[paper.status] += paper.weight * paper.value
                continue
            if paper.recipient is not None and self._continuing(paper.recipient):
                state.tally[paper.recipient] += paper.weight * paper.value
                continue
            if not paper.rankings:
                self._select(state, paper, None, EXHAUSTED_NO_RANKINGS)
                continue
            last_rank_seen = 0
            seen: set[str] = set()
            final_rank = paper.rankings[-1][0]
            for rank, marks in paper.rankings:
                if all_seats_filled:
                    self._select(state, paper, None, EXHAUSTED_FINAL_ROUND_SURPLUS)
                    break
                # maxSkippedRanksAllowed: too many blank ranks before this one
                if skip_limit is not None and rank - last_rank_seen > skip_limit + 1:
                    self._select(state, paper, None, EXHAUSTED_SKIPPED_RANKINGS)
                    break
                last_rank_seen = rank
                if self.rules.exhaust_on_duplicate_candidate:
                    duplicate = None
                    for name in marks:
                        if name in seen:
                            duplicate = name
                            break
                        seen.add(name)
                    if duplicate is not None:
                        self._select(state, paper, None, EXHAUSTED_REPEATED_RANKINGS)
                        break
                decision = self._overvote_decision(marks)
                if decision == "exhaust":
                    self._select(state, paper, None, EXHAUSTED_OVERVOTE)
                    break
                if decision == "skip":
                    # an overvote in the last marked rank leaves no choices (not an overvote)
                    if rank == final_rank:
                        self._select(state, paper, None, EXHAUSTED_NO_FURTHER_PREFERENCES)
                    continue
                chosen = next((name for name in marks if self._continuing(name)), None)
                if chosen is not None:
                    self._select(state, paper, chosen, None)
                    break
                if rank == final_rank:
                    self._select(state, paper, None, EXHAUSTED_NO_FURTHER_PREFERENCES)
        return state

    def _overvote_decision(self, marks: tuple[str, ...]) -> str | None:
        """Tabulator.getOvervoteDecision: None, "exhaust" or "skip"."""
        rule = self.rules.overvote_rule
        if OVERVOTE in marks:
            return "exhaust" if rule == R.EXHAUST_IMMEDIATELY else "skip"
        if len(marks) <= 1:
            return None
        if rule == R.EXHAUST_IMMEDIATELY:
            return "exhaust"
        if rule == R.ALWAYS_SKIP_TO_NEXT_RANK:
            return "skip"
        continuing = sum(1 for name in marks if self._continuing(name))
        return "exhaust" if continuing >= 2 else None

    def _select(self, state: _RoundState, paper: _Paper, chosen: str | None, reason: str | None) -> None:
        """Tabulator.recordSelectionForCastVoteRecord: move the paper and note the transfer."""
        moved = paper.weight * paper.value
        if paper.value > 0 and paper.recipient is not None:
            key = (paper.recipient, chosen if chosen is not None else EXHAUSTED)
            state.moves[key] = state.moves.get(key, 0) + moved
        paper.recipient = chosen
        if chosen is None:
            paper.status = reason
            state.inactive[reason] += moved
        else:
            state.tally[chosen] += moved

    # -- threshold (Tabulator.calculateAndSetWinningThreshold) -------------------------------
    def _threshold(self, state: _RoundState) -> Fraction:
        votes = sum(state.tally.values())
        one = self.one
        if self.rules.bottoms_up_with_threshold:
            assert self.rules.bottoms_up_percentage_threshold is not None
            share = self.arithmetic.from_fraction(Fraction(self.rules.bottoms_up_percentage_threshold) / 100)
            threshold = Fraction(votes * share, one)
        else:
            winners = self.number_of_winners
            divisor = winners if self.rules.hare_quota else winners + 1
            # whole-vote threshold unless nonIntegerWinningThreshold; the step is the smallest unit
            step = 1 if self.rules.non_integer_winning_threshold else one
            if self.rules.hare_quota:
                threshold = Fraction(-(-votes // (divisor * step)) * step)  # rounded UP
            else:
                threshold = Fraction(votes // (divisor * step) * step + step)  # DOWN, plus one step
        if self.min_threshold > 0 and self.min_threshold > threshold:
            threshold = self.min_threshold
        return threshold

    # -- winners (Tabulator.identifyWinners) ------------------------------------------------
    def _identify_winners(self, state: _RoundState) -> list[str]:
        tally = state.tally
        if tally.get(UNDECLARED_WRITE_INS, 0) != 0:
            return []  # no one is elected while undeclared write-ins hold votes
        if self.rules.bottoms_up_with_threshold:
            if tally and all(v > state.threshold for v in tally.values()):
                return list(tally)
            return []
        selected: list[str] = []
        unfilled = self.number_of_winners - len(self.winner_round)
        if unfilled > 0:
            if len(tally) <= unfilled:
                selected = list(tally)
            elif self.rules.first_round_determines_threshold and len(tally) - 1 == self.number_of_winners:
                top = max(tally.values())
                selected = [c for c in tally if tally[c] == top]
            elif not self.rules.bottoms_up_until_n_winners:
                selected = [c for c in tally if tally[c] >= state.threshold and c != UNDECLARED_WRITE_INS]
        if len(selected) > max(unfilled, 1) and not self.rules.first_round_determines_threshold:
            # only a threshold of 0 (no votes counting) lets more reach it than there are seats
            raise BallotError(
                f"round {state.number}: {len(selected)} candidates reach the threshold "
                f"{self._decimal(state.threshold)} for {unfilled} seat(s); there are no votes to count"
            )
        several = len(selected) > 1 and (
            self.rules.only_one_winner_per_round or self.rules.first_round_determines_threshold
        )
        final_pair = (
            self.number_of_winners == 1
            and not selected
            and len(tally) == 2
            and unfilled == 1
            and all(v >= self.min_threshold for v in tally.values())
        )
        if several or final_pair:
            top = max(tally.values())
            selected = [c for c in tally if tally[c] == top]
            if len(selected) > 1:
                selected = [self._break_tie(selected, True, state.number)]
        return selected

    def _record_surpluses(self, state: _RoundState, winners: list[str]) -> None:
        """Each winner keeps the threshold; the truncated surplus fraction of every paper moves on."""
        for winner in winners:
            votes = state.tally[winner]
            extra = votes - state.threshold
            fraction = self.arithmetic.div(extra.numerator, extra.denominator * votes) if extra > 0 else 0
            state.surplus_fractions[winner] = fraction
            for paper in self.papers:
                if paper.recipient == winner:
                    moving = self.arithmetic.mul(paper.value, fraction)
                    paper.allocated[winner] = paper.value - moving
                    paper.value = self.one - sum(paper.allocated.values())

    # -- eliminations -------------------------------------------------------------------------
    def _eliminate(self, state: _RoundState) -> list[str]:
        tally = state.tally
        if tally.get(UNDECLARED_WRITE_INS, 0) > 0:
            return [UNDECLARED_WRITE_INS]  # undeclared write-ins go first, all at once
        if not tally:
            unfilled = self.number_of_winners - len(self.winner_round)
            raise BallotError(f"round {state.number}: no continuing candidate is left and "
                              f"{max(unfilled, 0)} seat(s) are unfilled; RCTab's rules cannot go on")
        if self.min_threshold > 0 and min(tally.values()) < self.min_threshold:
            below = [c for c in tally if tally[c] < self.min_threshold]
            if len(below) == self.num_declared:
                raise BallotError("every declared candidate is below the minimum vote threshold")
            return below
        if self.rules.batch_elimination:
            batch = self._batch_elimination(tally)
            if len(batch) > 1:
                return batch
        lowest = min(tally.values())
        last = [c for c in tally if tally[c] == lowest]
        return [self._break_tie(last, False, state.number) if len(last) > 1 else last[0]]

    def _batch_elimination(self, tally: dict[str, int]) -> list[str]:
        """Tabulator.runBatchElimination: drop everyone who could not overtake the next-lowest."""
        running = 0
        seen: list[str] = []
        eliminated: list[str] = []
        previous: list[str] = []
        for votes in sorted(set(tally.values())):
            grown = list(eliminated)
            if running < votes:
                grown += [c for c in seen if c not in eliminated]
            at_votes = [c for c in tally if tally[c] == votes]
            running += votes * len(at_votes)
            seen += at_votes
            if len(grown) > len(eliminated):
                previous, eliminated = eliminated, grown
        if (self.rules.continue_until_two_candidates_remain
                and len(eliminated) + len(self.eliminated_round) == self.num_candidates - 1):
            eliminated = previous
        return eliminated

    def _break_tie(self, tied: list[str], selecting_winner: bool, round_number: int) -> str:
        tie = self.tie_breaker.choose(
            tied, selecting_winner, round_number, self.full_tallies, lambda v: str(self._decimal(v))
        )
        self.ties.append(tie)
        return tie.chosen

    # -- multi-winner tallies (Tabulator.updateWinnerTallies) --------------------------------
    def _update_winner_tallies(self, state: _RoundState) -> None:
        previous = self.full_tallies.get(state.number - 1, {})
        fresh = [w for w, r in self.winner_round.items() if r == state.number - 1]
        for winner, won_in in self.winner_round.items():
            if won_in < state.number - 1:
                state.tally[winner] = previous[winner]
        for winner in fresh:
            state.tally[winner] = sum(p.weight * p.allocated[winner] for p in self.papers if winner in p.allocated)
            residual = state.tally[winner] - state.threshold
            if residual > 0:
                state.residual += residual
                state.tally[winner] = state.threshold
                state.moves[(winner, RESIDUAL_SURPLUS)] = state.moves.get((winner, RESIDUAL_SURPLUS), 0) + residual

    # -- the record ---------------------------------------------------------------------------
    def _decimal(self, units: int | Fraction) -> Decimal:
        with localcontext() as ctx:
            ctx.prec = 80
            value = Fraction(units) / self.one
            return Decimal(value.numerator) / Decimal(value.denominator)

    def result(self, method_name: str) -> Result:
        rounds: list[Round] = []
        order = {c: i for i, c in enumerate([*self.candidate_names, EXHAUSTED, RESIDUAL_SURPLUS])}
        for index, state in enumerate(self.rounds):
            following = self.rounds[index + 1] if index + 1 < len(self.rounds) else None
            transfers: list[Transfer] = []
            surplus_sources = state.elected if self.rules.uses_surpluses else []
            actions = [(n, "surplus") for n in surplus_sources] + [(n, "elimination") for n in state.eliminated]
            for name, kind in actions:
                moves = {} if following is None else {
                    target: v for (source, target), v in following.moves.items() if source == name
                }
                moved = {t: self._decimal(moves[t]) for t in sorted(moves, key=lambda t: order.get(t, len(order)))}
                value = self._decimal(state.surplus_fractions[name]) if name in state.surplus_fractions else None
                transfers.append(Transfer(name, kind, value, moved))
            is_last = following is None
            exhausted = {
                reason: self._decimal(v)
                for reason, v in state.inactive.items()
                if v or (reason == EXHAUSTED_FINAL_ROUND_SURPLUS and is_last)
            }
            tally = {c: self._decimal(state.tally[c]) for c in sorted(state.tally, key=order.__getitem__)}
            surplus = sum(
                (state.tally[w] - state.threshold for w in state.elected if state.tally[w] > state.threshold),
                Fraction(0),
            )
            rounds.append(Round(
                number=state.number,
                tally=tally,
                threshold=self._decimal(state.threshold),
                elected=list(state.elected),
                eliminated=list(state.eliminated),
                transfers=transfers,
                exhausted=exhausted,
                residual=self._decimal(state.residual),
                surplus=self._decimal(surplus) if state.elected and self.rules.uses_surpluses else None,
            ))
        notes = []
        if self.excluded:
            notes.append(f"excluded from the count: {', '.join(sorted(self.excluded))}")
        return Result(
            method=method_name,
            seats=self.number_of_winners,
            candidates=list(self.candidate_names),
            elected=list(self.winner_round),
            rounds=rounds,
            rules=self.rules.as_dict(),
            places=self.rules.decimal_places,
            total_ballots=self.total // self.one if self.total % self.one == 0 else self._decimal(self.total),
            ties=self.ties,
            withdrawn=sorted(self.excluded),
            notes=notes,
            title=self.contest.title,
        )
