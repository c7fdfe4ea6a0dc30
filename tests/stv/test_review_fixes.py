"""Reviewer R4's findings on the STV counts, each pinned by a test (items 2, 3, 5-7, 9-11, 17, 19)."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import pytest

from ballots.formats.blt import read_blt
from ballots.verification.droop_case import compare_droop_case
from voting.arithmetic import FixedDecimal
from voting.ballot import OVERVOTE, Ballot, BallotError, Contest
from voting.methods import stv_ers97, stv_meek, stv_scottish, stv_wigm
from voting.methods.registry import count
from voting.record import EXHAUSTED_NO_FURTHER_PREFERENCES, EXHAUSTED_OVERVOTE, format_value

STV = [stv_scottish, stv_wigm, stv_meek, stv_ers97]
ALL_METHODS = ["plurality", "block", "exhaustive", "irv", "scotland", "wigm", "meek", "ers97"]


def _tied_pair() -> tuple[Contest, list[Ballot]]:
    """A and B equal at every stage: only a lot separates them."""
    return Contest(("A", "B", "C"), 1), [Ballot.ranking(["A"], 2), Ballot.ranking(["B"], 2), Ballot.ranking(["C"], 1)]


# -- item 2: no lot from an empty seed; seed and lot mode recorded ---------------------------------

@pytest.mark.parametrize("method", STV, ids=lambda m: m.__name__.rsplit(".", 1)[-1])
def test_a_lot_without_a_seed_stops_the_count(method) -> None:
    contest, ballots = _tied_pair()
    with pytest.raises(BallotError, match="a lot is needed, so give the seed published before the count"):
        method.count(contest, ballots)


@pytest.mark.parametrize("method", STV, ids=lambda m: m.__name__.rsplit(".", 1)[-1])
def test_a_published_seed_or_droops_order_draws_the_lot(method) -> None:
    contest, ballots = _tied_pair()
    seeded = method.count(contest, ballots, seed="published-2026")
    assert [t.method for t in seeded.ties] == ["lot"] and "published-2026" in seeded.ties[0].detail
    assert (seeded.rules["seed"], seeded.rules["lot"]) == ("published-2026", "seeded")
    droop = method.count(contest, ballots, lot="ballot-order")
    assert droop.rules["lot"] == "ballot-order" and droop.rules["seed"] is None


@pytest.mark.parametrize("name", ALL_METHODS)
def test_every_method_records_seed_and_lot_mode(name: str) -> None:
    contest = Contest(("A", "B", "C"), 1)
    ballots = [Ballot.ranking(["A", "B"], 3), Ballot.ranking(["B"], 2), Ballot.ranking(["C", "B"], 1)]
    result = count(name, contest, ballots, seed="s1")
    assert result.rules["seed"] == "s1" and result.rules["lot"] == "seeded"


def test_rctab_records_its_seed_and_tie_break_mode() -> None:
    from voting.methods.rctab_rules import RctabRules

    contest = Contest(("A", "B", "C"), 1)
    ballots = [Ballot.ranking(["A", "B"], 3), Ballot.ranking(["B"], 2), Ballot.ranking(["C", "B"], 1)]
    result = count("rctab", contest, ballots, rules=RctabRules(number_of_winners=1))
    assert result.rules["seed"] is None and result.rules["lot"].startswith("RCTab tiebreakMode ")


# -- item 3: Meek records keep factors, exhausted votes and rounding residual apart -----------------

def test_meek_separates_exhausted_votes_from_rounding(shared_dir: Path) -> None:
    calton = read_blt(shared_dir / "verification" / "scotland-glasgow-2007" / "Calton-2007.blt")
    result = stv_meek.count(calton.contest, calton.ballots)
    valid = Fraction(result.total_ballots - result.invalid_ballots)
    assert any(Fraction(r.exhausted[EXHAUSTED_NO_FURTHER_PREFERENCES]) > 100 for r in result.rounds)
    for rnd in result.rounds:
        for state in [rnd, *rnd.steps]:
            exhausted = sum(Fraction(v) for v in state.exhausted.values())
            assert sum(Fraction(v) for v in state.tally.values()) + exhausted + Fraction(state.residual) == valid
            assert 0 <= Fraction(state.residual) < Fraction(1, 10**12)  # rounding only
        assert rnd.keep_factors and all(0 <= Fraction(k) <= 1 for k in rnd.keep_factors.values())
    elected_later = [r for r in result.rounds[1:] if any(Fraction(k) < 1 for k in r.keep_factors.values())]
    assert elected_later, "an elected candidate's keep factor falls below 1"
    assert "keep_factors" in result.as_dict()["rounds"][-1]


# -- items 5, 6, 19: the text report ---------------------------------------------------------------

def test_format_value_never_uses_scientific_notation() -> None:
    assert format_value(Decimal("0E-18")) == "0.000000000000000000"
    assert format_value(Decimal("1.000000000E-9")) == "0.000000001000000000"
    assert format_value(Decimal("1E-7"), 9) == "0.000000100"
    assert format_value(Decimal("0E-18"), 18) == "0.000000000000000000"


def test_report_prints_small_values_in_fixed_notation(shared_dir: Path) -> None:
    blt = read_blt(shared_dir / "verification" / "stv-rules" / "42.blt")
    text = stv_wigm.count(blt.contest, blt.ballots, arithmetic="guarded-p18-g9-d18", lot="ballot-order").to_text()
    assert "E-" not in text and "0.000000000000000000" in text


def test_report_prints_surplus_and_every_transfer_amount() -> None:
    contest = Contest(("A", "B", "C", "D"), 2)
    ballots = [Ballot.ranking(["A", "B"], 5), Ballot.ranking(["B", "C"], 3), Ballot.ranking(["C"], 2),
               Ballot.ranking(["D"], 1)]
    text = stv_scottish.count(contest, ballots).to_text()
    assert "  Surplus                1.00000" in text
    assert "Transfer (surplus) from A at 0.20000, 1.00000 in all: B +1.00000" in text
    wigm = stv_wigm.count(Contest(("A", "B", "C"), 1), [Ballot.ranking(["A"], 3), Ballot.ranking(["B", "A"], 2),
                                                        Ballot.ranking(["C"], 1)]).to_text()
    assert "Transfer (exclusion) from C at the value each paper carries, 1.000000000000 in all: exhausted +1.000000000000" in wigm
    assert "Transfer (exclusion) from B at the value each paper carries, 2.000000000000 in all: A +2.000000000000" in wigm


def test_an_exclusion_that_moves_nothing_says_so() -> None:
    contest = Contest(("A", "B", "C", "D"), 2)
    ballots = [Ballot.ranking(["A"], 3), Ballot.ranking(["B"], 2), Ballot.ranking(["D"], 1)]
    text = stv_scottish.count(contest, ballots).to_text()
    assert "Transfer (exclusion) from C at the value each paper carries, 0.00000 in all: no votes moved" in text


@pytest.mark.parametrize("method", STV, ids=lambda m: m.__name__.rsplit(".", 1)[-1])
def test_total_ballots_is_every_paper_read_and_invalid_ones_are_counted_apart(method) -> None:
    contest = Contest(("A", "B", "C"), 1, frozenset({"C"}))
    ballots = [Ballot.ranking(["A"], 4), Ballot.ranking(["B"], 2), Ballot.ranking(["C"], 3)]
    result = method.count(contest, ballots, seed="s")
    assert (result.total_ballots, result.invalid_ballots) == (9, 3)
    assert result.as_dict()["invalid_ballots"] == "3"
    assert "Invalid ballots (no valid first preference): 3" in result.to_text()


# -- item 7: verify compares every figure the Droop report publishes --------------------------------

def _tampered(tmp_path: Path, report: Path, old: str, new: str, occurrence: int = 1) -> Path:
    text = report.read_text()
    parts = text.split(old)
    assert len(parts) > occurrence, f"{old!r} occurs fewer than {occurrence} times"
    changed = old.join(parts[:occurrence]) + new + old.join(parts[occurrence:])
    out = tmp_path / report.name
    out.write_text(changed)
    return out


GLASGOW = "scotland-glasgow-2007"


@pytest.mark.parametrize("case,old,new,occurrence,expected", [
    (f"{GLASGOW}/Calton-2007.expected.report.txt", "Nontransferable votes: 158.62549", "Nontransferable votes: 158.62550",
     1, "nontransferable votes expected 158.62550, got 158.62549"),
    (f"{GLASGOW}/Calton-2007.expected.report.txt", "Residual: 0.01362", "Residual: 0.01363", 1,
     "residual expected 0.01363, got 0.01362"),
    (f"{GLASGOW}/Calton-2007.expected.report.txt", "Surplus: 682.00000", "Surplus: 681.00000", 2,
     "surplus expected 681.00000, got 682.00000"),
    (f"{GLASGOW}/Calton-2007.expected.report.txt", "Ballots: 5199", "Ballots: 5200", 1,
     "ballots: expected 5200, got 5199"),
    (f"{GLASGOW}/Calton-2007.expected.json.txt", '"nt_votes": "158.62549"', '"nt_votes": "158.62550"', 1,
     "nontransferable votes expected 158.62550, got 158.62549"),
])
def test_a_changed_figure_of_a_gregory_report_is_reported(shared_dir: Path, tmp_path: Path, case: str, old: str,
                                                          new: str, occurrence: int, expected: str) -> None:
    report = shared_dir / "verification" / case
    ballots = report.parent / (report.name.split(".expected")[0] + ".blt")
    assert compare_droop_case(ballots, report) == []
    divergences = compare_droop_case(ballots, _tampered(tmp_path, report, old, new, occurrence))
    assert any(expected in d for d in divergences), divergences


def test_a_changed_vote_in_a_later_meek_action_is_reported(shared_dir: Path, tmp_path: Path) -> None:
    report = shared_dir / "verification" / "stv-rules" / "SC.expected.meek-o9-guarded-p18-g9-d18.txt"
    # the round's second "Defeat certain loser" action (Jason Jones): Kristen Olsen's vote there
    tampered = _tampered(tmp_path, report, "Kristen Olsen (12.826225895316804408)", "Kristen Olsen (12.826225895316804409)", 2)
    divergences = compare_droop_case(report.parent / "SC.blt", tampered)
    assert divergences == ["stage 2 (Defeat certain loser: Write-In 2), action 2 (Defeat certain loser: Jason Jones): "
                           "Kristen Olsen expected 12.826225895316804409, got 12.826225895316804408"]


def test_a_changed_meek_residual_is_reported(shared_dir: Path, tmp_path: Path) -> None:
    report = shared_dir / "verification" / "stv-rules" / "42.expected.meek-o9-guarded-p18-g9-d18.txt"
    tampered = _tampered(tmp_path, report, "Residual: 2.000000000000000000", "Residual: 1.000000000000000000", 1)
    divergences = compare_droop_case(report.parent / "42.blt", tampered)
    assert any("residual expected 1.000000000000000000, got 2.000000000000000000" in d for d in divergences), divergences


def test_the_order_of_election_within_a_stage_is_compared(shared_dir: Path, tmp_path: Path) -> None:
    report = shared_dir / "verification" / "stv-rules" / "SC.expected.wigm-rational-d12.txt"
    text = report.read_text()
    first, second = "Action: Elect, transfer pending: Rebecca Rotzler", "Action: Elect, transfer pending: Pat LaMarche"
    assert text.index(first) < text.index(second)
    swapped = tmp_path / report.name
    swapped.write_text(text.replace(first, "@@").replace(second, first).replace("@@", second))
    divergences = compare_droop_case(report.parent / "SC.blt", swapped)
    assert any(d.startswith("stage 1 (Begin Count): elected expected ['Pat LaMarche', 'Rebecca Rotzler']")
               for d in divergences), divergences


# -- item 9: earlier rounds before a lot; Droop's rule kept by name ---------------------------------

def _earlier_rounds_case() -> tuple[Contest, list[Ballot]]:
    """A and B tie for lowest after E goes, but B had fewer votes at the first stage."""
    contest = Contest(("A", "B", "C", "D", "E"), 1)
    return contest, [Ballot.ranking(["A"], 3), Ballot.ranking(["B"], 2), Ballot.ranking(["C"], 6),
                     Ballot.ranking(["D"], 5), Ballot.ranking(["E", "B"], 1)]


@pytest.mark.parametrize("method", [stv_wigm, stv_meek], ids=["wigm", "meek"])
def test_ties_look_at_earlier_rounds_before_any_lot(method) -> None:
    contest, ballots = _earlier_rounds_case()
    result = method.count(contest, ballots)  # no seed needed: earlier rounds decide
    tie = [t for t in result.ties if set(t.tied) == {"A", "B"}][0]
    assert (tie.chosen, tie.method) == ("B", "previous_rounds")
    assert result.rules["tie rule"].startswith("earlier rounds")
    droop = method.count(contest, ballots, ties="droop", lot="ballot-order")
    assert [t.chosen for t in droop.ties if set(t.tied) >= {"A", "B"}] == ["A"]


def test_meek_plenary_rule_does_not_treat_candidates_within_the_surplus_as_tied() -> None:
    # omega = 1/10^0: round 2 stops at once with A's surplus of 1; C (12) is lowest, D (13) within 1 of C
    contest = Contest(("A", "B", "D", "C"), 2)
    ballots = [Ballot.ranking(["A", "B"], 21), Ballot.ranking(["B"], 14), Ballot.ranking(["C"], 12),
               Ballot.ranking(["D"], 13)]
    result = stv_meek.count(contest, ballots, arithmetic="rational-d12", omega=0)
    assert result.rounds[1].eliminated == ["C"] and result.ties == []
    droop = stv_meek.count(contest, ballots, arithmetic="rational-d12", omega=0, ties="droop", lot="ballot-order")
    assert droop.rounds[1].eliminated == ["D"] and [t.tied for t in droop.ties] == [["D", "C"]]


# -- item 10: Meek keep factors rounded up ---------------------------------------------------------

def test_fixed_point_rounding_up() -> None:
    a = FixedDecimal(9)
    q = a.from_fraction(Fraction(4000000001, 10**9))
    assert a.mul_up(a.one, q) == q
    assert a.div_up(q, a.from_int(7)) == 571428572  # 0.571428571571… rounded up
    assert a.div(q, a.from_int(7)) == 571428571


def test_meek_keep_factor_is_rounded_up_in_fixed_point() -> None:
    contest = Contest(("A", "B", "C"), 2)
    ballots = [Ballot.ranking(["A", "B"], 7), Ballot.ranking(["B"], 2), Ballot.ranking(["C"], 3)]
    result = stv_meek.count(contest, ballots, arithmetic="fixed-p9", omega=2)
    assert result.rounds[0].elected == ["A"]
    # one update before round 2's decision: kf = ceil(ceil(1 x quota) / votes), quota = 12/3 + 1e-9
    quota = Fraction(result.rounds[0].threshold)
    expected = Fraction(-(-(quota * 10**9) // 7), 10**9)
    assert Fraction(result.rounds[1].keep_factors["A"]) == expected == Fraction(571428572, 10**9)


# -- item 11: seat quotas in wigm and ers97: tests/stv/test_seat_quotas.py runs them for every STV count


# -- item 17: a paper stopped by an overvote is exhausted as "overvote" -----------------------------

@pytest.mark.parametrize("method", STV, ids=lambda m: m.__name__.rsplit(".", 1)[-1])
def test_overvote_stopped_papers_are_exhausted_as_overvote(method) -> None:
    contest = Contest(("A", "B", "C", "D"), 1)
    ballots = [Ballot(ranks=(("D",), ("B", "C"))), Ballot.ranking(["A"], 5), Ballot.ranking(["B"], 4),
               Ballot.ranking(["C"], 2), Ballot(ranks=(("D",), (OVERVOTE,)), weight=1),
               Ballot.ranking(["D"], 1)]
    result = method.count(contest, ballots, seed="s")
    last = result.rounds[-1].exhausted
    assert Fraction(last[EXHAUSTED_OVERVOTE]) == 2
    assert Fraction(last[EXHAUSTED_NO_FURTHER_PREFERENCES]) >= 1


def test_scottish_count_keeps_the_overvote_reason_when_the_fast_path_is_asked_for() -> None:
    contest = Contest(("A", "B", "C", "D"), 1)
    ballots = [Ballot(ranks=(("D",), ("B", "C")), weight=2), Ballot.ranking(["A"], 5), Ballot.ranking(["B"], 4),
               Ballot.ranking(["C"], 2), Ballot.ranking(["D"], 1)]
    fast = stv_scottish.count(contest, ballots, fast=True)
    assert fast.as_dict() == stv_scottish.count(contest, ballots, fast=False).as_dict()
    assert Fraction(fast.rounds[-1].exhausted[EXHAUSTED_OVERVOTE]) == 2
