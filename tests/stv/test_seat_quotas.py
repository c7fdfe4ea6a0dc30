"""Seat quotas (voting.constraints) applied stage by stage in every STV count (R4 item 11 for WIGM and ERS97)."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ballots.formats.blt import read_blt
from voting.ballot import Ballot, BallotError, Contest
from voting.constraints import SeatQuota
from voting.methods import stv_ers97, stv_meek, stv_scottish, stv_wigm

QUOTA_METHODS = [stv_scottish, stv_meek, stv_wigm, stv_ers97]
QUOTA_IDS = ["scotland", "meek", "wigm", "ers97"]

WOMEN = frozenset({"Nina Baker", "Erin Boyle", "Ann Laird"})


@pytest.fixture
def anderston(shared_dir: Path):
    return read_blt(shared_dir / "verification" / "scotland-glasgow-2007" / "Anderston-City-2007.blt")


@pytest.mark.parametrize("method", QUOTA_METHODS, ids=QUOTA_IDS)
def test_a_quota_already_met_changes_nothing(anderston, method) -> None:
    plain = method.count(anderston.contest, anderston.ballots, seed="q")
    met = method.count(anderston.contest, anderston.ballots, seed="q",
                       quotas=[SeatQuota("first-round winner", frozenset({"Craig MacKay"}), 1)])
    assert [r.tally for r in met.rounds] == [r.tally for r in plain.rounds]
    assert met.elected == plain.elected


@pytest.mark.parametrize("method", QUOTA_METHODS, ids=QUOTA_IDS)
def test_a_binding_quota_is_met_and_logged(anderston, method) -> None:
    plain = method.count(anderston.contest, anderston.ballots, seed="q")
    assert len(WOMEN & set(plain.elected)) == 1
    result = method.count(anderston.contest, anderston.ballots, seed="q", quotas=[SeatQuota("women", WOMEN, 2)])
    assert len(WOMEN & set(result.elected)) >= 2
    assert len(result.elected) == anderston.contest.seats
    assert "seat quotas" in result.rules
    assert any("seat quota" in r.note for r in result.rounds)


def test_fast_and_readable_paths_agree_under_quotas(anderston) -> None:
    quotas = [SeatQuota("women", WOMEN, 2)]
    fast = stv_scottish.count(anderston.contest, anderston.ballots, quotas=quotas, fast=True)
    readable = stv_scottish.count(anderston.contest, anderston.ballots, quotas=quotas, fast=False)
    assert fast.as_dict() == readable.as_dict()


@pytest.mark.parametrize("method", QUOTA_METHODS, ids=QUOTA_IDS)
def test_an_impossible_quota_stops_the_count(anderston, method) -> None:
    with pytest.raises(BallotError, match="cannot start"):
        method.count(anderston.contest, anderston.ballots, quotas=[SeatQuota("women", WOMEN, 4)])


NAMES = ["A", "B", "C", "D", "E", "F"]


@st.composite
def constrained(draw: st.DrawFn):
    n = draw(st.integers(3, 6))
    names = NAMES[:n]
    seats = draw(st.integers(1, n - 1))
    members = frozenset(draw(st.lists(st.sampled_from(names), min_size=1, unique=True)))
    minimum = draw(st.integers(0, min(seats, len(members))))
    ballots = [
        Ballot.ranking(draw(st.permutations(names))[: draw(st.integers(1, n))], draw(st.integers(1, 20)))
        for _ in range(draw(st.integers(1, 25)))
    ]
    return Contest(tuple(names), seats), ballots, SeatQuota("group", members, minimum)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(constrained())
def test_quota_always_met_and_seats_filled(case) -> None:
    contest, ballots, quota = case
    for method in QUOTA_METHODS:
        result = method.count(contest, ballots, quotas=[quota], seed="q")
        assert len(result.elected) == contest.seats
        assert len(quota.members & set(result.elected)) >= quota.minimum
