"""Importing RCTab's rules.json: every setting read, every bad value named."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest

from ballots.errors import FormatError
from ballots.formats.rctab_rules import parse_rctab_rules, read_rctab_rules

BASE = {
    "contest": "Test",
    "candidates": [{"name": "A", "excluded": False}, {"name": "B", "excluded": False},
                   {"name": "C", "excluded": True}],
    "rules": {
        "tiebreakMode": "random", "overvoteRule": "exhaustImmediately",
        "winnerElectionMode": "multiWinnerAllowMultipleWinnersPerRound", "randomSeed": "7",
        "numberOfWinners": "2", "multiSeatBottomsUpPercentageThreshold": "", "decimalPlacesForVoteArithmetic": "3",
        "minimumVoteThreshold": "", "maxSkippedRanksAllowed": "unlimited", "maxRankingsAllowed": "max",
        "nonIntegerWinningThreshold": True, "doesFirstRoundDetermineThreshold": False, "hareQuota": False,
        "batchElimination": False, "continueUntilTwoCandidatesRemain": False,
        "stopTabulationEarlyAfterRound": "4", "exhaustOnDuplicateCandidate": True,
        "rulesDescription": "x", "treatBlankAsUndeclaredWriteIn": False,
    },
}


def _with(**changes: object) -> dict:
    data = json.loads(json.dumps(BASE))
    data["rules"].update(changes)
    return data


def test_settings_are_read() -> None:
    contest, rules = parse_rctab_rules(BASE)
    assert contest.candidates == ("A", "B", "C") and contest.withdrawn == {"C"} and contest.seats == 2
    assert contest.title == "Test"
    assert rules.max_skipped_ranks_allowed is None and rules.max_rankings_allowed is None
    assert rules.random_seed == 7 and rules.decimal_places == 3
    assert rules.minimum_vote_threshold == Decimal(0) and rules.stop_tabulation_early_after_round == 4
    assert rules.exhaust_on_duplicate_candidate and rules.non_integer_winning_threshold
    assert rules.undeclared_write_ins is None


def test_undeclared_write_in_label_declares_the_write_in_candidate() -> None:
    _, rules = parse_rctab_rules(_with(undeclaredWriteInLabel="UWI"))
    assert rules.undeclared_write_ins is True


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"numberOfWinners": "two"}, "rules.numberOfWinners must be a whole number"),
        ({"maxSkippedRanksAllowed": "lots"}, "rules.maxSkippedRanksAllowed must be a whole number or unlimited"),
        ({"maxRankingsAllowed": "all"}, "rules.maxRankingsAllowed must be a whole number or max"),
        ({"tiebreakMode": "coin"}, "unknown tiebreakMode"),
        ({"winnerElectionMode": "best"}, "unknown winnerElectionMode"),
        ({"overvoteRule": "ignore"}, "unknown overvoteRule"),
        ({"hareQuota": "yes"}, "rules.hareQuota must be true or false"),
        ({"minimumVoteThreshold": "ten"}, "rules.minimumVoteThreshold must be a number"),
        ({"randomSeed": ""}, "needs a randomSeed"),
        ({"numberOfWinners": "5"}, "5 seats but only 2 candidates standing"),
        ({"numberOfWinners": "0"}, "numberOfWinners can be 0 only"),
    ],
)
def test_bad_values_are_named(change: dict, message: str) -> None:
    with pytest.raises(FormatError, match=message):
        parse_rctab_rules(_with(**change), "rules.json")


def test_bad_candidates() -> None:
    with pytest.raises(FormatError, match="candidate 1 needs a name"):
        parse_rctab_rules({**BASE, "candidates": [{"name": ""}]})
    with pytest.raises(FormatError, match="named more than once"):
        parse_rctab_rules({**BASE, "candidates": [{"name": "A"}, {"name": "A"}]})


def test_bad_json_names_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "rules.json"
    path.write_text('{\n  "rules": [\n}')
    with pytest.raises(FormatError, match=r"rules\.json, line 3"):
        read_rctab_rules(path)


def test_missing_rules_object() -> None:
    with pytest.raises(FormatError, match="missing the rules object"):
        parse_rctab_rules({"candidates": BASE["candidates"]})


def test_rctabs_bottoms_up_with_threshold_case() -> None:
    """RCTab's test_data/multi_seat_bottoms_up_with_threshold: its config (older labels) and result."""
    from rctab_helpers import ballot
    from voting.methods import rctab

    config = {
        "outputSettings": {"contestName": "Multi-Seat Bottoms-up With Threshold"},
        "candidates": [{"name": n, "code": "", "excluded": False} for n in "ABCDEFGH"],
        "rules": {
            "tiebreakMode": "Use candidate order in the config file", "overvoteRule": "exhaustImmediately",
            "winnerElectionMode": "multiSeatBottomsUp", "randomSeed": "", "numberOfWinners": "0",
            "multiSeatBottomsUpPercentageThreshold": "15", "decimalPlacesForVoteArithmetic": "4",
            "minimumVoteThreshold": "0", "maxSkippedRanksAllowed": "1", "maxRankingsAllowed": "max",
            "nonIntegerWinningThreshold": False, "hareQuota": False, "batchElimination": False,
            "exhaustOnDuplicateCandidate": False, "treatBlankAsUndeclaredWriteIn": False,
            "undeclaredWriteInLabel": "",
        },
    }
    contest, rules = parse_rctab_rules(config)
    assert rules.winner_election_mode == "bottomsUpUsingPercentageThreshold"
    # ballots consistent with RCTab's expected rounds (its CVR is a spreadsheet)
    papers = ([ballot("A")] * 5 + [ballot("B")] * 5 + [ballot("C")] * 4 + [ballot("D", "G")] * 3
              + [ballot("G")] * 3 + [ballot("H", "G")])
    result = rctab.count(contest, papers, rules=rules)
    assert [r.eliminated for r in result.rounds] == [["F"], ["E"], ["H"], ["D"], []]
    assert result.rounds[-1].tally == {"A": 5, "B": 5, "C": 4, "G": 7}
    assert sorted(result.elected) == ["A", "B", "C", "G"]
    assert str(result.rounds[0].threshold) == "3.15"


def test_codes_and_aliases_map_to_names(tmp_path: Path) -> None:
    from ballots.formats.csv_ballots import read_csv_ballots
    from ballots.formats.rctab_rules import read_rctab_aliases

    rules = tmp_path / "rules.json"
    rules.write_text(json.dumps({**BASE, "candidates": [
        {"name": "Ann Lee", "code": "AL", "excluded": False}, {"name": "Bob Roy", "aliases": ["Robert Roy"]},
    ]}))
    ballots = tmp_path / "ballots.csv"
    ballots.write_text("id,weight,rank1,rank2\n1,1,AL,Robert Roy\n")
    aliases = read_rctab_aliases(rules)
    assert aliases == {"AL": "Ann Lee", "Robert Roy": "Bob Roy"}
    read = read_csv_ballots(ballots, ["Ann Lee", "Bob Roy"], aliases=aliases)
    assert read[0].ranks == (("Ann Lee",), ("Bob Roy",))
