"""The round log every counting method returns.

A result is a record, not just a winner: each round keeps the tally of every
candidate still in the count, the threshold, who was elected or eliminated,
each transfer with its transfer value, the ballots exhausted (by reason) and
the residual lost to rounding, so anyone can check the count step by step.

``Result.total_ballots`` is every ballot paper the count read (the sum of the
ballots' weights), valid or not; ``Result.invalid_ballots`` is how many of them
carried no usable first preference and so never entered the count. The votes
in play in a round (tally + exhausted + residual) therefore add up to
``total_ballots - invalid_ballots``, times the value of one paper.

Values are exact Python numbers (``int``, ``Decimal`` or ``Fraction``) as the
method's arithmetic produced them; serialisation renders them as decimal
strings with the method's number of places (``Result.places``).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from typing import Any, Union

from voting import __version__

Value = Union[int, Decimal, Fraction]

#: Standard reasons a ballot stops counting; methods may add their own.
EXHAUSTED_NO_FURTHER_PREFERENCES = "no_further_preferences"
EXHAUSTED_OVERVOTE = "overvote"
EXHAUSTED_SKIPPED_RANKINGS = "skipped_rankings"
EXHAUSTED_REPEATED_RANKINGS = "repeated_rankings"


def format_value(value: Value | None, places: int | None = None) -> str | None:
    """Render a vote value as a decimal string, exact where ``places`` is None."""
    if value is None:
        return None
    if isinstance(value, bool):
        raise TypeError("a vote value cannot be a bool")
    if isinstance(value, int):
        return str(value) if places is None or places == 0 else f"{value}.{'0' * places}"
    if isinstance(value, Fraction):
        if places is None:
            if value.denominator == 1:
                return str(value.numerator)
            return f"{value.numerator}/{value.denominator}"
        return _fraction_to_fixed(value, places)
    if isinstance(value, Decimal):
        # fixed notation always: str() would print tiny values as "0E-18" or "1.0E-9"
        if places is None:
            return format(value, "f")
        return format(value.quantize(Decimal(1).scaleb(-places)), "f") if places else str(int(value))
    raise TypeError(f"unsupported vote value {value!r}")


def _fraction_to_fixed(value: Fraction, places: int) -> str:
    """Truncate towards zero to ``places`` decimals, as counting rules display."""
    scaled = value.numerator * 10**places // value.denominator if value >= 0 else -(
        (-value.numerator) * 10**places // value.denominator
    )
    sign = "-" if scaled < 0 else ""
    digits = str(abs(scaled)).rjust(places + 1, "0")
    if places == 0:
        return sign + digits
    return f"{sign}{digits[:-places]}.{digits[-places:]}"


@dataclass
class Transfer:
    """Votes moved from one candidate (or a pile) to others in one step."""

    source: str
    kind: str  # "surplus" | "elimination" | "exclusion" | "withdrawal"
    transfer_value: Value | None
    to: dict[str, Value] = field(default_factory=dict)  # may include "exhausted"
    note: str = ""

    def as_dict(self, places: int | None) -> dict[str, Any]:
        return {
            "source": self.source,
            "kind": self.kind,
            "transfer_value": format_value(self.transfer_value, places),
            "to": {k: format_value(v, places) for k, v in self.to.items()},
            **({"note": self.note} if self.note else {}),
        }


@dataclass
class TieBreak:
    """How a tie was resolved, so it can be reproduced: by earlier rounds or by lot."""

    round: int
    purpose: str  # "elect" | "eliminate" | ...
    tied: list[str]
    chosen: str
    method: str  # "previous_rounds" | "lot" | "forward" | ...
    detail: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {
            "round": self.round,
            "purpose": self.purpose,
            "tied": list(self.tied),
            "chosen": self.chosen,
            "method": self.method,
            **({"detail": self.detail} if self.detail else {}),
        }


@dataclass
class Round:
    """One stage of a count."""

    number: int
    tally: dict[str, Value]
    threshold: Value | None = None
    elected: list[str] = field(default_factory=list)
    eliminated: list[str] = field(default_factory=list)
    transfers: list[Transfer] = field(default_factory=list)
    exhausted: dict[str, Value] = field(default_factory=dict)
    residual: Value = 0
    surplus: Value | None = None
    note: str = ""
    #: For counts made of several passes (RCTab's multi-pass IRV): which pass this round belongs to.
    pass_number: int | None = None
    #: Meek: each candidate's keep factor when the round's decisions were taken.
    keep_factors: dict[str, Value] = field(default_factory=dict)
    #: The state after each decision within the round, in order, where a round takes several
    #: (Meek defeats a batch of sure losers one by one, redistributing after each).
    steps: list["Round"] = field(default_factory=list)

    def as_dict(self, places: int | None) -> dict[str, Any]:
        return {
            **({"pass": self.pass_number} if self.pass_number is not None else {}),
            "round": self.number,
            "tally": {k: format_value(v, places) for k, v in self.tally.items()},
            "threshold": format_value(self.threshold, places),
            "elected": list(self.elected),
            "eliminated": list(self.eliminated),
            "transfers": [t.as_dict(places) for t in self.transfers],
            "exhausted": {k: format_value(v, places) for k, v in self.exhausted.items()},
            "residual": format_value(self.residual, places),
            "surplus": format_value(self.surplus, places),
            **({"note": self.note} if self.note else {}),
            **({"keep_factors": {k: format_value(v, places) for k, v in self.keep_factors.items()}}
               if self.keep_factors else {}),
            **({"steps": [s.as_dict(places) for s in self.steps]} if self.steps else {}),
        }


@dataclass
class Result:
    """A complete count: what was counted, under which rules, and every round."""

    method: str
    seats: int
    candidates: list[str]
    elected: list[str]
    rounds: list[Round]
    rules: dict[str, Any] = field(default_factory=dict)
    places: int | None = None
    total_ballots: Value = 0
    #: ballots read that had no valid first preference (counted in ``total_ballots``)
    invalid_ballots: Value = 0
    ties: list[TieBreak] = field(default_factory=list)
    withdrawn: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    title: str = ""
    software_version: str = __version__

    def as_dict(self) -> dict[str, Any]:
        return {
            "software": f"plenary {self.software_version}",
            "title": self.title,
            "method": self.method,
            "rules": self.rules,
            "seats": self.seats,
            "candidates": list(self.candidates),
            "withdrawn": list(self.withdrawn),
            "total_ballots": format_value(self.total_ballots, None),
            **({"invalid_ballots": format_value(self.invalid_ballots, None)} if self.invalid_ballots else {}),
            "elected": list(self.elected),
            "rounds": [r.as_dict(self.places) for r in self.rounds],
            "ties": [t.as_dict() for t in self.ties],
            "notes": list(self.notes),
        }

    def to_json(self, indent: int | None = 2) -> str:
        return json.dumps(self.as_dict(), indent=indent, ensure_ascii=False)

    def to_text(self) -> str:
        """A readable report: one block per round, the way count sheets are laid out."""
        from voting.report import render_text

        return render_text(self)
