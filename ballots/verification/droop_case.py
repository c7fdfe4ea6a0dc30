"""Compare our STV count of a BLT file with the report the Droop tabulator published for it.

Droop's report is a log of actions; we turn it into stages (a stage ends after
each transfer for the Gregory rules, after each round's iteration for Meek) and
compare, stage by stage: the quota, every candidate's votes as Droop printed
them (its display places, rounded half up as Droop displays), who was elected
and who was excluded. An empty list of divergences means the counts agree.

Droop transfers a surplus of exactly nothing (a candidate on exactly the quota)
as a stage of its own; the Scottish Order (rule 48(1)) transfers only a surplus
that exceeds the quota, so such a Droop stage, which changes no vote, is
matched as no stage.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any

from ballots.formats.blt import read_blt
from ballots.formats.droop_report import DroopReport, read_droop_report
from voting.methods.registry import count
from voting.record import Result, Round

DROOP_METHODS = ("scotland", "wigm", "meek")


@dataclass
class Stage:
    votes: dict[str, str]
    quota: str | None = None
    elected: list[str] = field(default_factory=list)
    excluded: list[str] = field(default_factory=list)
    label: str = ""


def compare_droop_case(blt_path: str | Path, expected_path: str | Path, method: str | None = None) -> list[str]:
    report = read_droop_report(expected_path)
    method = method or report.method
    if method not in DROOP_METHODS:
        return [f"method {method!r} cannot be compared with a Droop report; use one of {', '.join(DROOP_METHODS)}"]
    if report.method and report.method != method:
        return [f"the report counts by {report.rule!r} ({report.method}), not {method}"]
    blt = read_blt(blt_path)
    result = count(method, blt.contest, blt.ballots, **droop_options(report, method))
    return compare_result(result, report, method)


def droop_options(report: DroopReport, method: str) -> dict[str, Any]:
    """The options that make our count use the report's arithmetic and Droop's tie order."""
    options: dict[str, Any] = {"lot": "ballot-order"}
    if method in ("wigm", "meek"):
        options["arithmetic"] = report.arithmetic_spec
    if method == "meek" and report.omega_exponent is not None:
        options["omega"] = report.omega_exponent
    return options


def droop_stages(report: DroopReport, method: str) -> list[Stage]:
    return _meek_stages(report) if method == "meek" else _gregory_stages(report)


def _gregory_stages(report: DroopReport) -> list[Stage]:
    stages: list[Stage] = []
    pending_exclusions: list[str] = []
    known = report.candidates + report.withdrawn
    for action in report.actions:
        message = action.message
        if message == "Begin Count":
            stages.append(Stage(dict(action.votes), report.quota, label="Begin Count"))
        elif message.startswith(("Surplus transferred", "Transfer defeated")):
            if message.startswith("Surplus transferred") and _is_zero(message) and stages and action.votes == stages[-1].votes:
                continue  # a zero surplus moves nothing: not a stage under rule 48(1)
            stages.append(Stage(dict(action.votes), report.quota, excluded=pending_exclusions, label=message))
            pending_exclusions = []
        elif message.startswith("Elect") and stages:
            stages[-1].elected.extend(_names(message, known))
        elif message.startswith("Defeat") and not message.startswith("Defeat remaining"):
            pending_exclusions.extend(_names(message, known))
    return stages


def _meek_stages(report: DroopReport) -> list[Stage]:
    by_round: dict[int, Stage] = {}
    known = report.candidates + report.withdrawn
    last = 0
    for action in report.actions:
        if action.round < 1 or not action.has_candidates:
            continue
        message = action.message
        if not message.startswith(("Elect", "Defeat")):
            continue
        stage = by_round.get(action.round)
        if stage is None:
            stage = by_round[action.round] = Stage(dict(action.votes), action.figures.get("Quota"), label=message)
        last = max(last, action.round)
        if message.startswith("Elect"):
            stage.elected.extend(_names(message, known))
        elif not message.startswith("Defeat remaining"):
            stage.excluded.extend(_names(message, known))
    return [by_round[r] for r in sorted(by_round)]


def compare_result(result: Result, report: DroopReport, method: str) -> list[str]:
    places = report.places
    expected = droop_stages(report, method)
    got = [_renamed(rnd) for rnd in result.rounds]
    out: list[str] = []
    if method != "meek":
        quota = droop_display(result.rounds[0].threshold, places) if result.rounds else None
        if quota != report.quota:
            out.append(f"quota: expected {report.quota}, got {quota}")
    for n, (want, rnd) in enumerate(zip(expected, got), start=1):
        where = f"stage {n} ({want.label})"
        if method == "meek" and want.quota is not None:
            quota = droop_display(rnd.threshold, places)
            if quota != want.quota:
                out.append(f"{where}: quota expected {want.quota}, got {quota}")
        zero = droop_display(0, places)
        want = Stage({_name(k): v for k, v in want.votes.items()}, want.quota,
                     [_name(n) for n in want.elected], [_name(n) for n in want.excluded], want.label)
        for name in list(want.votes) + [c for c in rnd.tally if c not in want.votes]:
            expected_vote = want.votes.get(name, zero)
            got_vote = droop_display(rnd.tally.get(name, 0), places)
            if expected_vote != got_vote:
                out.append(f"{where}: {name} expected {expected_vote}, got {got_vote}")
        if sorted(want.elected) != sorted(rnd.elected):
            out.append(f"{where}: elected expected {want.elected}, got {rnd.elected}")
        if sorted(want.excluded) != sorted(rnd.eliminated):
            out.append(f"{where}: excluded expected {want.excluded}, got {rnd.eliminated}")
    if len(expected) != len(got):
        out.append(f"stages: expected {len(expected)}, got {len(got)}")
    want_elected = [name for stage in expected for name in stage.elected]
    if sorted(map(_name, want_elected)) != sorted(map(_name, result.elected)):
        out.append(f"elected: expected {want_elected}, got {result.elected}")
    return out


def droop_display(value: Any, places: int) -> str:
    """A value as Droop prints it: ``places`` decimals, rounded half up."""
    if value is None:
        return ""
    exact = Fraction(value)
    scaled = (exact * 10**places + Fraction(1, 2)).__floor__()
    sign = "-" if scaled < 0 else ""
    digits = str(abs(scaled)).rjust(places + 1, "0")
    return f"{sign}{digits[:-places]}.{digits[-places:]}" if places else sign + digits


def _name(name: str) -> str:
    """Droop prints names with runs of spaces collapsed; match on that form."""
    return re.sub(r"\s+", " ", name).strip()


def _renamed(rnd: Round) -> Round:
    return Round(
        rnd.number,
        {_name(k): v for k, v in rnd.tally.items()},
        rnd.threshold,
        [_name(n) for n in rnd.elected],
        [_name(n) for n in rnd.eliminated],
    )


def _is_zero(message: str) -> bool:
    inside = message.rsplit("(", 1)[-1].rstrip(")")
    try:
        return Decimal(inside) == 0
    except ArithmeticError:
        return False


def _names(message: str, known: list[str]) -> list[str]:
    """The candidate names after the last ': ' of an action message (Droop joins several with ',')."""
    text = message.split(": ", 1)[1] if ": " in message else ""
    if text in known:
        return [text]
    parts = [p.strip() for p in text.split(",")]
    return parts if all(p in known for p in parts) else [text]
