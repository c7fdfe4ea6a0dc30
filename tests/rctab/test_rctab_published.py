"""Cases from RCTab's own test suite whose ballots can be rebuilt from its published rounds.

RCTab keeps these ballots in spreadsheets; every ballot here is a single choice (or the
choices its transfers show), so the ballot set is fixed by RCTab's round-1 tally and
transfers. Each is laid out as a verification case and compared round by round.
"""

from __future__ import annotations

import json
from pathlib import Path

from ballots.verification import compare_rctab_case


def _case(folder: Path, rules: dict, candidates: str, rows: list[tuple[str, int]], expected: dict) -> Path:
    folder.mkdir()
    (folder / "rules.json").write_text(json.dumps({
        "contest": expected["config"]["contest"],
        "candidates": [{"name": n, "excluded": False} for n in candidates.split()],
        "rules": rules,
    }))
    width = max(len(marks.split(",")) for marks, _ in rows)
    lines = ["id,weight," + ",".join(f"rank{i}" for i in range(1, width + 1))]
    for number, (marks, weight) in enumerate(rows, start=1):
        cells = marks.split(",") + [""] * (width - len(marks.split(",")))
        lines.append(f"{number},{weight}," + ",".join(cells))
    (folder / "ballots.csv").write_text("\n".join(lines) + "\n")
    (folder / "expected.json").write_text(json.dumps(expected))
    return folder


def _round(number: int, threshold: str, tally: dict, actions: list, exhausted: str = "0") -> dict:
    return {
        "round": number, "threshold": threshold, "tally": tally, "tallyResults": actions,
        "inactiveBallots": {"exhaustedChoices": exhausted, "overvotes": "0", "repeatedRankings": "0",
                            "skippedRankings": "0"},
    }


def test_continue_until_two_threshold_freeze(tmp_path: Path) -> None:
    """test_data/continue_until_two_threshold_freeze (RCTab 1.3.999): batch elimination, a
    seeded draw between B and C, and the threshold frozen at 8 once A is elected."""
    rules = {
        "tiebreakMode": "random", "overvoteRule": "exhaustImmediately", "winnerElectionMode": "singleWinnerMajority",
        "randomSeed": "0", "numberOfWinners": "1", "decimalPlacesForVoteArithmetic": "4",
        "minimumVoteThreshold": "0", "maxSkippedRanksAllowed": "1", "maxRankingsAllowed": "3",
        "nonIntegerWinningThreshold": False, "hareQuota": False, "batchElimination": True,
        "exhaustOnDuplicateCandidate": False, "continueUntilTwoCandidatesRemain": True,
    }
    expected = {
        "config": {"contest": "Test Continue until Two Threshold Freeze"},
        "results": [
            _round(1, "9", {"A": "8", "B": "3", "C": "3", "D": "2", "E": "1", "F": "0"},
                   [{"eliminated": "E", "transfers": {"exhausted": "1"}}, {"eliminated": "F", "transfers": {}}]),
            _round(2, "9", {"A": "8", "B": "3", "C": "3", "D": "2"},
                   [{"eliminated": "D", "transfers": {"exhausted": "2"}}], "1"),
            _round(3, "8", {"A": "8", "B": "3", "C": "3"}, [{"elected": "A", "transfers": {}}], "3"),
            _round(4, "8", {"A": "8", "B": "3", "C": "3"},
                   [{"eliminated": "C", "transfers": {"exhausted": "3"}}], "3"),
            _round(5, "8", {"A": "8", "B": "3"}, [], "6"),
        ],
        "summary": {"finalThreshold": "8", "numCandidates": 6, "numWinners": 1, "totalNumBallots": "17",
                    "undervotes": 0},
    }
    rows = [("A", 8), ("B", 3), ("C", 3), ("D", 2), ("E", 1)]
    assert compare_rctab_case(_case(tmp_path / "freeze", rules, "A B C D E F", rows, expected)) == []


def test_bottoms_up_with_threshold(tmp_path: Path) -> None:
    """test_data/multi_seat_bottoms_up_with_threshold: 15% of the votes still counting."""
    rules = {
        "tiebreakMode": "useCandidateOrder", "overvoteRule": "exhaustImmediately",
        "winnerElectionMode": "bottomsUpUsingPercentageThreshold", "randomSeed": "", "numberOfWinners": "0",
        "multiSeatBottomsUpPercentageThreshold": "15", "decimalPlacesForVoteArithmetic": "4",
        "minimumVoteThreshold": "0", "maxSkippedRanksAllowed": "1", "maxRankingsAllowed": "max",
        "batchElimination": False,
    }
    tallies = [
        {"A": "5", "B": "5", "C": "4", "D": "3", "E": "0", "F": "0", "G": "3", "H": "1"},
        {"A": "5", "B": "5", "C": "4", "D": "3", "E": "0", "G": "3", "H": "1"},
        {"A": "5", "B": "5", "C": "4", "D": "3", "G": "3", "H": "1"},
        {"A": "5", "B": "5", "C": "4", "D": "3", "G": "4"},
        {"A": "5", "B": "5", "C": "4", "G": "7"},
    ]
    actions = [
        [{"eliminated": "F", "transfers": {}}],
        [{"eliminated": "E", "transfers": {}}],
        [{"eliminated": "H", "transfers": {"G": "1"}}],
        [{"eliminated": "D", "transfers": {"G": "3"}}],
        [{"elected": n, "transfers": {}} for n in "ABCG"],
    ]
    expected = {
        "config": {"contest": "Multi-Seat Bottoms-up With Threshold"},
        "results": [_round(i + 1, "3.1500", t, a) for i, (t, a) in enumerate(zip(tallies, actions))],
        "summary": {"numCandidates": 8, "totalNumBallots": "21", "undervotes": 0},
    }
    rows = [("A", 5), ("B", 5), ("C", 4), ("D,G", 3), ("G", 3), ("H,G", 1)]
    assert compare_rctab_case(_case(tmp_path / "bottoms", rules, "A B C D E F G H", rows, expected)) == []
