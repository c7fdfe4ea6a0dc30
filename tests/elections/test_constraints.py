"""Attribute quotas: the rule in voting/constraints.py, checked against brute force."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from voting.constraints import QuotaError, SeatQuota, meetable, quota_verdict, require_meetable, unmeetable

WOMEN = SeatQuota("women", frozenset({"Ann", "Bea", "Cat", "Dee"}), 3)


def test_nothing_doomed_while_there_is_room() -> None:
    verdict = quota_verdict([WOMEN], [], ["Ann", "Bea", "Cat", "Dee", "Max", "Sam", "Tom"], 5)
    assert verdict == quota_verdict([WOMEN], [], ["Ann", "Bea", "Cat", "Dee", "Max", "Sam", "Tom"], 5)
    assert not verdict.doomed and not verdict.forced and not verdict.guarded


def test_men_doomed_when_seats_left_equal_the_shortfall() -> None:
    verdict = quota_verdict([WOMEN], ["Max", "Sam"], ["Ann", "Bea", "Cat", "Dee", "Tom"], 3)
    assert verdict.doomed == {"Tom"} and not verdict.forced


def test_members_guarded_when_as_many_left_as_needed_and_forced_when_seats_match() -> None:
    guarded = quota_verdict([WOMEN], ["Max"], ["Ann", "Bea", "Cat", "Sam", "Tom"], 4)
    assert guarded.guarded == {"Ann", "Bea", "Cat"} and not guarded.forced and not guarded.doomed
    forced = quota_verdict([WOMEN], ["Max", "Sam"], ["Ann", "Bea", "Cat", "Tom"], 3)
    assert forced.forced == {"Ann", "Bea", "Cat"} and forced.doomed == {"Tom"}


def test_overlapping_quotas_together() -> None:
    caucus = SeatQuota("caucus", frozenset({"Ann", "Max"}), 1)
    # 2 seats: 3 women impossible already
    assert not meetable([WOMEN, caucus], [], ["Ann", "Bea", "Cat", "Max"], 2)
    # 3 seats, 3 women and 1 caucus member: the three women standing take every seat (Ann covers both)
    verdict = quota_verdict([WOMEN, caucus], [], ["Ann", "Bea", "Cat", "Max", "Tom"], 3)
    assert verdict.doomed == {"Max", "Tom"} and verdict.forced == verdict.guarded == {"Ann", "Bea", "Cat"}
    # with a fourth woman standing, Ann alone is indispensable: she is the only woman in the caucus
    verdict = quota_verdict([WOMEN, caucus], [], ["Ann", "Bea", "Cat", "Dee", "Max", "Tom"], 3)
    assert verdict.doomed == {"Tom", "Max"} and verdict.guarded == {"Ann"} and not verdict.forced
    reasons = unmeetable([SeatQuota("women", frozenset({"Ann", "Bea"}), 2),
                          SeatQuota("caucus", frozenset({"Max", "Tom"}), 2)], ["Ann", "Bea", "Max", "Tom", "Sam"], 3)
    assert reasons and "need 4" in reasons[0] and "only 3 seats" in reasons[0]


def test_the_count_says_so_before_it_starts() -> None:
    with pytest.raises(QuotaError, match="cannot start: at least 3 women of 5 seats, but only 2 women standing"):
        require_meetable([WOMEN], ["Ann", "Bea", "Max", "Sam", "Tom", "Ugo"], 5)
    with pytest.raises(QuotaError, match="more than the seats"):
        require_meetable([WOMEN], ["Ann", "Bea", "Cat", "Dee"], 2)
    require_meetable([WOMEN], ["Ann", "Bea", "Cat", "Max", "Sam"], 3)


NAMES = [f"c{i}" for i in range(7)]


@st.composite
def situations(draw: st.DrawFn) -> tuple[list[SeatQuota], list[str], list[str], int]:
    quotas = [SeatQuota(f"q{i}", frozenset(draw(st.sets(st.sampled_from(NAMES)))), draw(st.integers(0, 3)))
              for i in range(draw(st.integers(1, 3)))]
    elected = draw(st.lists(st.sampled_from(NAMES), unique=True, max_size=3))
    continuing = [n for n in NAMES if n not in elected and draw(st.booleans())]
    seats_left = draw(st.integers(1, max(1, len(continuing))))
    return quotas, elected, continuing, seats_left


def _brute_meetable(quotas: list[SeatQuota], elected: list[str], continuing: list[str], seats: int) -> bool:
    for k in range(0, min(seats, len(continuing)) + 1):
        for pick in itertools.combinations(continuing, k):
            chosen = set(elected) | set(pick)
            if all(len(q.members & chosen) >= q.minimum for q in quotas):
                return True
    return False


@settings(max_examples=300, deadline=None)
@given(situations())
def test_verdict_agrees_with_brute_force(case: tuple[list[SeatQuota], list[str], list[str], int]) -> None:
    quotas, elected, continuing, seats_left = case
    ok = _brute_meetable(quotas, elected, continuing, seats_left)
    assert meetable(quotas, elected, continuing, seats_left) == ok
    verdict = quota_verdict(quotas, elected, continuing, seats_left)
    assert verdict.meetable == ok
    if not ok:
        return
    for name in continuing:
        rest = [c for c in continuing if c != name]
        assert (name in verdict.doomed) == (not _brute_meetable(quotas, [*elected, name], rest, seats_left - 1))
        assert (name in verdict.guarded) == (not _brute_meetable(quotas, elected, rest, seats_left))
    # forced candidates: every remaining seat must go to them
    if verdict.forced:
        assert len(verdict.forced) == seats_left
