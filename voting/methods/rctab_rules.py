"""RCTab's rule settings, as its configuration documentation names them.

One field per setting of the ``rules`` block of an RCTab contest configuration
(BrightSpots/rcv, ``config_file_documentation.txt``); defaults are RCTab's
suggested values. The engine in ``voting.methods.rctab`` reads only this
object, so a count's settings are stated in one place and recorded with its
result.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from decimal import Decimal
from typing import Any

from voting.ballot import BallotError

# winnerElectionMode values
SINGLE_WINNER_MAJORITY = "singleWinnerMajority"
MULTI_WINNER_ONE_PER_ROUND = "multiWinnerAllowOnlyOneWinnerPerRound"
MULTI_WINNER_MANY_PER_ROUND = "multiWinnerAllowMultipleWinnersPerRound"
BOTTOMS_UP = "bottomsUp"
BOTTOMS_UP_PERCENTAGE = "bottomsUpUsingPercentageThreshold"
MULTI_PASS_IRV = "multiPassIrv"
WINNER_ELECTION_MODES = (
    SINGLE_WINNER_MAJORITY,
    MULTI_WINNER_ONE_PER_ROUND,
    MULTI_WINNER_MANY_PER_ROUND,
    BOTTOMS_UP,
    BOTTOMS_UP_PERCENTAGE,
    MULTI_PASS_IRV,
)
#: Older RCTab names for the same modes.
WINNER_ELECTION_MODE_ALIASES = {
    "standard": SINGLE_WINNER_MAJORITY,
    "singleWinner": SINGLE_WINNER_MAJORITY,
    "multiSeatBottomsUp": BOTTOMS_UP,
    "sequential": MULTI_PASS_IRV,
    "multiSeatSequentialWinnerTakesAll": MULTI_PASS_IRV,
}

#: Labels older RCTab configuration files carry (the GUI's words), as ContestConfigMigration maps them.
LEGACY_LABELS = {
    "Single-winner majority determines winner": SINGLE_WINNER_MAJORITY,
    "Multi-winner allow only one winner per round": MULTI_WINNER_ONE_PER_ROUND,
    "Multi-winner allow multiple winners per round": MULTI_WINNER_MANY_PER_ROUND,
    "Bottoms-up": BOTTOMS_UP,
    "Bottoms-up using percentage threshold": BOTTOMS_UP_PERCENTAGE,
    "Multi-pass IRV": MULTI_PASS_IRV,
    "Always skip to next rank": "alwaysSkipToNextRank",
    "Exhaust immediately": "exhaustImmediately",
    "Exhaust if multiple continuing": "exhaustIfMultipleContinuing",
    "Random": "random",
    "Stop counting and ask": "stopCountingAndAsk",
    "Previous round counts (then random)": "previousRoundCountsThenRandom",
    "Previous round counts (then stop counting and ask)": "previousRoundCountsThenAsk",
    "Use candidate order in the config file": "useCandidateOrder",
    "Generate permutation": "generatePermutation",
}

# overvoteRule values
ALWAYS_SKIP_TO_NEXT_RANK = "alwaysSkipToNextRank"
EXHAUST_IMMEDIATELY = "exhaustImmediately"
EXHAUST_IF_MULTIPLE_CONTINUING = "exhaustIfMultipleContinuing"
OVERVOTE_RULES = (ALWAYS_SKIP_TO_NEXT_RANK, EXHAUST_IMMEDIATELY, EXHAUST_IF_MULTIPLE_CONTINUING)

# tiebreakMode values
TIEBREAK_RANDOM = "random"
TIEBREAK_STOP_AND_ASK = "stopCountingAndAsk"
TIEBREAK_PREVIOUS_ROUNDS_THEN_RANDOM = "previousRoundCountsThenRandom"
TIEBREAK_PREVIOUS_ROUNDS_THEN_ASK = "previousRoundCountsThenAsk"
TIEBREAK_CANDIDATE_ORDER = "useCandidateOrder"
TIEBREAK_GENERATE_PERMUTATION = "generatePermutation"
TIEBREAK_MODES = (
    TIEBREAK_RANDOM,
    TIEBREAK_STOP_AND_ASK,
    TIEBREAK_PREVIOUS_ROUNDS_THEN_RANDOM,
    TIEBREAK_PREVIOUS_ROUNDS_THEN_ASK,
    TIEBREAK_CANDIDATE_ORDER,
    TIEBREAK_GENERATE_PERMUTATION,
)
#: Modes that draw from java.util.Random seeded with randomSeed (ContestConfig.needsRandomSeed).
SEEDED_TIEBREAK_MODES = (
    TIEBREAK_RANDOM,
    TIEBREAK_PREVIOUS_ROUNDS_THEN_RANDOM,
    TIEBREAK_GENERATE_PERMUTATION,
)
#: Modes where an operator answers at the console; a count here must be given the answers.
INTERACTIVE_TIEBREAK_MODES = (TIEBREAK_STOP_AND_ASK, TIEBREAK_PREVIOUS_ROUNDS_THEN_ASK)


@dataclass(frozen=True)
class RctabRules:
    """The ``rules`` settings of one RCTab contest."""

    #: "" picks singleWinnerMajority for one seat, multiWinnerAllowMultipleWinnersPerRound for more.
    winner_election_mode: str = ""
    number_of_winners: int = 1
    overvote_rule: str = ALWAYS_SKIP_TO_NEXT_RANK
    #: None means "unlimited".
    max_skipped_ranks_allowed: int | None = 1
    #: None means "max": as many ranks as there are declared candidates.
    max_rankings_allowed: int | None = None
    exhaust_on_duplicate_candidate: bool = False
    batch_elimination: bool = False
    continue_until_two_candidates_remain: bool = False
    non_integer_winning_threshold: bool = False
    hare_quota: bool = False
    decimal_places: int = 4
    minimum_vote_threshold: Decimal = Decimal(0)
    first_round_determines_threshold: bool = False
    #: None means "count to the end".
    stop_tabulation_early_after_round: int | None = None
    treat_blank_as_undeclared_write_in: bool = False
    tiebreak_mode: str = TIEBREAK_CANDIDATE_ORDER
    random_seed: int | None = None
    #: Percent (e.g. Decimal("10")) for bottomsUpUsingPercentageThreshold.
    bottoms_up_percentage_threshold: Decimal | None = None
    #: Whether the contest declares an "Undeclared Write-ins" candidate (RCTab's
    #: undeclaredWriteInLabel). None: only when a ballot carries a write-in mark
    #: or blanks count as write-ins.
    undeclared_write_ins: bool | None = None
    #: Choices of an operator for the interactive tie-break modes, in the order asked.
    operator_choices: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        mode = WINNER_ELECTION_MODE_ALIASES.get(self.winner_election_mode, self.winner_election_mode)
        if not mode:
            mode = SINGLE_WINNER_MAJORITY if self.number_of_winners == 1 else MULTI_WINNER_MANY_PER_ROUND
        object.__setattr__(self, "winner_election_mode", mode)
        if mode not in WINNER_ELECTION_MODES:
            raise BallotError(f"unknown winnerElectionMode {self.winner_election_mode!r}")
        if self.overvote_rule not in OVERVOTE_RULES:
            raise BallotError(f"unknown overvoteRule {self.overvote_rule!r}")
        if self.tiebreak_mode not in TIEBREAK_MODES:
            raise BallotError(f"unknown tiebreakMode {self.tiebreak_mode!r}")
        if self.tiebreak_mode in SEEDED_TIEBREAK_MODES and self.random_seed is None:
            raise BallotError(f"tiebreakMode {self.tiebreak_mode} needs a randomSeed")
        if not 0 <= self.decimal_places <= 20:
            raise BallotError("decimalPlacesForVoteArithmetic must be from 0 to 20")
        if self.max_skipped_ranks_allowed is not None and self.max_skipped_ranks_allowed < 0:
            raise BallotError("maxSkippedRanksAllowed must be 0 or more, or unlimited")
        if self.max_rankings_allowed is not None and self.max_rankings_allowed < 1:
            raise BallotError("maxRankingsAllowed must be 1 or more, or max")
        if self.minimum_vote_threshold < 0:
            raise BallotError("minimumVoteThreshold cannot be negative")
        if self.stop_tabulation_early_after_round is not None and self.stop_tabulation_early_after_round < 1:
            raise BallotError("stopTabulationEarlyAfterRound must be 1 or more")
        if mode == BOTTOMS_UP_PERCENTAGE:
            if self.bottoms_up_percentage_threshold is None:
                raise BallotError("bottomsUpUsingPercentageThreshold needs multiSeatBottomsUpPercentageThreshold")
            if not 0 < self.bottoms_up_percentage_threshold <= 100:
                raise BallotError("multiSeatBottomsUpPercentageThreshold must be above 0 and at most 100")
        elif self.number_of_winners < 1:
            raise BallotError("numberOfWinners must be at least 1")
        if mode == SINGLE_WINNER_MAJORITY and self.number_of_winners != 1:
            raise BallotError("singleWinnerMajority elects exactly one candidate")
        if self.continue_until_two_candidates_remain and self.number_of_winners > 1:
            raise BallotError("continueUntilTwoCandidatesRemain is for single-winner contests")
        if self.hare_quota and self.number_of_winners == 1 and mode != MULTI_PASS_IRV:
            raise BallotError("hareQuota is for multi-winner contests")
        if mode in (BOTTOMS_UP, BOTTOMS_UP_PERCENTAGE) and self.batch_elimination:
            raise BallotError("batchElimination cannot be used with bottoms-up modes")

    # The predicates below are ContestConfig's, named as RCTab names them.
    @property
    def bottoms_up_with_threshold(self) -> bool:
        return self.winner_election_mode == BOTTOMS_UP_PERCENTAGE

    @property
    def bottoms_up_until_n_winners(self) -> bool:
        return self.winner_election_mode == BOTTOMS_UP

    @property
    def only_one_winner_per_round(self) -> bool:
        return self.winner_election_mode == MULTI_WINNER_ONE_PER_ROUND

    @property
    def uses_surpluses(self) -> bool:
        """Multi-winner modes that transfer the winners' surplus (ContestConfig.usesSurpluses)."""
        return self.number_of_winners > 1 and self.winner_election_mode in (
            MULTI_WINNER_ONE_PER_ROUND,
            MULTI_WINNER_MANY_PER_ROUND,
        )

    def as_dict(self) -> dict[str, Any]:
        """The settings for the result record, with numbers as strings."""
        out: dict[str, Any] = {}
        for key, value in asdict(self).items():
            if isinstance(value, Decimal):
                value = str(value)
            out[key] = list(value) if isinstance(value, tuple) else value
        return out
