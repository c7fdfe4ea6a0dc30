"""Properties every RCTab count keeps, on random ballots under random settings."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from voting.ballot import OVERVOTE, UNDECLARED_WRITE_IN, Ballot, BallotError, Contest
from voting.methods import rctab
from voting.methods.rctab_rules import RctabRules

NAMES = ("A", "B", "C", "D", "E")

mark = st.one_of(
    st.just(()),
    st.sampled_from(NAMES).map(lambda n: (n,)),
    st.lists(st.sampled_from(NAMES), min_size=2, max_size=2, unique=True).map(tuple),
    st.just((OVERVOTE,)),
    st.just((UNDECLARED_WRITE_IN,)),
)
ballots = st.lists(
    st.builds(lambda ranks, w: Ballot(tuple(ranks), w), st.lists(mark, min_size=1, max_size=4), st.integers(1, 3)),
    min_size=1,
    max_size=25,
)


@st.composite
def rule_sets(draw: st.DrawFn) -> RctabRules:
    mode = draw(st.sampled_from([
        "singleWinnerMajority", "multiWinnerAllowOnlyOneWinnerPerRound",
        "multiWinnerAllowMultipleWinnersPerRound", "bottomsUp", "bottomsUpUsingPercentageThreshold", "multiPassIrv",
    ]))
    seats = 1 if mode == "singleWinnerMajority" else (0 if mode.endswith("Threshold") else draw(st.integers(2, 3)))
    bottoms_up = mode.startswith("bottomsUp")
    return RctabRules(
        winner_election_mode=mode,
        number_of_winners=seats,
        overvote_rule=draw(st.sampled_from(["alwaysSkipToNextRank", "exhaustImmediately"])),
        max_skipped_ranks_allowed=draw(st.sampled_from([0, 1, None])),
        exhaust_on_duplicate_candidate=draw(st.booleans()),
        batch_elimination=not bottoms_up and draw(st.booleans()),
        continue_until_two_candidates_remain=seats == 1 and draw(st.booleans()),
        non_integer_winning_threshold=draw(st.booleans()),
        hare_quota=seats > 1 and mode != "multiPassIrv" and draw(st.booleans()),
        decimal_places=draw(st.integers(0, 4)),
        first_round_determines_threshold=draw(st.booleans()),
        tiebreak_mode=draw(st.sampled_from(["useCandidateOrder", "random", "previousRoundCountsThenRandom"])),
        random_seed=draw(st.integers(-5, 5)),
        bottoms_up_percentage_threshold=Decimal(draw(st.sampled_from([10, 20, 25]))) if seats == 0 else None,
    )


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(ballots, rule_sets(), st.sets(st.sampled_from(NAMES), max_size=1))
def test_every_round_accounts_for_every_ballot(papers: list[Ballot], rules: RctabRules, excluded: set[str]) -> None:
    contest = Contest(NAMES, max(rules.number_of_winners, 1), frozenset(excluded))
    try:
        result = rctab.count(contest, papers, rules=rules)
    except BallotError as exc:
        # RCTab itself stops here: a threshold of 0 with no votes counting, or every
        # candidate gone (batch elimination, bottoms-up percentages) before the seats are filled
        assert "no votes to count" in str(exc) or "no continuing candidate is left" in str(exc), exc
        return
    total = Decimal(sum(b.weight for b in papers))
    assert result.total_ballots == total
    for rnd in result.rounds:
        counted = sum(rnd.tally.values(), Decimal(0)) + sum(rnd.exhausted.values(), Decimal(0)) + rnd.residual
        assert counted == total, f"round {rnd.number}"
        assert all(v >= 0 for v in rnd.tally.values())
    assert len(set(result.elected)) == len(result.elected)
    assert not set(result.elected) & excluded
    if rules.winner_election_mode == "multiPassIrv":
        assert len(result.elected) == rules.number_of_winners
    elif rules.stop_tabulation_early_after_round is None and rules.number_of_winners >= 1:
        assert len(result.elected) <= rules.number_of_winners or rules.continue_until_two_candidates_remain


@settings(max_examples=60, deadline=None)
@given(ballots)
def test_grouping_identical_ballots_changes_nothing(papers: list[Ballot]) -> None:
    rules = RctabRules(number_of_winners=2, winner_election_mode="multiWinnerAllowMultipleWinnersPerRound")
    contest = Contest(NAMES, 2)
    split = [Ballot(b.ranks, 1) for b in papers for _ in range(b.weight)]
    assert rctab.count(contest, split, rules=rules).to_json() == rctab.count(contest, papers, rules=rules).to_json()
