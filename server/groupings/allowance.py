"""A faction's weekly allowance: one document circulated to all members and one article.

DOMAIN (factions): a faction is entitled to "its documents circulated to all members once a
week" and "one article a week on the website". The week is a calendar week in the
organisation's time zone, starting on a configurable weekday, so a document sent at 00:30 on a
Monday in London belongs to that Monday's week even though it is still Sunday in UTC.

Everything here is pure: the history of uses and "now" come in, a decision with the words a
member reads comes out. Times must be timezone-aware; the rule converts them to local time.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Iterable, Literal, Sequence
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from server.dates import day_month, day_month_year

UseKind = Literal["document", "article"]
USE_KINDS: tuple[UseKind, ...] = ("document", "article")

#: what the faction did with each kind of allowance, for the messages
_VERBS: dict[str, str] = {"document": "circulated", "article": "published"}

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


class AllowanceError(ValueError):
    """A week rule or a use that cannot be judged, with the reason in words."""


@dataclass(frozen=True)
class WeekRule:
    """Where calendar weeks begin: a weekday (0 = Monday) at local midnight in a time zone."""

    time_zone: str = "Europe/London"
    first_weekday: int = 0

    def __post_init__(self) -> None:
        try:
            ZoneInfo(self.time_zone)
        except (ZoneInfoNotFoundError, ValueError):
            raise AllowanceError(f"unknown time zone {self.time_zone!r}") from None
        if not 0 <= self.first_weekday <= 6:
            raise AllowanceError(f"first weekday {self.first_weekday} is not 0 (Monday) to 6 (Sunday)")

    @classmethod
    def named(cls, time_zone: str = "Europe/London", first_weekday: str = "monday") -> "WeekRule":
        """Build from settings words: ``WeekRule.named("Europe/Berlin", "sunday")``."""
        key = first_weekday.strip().lower()
        if key not in WEEKDAYS:
            raise AllowanceError(f"unknown weekday {first_weekday!r}: use one of {', '.join(WEEKDAYS)}")
        return cls(time_zone, WEEKDAYS.index(key))

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.time_zone)

    def local_date(self, moment: datetime) -> date:
        if moment.tzinfo is None or moment.utcoffset() is None:
            raise AllowanceError(f"time {moment.isoformat()} has no time zone; pass an aware datetime")
        return moment.astimezone(self.zone).date()

    def week_of(self, moment: datetime) -> date:
        """The local date on which the week containing ``moment`` began."""
        day = self.local_date(moment)
        return day - timedelta(days=(day.weekday() - self.first_weekday) % 7)

    def week_begins_at(self, week: date) -> datetime:
        """The first instant of a week, as an aware local time.

        Local midnight with ``fold=0``: where a DST change skips midnight (clocks jump from
        00:00 to 01:00) this is the instant of the jump; where midnight repeats, the first one.
        """
        return datetime.combine(week, time(0), self.zone).astimezone(self.zone)


@dataclass(frozen=True)
class Use:
    """One use of an allowance: a faction's document circulated or article published."""

    faction: str
    kind: UseKind
    at: datetime


@dataclass(frozen=True)
class AllowanceDecision:
    """Whether a faction may use an allowance now, and the sentence that says so."""

    allowed: bool
    faction: str
    kind: UseKind
    week: date
    #: the local time of this week's earlier use, when refused
    used_at: datetime | None
    #: the first local day and instant the allowance is free again, when refused
    next_allowed_on: date | None
    next_allowed_at: datetime | None
    message: str


def check_allowance(uses: Iterable[Use], faction: str, kind: UseKind, now: datetime,
                    rule: WeekRule = WeekRule(), grouping: str = "faction") -> AllowanceDecision:
    """May ``faction`` circulate a document (or publish an article) at ``now``?

    One of each kind per calendar week (DOMAIN, factions); the other kind and other
    factions' uses do not count against it. ``grouping`` names what kind of grouping the
    sentence is about ("faction", or "platform" for a platform's allowance).
    """
    _check_kind(kind)
    week = rule.week_of(now)
    earlier = [use for use in uses
               if use.faction == faction and use.kind == kind and rule.week_of(use.at) == week]
    if not earlier:
        message = (f"The {grouping} may {'circulate its document' if kind == 'document' else 'publish its article'}"
                   f" for the week of {_day_words(week, [week])}.")
        return AllowanceDecision(True, faction, kind, week, None, None, None, message)
    first = min(earlier, key=lambda use: use.at)
    used_at = first.at.astimezone(rule.zone)
    next_week = week + timedelta(days=7)
    shown = [week, used_at.date(), next_week]
    message = (f"The {grouping}'s {kind} for the week of {_day_words(week, shown)} was already "
               f"{_VERBS[kind]} on {_day_words(used_at.date(), shown)}; "
               f"next allowed on {_day_words(next_week, shown)}.")
    return AllowanceDecision(False, faction, kind, week, used_at, next_week,
                             rule.week_begins_at(next_week), message)


@dataclass(frozen=True)
class UsageRow:
    """One faction's use of its allowances: this week, and in total."""

    faction: str
    week: date
    #: local time of this week's use of each kind, None when still free
    this_week: dict[UseKind, datetime | None]
    #: the day each kind is next free: today's date when free now
    next_allowed_on: dict[UseKind, date]
    #: how many weeks each kind has been used in, over the whole history given
    weeks_used: dict[UseKind, int]

    def status(self, kind: UseKind) -> str:
        used = self.this_week[kind]
        if used is None:
            return "available this week"
        shown = [used.date(), self.next_allowed_on[kind]]
        return (f"{_VERBS[kind]} on {_day_words(used.date(), shown)}; "
                f"next allowed on {_day_words(self.next_allowed_on[kind], shown)}")


def usage_table(uses: Sequence[Use], factions: Iterable[str], now: datetime,
                rule: WeekRule = WeekRule()) -> list[UsageRow]:
    """Every faction's use of its allowances, in the order the factions are given.

    Shown to all members so that an allowance refused to one faction can be compared with
    the others' (issue 7: "shows every faction's use of it").
    """
    week = rule.week_of(now)
    today = rule.local_date(now)
    rows = []
    for faction in factions:
        this_week: dict[UseKind, datetime | None] = {}
        next_on: dict[UseKind, date] = {}
        weeks_used: dict[UseKind, int] = {}
        for kind in USE_KINDS:
            own = [use for use in uses if use.faction == faction and use.kind == kind]
            weeks_used[kind] = len({rule.week_of(use.at) for use in own})
            current = [use.at for use in own if rule.week_of(use.at) == week]
            this_week[kind] = min(current).astimezone(rule.zone) if current else None
            next_on[kind] = week + timedelta(days=7) if current else today
        rows.append(UsageRow(faction, week, this_week, next_on, weeks_used))
    return rows


def _check_kind(kind: str) -> None:
    if kind not in USE_KINDS:
        raise AllowanceError(f"unknown allowance {kind!r}: use document or article")


def _day_words(day: date, shown: Sequence[date]) -> str:
    """``9 March``; with the year when the dates in one sentence span two years."""
    return day_month_year(day) if len({other.year for other in shown}) > 1 else day_month(day)
