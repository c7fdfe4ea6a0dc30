"""Properties every STV count must keep, on random elections (hypothesis)."""

from __future__ import annotations

import random
from fractions import Fraction

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from voting.ballot import Ballot, Contest
from voting.methods import stv_meek, stv_scottish, stv_wigm
from voting.record import Round

NAMES = ["Ash", "Birch", "Cedar", "Damson", "Elm", "Fir", "Gean"]


@st.composite
def elections(draw: st.DrawFn) -> tuple[Contest, list[Ballot]]:
    n = draw(st.integers(2, 7))
    names = NAMES[:n]
    seats = draw(st.integers(1, n - 1)) if n > 1 else 1
    ballots = []
    for _ in range(draw(st.integers(1, 30))):
        order = draw(st.permutations(names))
        length = draw(st.integers(1, n))
        ballots.append(Ballot.ranking(order[:length], draw(st.integers(1, 40))))
    return Contest(tuple(names), seats), ballots


def _total(ballots: list[Ballot]) -> int:
    return sum(b.weight for b in ballots)


def _assert_conserved(state: Round, total: int) -> None:
    """Every vote is with a candidate, non-transferable, or lost to truncation (never gained)."""
    held = sum(Fraction(v) for v in [*state.tally.values(), *state.exhausted.values()])
    assert held + Fraction(state.residual) == total
    assert Fraction(state.residual) >= 0


RANDOM = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@RANDOM
@given(elections())
def test_scottish_conserves_votes_and_fills_seats(election: tuple[Contest, list[Ballot]]) -> None:
    contest, ballots = election
    result = stv_scottish.count(contest, ballots, seed="p")
    for rnd in result.rounds:
        _assert_conserved(rnd, _total(ballots))
    assert len(result.elected) == contest.seats
    assert len(set(result.elected)) == contest.seats


@RANDOM
@given(elections())
def test_wigm_rational_conserves_votes_exactly(election: tuple[Contest, list[Ballot]]) -> None:
    contest, ballots = election
    result = stv_wigm.count(contest, ballots, arithmetic="rational-d12", seed="p")
    for rnd in result.rounds:
        _assert_conserved(rnd, _total(ballots))
        assert rnd.residual == 0
    assert len(result.elected) == contest.seats


@RANDOM
@given(elections())
def test_meek_conserves_votes(election: tuple[Contest, list[Ballot]]) -> None:
    # guarded arithmetic: votes a ballot still carries after its last preference are exhausted and what
    # a truncated keep loses is the residual, so the sum is exact (rational Meek is exact too, but its
    # fractions can grow huge on unlucky random elections); every decision's step conserves votes too
    contest, ballots = election
    result = stv_meek.count(contest, ballots, seed="p")
    for rnd in result.rounds:
        for state in [rnd, *rnd.steps]:
            _assert_conserved(state, _total(ballots))
    assert len(result.elected) == contest.seats


@RANDOM
@given(elections(), st.randoms(use_true_random=False))
def test_result_independent_of_ballot_order_and_numbering(election: tuple[Contest, list[Ballot]], rnd: random.Random) -> None:
    contest, ballots = election
    shuffled = ballots[:]
    rnd.shuffle(shuffled)
    renumbered = Contest(tuple(rnd.sample(list(contest.candidates), len(contest.candidates))), contest.seats)
    for method in (stv_scottish, stv_wigm, stv_meek):
        first = method.count(contest, ballots, seed="s")
        again = method.count(renumbered, shuffled, seed="s")
        assert set(first.elected) == set(again.elected)
        assert [r.tally for r in first.rounds] == [r.tally for r in again.rounds]
        assert [set(r.elected) for r in first.rounds] == [set(r.elected) for r in again.rounds]


@RANDOM
@given(elections())
def test_fast_path_agrees_with_readable_path(election: tuple[Contest, list[Ballot]]) -> None:
    contest, ballots = election
    readable = stv_scottish.count(contest, ballots, seed="x", fast=False)
    fast = stv_scottish.count(contest, ballots, seed="x", fast=True)
    assert fast.as_dict() == readable.as_dict()


def test_fast_path_agrees_on_large_random_elections() -> None:
    import numpy as np

    rng = np.random.default_rng(11)
    for trial in range(4):
        n = int(rng.integers(5, 16))
        names = tuple(f"K{i}" for i in range(n))
        withdrawn = frozenset({names[0]}) if trial % 2 else frozenset()
        popularity = rng.gamma(1.5, 1.0, n)
        ballots = []
        for _ in range(3000):
            order = np.argsort(-(np.log(popularity) + rng.gumbel(size=n)))[: int(rng.integers(1, n + 1))]
            ballots.append(Ballot.ranking([names[i] for i in order], int(rng.integers(1, 5))))
        contest = Contest(names, int(rng.integers(2, 6)), withdrawn)
        readable = stv_scottish.count(contest, ballots, seed="t", fast=False)
        fast = stv_scottish.count(contest, ballots, seed="t", fast=True)
        assert fast.as_dict() == readable.as_dict()
