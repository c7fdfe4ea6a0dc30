"""Compare our STV count of a BLT file with the report the Droop tabulator published for it.

Droop's report is a log of actions; we turn it into stages (a stage ends after
each transfer for the Gregory rules, after each round's iteration for Meek) and
compare every figure the report publishes, as Droop printed it (its display
places, rounded half up as Droop displays): the number of ballots, the quota,
and stage by stage every candidate's votes, the non-transferable votes, the
residual, the surplus, who was elected (in the order the report elects them)
and who was excluded. For Meek, every Elect and Defeat action within a round is
compared with the state our count recorded at that decision (``Round.steps``);
Droop's Meek "Residual" is everything no candidate holds, so it is compared with
our exhausted votes plus residual. An empty list of divergences means the
counts agree.

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
from voting.record import Result, Round, format_value

DROOP_METHODS = ("scotland", "wigm", "meek")


@dataclass
class Stage:
    """One stage of Droop's log: votes, the figures printed with it, who was elected or excluded."""

    votes: dict[str, str]
    quota: str | None = None
    elected: list[str] = field(default_factory=list)
    excluded: list[str] = field(default_factory=list)
    label: str = ""
    figures: dict[str, str] = field(default_factory=dict)
    #: Meek: each Elect/Defeat action of the round, in the order Droop logged them
    steps: list["Stage"] = field(default_factory=list)
    #: those "Elect remaining" deemed elected together at the end of the count
    remaining: list[str] = field(default_factory=list)


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
    """The options that make our count use the report's arithmetic and Droop's tie rule and order."""
    options: dict[str, Any] = {"lot": "ballot-order"}
    if method in ("wigm", "meek"):
        options["arithmetic"] = report.arithmetic_spec
        options["ties"] = "droop"
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
            stages.append(Stage(dict(action.votes), report.quota, label="Begin Count", figures=dict(action.figures)))
        elif message.startswith(("Surplus transferred", "Transfer defeated")):
            if message.startswith("Surplus transferred") and _is_zero(message) and stages and action.votes == stages[-1].votes:
                continue  # a zero surplus moves nothing: not a stage under rule 48(1)
            stages.append(Stage(dict(action.votes), report.quota, excluded=pending_exclusions, label=message,
                                figures=dict(action.figures)))
            pending_exclusions = []
        elif message.startswith("Elect") and stages:
            stages[-1].elected.extend(_names(message, known))
            if message.startswith("Elect remaining"):
                stages[-1].remaining.extend(_names(message, known))
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
        if message.startswith("Defeat remaining"):
            continue  # seats filled: the rest are not decisions of the count
        stage = by_round.get(action.round)
        if stage is None:
            stage = by_round[action.round] = Stage(dict(action.votes), action.figures.get("Quota"), label=message,
                                                   figures=dict(action.figures))
        last = max(last, action.round)
        names = _names(message, known)
        step = Stage(dict(action.votes), action.figures.get("Quota"), label=message, figures=dict(action.figures))
        if message.startswith("Elect"):
            stage.elected.extend(names)
            step.elected = names
            if message.startswith("Elect remaining"):
                stage.remaining.extend(names)
        else:
            stage.excluded.extend(names)
            step.excluded = names
        stage.steps.append(step)
    return [by_round[r] for r in sorted(by_round)]


def compare_result(result: Result, report: DroopReport, method: str) -> list[str]:
    places = report.places
    expected = droop_stages(report, method)
    got = [_renamed(rnd) for rnd in result.rounds]
    out: list[str] = []
    # Droop's "Ballots" counts the papers with a preference: those we read less those set aside as invalid
    valid = Fraction(result.total_ballots) - Fraction(result.invalid_ballots)
    if report.ballots and valid != report.ballots:
        out.append(f"ballots: expected {report.ballots}, got {format_value(valid)}")
    if method != "meek":
        quota = droop_display(result.rounds[0].threshold, places) if result.rounds else None
        if quota != report.quota:
            out.append(f"quota: expected {report.quota}, got {quota}")
    pending = _pending_surpluses(got) if method == "scotland" else []
    for n, (want, rnd) in enumerate(zip(expected, got), start=1):
        where = f"stage {n} ({want.label})"
        want = _renamed_stage(want)
        if method == "scotland":
            # Droop's Scottish rule logs the total of the surpluses awaiting transfer at the stage's start
            rnd = _with_surplus(rnd, pending[n - 1])
        elif method == "wigm":
            # Droop's generic WIGM rule keeps no surplus figure (it logs 0 throughout): nothing to compare
            want = _without_figure(want, "Surplus")
        out.extend(_compare_state(where, want, rnd, places, method))
        if _election_order(want.elected, want) != _election_order(rnd.elected, want):
            out.append(f"{where}: elected expected {want.elected}, got {rnd.elected}")
        if sorted(want.excluded) != sorted(rnd.eliminated):
            out.append(f"{where}: excluded expected {want.excluded}, got {rnd.eliminated}")
        if method == "meek":
            out.extend(_compare_steps(where, want, rnd, places))
    if len(expected) != len(got):
        out.append(f"stages: expected {len(expected)}, got {len(got)}")
    want_elected = [name for stage in expected for name in stage.elected]
    if sorted(map(_name, want_elected)) != sorted(map(_name, result.elected)):
        out.append(f"elected: expected {want_elected}, got {result.elected}")
    return out


def _pending_surpluses(rounds: list[Round]) -> list[Fraction]:
    """For each stage, the surpluses of elected candidates not yet transferred when it began (0 at stage 1)."""
    totals: list[Fraction] = [Fraction(0)]
    elected: list[str] = []
    transferred: set[str] = set()
    for before, rnd in zip(rounds, rounds[1:]):
        elected.extend(before.elected)
        quota = Fraction(before.threshold or 0)
        totals.append(sum((Fraction(before.tally[n]) - quota for n in elected
                           if n not in transferred and n in before.tally and Fraction(before.tally[n]) > quota),
                          Fraction(0)))
        transferred.update(t.source for t in rnd.transfers if t.kind == "surplus")
    return totals


def _with_surplus(rnd: Round, surplus: Fraction) -> Round:
    return Round(rnd.number, rnd.tally, rnd.threshold, rnd.elected, rnd.eliminated,
                 exhausted=rnd.exhausted, residual=rnd.residual, surplus=surplus, steps=rnd.steps)


def _without_figure(stage: Stage, figure: str) -> Stage:
    figures = {k: v for k, v in stage.figures.items() if k != figure}
    return Stage(stage.votes, stage.quota, stage.elected, stage.excluded, stage.label, figures, stage.steps,
                 stage.remaining)


def _election_order(elected: list[str], want: Stage) -> list[frozenset[str]]:
    """The order of election within a stage, as far as it means anything.

    Candidates elected together are elected in order of votes, so the order
    between different votes counts; candidates with equal votes, and those
    deemed elected together at the end ("Elect remaining"), have no order.
    """
    together = set(want.remaining)
    groups: list[set[str]] = []
    last: str | None = None
    for name in (_name(n) for n in elected):
        if name in together:
            continue
        vote = want.votes.get(name)
        if groups and vote == last:
            groups[-1].add(name)
        else:
            groups.append({name})
        last = vote
    rest = {_name(n) for n in elected if _name(n) in together}
    return [frozenset(g) for g in groups] + ([frozenset(rest)] if rest else [])


def _compare_steps(where: str, want: Stage, rnd: Round, places: int) -> list[str]:
    """Meek: each Elect/Defeat action of the round against the state at our matching decision."""
    out: list[str] = []
    for k, (action, step) in enumerate(zip(want.steps, rnd.steps), start=1):
        here = f"{where}, action {k} ({action.label})"
        action = _renamed_stage(action)
        out.extend(_compare_state(here, action, step, places, "meek"))
        if (action.elected, action.excluded) != (step.elected, step.eliminated):
            out.append(f"{here}: expected elected {action.elected} excluded {action.excluded}, "
                       f"got elected {step.elected} excluded {step.eliminated}")
    if len(want.steps) != len(rnd.steps):
        out.append(f"{where}: actions expected {len(want.steps)}, got {len(rnd.steps)}")
    return out


def _compare_state(where: str, want: Stage, rnd: Round, places: int, method: str) -> list[str]:
    """Votes and the count-wide figures of one stage (or one Meek action)."""
    out: list[str] = []
    if want.quota is not None and method == "meek":
        quota = droop_display(rnd.threshold, places)
        if quota != want.quota:
            out.append(f"{where}: quota expected {want.quota}, got {quota}")
    zero = droop_display(0, places)
    for name in list(want.votes) + [c for c in rnd.tally if c not in want.votes]:
        expected_vote = want.votes.get(name, zero)
        got_vote = droop_display(rnd.tally.get(name, 0), places)
        if expected_vote != got_vote:
            out.append(f"{where}: {name} expected {expected_vote}, got {got_vote}")
    exhausted = sum((Fraction(v) for v in rnd.exhausted.values()), Fraction(0))
    ours = {
        "Nontransferable votes": exhausted,
        # Droop's Meek residual is all the value no candidate holds
        "Residual": Fraction(rnd.residual) + (exhausted if method == "meek" else 0),
        "Surplus": Fraction(rnd.surplus or 0),
    }
    for figure, value in ours.items():
        if figure in want.figures and droop_display(value, places) != want.figures[figure]:
            out.append(f"{where}: {figure.lower()} expected {want.figures[figure]}, got {droop_display(value, places)}")
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
        exhausted=rnd.exhausted,
        residual=rnd.residual,
        surplus=rnd.surplus,
        steps=[_renamed(step) for step in rnd.steps],
    )


def _renamed_stage(stage: Stage) -> Stage:
    return Stage({_name(k): v for k, v in stage.votes.items()}, stage.quota,
                 [_name(n) for n in stage.elected], [_name(n) for n in stage.excluded], stage.label,
                 stage.figures, stage.steps, [_name(n) for n in stage.remaining])


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
