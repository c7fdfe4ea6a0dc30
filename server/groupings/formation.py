"""When a faction or platform is formed and dissolved, and when a petition is met.

DOMAIN: "any ten or more members proposing that the organisation take a decision" form a
faction, which "dissolves once those are voted on"; platforms "last as long as their members
want". An extra NMM is called "on the request of 10% of branches, or of 20% of members by
petition"; issue 7 asks that the base be the membership as it stood when the petition opened
and that the count be stated with it ("83 of 412 members = 20.1%, threshold 20% = 82.4
members"). The threshold arithmetic is voting/decision.py's, so a petition and a motion's
share are worked out and worded the same way.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta
from fractions import Fraction
from typing import Iterable, Literal, Mapping

from voting.decision import ThresholdCheck, minimum_threshold, share_threshold

from server.dates import day_month_year

GroupingKind = Literal["faction", "platform"]
DEFAULT_MINIMUM_SIGNATURES = 10


class FormationError(ValueError):
    """A rule or a count that cannot be used, with the reason in words."""


# --- forming a faction or platform --------------------------------------------------------

@dataclass(frozen=True)
class FormationStatus:
    """Whether enough members have signed, who they are, and the sentence that says so."""

    formed: bool
    signers: tuple[str, ...]
    minimum: int
    check: ThresholdCheck
    message: str

    @property
    def missing(self) -> int:
        return max(0, self.minimum - len(self.signers))


def formation_status(signers: Iterable[str], minimum: int = DEFAULT_MINIMUM_SIGNATURES) -> FormationStatus:
    """A faction or platform is formed once ``minimum`` distinct members have signed.

    A member who signs twice counts once; the signers are kept in the order they signed,
    because the list is shown to all members.
    """
    if minimum < 1:
        raise FormationError(f"the minimum number of signatures must be at least 1, not {minimum}")
    distinct = tuple(dict.fromkeys(signers))
    check = minimum_threshold(len(distinct), minimum, unit="signatures")
    count, missing = len(distinct), max(0, minimum - len(distinct))
    if check.met:
        message = f"{count} of the {minimum} signatures needed: formed"
    else:
        message = f"{count} of the {minimum} signatures needed; {missing} more to form"
    return FormationStatus(check.met, distinct, minimum, check, message)


@dataclass(frozen=True)
class Lifespan:
    """How long a grouping lasts: until its deciding meeting has voted, or open-ended."""

    kind: GroupingKind
    #: the deciding meeting's vote date (factions); None for platforms
    dissolves_on: date | None
    dissolved: bool
    words: str


def lifespan(kind: GroupingKind, meeting: str | None = None, vote_date: date | None = None,
             meeting_has_voted: bool = False) -> Lifespan:
    """A faction dissolves on the date its deciding meeting votes; a platform does not.

    The date is known, and shown, from the day the faction is proposed (issue 7). It is
    dissolved once the meeting has actually voted, so a postponed vote keeps it alive until
    the integration records the new date.
    """
    if kind == "platform":
        return Lifespan(kind, None, False, "A platform lasts as long as its members want.")
    if kind != "faction":
        raise FormationError(f"unknown grouping kind {kind!r}: use faction or platform")
    if meeting is None or vote_date is None:
        raise FormationError("a faction names the meeting that decides its question and that meeting's vote date")
    when = day_month_year(vote_date)
    if meeting_has_voted:
        return Lifespan(kind, vote_date, True, f"Dissolved on {when}, when {meeting} voted on its proposals.")
    return Lifespan(kind, vote_date, False, f"Dissolves when {meeting} votes on its proposals, on {when}.")


# --- petitions ---------------------------------------------------------------------------

PetitionUnit = Literal["members", "branches"]


@dataclass(frozen=True)
class Threshold:
    """One way a petition can be met: a share of the members or of the branches."""

    share: Fraction
    unit: PetitionUnit


@dataclass(frozen=True)
class PetitionRule:
    """Either-of thresholds: the petition is met when any one of them is reached."""

    thresholds: tuple[Threshold, ...]
    #: within how long the meeting must be convened once the petition is met
    convene_within: "Period | None" = None


@dataclass(frozen=True)
class PetitionBase:
    """The membership as it stood when the petition opened: later joiners do not move the bar."""

    members: int
    branches: int | None = None

    def total(self, unit: PetitionUnit) -> int:
        total = self.members if unit == "members" else self.branches
        if total is None:
            raise FormationError(f"the petition's base has no number of {unit}")
        return total


@dataclass(frozen=True)
class PetitionStatus:
    met: bool
    checks: tuple[ThresholdCheck, ...]
    words: str


_SHARE_WORDS = {"a tenth": Fraction(1, 10), "one tenth": Fraction(1, 10), "a fifth": Fraction(1, 5),
                "one fifth": Fraction(1, 5), "a quarter": Fraction(1, 4), "one quarter": Fraction(1, 4),
                "a third": Fraction(1, 3), "one third": Fraction(1, 3), "half": Fraction(1, 2),
                "one half": Fraction(1, 2), "two thirds": Fraction(2, 3)}
_UNIT_WORDS = {"members": "members", "membership": "members", "branches": "branches"}
_THRESHOLD = re.compile(
    r"(?P<share>\d+(?:\.\d+)?\s*%|\d+\s*/\s*\d+|" + "|".join(_SHARE_WORDS) + r")"
    r"\s+of\s+(?:the\s+|all\s+)?(?P<unit>" + "|".join(_UNIT_WORDS) + r")\b")


def parse_petition_rule(text: str, convene_within: str | None = None) -> PetitionRule:
    """Read a constitution's wording: ``10% of the branches or 20% of the membership``."""
    parts = [part.strip() for part in re.split(r"\bor\b|,", text.strip().lower()) if part.strip()]
    if not parts:
        raise FormationError("a petition rule needs at least one threshold")
    thresholds = []
    for part in parts:
        match = _THRESHOLD.search(part)
        if not match:
            raise FormationError(f"cannot read the threshold {part!r}: write it like '20% of the membership' "
                                 "or 'a tenth of the branches'")
        thresholds.append(Threshold(_share(match["share"]), _UNIT_WORDS[match["unit"]]))  # type: ignore[arg-type]
    period = parse_period(convene_within) if convene_within else None
    return PetitionRule(tuple(thresholds), period)


def petition_status(rule: PetitionRule, base: PetitionBase, counts: Mapping[PetitionUnit, int]) -> PetitionStatus:
    """Each threshold checked against the frozen base; met when any one is.

    ``counts`` holds the members who signed and the branches that requested it; a unit the
    petition has no count for counts as zero.
    """
    checks = []
    for threshold in rule.thresholds:
        count = counts.get(threshold.unit, 0)
        if count < 0:
            raise FormationError(f"the count of {threshold.unit} cannot be negative")
        total = base.total(threshold.unit)
        if count > total:
            raise FormationError(f"{count} {threshold.unit} signed but the base has only {total}")
        if total == 0:  # a share of nothing is nothing: no signature would be needed
            checks.append(ThresholdCheck(False, 0, Fraction(0), f"there were no {threshold.unit} when it opened, "
                                                                   "so it cannot be met that way"))
            continue
        checks.append(share_threshold(count, total, threshold.share, unit=threshold.unit))
    met = any(check.met for check in checks)
    return PetitionStatus(met, tuple(checks), "; or ".join(check.words for check in checks))


# --- convening once met ------------------------------------------------------------------

@dataclass(frozen=True)
class Period:
    """A period the rules state: so many days, weeks or calendar months."""

    amount: int
    unit: Literal["days", "weeks", "months"]

    def after(self, start: date) -> date:
        if self.unit == "days":
            return start + timedelta(days=self.amount)
        if self.unit == "weeks":
            return start + timedelta(weeks=self.amount)
        month_index = start.month - 1 + self.amount
        year, month = start.year + month_index // 12, month_index % 12 + 1
        # 31 January plus one month is the last day of February, not 3 March.
        return date(year, month, min(start.day, calendar.monthrange(year, month)[1]))

    def words(self) -> str:
        unit = self.unit if self.amount != 1 else self.unit[:-1]
        return f"{self.amount} {unit}"


def parse_period(text: str) -> Period:
    match = re.fullmatch(r"\s*(\d+)\s*(day|week|month)s?\s*", text.lower())
    if not match:
        raise FormationError(f"cannot read the period {text!r}: write it like '6 weeks', '2 months' or '28 days'")
    return Period(int(match[1]), f"{match[2]}s")  # type: ignore[arg-type]


@dataclass(frozen=True)
class ConveningDeadline:
    met_on: date
    convene_by: date
    words: str


def convening_deadline(rule: PetitionRule, met_on: date, body: str = "the steering committee",
                       meeting: str = "the meeting") -> ConveningDeadline:
    """The last day the meeting may be held once the petition was met on ``met_on``."""
    if rule.convene_within is None:
        raise FormationError("the petition rule states no period within which the meeting must be convened")
    convene_by = rule.convene_within.after(met_on)
    words = (f"Threshold met on {day_month_year(met_on)}: {body} must convene {meeting} by "
             f"{day_month_year(convene_by)} (within {rule.convene_within.words()}).")
    return ConveningDeadline(met_on, convene_by, words)


def _share(text: str) -> Fraction:
    text = " ".join(text.split())
    if text in _SHARE_WORDS:
        return _SHARE_WORDS[text]
    text = text.replace(" ", "")
    if text.endswith("%"):
        share = Fraction(text[:-1]) / 100
    else:
        numerator, denominator = text.split("/")
        if int(denominator) == 0:
            raise FormationError(f"threshold {text!r} divides by zero")
        share = Fraction(int(numerator), int(denominator))
    if not 0 < share <= 1:
        raise FormationError(f"threshold {text!r} must be a share between 0 and 100%")
    return share
