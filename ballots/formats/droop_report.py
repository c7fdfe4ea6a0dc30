"""Reading the count reports of the Droop STV tabulator, so our counts can be checked against them.

Droop logs a count as a list of actions ("Begin Count", "Elect, transfer
pending: X", "Transfer defeated: Y", "Defeat (surplus … < omega): Z", …), each
with every candidate's state and vote at that moment. Two layouts hold the same
log: the text report (``*.expected.report.txt`` and ``stv-rules/*.expected.*.txt``)
and its JSON form (``*.expected.json.txt``). Both read into ``DroopReport``.
Vote figures are kept as the strings Droop printed, so a comparison is exact.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from ballots.errors import FormatError
from ballots.formats.text_files import read_text

_CANDIDATE_LINE = re.compile(r"^\t(Elected|Hopeful|Pending|Defeated|Withdrawn):\s+(.*) \(([-0-9._]+)\)$")
_FIGURE_LINE = re.compile(r"^\t([A-Za-z][A-Za-z ]*): ([-0-9._]+)$")
_STATES = {"Elected": "elected", "Hopeful": "hopeful", "Pending": "pending", "Defeated": "defeated", "Withdrawn": "withdrawn"}
#: the JSON report's figure keys, under the names the text report prints them with
_JSON_FIGURES = {"quota": "Quota", "surplus": "Surplus", "nt_votes": "Nontransferable votes", "residual": "Residual",
                 "votes": "votes"}
_JSON_STATES = {"hopeful": "hopeful", "elected": "elected", "defeated": "defeated", "withdrawn": "withdrawn", "pending": "pending"}


@dataclass
class DroopAction:
    """One logged action: its round, its message, and the candidates' states and votes then.

    ``figures`` holds the count-wide figures logged with it under the text
    report's names ("Quota", "Surplus", "Nontransferable votes", "Residual", …),
    whichever layout the report came in.
    """

    round: int
    message: str
    line: int | None = None
    states: dict[str, str] = field(default_factory=dict)
    votes: dict[str, str] = field(default_factory=dict)
    figures: dict[str, str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    @property
    def has_candidates(self) -> bool:
        return bool(self.votes)


@dataclass
class DroopReport:
    path: str
    title: str = ""
    rule: str = ""
    arithmetic: str = ""
    seats: int = 0
    ballots: int = 0
    quota: str = ""
    omega: str | None = None
    candidates: list[str] = field(default_factory=list)
    withdrawn: list[str] = field(default_factory=list)
    actions: list[DroopAction] = field(default_factory=list)

    @property
    def places(self) -> int:
        """Decimal places Droop printed values with (its display precision)."""
        return len(self.quota.split(".", 1)[1]) if "." in self.quota else 0

    @property
    def method(self) -> str:
        """Our method name for the report's rule."""
        if self.rule.startswith("Scottish"):
            return "scotland"
        if self.rule.startswith(("Meek", "Warren")):
            return "meek"
        if "Weighted Inclusive Gregory" in self.rule or "WIGM" in self.rule:
            return "wigm"
        return ""

    @property
    def arithmetic_spec(self) -> str:
        """The arithmetic the report was counted with, in ``voting.arithmetic.parse_arithmetic`` form."""
        text = self.arithmetic
        guarded = re.search(r"guarded-precision.*\((\d+)\+(\d+) places(?:; (\d+) displayed)?\)", text)
        if guarded:
            display = guarded.group(3) or guarded.group(1)
            return f"guarded-p{guarded.group(1)}-g{guarded.group(2)}-d{display}"
        fixed = re.search(r"fixed-point decimal arithmetic \((\d+) places\)", text)
        if fixed:
            return f"fixed-p{fixed.group(1)}"
        if text.startswith("rational"):
            return f"rational-d{self.places}"
        raise FormatError(self.path, None, f"unrecognised arithmetic {text!r}")

    @property
    def omega_exponent(self) -> int | None:
        match = re.search(r"omega = 1/10\^(\d+)", self.rule)
        return int(match.group(1)) if match else None


def read_droop_report(path: str | Path) -> DroopReport:
    path = Path(path)
    text = read_text(path, encoding="utf-8")
    if text.lstrip().startswith("{"):
        return parse_droop_json(text, str(path))
    return parse_droop_text(text, str(path))


def parse_droop_text(text: str, path: str = "<report>") -> DroopReport:
    report = DroopReport(path)
    current_round = 0
    action: DroopAction | None = None
    header = {"Rule": "rule", "Arithmetic": "arithmetic", "Quota": "quota", "Omega": "omega"}
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.rstrip("\n")
        if not line.strip():
            continue
        if line.startswith("Election: "):
            report.title = line[len("Election: "):]
            continue
        round_match = re.match(r"^Round (\d+):$", line)
        if round_match:
            current_round = int(round_match.group(1))
            action = None
            continue
        if line.startswith("Action: "):
            action = DroopAction(current_round, line[len("Action: "):], number)
            report.actions.append(action)
            continue
        if not line.startswith("\t"):
            continue
        body = line[1:]
        if action is None:
            key, _, value = body.partition(": ")
            if key in header:
                setattr(report, header[key], value.strip())
            elif key == "Seats":
                report.seats = _int(value, path, number)
            elif key == "Ballots":
                report.ballots = _int(value, path, number)
            elif key == "Add eligible":
                report.candidates.append(value.strip())
            elif key == "Add withdrawn":
                report.withdrawn.append(value.strip())
            continue
        cand = _CANDIDATE_LINE.match(line)
        if cand:
            state, names, vote = _STATES[cand.group(1)], cand.group(2), cand.group(3)
            for name in _split_names(names, report.candidates + report.withdrawn):
                action.states[name] = state
                action.votes[name] = vote
            continue
        figure = _FIGURE_LINE.match(line)
        if figure:
            action.figures[figure.group(1)] = figure.group(2)
            continue
        # a log line inside an action (e.g. "Stable state detected"): keep as a note
        action.notes.append(body)
    if not report.rule or not report.quota:
        raise FormatError(path, None, "not a Droop report: no 'Rule:' or 'Quota:' header")
    return report


def parse_droop_json(text: str, path: str = "<report>") -> DroopReport:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise FormatError(path, exc.lineno, f"bad JSON: {exc.msg}") from None
    report = DroopReport(path)
    names = {str(cid): str(c.get("name")) for cid, c in (data.get("cdict") or {}).items()}
    actions = data.get("actions")
    if not isinstance(actions, list):
        raise FormatError(path, None, "not a Droop JSON report: no 'actions' list")
    for item in actions:
        message = str(item.get("msg", ""))
        if item.get("tag") == "round":
            continue
        if item.get("tag") == "log":
            if message.startswith("Add eligible: "):
                report.candidates.append(message[len("Add eligible: "):])
            elif message.startswith("Add withdrawn: "):
                report.withdrawn.append(message[len("Add withdrawn: "):])
            continue
        action = DroopAction(int(item.get("round", 0)), message)
        for cid, state in (item.get("cstate") or {}).items():
            name = names.get(str(cid))
            if name is None:
                raise FormatError(path, None, f"action {message!r} names unknown candidate id {cid}")
            action.states[name] = _JSON_STATES.get(state.get("state", ""), state.get("state", ""))
            action.votes[name] = str(state.get("vote"))
        for key, name in _JSON_FIGURES.items():
            if key in item:
                action.figures[name] = str(item[key])
        report.actions.append(action)
        if not report.quota and "quota" in item:
            report.quota = str(item["quota"])
    report.rule = str(data.get("rule_info", ""))
    report.arithmetic = str(data.get("arithmetic_info", ""))
    report.title = str(data.get("title", ""))
    report.seats = int(data.get("seats", 0))
    report.ballots = int(data.get("nballots", 0))
    report.quota = str(data.get("quota", report.quota))
    return report


def _split_names(names: str, known: list[str]) -> list[str]:
    """Droop merges zero-vote defeated candidates into one comma-separated line."""
    if names in known or ", " not in names:
        return [names]
    parts = names.split(", ")
    return parts if all(p in known for p in parts) else [names]


def _int(value: str, path: str, line: int) -> int:
    try:
        return int(value.strip())
    except ValueError:
        raise FormatError(path, line, f"expected a whole number, not {value!r}") from None
