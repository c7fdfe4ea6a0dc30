"""Ballot kinds as immutable specifications, fixed and shown before a ballot opens.

A ``BallotSpec`` holds everything a member needs to know before voting and
everything a recount needs afterwards: the kind of ballot, its rules (decision
rule and base, or counting method, seats and attribute quotas), the
candidates or slates, the electorate (frozen roll size, total card votes and
a digest of the roll, and whether it is the body's members or its delegates),
the timetable, the seed for lots (or ``seed_from_count``: derived at the count
from values fixed only when voting is over), and the flags
(secret or open, may change vote, proxies, card-vote weights).

Kinds:

* ``motion`` / ``amendment``: yes, no or abstain, decided by a rule and base
  (``voting.decision``);
* ``choice``: one option among several, by a single mark (``plurality``) or
  ranked (``irv`` or ``exhaustive``);
* ``office``: one named post filled by its own count (``exhaustive``, ``irv``
  or ``plurality``);
* ``seats``: a group of seats filled together (``block``, ``scotland``,
  ``meek``, ``wigm``, ...), with optional attribute quotas
  (``voting.constraints``: "at least 4 of the 8 are women");
* ``slate``: accept or reject one proposed slate, with per-name strike-outs
  where ``strike_share`` is set (``voting.slates.vote_on_slate``);
* ``slates``: a choice between competing slates (``voting.slates.choose_slate``).

The spec serialises to canonical JSON; its SHA-256 ``fingerprint`` is shown
when the ballot is announced, and ``check_unchanged`` refuses any spec whose
fingerprint differs once voting has started.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, fields, replace
from datetime import datetime, timezone
from fractions import Fraction
from typing import Any, Iterable, Mapping, Sequence

from ballots.canonical import canonical_json, fingerprint
from voting.ballot import OVERVOTE, UNDECLARED_WRITE_IN
from voting.constraints import QuotaError, SeatQuota, require_meetable
from voting.decision import BASES, DecisionError, Quorum, Rule, check_rule_base, parse_base, parse_rule
from voting.methods.registry import METHODS

SPEC_FORMAT = "plenary-ballot-spec/1"

MOTION, AMENDMENT, CHOICE, OFFICE, SEATS, SLATE, SLATES = (
    "motion", "amendment", "choice", "office", "seats", "slate", "slates")
KINDS = (MOTION, AMENDMENT, CHOICE, OFFICE, SEATS, SLATE, SLATES)
#: kinds whose paper says yes, no or abstain
ANSWER_KINDS = (MOTION, AMENDMENT, SLATE)
ANSWERS = ("yes", "no", "abstain")

#: counting methods each kind may use; the first is the default
METHODS_FOR_KIND: dict[str, tuple[str, ...]] = {
    CHOICE: ("plurality", "irv", "exhaustive"),
    OFFICE: ("exhaustive", "irv", "plurality"),
    SEATS: ("scotland", "block", "meek", "wigm", "ers97", "plurality"),
    SLATES: ("plurality", "irv", "exhaustive"),
}
#: methods that read a ranking; the others read marks (one for plurality, up to ``max_marks`` for block)
RANKED_METHODS = frozenset({"irv", "exhaustive", "scotland", "meek", "wigm", "ers97"})
#: methods that take attribute quotas (``quotas=`` option)
QUOTA_METHODS = frozenset({"block", "scotland", "meek"})
#: methods the individual count beside a slate may use
INDIVIDUAL_METHODS = ("scotland", "meek", "wigm", "block")

GAPS_CLOSE, GAPS_REFUSE = "close", "refuse"
#: where the roll comes from when the ballot opens: the body's members, or the delegates sent to it
ROLL_MEMBERS, ROLL_DELEGATES = "members", "delegates"
ROLL_SOURCES = (ROLL_MEMBERS, ROLL_DELEGATES)
#: first characters a spreadsheet reads as the start of a formula: a name starting so is refused at set-up,
#: so the published CSV stays verbatim (and verifiable) and opening it runs nothing
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


class SpecError(ValueError):
    """A ballot specification that cannot be used, with the reason in words."""


class SpecChanged(SpecError):
    """A ballot's spec differs from the one fixed when voting started."""


@dataclass(frozen=True)
class Electorate:
    """The roll frozen when the ballot opens: voters, the votes they carry (card votes), a digest of the roll."""

    voters: int
    votes: int
    roll_digest: str = ""

    def __post_init__(self) -> None:
        if self.voters < 0 or self.votes < self.voters:
            raise SpecError(f"electorate of {self.voters} voters carrying {self.votes} votes is impossible")


@dataclass(frozen=True)
class Timetable:
    """When voting opens and closes, as UTC times ``YYYY-MM-DDTHH:MM:SSZ``."""

    opens: str
    closes: str

    def __post_init__(self) -> None:
        object.__setattr__(self, "opens", utc_text(self.opens))
        object.__setattr__(self, "closes", utc_text(self.closes))
        if self.closes <= self.opens:
            raise SpecError(f"the ballot closes ({self.closes}) before it opens ({self.opens})")


@dataclass(frozen=True)
class QuotaRule:
    """At least ``minimum`` of the seats go to ``members`` (``voting.constraints.SeatQuota``)."""

    label: str
    members: tuple[str, ...]
    minimum: int

    def __post_init__(self) -> None:
        object.__setattr__(self, "members", tuple(sorted(set(self.members))))

    def seat_quota(self) -> SeatQuota:
        return SeatQuota(self.label, frozenset(self.members), self.minimum)


@dataclass(frozen=True)
class SlateList:
    """A named slate and the people on it, in the order printed."""

    name: str
    members: tuple[str, ...]


@dataclass(frozen=True)
class BallotSpec:
    """Everything fixed about one ballot before it opens; checked as a whole when built."""

    kind: str
    title: str
    electorate: Electorate
    timetable: Timetable
    candidates: tuple[str, ...] = ()
    withdrawn: tuple[str, ...] = ()
    seats: int = 1
    method: str = ""
    method_options: tuple[tuple[str, str | int | bool], ...] = ()
    quotas: tuple[QuotaRule, ...] = ()
    #: marks or ranks a paper may carry; None: as many as there are choices (block: the seats)
    max_marks: int | None = None
    #: numbered (no-JavaScript) form: close gaps in the numbers, or refuse them
    gaps: str = GAPS_CLOSE
    #: an election paper may be returned with no mark
    blank_allowed: bool = False
    rule: str = "simple"
    base: str = "cast"
    quorum_minimum: int | None = None
    quorum_share: str | None = None
    slates: tuple[SlateList, ...] = ()
    #: slate vote: a name goes when struck on more than this share of papers (None: no strike-outs)
    strike_share: str | None = None
    #: slate papers also rank people, for the individual count beside the slate result
    individual_preferences: bool = False
    individual_method: str = "scotland"
    seed: str = ""
    #: lots use a seed derived at the count (``published_record.derived_seed``: the spec fingerprint and the
    #: ballots digest), unknown to anyone before the close; omitted from the JSON when false, so specs with a
    #: seed drawn at set-up (before this field existed) keep their fingerprints
    seed_from_count: bool = False
    secret: bool = True
    may_change_vote: bool = False
    proxies_allowed: bool = False
    weighted: bool = False
    #: the roll is the body's members (default) or the delegates to it; omitted from the JSON when
    #: ``members``, so the fingerprints of specs made before the field existed do not change
    roll_source: str = ROLL_MEMBERS
    #: a motion or amendment ballot: the version of the text it decides, pinned at set-up
    #: (server/services/ballot_subjects.py), so the fingerprint covers the words voted on; omitted
    #: from the JSON when empty, so specs made before the field existed keep their fingerprints
    subject_version: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "candidates", tuple(self.candidates))
        object.__setattr__(self, "withdrawn", tuple(self.withdrawn))
        object.__setattr__(self, "method_options", tuple(sorted(tuple(p) for p in self.method_options)))
        object.__setattr__(self, "quotas", tuple(self.quotas))
        object.__setattr__(self, "slates", tuple(self.slates))
        _check(self)

    # What a paper may hold -------------------------------------------------

    @property
    def answers_yes_no(self) -> bool:
        return self.kind in ANSWER_KINDS

    @property
    def ranked(self) -> bool:
        return self.method in RANKED_METHODS

    @property
    def choices(self) -> tuple[str, ...]:
        """The names a ranking or marks may hold: candidates, options, or slate names."""
        if self.kind == SLATES:
            return tuple(s.name for s in self.slates)
        if self.answers_yes_no:
            return ()
        return self.candidates

    @property
    def standing(self) -> tuple[str, ...]:
        return tuple(c for c in self.choices if c not in self.withdrawn)

    @property
    def mark_limit(self) -> int:
        """The most marks (or ranks) a paper may carry."""
        if self.max_marks is not None:
            return self.max_marks
        if self.method == "plurality":
            return 1
        if self.method == "block":
            return self.seats
        return len(self.standing)

    @property
    def individuals(self) -> tuple[str, ...]:
        """Everyone named on the slates, for papers that also rank people."""
        return tuple(dict.fromkeys(m for s in self.slates for m in s.members))

    @property
    def entitled(self) -> int:
        """Those entitled to vote, in the unit the count uses (card votes when weighted)."""
        return self.electorate.votes if self.weighted else self.electorate.voters

    def decision_rule(self) -> Rule:
        return parse_rule(self.rule)

    def quorum(self) -> Quorum | None:
        if self.quorum_minimum is None and self.quorum_share is None:
            return None
        return Quorum(self.quorum_minimum, None if self.quorum_share is None else Fraction(self.quorum_share))

    def strike_fraction(self) -> Fraction | None:
        return None if self.strike_share is None else Fraction(self.strike_share)

    def count_options(self, quota_credit: Mapping[str, int] | None = None) -> dict[str, Any]:
        """Options for ``voting.methods.registry.count``: the seed, quotas and method options.

        ``quota_credit`` gives, per quota label, the seats of the body already
        filled by that quota's members (officers elected before this group
        count), as ``voting.elections.group_quota_after_offices`` reduces them.
        """
        options: dict[str, Any] = dict(self.method_options)
        if self.seed:
            options["seed"] = self.seed
        credit = dict(quota_credit or {})
        unknown = sorted(set(credit) - {q.label for q in self.quotas})
        if unknown:
            raise SpecError(f"quota credit for {', '.join(unknown)}, which this ballot has no quota for")
        quotas = tuple(SeatQuota(q.label, frozenset(q.members), max(0, q.minimum - credit.get(q.label, 0)))
                       for q in self.quotas)
        if any(q.minimum > 0 for q in quotas):
            options["quotas"] = tuple(q for q in quotas if q.minimum > 0)
        if self.method == "block" and self.max_marks is not None:
            options["max_marks"] = self.max_marks
        return options

    # Serialisation -----------------------------------------------------------

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["method_options"] = {key: value for key, value in self.method_options}
        if self.roll_source == ROLL_MEMBERS:
            del data["roll_source"]
        if not self.subject_version:
            del data["subject_version"]
        if not self.seed_from_count:
            del data["seed_from_count"]
        return {"format": SPEC_FORMAT, **_lists(data)}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> "BallotSpec":
        data = dict(data)
        if data.pop("format", SPEC_FORMAT) != SPEC_FORMAT:
            raise SpecError(f"not a {SPEC_FORMAT} specification")
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(data) - known)
        if unknown:
            raise SpecError(f"unknown field(s) in ballot spec: {', '.join(unknown)}")
        try:
            data["electorate"] = Electorate(**data["electorate"])
            data["timetable"] = Timetable(**data["timetable"])
            data["quotas"] = tuple(QuotaRule(q["label"], tuple(q["members"]), q["minimum"])
                                   for q in data.get("quotas", ()))
            data["slates"] = tuple(SlateList(s["name"], tuple(s["members"])) for s in data.get("slates", ()))
            data["method_options"] = tuple(dict(data.get("method_options", {})).items())
            for name in ("candidates", "withdrawn"):
                data[name] = tuple(data.get(name, ()))
            return cls(**data)
        except (KeyError, TypeError) as exc:
            raise SpecError(f"ballot spec is missing or mistypes a field: {exc}") from None

    @classmethod
    def from_json(cls, text: str) -> "BallotSpec":
        """The spec stored as ``canonical_json``."""
        return cls.from_dict(json.loads(text))

    def canonical_json(self) -> str:
        return canonical_json(self.as_dict())

    def fingerprint(self) -> str:
        """SHA-256 of the canonical JSON: shown before the ballot opens."""
        return fingerprint(self.as_dict())


def check_unchanged(spec: BallotSpec, fixed_fingerprint: str) -> None:
    """Refuse a spec that differs from the one fixed when voting started."""
    now = spec.fingerprint()
    if now != fixed_fingerprint:
        raise SpecChanged(f"the ballot's rules, candidates, electorate or timetable changed after voting started "
                          f"(fingerprint {now[:16]}…, fixed {fixed_fingerprint[:16]}…)")


def roll_digest(roll: Iterable[tuple[str, int]]) -> str:
    """SHA-256 over the frozen roll, ``[[member, weight], ...]`` sorted: members check the roll they see is the one fixed."""
    return fingerprint(sorted([member, weight] for member, weight in roll))


# Constructors, one per kind ---------------------------------------------------


def _base_for(rule: str, base: str | None) -> str:
    if base is not None:
        return base
    try:
        return parse_rule(rule).default_base
    except DecisionError as exc:
        raise SpecError(str(exc)) from None


def motion(title: str, electorate: Electorate, timetable: Timetable, *, rule: str = "simple",
           base: str | None = None, amendment: bool = False, **flags: Any) -> BallotSpec:
    """``base`` defaults to the rule's own (votes cast including abstentions for an absolute majority)."""
    return BallotSpec(AMENDMENT if amendment else MOTION, title, electorate, timetable, rule=rule,
                      base=_base_for(rule, base), **flags)


def choice(title: str, options: Sequence[str], electorate: Electorate, timetable: Timetable, *,
           ranked: bool = False, method: str | None = None, **flags: Any) -> BallotSpec:
    method = method or ("irv" if ranked else "plurality")
    return _set_up(BallotSpec(CHOICE, title, electorate, timetable, candidates=tuple(options), method=method,
                              **_with_seed(flags)))


def office(title: str, candidates: Sequence[str], electorate: Electorate, timetable: Timetable, *,
           method: str = "exhaustive", **flags: Any) -> BallotSpec:
    return _set_up(BallotSpec(OFFICE, title, electorate, timetable, candidates=tuple(candidates), method=method,
                              **_with_seed(flags)))


def seats(title: str, candidates: Sequence[str], number: int, electorate: Electorate, timetable: Timetable, *,
          method: str = "scotland", quotas: Sequence[QuotaRule] = (), **flags: Any) -> BallotSpec:
    return _set_up(BallotSpec(SEATS, title, electorate, timetable, candidates=tuple(candidates), seats=number,
                              method=method, quotas=tuple(quotas), **_with_seed(flags)))


def slate(title: str, proposed: SlateList, electorate: Electorate, timetable: Timetable, *,
          rule: str = "simple", base: str | None = None, strike_share: str | None = None,
          **flags: Any) -> BallotSpec:
    return _set_up(BallotSpec(SLATE, title, electorate, timetable, slates=(proposed,), rule=rule,
                              base=_base_for(rule, base), strike_share=strike_share, **_with_seed(flags)))


def slates(title: str, competing: Sequence[SlateList], electorate: Electorate, timetable: Timetable, *,
           method: str = "plurality", **flags: Any) -> BallotSpec:
    return _set_up(BallotSpec(SLATES, title, electorate, timetable, slates=tuple(competing), method=method,
                              **_with_seed(flags)))


def with_flags(spec: BallotSpec, **flags: Any) -> BallotSpec:
    """The same ballot with other settings (before it opens; the fingerprint changes)."""
    return replace(spec, **flags)


def utc_text(moment: datetime | str) -> str:
    """A time as ``YYYY-MM-DDTHH:MM:SSZ`` in UTC; naive times are refused, not guessed."""
    if isinstance(moment, str):
        try:
            moment = datetime.fromisoformat(moment.strip())
        except ValueError:
            raise SpecError(f"time {moment!r} is not an ISO 8601 date and time") from None
    if moment.tzinfo is None:
        raise SpecError(f"time {moment.isoformat()} has no time zone; give UTC (…Z)")
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def _with_seed(flags: dict[str, Any]) -> dict[str, Any]:
    """A seed given (the demo, tests) is kept; otherwise lots use the seed derived at the count, which
    nobody can know, or redraw by setting the ballot up again, before voting is over."""
    if flags.get("seed") or "seed_from_count" in flags:
        return flags
    return {**flags, "seed_from_count": True}


def _set_up(spec: BallotSpec) -> BallotSpec:
    """Checks for a ballot being set up, not for a spec read back (stored, or from a published record),
    so older ballots still count and verify: no name may start as a spreadsheet formula."""
    names = [(n, "candidate") for n in spec.candidates] + [(s.name, "slate") for s in spec.slates]
    names += [(m, f"person on slate {s.name!r}") for s in spec.slates for m in s.members]
    for name, what in names:
        if name.startswith(FORMULA_STARTS):
            raise SpecError(f"{what} name {name!r} starts with {name[0]!r}: a spreadsheet opening the published "
                            "record would take it for a formula and run it; write the name without that sign")
    return spec


def _lists(value: Any) -> Any:
    if isinstance(value, (list, tuple)):
        return [_lists(v) for v in value]
    if isinstance(value, dict):
        return {k: _lists(v) for k, v in value.items()}
    return value


def _check(spec: BallotSpec) -> None:
    """Every setting makes sense for the kind; say what is wrong otherwise."""
    if spec.kind not in KINDS:
        raise SpecError(f"unknown ballot kind {spec.kind!r}; use one of {', '.join(KINDS)}")
    if not spec.title.strip():
        raise SpecError("a ballot needs a title")
    if spec.gaps not in (GAPS_CLOSE, GAPS_REFUSE):
        raise SpecError(f"gaps must be {GAPS_CLOSE!r} or {GAPS_REFUSE!r}, not {spec.gaps!r}")
    if spec.roll_source not in ROLL_SOURCES:
        raise SpecError(f"the roll is the body's {' or its '.join(ROLL_SOURCES)}, not {spec.roll_source!r}")
    if spec.subject_version and (spec.kind not in (MOTION, AMENDMENT) or not isinstance(spec.subject_version, str)
                                 or spec.subject_version != " ".join(spec.subject_version.split())):
        raise SpecError("only a motion or amendment ballot pins the version of its text, as one line of text")
    if not spec.weighted and spec.electorate.votes != spec.electorate.voters:
        raise SpecError("an electorate carrying more votes than voters needs weighted (card) votes")
    if spec.seed_from_count and spec.seed:
        raise SpecError("lots use the seed fixed at set-up or the one derived at the count, not both")
    for key, value in spec.method_options:
        if key in ("seed", "quotas") or not isinstance(value, (str, int, bool)):
            raise SpecError(f"method option {key!r}: give it as its own field, as text, a whole number or true/false")
    if spec.answers_yes_no:
        _check_decision(spec)
    else:
        _check_rule_unused(spec)
    if spec.kind == SLATE:
        _check_slates(spec, exactly_one=True)
    elif spec.kind == SLATES:
        _check_slates(spec, exactly_one=False)
    if spec.kind in METHODS_FOR_KIND:
        _check_count(spec)
    elif spec.method or spec.candidates or spec.quotas or spec.seats != 1:
        raise SpecError(f"a {spec.kind} ballot takes no method, candidates, quotas or seats")


def _check_decision(spec: BallotSpec) -> None:
    try:
        base = parse_base(spec.base)
        if base != spec.base:
            raise SpecError(f"give the base by its name: {base!r}, one of {', '.join(BASES)}")
        check_rule_base(parse_rule(spec.rule), base)
        spec.quorum()
    except (DecisionError, ValueError, ZeroDivisionError) as exc:
        raise SpecError(str(exc)) from None
    if spec.strike_share is not None:
        if spec.kind != SLATE:
            raise SpecError("strike-outs apply only to a slate vote")
        share = _fraction(spec.strike_share, "strike share")
        if not 0 <= share < 1:
            raise SpecError(f"strike share {spec.strike_share} must be at least 0 and below 1")


def _check_rule_unused(spec: BallotSpec) -> None:
    if spec.rule != "simple" or spec.base != "cast" or spec.quorum() is not None or spec.strike_share is not None:
        raise SpecError(f"a {spec.kind} ballot is counted by its method; a decision rule, base, quorum or "
                        "strike share does not apply")


def _check_slates(spec: BallotSpec, exactly_one: bool) -> None:
    if exactly_one and len(spec.slates) != 1:
        raise SpecError("a slate vote is on exactly one proposed slate")
    if not exactly_one and len(spec.slates) < 2:
        raise SpecError("a choice of slates needs at least two slates")
    _check_names([s.name for s in spec.slates], "slate")
    for s in spec.slates:
        if not s.members:
            raise SpecError(f"slate {s.name!r} names nobody")
        _check_names(list(s.members), f"person on slate {s.name!r}")
    if spec.individual_preferences and spec.individual_method not in INDIVIDUAL_METHODS:
        raise SpecError(f"individual count method {spec.individual_method!r}: use one of "
                        f"{', '.join(INDIVIDUAL_METHODS)}")


def _check_count(spec: BallotSpec) -> None:
    allowed = METHODS_FOR_KIND[spec.kind]
    if spec.method not in allowed or spec.method not in METHODS:
        raise SpecError(f"a {spec.kind} ballot is counted by {', '.join(m for m in allowed if m in METHODS)}, "
                        f"not {spec.method!r}")
    if spec.kind != SLATES:
        if not spec.candidates:
            raise SpecError(f"a {spec.kind} ballot needs candidates")
        _check_names(list(spec.candidates), "candidate")
    elif spec.candidates:
        raise SpecError("a choice of slates lists slates, not candidates")
    unknown = sorted(set(spec.withdrawn) - set(spec.choices))
    if unknown:
        raise SpecError(f"withdrawn but not standing: {', '.join(unknown)}")
    if spec.seats < 1 or spec.seats > len(spec.standing):
        raise SpecError(f"{spec.seats} seat(s) with {len(spec.standing)} standing")
    if spec.kind != SEATS and spec.seats != 1:
        raise SpecError(f"a {spec.kind} ballot fills one seat; use a seats ballot for several")
    if spec.method in ("irv", "exhaustive") and spec.seats != 1:
        raise SpecError(f"{spec.method} fills one seat")
    if spec.max_marks is not None and not 1 <= spec.max_marks <= len(spec.standing):
        raise SpecError(f"max_marks {spec.max_marks} must be between 1 and the {len(spec.standing)} standing")
    if spec.method == "plurality" and spec.max_marks not in (None, 1):
        raise SpecError("a plurality paper carries one mark")
    if spec.quotas:
        if spec.method not in QUOTA_METHODS:
            raise SpecError(f"attribute quotas apply to {', '.join(sorted(QUOTA_METHODS))}, not {spec.method}")
        for q in spec.quotas:
            outside = sorted(set(q.members) - set(spec.candidates))
            if outside:
                raise SpecError(f"quota {q.label!r} names people who are not candidates: {', '.join(outside)}")
        try:
            require_meetable([q.seat_quota() for q in spec.quotas], spec.standing, spec.seats)
        except QuotaError as exc:
            raise SpecError(str(exc)) from None


def _check_names(names: list[str], what: str) -> None:
    seen: set[str] = set()
    for name in names:
        if not name or name != name.strip():
            raise SpecError(f"{what} name {name!r} is empty or has spaces at its ends")
        if "|" in name or name in (OVERVOTE, UNDECLARED_WRITE_IN) or "\n" in name:
            raise SpecError(f"{what} name {name!r} cannot hold '|', a line break or a special mark")
        if name in seen:
            raise SpecError(f"{what} {name!r} is named twice")
        seen.add(name)


def _fraction(text: str, what: str) -> Fraction:
    try:
        return Fraction(text)
    except (ValueError, ZeroDivisionError):
        raise SpecError(f"{what} {text!r} is not a fraction like 1/2 or 0.5") from None

