"""Re-count an RCTab case and say, line by line, where it differs from RCTab's published result.

A case directory holds ``ballots.csv``, ``rules.json`` and ``expected.json``
(RCTab's summary JSON; shared/verification/README.md). Every round is compared:
the tally of each candidate, the threshold, who was elected or eliminated, each
transfer, and the inactive ballots by reason, as numbers (``"654"`` and
``"654.0000"`` are the same count).

Two facts of the contest's configuration are not in ``rules.json`` and are read
from RCTab's own summary of that configuration:

* whether the contest declared an "Undeclared Write-ins" candidate (RCTab's
  ``undeclaredWriteInLabel``): RCTab's ``summary.numCandidates`` counts it;
* for multi-pass IRV, which pass the file reports (RCTab writes one summary per
  seat): the pass whose first round lists the same candidates.
"""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from ballots.errors import FormatError
from ballots.formats.csv_ballots import read_csv_ballots
from ballots.formats.rctab_rules import read_rctab_aliases, read_rctab_rules
from ballots.formats.text_files import read_json
from voting.methods import rctab
from voting.methods.rctab_rules import MULTI_PASS_IRV
from voting.record import (
    EXHAUSTED_NO_FURTHER_PREFERENCES,
    EXHAUSTED_OVERVOTE,
    EXHAUSTED_REPEATED_RANKINGS,
    EXHAUSTED_SKIPPED_RANKINGS,
    Result,
    Round,
)

#: RCTab's names for the inactive-ballot reasons (ResultsWriter.getInactiveJsonMap) -> ours.
INACTIVE_KEYS = {
    "overvotes": EXHAUSTED_OVERVOTE,
    "skippedRankings": EXHAUSTED_SKIPPED_RANKINGS,
    "exhaustedChoices": EXHAUSTED_NO_FURTHER_PREFERENCES,
    "repeatedRankings": EXHAUSTED_REPEATED_RANKINGS,
    "finalRoundSurplus": rctab.EXHAUSTED_FINAL_ROUND_SURPLUS,
}


def read_rctab_summary(path: str | Path) -> dict[str, Any]:
    """RCTab's summary JSON, checked for the parts a comparison reads."""
    path = Path(path)
    data = read_json(path)
    if not isinstance(data, dict) or not isinstance(data.get("results"), list) or not data["results"]:
        raise FormatError(str(path), None, "expected RCTab's summary JSON with a non-empty results list")
    for number, entry in enumerate(data["results"], start=1):
        if not isinstance(entry, dict) or not isinstance(entry.get("tally"), dict):
            raise FormatError(str(path), None, f"results[{number - 1}] has no tally")
        for key, value in entry["tally"].items():
            _number(value, str(path), f"round {number} tally of {key}")
    return data


def compare_rctab_case(case_dir: Path) -> list[str]:
    """Divergences between a re-count of ``case_dir`` and its expected.json; [] when identical."""
    case_dir = Path(case_dir)
    contest, rules = read_rctab_rules(case_dir / "rules.json")
    expected = read_rctab_summary(case_dir / "expected.json")
    aliases = read_rctab_aliases(case_dir / "rules.json")
    ballots = read_csv_ballots(case_dir / "ballots.csv", contest.candidates, aliases=aliases)
    declared_count = expected.get("summary", {}).get("numCandidates")
    if rules.undeclared_write_ins is None and isinstance(declared_count, int):
        rules = replace(rules, undeclared_write_ins=declared_count > len(contest.candidates))
    result = rctab.count(contest, ballots, rules=rules)
    path = str(case_dir / "expected.json")
    rounds = result.rounds
    lines: list[str] = []
    if rules.winner_election_mode == MULTI_PASS_IRV:
        rounds, chosen = _matching_pass(result, expected["results"][0]["tally"])
        if chosen is None:
            return ["no pass of the multi-pass count starts with the candidates of expected.json's round 1"]
    lines += _compare_summary(expected.get("summary", {}), rounds, result, path)
    want_rounds = expected["results"]
    if len(want_rounds) != len(rounds):
        lines.append(f"{len(want_rounds)} rounds in expected.json, {len(rounds)} here")
    for want, got in zip(want_rounds, rounds):
        lines += _compare_round(want, got, path)
    return lines


def _matching_pass(result: Result, first_tally: dict[str, Any]) -> tuple[list[Round], int | None]:
    passes: dict[int, list[Round]] = {}
    for rnd in result.rounds:
        passes.setdefault(rnd.pass_number or 1, []).append(rnd)
    for number, rounds in passes.items():
        if set(rounds[0].tally) == set(first_tally):
            return rounds, number
    return [], None


def _compare_summary(summary: dict[str, Any], rounds: list[Round], result: Result, path: str) -> list[str]:
    lines: list[str] = []
    if "totalNumBallots" in summary:
        want = _number(summary["totalNumBallots"], path, "summary totalNumBallots")
        if want != Decimal(result.total_ballots):
            lines.append(f"total ballots: {want} in expected.json, {result.total_ballots} here")
    if "finalThreshold" in summary and rounds:
        want = _number(summary["finalThreshold"], path, "summary finalThreshold")
        if want != rounds[-1].threshold:
            lines.append(f"final threshold: {want} in expected.json, {rounds[-1].threshold} here")
    if "undervotes" in summary and rounds:
        want = _number(summary["undervotes"], path, "summary undervotes")
        got = rounds[0].exhausted.get(rctab.EXHAUSTED_NO_RANKINGS, Decimal(0))
        if want != got:
            lines.append(f"ballots ranking no candidate: {want} in expected.json, {got} here")
    return lines


def _compare_round(want: dict[str, Any], got: Round, path: str) -> list[str]:
    n = got.number
    where = f"round {n}"
    lines: list[str] = []
    want_tally = {k: _number(v, path, f"{where} tally of {k}") for k, v in want.get("tally", {}).items()}
    for name in sorted(set(want_tally) | set(got.tally)):
        if name not in got.tally:
            lines.append(f"{where}: {name} is in expected.json's tally ({want_tally[name]}), not here")
        elif name not in want_tally:
            lines.append(f"{where}: {name} is in the tally here ({got.tally[name]}), not in expected.json")
        elif want_tally[name] != got.tally[name]:
            lines.append(f"{where}: tally of {name} is {want_tally[name]} in expected.json, {got.tally[name]} here")
    if "threshold" in want:
        threshold = _number(want["threshold"], path, f"{where} threshold")
        if threshold != got.threshold:
            lines.append(f"{where}: threshold is {threshold} in expected.json, {got.threshold} here")
    inactive = want.get("inactiveBallots", {})
    for key, reason in INACTIVE_KEYS.items():
        if key not in inactive:
            continue
        value = _number(inactive[key], path, f"{where} inactive {key}")
        mine = got.exhausted.get(reason, Decimal(0))
        if value != mine:
            lines.append(f"{where}: inactive ballots ({key}) are {value} in expected.json, {mine} here")
    actions = want.get("tallyResults", [])
    for kind, mine_list in (("elected", got.elected), ("eliminated", got.eliminated)):
        theirs = sorted(a[kind] for a in actions if kind in a)
        if theirs != sorted(mine_list):
            lines.append(f"{where}: {kind} {', '.join(theirs) or 'nobody'} in expected.json, "
                         f"{', '.join(sorted(mine_list)) or 'nobody'} here")
    mine_transfers = {t.source: t.to for t in got.transfers}
    for action in actions:
        source = action.get("elected") or action.get("eliminated")
        theirs = {k: _number(v, path, f"{where} transfer from {source} to {k}")
                  for k, v in action.get("transfers", {}).items()}
        mine = {k: Decimal(v) for k, v in mine_transfers.get(source, {}).items()}
        for target in sorted(set(theirs) | set(mine)):
            a, b = theirs.get(target, Decimal(0)), mine.get(target, Decimal(0))
            if a != b:
                lines.append(f"{where}: transfer from {source} to {target} is {a} in expected.json, {b} here")
    return lines


def _number(value: Any, path: str, what: str) -> Decimal:
    if isinstance(value, bool):
        raise FormatError(path, None, f"{what} is not a number: {value!r}")
    try:
        return Decimal(str(value))
    except InvalidOperation:
        raise FormatError(path, None, f"{what} is not a number: {value!r}") from None
