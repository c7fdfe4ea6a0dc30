"""The block vote: mark up to N candidates; the N with the most votes are elected.

Every standing candidate marked anywhere on a ballot gets the ballot's weight
once (ranks are read as plain marks). A ballot marking more candidates than
there are seats, or carrying an unnamed overvote, is void and counted as such.

Seats are filled one at a time in order of votes. With attribute quotas
(``quotas=``, see ``voting.constraints``) each step first asks which
continuing candidates the quotas doom or force:

* if the quotas force candidates (every seat left must go to them), the
  highest-voted of them is elected;
* otherwise the highest-voted candidate who is not doomed is elected;
  doomed candidates above them are passed over, and the record says why.

Equal votes at a step: if electing all the tied candidates leaves the quotas
meetable and there are seats for them, all are elected; otherwise one is
drawn by lot from the published seed (there are no earlier rounds).

Options: ``seed``, ``ron`` (as plurality), ``quotas`` (SeatQuota sequence),
``max_marks`` (marks allowed per ballot; default the number of seats).
"""

from __future__ import annotations

from typing import Any, Sequence

from voting.ballot import Ballot, BallotError, Contest
from voting.constraints import SeatQuota, describe_quotas, meetable, quota_verdict, require_meetable
from voting.methods.ron import report_reopened, ron_name
from voting.methods.tally_steps import break_tie, check_ballots, marked_names, total_weight
from voting.record import Result, Round, Value

RULES = {"rulebook": "block vote: up to one mark per seat; the highest totals are elected",
         "ties": "lot from the published seed"}
VOID_TOO_MANY_MARKS = "too_many_marks"
VOID_OVERVOTE = "overvote"
BLANK = "blank"


def count(contest: Contest, ballots: Sequence[Ballot], **options: Any) -> Result:
    seed = options.pop("seed", None)
    ron = ron_name(contest, options.pop("ron", None))
    quotas: tuple[SeatQuota, ...] = tuple(options.pop("quotas", None) or ())
    max_marks = int(options.pop("max_marks", contest.seats))
    if options:
        raise BallotError(f"unknown option(s) for block: {', '.join(sorted(options))}")
    standing = contest.standing
    require_meetable(quotas, standing, contest.seats)
    check_ballots(contest, ballots)
    tally, void = _tally(ballots, standing, max_marks)
    rules = dict(RULES, max_marks=max_marks, seed=seed, lot="seeded")
    if quotas:
        rules["quotas"] = describe_quotas(quotas)
    round_ = Round(1, tally, exhausted=void)
    result = Result("block", contest.seats, list(contest.candidates), [], [round_], rules,
                    total_ballots=total_weight(ballots), withdrawn=sorted(contest.withdrawn),
                    title=contest.title)
    _fill(contest.seats, tally, quotas, seed, result, round_)
    result.elected = list(round_.elected)
    return report_reopened(result, ron)


def _tally(ballots: Sequence[Ballot], standing: Sequence[str], max_marks: int) -> tuple[dict[str, Value], dict[str, Value]]:
    tally: dict[str, Value] = {name: 0 for name in standing}
    void: dict[str, Value] = {}
    for ballot in ballots:
        names, overvote = marked_names(ballot, standing)
        reason = VOID_OVERVOTE if overvote else VOID_TOO_MANY_MARKS if len(names) > max_marks else (
            BLANK if not names else None)
        if reason:
            void[reason] = void.get(reason, 0) + ballot.weight
            continue
        for name in names:
            tally[name] += ballot.weight
    return tally, void


def _fill(seats: int, tally: dict[str, Value], quotas: tuple[SeatQuota, ...], seed: str | None,
          result: Result, round_: Round) -> None:
    """Fill seats in order of votes, skipping doomed candidates and taking forced ones."""
    continuing = sorted(tally, key=lambda name: -tally[name])  # stable: ballot-paper order within equals
    elected = round_.elected
    while len(elected) < seats and continuing:
        seats_left = seats - len(elected)
        verdict = quota_verdict(quotas, elected, continuing, seats_left)
        eligible = [n for n in continuing if n in verdict.forced] or [n for n in continuing if n not in verdict.doomed]
        best = tally[eligible[0]]
        passed = [n for n in continuing if tally[n] > best or (tally[n] == best and n not in eligible)]
        for name in passed:
            why = ("the seats left must go to " + ", ".join(sorted(verdict.forced))
                   if verdict.forced else "electing them would leave the quotas unmeetable")
            result.notes.append(f"seat {len(elected) + 1}: {name} ({tally[name]} votes) passed over: {why}")
        tied = [n for n in eligible if tally[n] == best]
        if len(tied) > 1 and not (len(tied) <= seats_left and meetable(
                quotas, [*elected, *tied], [n for n in continuing if n not in tied], seats_left - len(tied))):
            tie = break_tie(tied, purpose="elect", round_number=1, earlier=[], seed=seed,
                            method="block", lowest=False)
            result.ties.append(tie)
            tied = [tie.chosen]
        for name in tied:
            if verdict.forced and name in verdict.forced:
                result.notes.append(f"seat {len(elected) + 1}: {name} elected as the quotas require")
            elected.append(name)
            continuing.remove(name)
        round_.note = f"{len(elected)} of {seats} seats filled in order of votes" + (
            " subject to the quotas" if quotas else "")
