"""Properties: results do not depend on ballot order; quotas are met whenever they can be."""

from __future__ import annotations

import itertools
import random

from hypothesis import given, settings
from hypothesis import strategies as st

from voting.ballot import Ballot, Contest
from voting.constraints import SeatQuota, unmeetable
from voting.methods.registry import count

NAMES = ("A", "B", "C", "D", "E", "F")

@st.composite
def elections(draw: st.DrawFn, max_marks: int | None = None) -> tuple[Contest, list[Ballot]]:
    n = draw(st.integers(2, len(NAMES)))
    names = NAMES[:n]
    seats = draw(st.integers(1, n - 1))
    ballots = []
    for _ in range(draw(st.integers(0, 25))):
        marks = draw(st.lists(st.sampled_from(names), unique=True, min_size=1, max_size=max_marks or n))
        ballots.append(Ballot.ranking(marks, weight=draw(st.integers(1, 3))))
    return Contest(names, seats), ballots


@settings(max_examples=150, deadline=None)
@given(elections(), st.randoms(use_true_random=False))
def test_block_and_plurality_do_not_depend_on_ballot_order(election: tuple[Contest, list[Ballot]],
                                                           rng: random.Random) -> None:
    contest, ballots = election
    shuffled = list(ballots)
    rng.shuffle(shuffled)
    options = {"block": {"seed": "s", "max_marks": len(contest.candidates)}, "plurality": {"seed": "s"}}
    for method, settings_ in options.items():
        first = count(method, contest, ballots, **settings_)
        second = count(method, contest, shuffled, **settings_)
        assert sorted(first.elected) == sorted(second.elected)
        assert first.rounds[0].tally == second.rounds[0].tally
    single = Contest(contest.candidates, 1)
    assert count("exhaustive", single, ballots, seed="s").elected == count("exhaustive", single, shuffled, seed="s").elected


@settings(max_examples=150, deadline=None)
@given(elections(), st.sets(st.sampled_from(NAMES)), st.integers(0, 3))
def test_block_vote_meets_a_quota_whenever_it_can(election: tuple[Contest, list[Ballot]],
                                                  members: set[str], minimum: int) -> None:
    contest, ballots = election
    quota = SeatQuota("group", frozenset(members), minimum)
    options = {"seed": "s", "max_marks": len(contest.candidates)}
    if unmeetable([quota], contest.standing, contest.seats):
        return  # refused before counting; tested elsewhere
    result = count("block", contest, ballots, quotas=[quota], **options)
    assert len(result.elected) == contest.seats
    assert len(quota.members & set(result.elected)) >= minimum
    # and it changes nothing when the unconstrained result already meets the quota
    free = count("block", contest, ballots, **options)
    if len(quota.members & set(free.elected)) >= minimum and not free.ties:
        assert sorted(result.elected) == sorted(free.elected)


@settings(max_examples=60, deadline=None)
@given(elections(), st.sets(st.sampled_from(NAMES)), st.sets(st.sampled_from(NAMES)),
       st.integers(0, 2), st.integers(0, 2))
def test_two_quotas_met_whenever_some_result_meets_them(election: tuple[Contest, list[Ballot]],
                                                        first: set[str], second: set[str], m1: int, m2: int) -> None:
    contest, ballots = election
    quotas = [SeatQuota("one", frozenset(first), m1), SeatQuota("two", frozenset(second), m2)]
    possible = any(all(len(q.members & set(pick)) >= q.minimum for q in quotas)
                   for pick in itertools.combinations(contest.standing, contest.seats))
    assert possible == (not unmeetable(quotas, contest.standing, contest.seats))
    if possible:
        result = count("block", contest, ballots, quotas=quotas, seed="s", max_marks=len(contest.candidates))
        assert all(len(q.members & set(result.elected)) >= q.minimum for q in quotas)
