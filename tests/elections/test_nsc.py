"""The NSC worked example (DOMAIN.md): three officers one by one, then five together,
with at least four women among the eight."""

from __future__ import annotations

import pytest

from voting.ballot import Ballot, BallotError
from voting.constraints import QuotaError, SeatQuota
from voting.elections import (
    GroupSeats,
    Office,
    committee_precheck,
    elect_committee,
    fill_offices,
    group_quota_after_offices,
)

WOMEN = frozenset({"Ann", "Bea", "Cat", "Dee", "Eve"})
EIGHT = SeatQuota("women", WOMEN, 4)
OFFICES = [
    Office("Convenor", ("Ann", "Max")),
    Office("Secretary", ("Ann", "Sam", "Bea")),
    Office("Treasurer", ("Tom", "Cat", "Max")),
]
GROUP = ("Bea", "Cat", "Dee", "Eve", "Max", "Sam", "Tom", "Ugo", "Vic", "Wes")


def ranked(spec: list[tuple[list[str], int]]) -> list[Ballot]:
    return [Ballot.ranking(order) for order, n in spec for _ in range(n)]


OFFICE_BALLOTS = {
    "Convenor": ranked([(["Ann"], 30), (["Max"], 20)]),
    # Ann is elected Convenor, so her Secretary votes pass to the next preference
    "Secretary": ranked([(["Ann", "Sam"], 25), (["Bea"], 15), (["Sam"], 10)]),
    "Treasurer": ranked([(["Tom"], 28), (["Cat"], 22)]),
}
# Without the quota the five group seats would go to four men and one woman.
GROUP_BALLOTS = ranked([
    (["Max", "Ugo", "Vic", "Wes", "Bea"], 30),
    (["Ugo", "Max", "Wes", "Vic", "Dee"], 10),
    (["Dee", "Eve", "Bea", "Cat"], 12),
    (["Eve", "Cat", "Dee"], 8),
])


def test_offices_one_by_one_withdraw_earlier_winners() -> None:
    results = fill_offices(OFFICES, OFFICE_BALLOTS)
    assert [r.elected for r in results] == [["Ann"], ["Sam"], ["Tom"]]
    secretary = results[1].result
    assert secretary is not None and secretary.withdrawn == ["Ann"]
    assert "withdrawn as already elected to an earlier office: Ann" in secretary.notes
    assert secretary.rounds[0].tally == {"Sam": 35, "Bea": 15}


def test_one_woman_among_officers_leaves_three_women_to_the_group() -> None:
    (quota,) = group_quota_after_offices([EIGHT], ["Ann", "Sam", "Tom"])
    assert quota.minimum == 3
    assert group_quota_after_offices([EIGHT], ["Ann", "Bea", "Cat"])[0].minimum == 1


def test_nsc_election() -> None:
    group = GroupSeats("Five elected as a group", GROUP, 5, method="block")
    unconstrained = elect_committee(OFFICES, OFFICE_BALLOTS, group, GROUP_BALLOTS)
    assert len(WOMEN & set(unconstrained.group.elected)) < 3  # the quota changes this count
    result = elect_committee(OFFICES, OFFICE_BALLOTS, group, GROUP_BALLOTS, quotas=[EIGHT], seed="nmm-2014")
    officers = [o.elected[0] for o in result.offices]
    assert officers == ["Ann", "Sam", "Tom"]
    assert result.group_quotas[0].minimum == 3
    assert any("women among the officers elected: 1; so the group count needs at least 3 women of 5" in n
               for n in result.notes)
    assert len(result.group.elected) == 5
    assert len(WOMEN & set(result.group.elected)) >= 3
    assert len(WOMEN & set(result.elected)) >= 4 and len(result.elected) == 8
    assert not {"Sam", "Tom"} & set(result.group.elected)  # officers withdrawn from the group count


def test_impossible_from_the_candidates_standing_is_said_before_counting() -> None:
    few_women = ("Bea", "Dee", "Max", "Sam", "Tom", "Ugo", "Vic")
    group = GroupSeats("Five", few_women, 5, method="block")
    precheck = committee_precheck(OFFICES, group, [EIGHT])
    assert precheck.possible and not precheck.always
    assert "not under every office result" in precheck.words[0]
    # met if Ann, Bea and Cat are the officers (Dee then suffices); but the officers elected are
    # Ann, Sam and Tom, leaving 3 women to find among Bea and Dee: the group count refuses to start
    with pytest.raises(QuotaError, match="cannot start: at least 3 women of 5 seats, but only 2 women standing"):
        elect_committee(OFFICES, OFFICE_BALLOTS, group, [Ballot.ranking(["not-a-candidate"])], quotas=[EIGHT])
    no_women = GroupSeats("Five", ("Max", "Sam", "Tom", "Ugo", "Vic", "Wes"), 5, method="block")
    men_offices = [Office("Convenor", ("Max", "Sam")), Office("Secretary", ("Tom", "Ugo")),
                   Office("Treasurer", ("Vic", "Wes"))]
    with pytest.raises(BallotError, match="cannot start: the quotas .* cannot be met whatever the office results"):
        elect_committee(men_offices, {}, no_women, [], quotas=[EIGHT])


def test_an_office_nobody_is_left_for_is_unfilled() -> None:
    offices = [Office("Convenor", ("Ann",)), Office("Secretary", ("Ann",))]
    results = fill_offices(offices, {"Convenor": ranked([(["Ann"], 3)]), "Secretary": ranked([(["Ann"], 3)])})
    assert results[0].elected == ["Ann"] and results[1].result is None and "unfilled" in results[1].note
