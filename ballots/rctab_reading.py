"""Ballots read the way an RCTab contest's settings say, for counting by another method.

A ``rules.json`` carries two kinds of settings. The ballot-reading ones
(``overvoteRule``, ``maxSkippedRanksAllowed``, ``maxRankingsAllowed``,
``exhaustOnDuplicateCandidate``, ``treatBlankAsUndeclaredWriteIn``) say what a
marked paper means in that jurisdiction; the counting ones (threshold, tie-break,
winner election mode...) belong to RCTab's count. When the ballots are counted
by another method (irv, an STV rule), the jurisdiction's reading still applies,
so each ballot is rewritten here into the clean ranking RCTab would read from it:
the preferences before the point where RCTab stops the paper. The counting
settings do not apply, and are named in the result so nobody assumes they did.

Each reading rule below is the step RCTab's ``Tabulator.computeTalliesForRound``
takes (as ``voting.methods.rctab`` follows it), done once instead of every round:
a paper stops at the same rank whichever candidates are continuing, except under
``exhaustIfMultipleContinuing``, which depends on them and is refused.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Sequence

from voting.ballot import OVERVOTE, UNDECLARED_WRITE_IN, Ballot, BallotError, Contest, group_identical
from voting.methods import rctab_rules as R
from voting.record import (
    EXHAUSTED_OVERVOTE,
    EXHAUSTED_REPEATED_RANKINGS,
    EXHAUSTED_SKIPPED_RANKINGS,
    Result,
    Value,
)

#: The candidate RCTab pools undeclared write-ins into (voting.methods.rctab.UNDECLARED_WRITE_INS).
UNDECLARED_WRITE_INS = "Undeclared Write-ins"

#: RctabRules fields that say how a paper is read, by their rules.json names.
READING_SETTINGS = {
    "overvote_rule": "overvoteRule",
    "max_skipped_ranks_allowed": "maxSkippedRanksAllowed",
    "max_rankings_allowed": "maxRankingsAllowed",
    "exhaust_on_duplicate_candidate": "exhaustOnDuplicateCandidate",
    "treat_blank_as_undeclared_write_in": "treatBlankAsUndeclaredWriteIn",
}
#: RctabRules fields of RCTab's count, by their rules.json names (numberOfWinners becomes the seats).
COUNTING_SETTINGS = {
    "winner_election_mode": "winnerElectionMode",
    "batch_elimination": "batchElimination",
    "continue_until_two_candidates_remain": "continueUntilTwoCandidatesRemain",
    "non_integer_winning_threshold": "nonIntegerWinningThreshold",
    "hare_quota": "hareQuota",
    "decimal_places": "decimalPlacesForVoteArithmetic",
    "minimum_vote_threshold": "minimumVoteThreshold",
    "first_round_determines_threshold": "doesFirstRoundDetermineThreshold",
    "stop_tabulation_early_after_round": "stopTabulationEarlyAfterRound",
    "tiebreak_mode": "tiebreakMode",
    "random_seed": "randomSeed",
    "bottoms_up_percentage_threshold": "multiSeatBottomsUpPercentageThreshold",
}


@dataclass
class RctabReading:
    """The contest and clean ballots to count, and what the reading did."""

    contest: Contest
    ballots: list[Ballot]
    settings: dict[str, object]
    #: ballot weight stopped early, by exhaustion reason
    stopped: dict[str, Value] = field(default_factory=dict)
    #: counting settings set away from RCTab's defaults, which the other method does not apply
    not_applied: dict[str, object] = field(default_factory=dict)

    def record(self, result: Result) -> Result:
        """Put the reading into the result: the settings in ``rules``, what it did in ``notes``."""
        result.rules["rules.json ballot reading"] = dict(self.settings)
        stopped = ", ".join(f"{value} at {reason.replace('_', ' ')}" for reason, value in self.stopped.items())
        result.notes.append(
            f"ballots read as the contest's rules.json reads them (RCTab's settings "
            f"{_listed(self.settings)}) before the {result.method} count"
            + (f"; ballots stopped early: {stopped}" if stopped else "; no ballot was stopped early by them"))
        if self.not_applied:
            result.rules["rules.json settings not applied"] = dict(self.not_applied)
            result.notes.append(
                f"RCTab counting settings of rules.json not applied by {result.method}, which counts by its own rules: "
                + _listed(self.not_applied))
        return result


def read_as_rctab(contest: Contest, ballots: Sequence[Ballot], rules: R.RctabRules) -> RctabReading:
    """Each ballot as the ranking RCTab reads from it under ``rules``, identical ones merged."""
    declared = set(contest.candidates)
    if rules.overvote_rule == R.EXHAUST_IF_MULTIPLE_CONTINUING and any(
        len(marks) > 1 or OVERVOTE in marks for b in ballots for marks in b.ranks
    ):
        raise BallotError(
            "rules.json sets overvoteRule exhaustIfMultipleContinuing, which depends on who is still "
            "continuing at each round; only --method rctab applies it (ballots here carry overvotes)")
    max_rankings = rules.max_rankings_allowed or len(contest.candidates)
    skip_limit = rules.max_skipped_ranks_allowed
    stopped: dict[str, Value] = {}
    read: list[Ballot] = []
    uses_write_ins = False
    for ballot in ballots:
        preferences: list[str] = []
        reason = None
        last_rank_seen = 0
        seen: set[str] = set()
        for rank in range(1, max_rankings + 1):
            marks = ballot.ranks[rank - 1] if rank <= len(ballot.ranks) else ()
            if not marks:
                if not rules.treat_blank_as_undeclared_write_in:
                    continue
                marks = (UNDECLARED_WRITE_IN,)
            # maxSkippedRanksAllowed: too many blank ranks before this one stop the paper
            if skip_limit is not None and rank - last_rank_seen > skip_limit + 1:
                reason = EXHAUSTED_SKIPPED_RANKINGS
                break
            last_rank_seen = rank
            names = tuple(UNDECLARED_WRITE_INS if m == UNDECLARED_WRITE_IN else m for m in marks)
            for name in names:
                if name not in declared and name not in (UNDECLARED_WRITE_INS, OVERVOTE):
                    raise BallotError(f"ballot {ballot.id or ''} ranks {name!r}, who is not a candidate")
            if rules.exhaust_on_duplicate_candidate:
                duplicate = False
                for name in names:
                    duplicate = duplicate or name in seen
                    seen.add(name)
                if duplicate:
                    reason = EXHAUSTED_REPEATED_RANKINGS
                    break
            if len(names) > 1 or OVERVOTE in names:
                if rules.overvote_rule == R.EXHAUST_IMMEDIATELY:
                    reason = EXHAUSTED_OVERVOTE
                    break
                continue  # alwaysSkipToNextRank (exhaustIfMultipleContinuing is refused above)
            name = names[0]
            uses_write_ins = uses_write_ins or name == UNDECLARED_WRITE_INS
            if name not in preferences:
                preferences.append(name)  # a repeated candidate is passed over, as RCTab does
        if reason is not None:
            stopped[reason] = stopped.get(reason, 0) + ballot.weight
        read.append(Ballot.ranking(preferences, ballot.weight))
    if uses_write_ins and UNDECLARED_WRITE_INS not in declared:
        contest = replace(contest, candidates=(*contest.candidates, UNDECLARED_WRITE_INS))
    settings = {READING_SETTINGS[name]: _shown(getattr(rules, name)) for name in READING_SETTINGS}
    if settings["maxSkippedRanksAllowed"] is None:
        settings["maxSkippedRanksAllowed"] = "unlimited"
    if settings["maxRankingsAllowed"] is None:
        settings["maxRankingsAllowed"] = "max"
    defaults = R.RctabRules(number_of_winners=rules.number_of_winners)
    not_applied = {
        label: _shown(getattr(rules, name))
        for name, label in COUNTING_SETTINGS.items()
        if getattr(rules, name) != getattr(defaults, name)
    }
    return RctabReading(contest, group_identical(read), settings, stopped, not_applied)


def _listed(settings: dict[str, object]) -> str:
    """Settings as rules.json spells them: ``overvoteRule alwaysSkipToNextRank, hareQuota true``."""
    return ", ".join(f"{key} {str(value).lower() if isinstance(value, bool) else value}"
                     for key, value in settings.items())


def _shown(value: object) -> object:
    return value if isinstance(value, (bool, int, str)) or value is None else str(value)

