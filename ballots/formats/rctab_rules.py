"""Import of an RCTab contest's ``rules.json``: the candidates and RCTab's rule settings.

Accepts the corpus layout (``{"contest", "candidates", "rules"}``) and RCTab's own
contest configuration (``outputSettings.contestName``, ``candidates``, ``rules``).
RCTab writes most settings as strings (``"3"``, ``"unlimited"``, ``"max"``, ``""``
for unset); each is checked here and a bad one is reported with its name.
"""

from __future__ import annotations

import json
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, Callable

from ballots.errors import FormatError
from ballots.formats.text_files import read_json
from voting.ballot import BallotError, Contest
from voting.methods.rctab_rules import (
    BOTTOMS_UP_PERCENTAGE,
    LEGACY_LABELS,
    WINNER_ELECTION_MODE_ALIASES,
    RctabRules,
)


def read_rctab_rules(path: str | Path) -> tuple[Contest, RctabRules]:
    path = Path(path)
    return parse_rctab_rules(read_json(path), str(path))


def parse_rctab_rules(data: Any, path: str = "<rules.json>") -> tuple[Contest, RctabRules]:
    if not isinstance(data, dict):
        raise FormatError(path, None, "expected a JSON object with candidates and rules")
    raw_rules = data.get("rules")
    if not isinstance(raw_rules, dict):
        raise FormatError(path, None, "missing the rules object")
    names, excluded = _candidates(data.get("candidates"), path)
    rules = _rules(raw_rules, path)
    title = data.get("contest") or (data.get("outputSettings") or {}).get("contestName") or ""
    try:
        contest = Contest(tuple(names), max(rules.number_of_winners, 1), frozenset(excluded), str(title))
    except BallotError as exc:
        raise FormatError(path, None, str(exc)) from None
    return contest, rules


def read_rctab_aliases(path: str | Path) -> dict[str, str]:
    """Other spellings of each candidate (RCTab's ``code`` and ``aliases``), mapped to the name."""
    path = Path(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8-sig"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        return {}  # read_rctab_rules reports what is wrong with the file
    aliases: dict[str, str] = {}
    entries = data.get("candidates") if isinstance(data, dict) else None
    for entry in entries if isinstance(entries, list) else []:
        if not isinstance(entry, dict) or not isinstance(entry.get("name"), str):
            continue
        name = entry["name"].strip()
        others = [entry.get("code")] + list(entry.get("aliases") or [])
        for other in others:
            if isinstance(other, str) and other.strip() and other.strip() != name:
                if aliases.get(other.strip(), name) != name:
                    raise FormatError(str(path), None, f"{other.strip()!r} names two candidates")
                aliases[other.strip()] = name
    return aliases


def _candidates(raw: Any, path: str) -> tuple[list[str], list[str]]:
    if not isinstance(raw, list) or not raw:
        raise FormatError(path, None, "candidates must be a non-empty list")
    names: list[str] = []
    excluded: list[str] = []
    for number, entry in enumerate(raw, start=1):
        if not isinstance(entry, dict) or not isinstance(entry.get("name"), str) or not entry["name"].strip():
            raise FormatError(path, None, f"candidate {number} needs a name")
        name = entry["name"].strip()
        names.append(name)
        if _flag(entry, "excluded", path, f"candidate {name!r} excluded"):
            excluded.append(name)
    return names, excluded


def _rules(raw: dict[str, Any], path: str) -> RctabRules:
    def text(key: str) -> str:
        value = raw.get(key, "")
        if value is None:
            return ""
        if isinstance(value, bool) or not isinstance(value, (str, int)):
            raise FormatError(path, None, f"rules.{key} must be a string or a number, not {value!r}")
        return str(value).strip()

    def number(key: str, default: int | None, options: dict[str, int | None] | None = None) -> int | None:
        value = text(key)
        if value == "":
            return default
        if options and value.lower() in options:
            return options[value.lower()]
        try:
            return int(value)
        except ValueError:
            choices = f" or {' / '.join(options)}" if options else ""
            raise FormatError(path, None, f"rules.{key} must be a whole number{choices}, not {value!r}") from None

    def decimal(key: str) -> Decimal | None:
        value = text(key)
        if value == "":
            return None
        try:
            return Decimal(value)
        except InvalidOperation:
            raise FormatError(path, None, f"rules.{key} must be a number, not {value!r}") from None

    def label(key: str) -> str:
        value = text(key)
        return LEGACY_LABELS.get(value, value)

    flag: Callable[[str], bool] = lambda key: _flag(raw, key, path, f"rules.{key}")  # noqa: E731
    mode = label("winnerElectionMode")
    percentage = decimal("multiSeatBottomsUpPercentageThreshold")
    if mode == "multiSeatBottomsUp" and percentage is not None:
        mode = BOTTOMS_UP_PERCENTAGE  # older files: one mode, with or without a percentage
    mode = WINNER_ELECTION_MODE_ALIASES.get(mode, mode)
    seats = number("numberOfWinners", 1)
    if seats == 0 and mode != BOTTOMS_UP_PERCENTAGE:
        raise FormatError(path, None, "rules.numberOfWinners can be 0 only with bottomsUpUsingPercentageThreshold")
    undeclared_write_ins = True if text("undeclaredWriteInLabel") else None
    try:
        return RctabRules(
            winner_election_mode=mode,
            number_of_winners=seats if seats is not None else 1,
            overvote_rule=label("overvoteRule") or "alwaysSkipToNextRank",
            max_skipped_ranks_allowed=number("maxSkippedRanksAllowed", 1, {"unlimited": None}),
            max_rankings_allowed=number("maxRankingsAllowed", None, {"max": None}),
            exhaust_on_duplicate_candidate=flag("exhaustOnDuplicateCandidate"),
            batch_elimination=flag("batchElimination"),
            continue_until_two_candidates_remain=flag("continueUntilTwoCandidatesRemain"),
            non_integer_winning_threshold=flag("nonIntegerWinningThreshold"),
            hare_quota=flag("hareQuota"),
            decimal_places=number("decimalPlacesForVoteArithmetic", 4) or 0,
            minimum_vote_threshold=decimal("minimumVoteThreshold") or Decimal(0),
            first_round_determines_threshold=flag("doesFirstRoundDetermineThreshold"),
            stop_tabulation_early_after_round=number("stopTabulationEarlyAfterRound", None),
            treat_blank_as_undeclared_write_in=flag("treatBlankAsUndeclaredWriteIn"),
            tiebreak_mode=label("tiebreakMode") or "useCandidateOrder",
            random_seed=number("randomSeed", None),
            bottoms_up_percentage_threshold=percentage,
            undeclared_write_ins=undeclared_write_ins,
        )
    except BallotError as exc:
        raise FormatError(path, None, str(exc)) from None


def _flag(raw: dict[str, Any], key: str, path: str, label: str) -> bool:
    value = raw.get(key, False)
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in ("true", "false", ""):
        return value.strip().lower() == "true"
    raise FormatError(path, None, f"{label} must be true or false, not {value!r}")
