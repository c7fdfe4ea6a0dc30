"""Reading counts as organisations publish them, and checking what they support.

Published results are often words: "Many for, 6 no, 1 abstention", "39 votes
to eight", "483 for, 133 against, 13 abstentions; 77 percent of delegates",
"a 90% turn out with a 92% yes vote", "the room was split". ``parse_published``
reads the figures the text gives and leaves every other figure unknown (None);
``check_published`` then says, without inventing a number:

* the outcome under a rule on every base it can be taken on, or the range of
  the one unknown figure under which it carries, intersected with what the
  published figures allow ("carried whenever for >= 7"; "carried only if
  exactly 15 members were entitled to vote", since 15 voted);
* for each published percentage, which bases it is consistent with. A
  published percentage is rounded, so "77" means a true share in [76.5, 77.5];
  shares are compared as exact intervals, never as floats;
* the turnout as published (a rounded percentage) or as the figures give it;
* what stays undetermined (the for count, the turnout, a percentage);
* restatements on a base the figures do not support ("70 percent of members"
  when only "70 percent of those who voted" was published).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field, replace
from fractions import Fraction
from typing import Any, Literal

from voting.decision import BASES, SIMPLE, Rule, decide, percent, rule_and_base

Subject = Literal["for", "turnout"]
#: a published base phrase may name one base, a group ("votes": with or without abstentions) or none
VOTES = ("cast", "cast-with-abstentions")
ROUNDING = Fraction(1, 2)  # a published whole percentage is within +/- 0.5 of the true share


class PublishedCountError(ValueError):
    """Text from which no count or percentage can be read."""


@dataclass(frozen=True)
class Interval:
    """A closed interval of exact shares (0..1), for percentages known only to rounding."""

    low: Fraction
    high: Fraction

    @classmethod
    def point(cls, value: Fraction) -> "Interval":
        return cls(value, value)

    @classmethod
    def rounded_percent(cls, published: Fraction) -> "Interval":
        return cls(max(Fraction(0), (published - ROUNDING) / 100), min(Fraction(1), (published + ROUNDING) / 100))

    def __mul__(self, other: "Interval") -> "Interval":
        return Interval(self.low * other.low, self.high * other.high)

    def overlaps(self, other: "Interval") -> bool:
        return self.low <= other.high and other.low <= self.high

    def describe(self) -> str:
        if self.low == self.high:
            return percent(self.low, 2)
        return f"{percent(self.low, 2)} to {percent(self.high, 2)}"


@dataclass(frozen=True)
class Percentage:
    value: Fraction
    subject: Subject
    bases: tuple[str, ...]  # the bases the published phrase could mean
    phrase: str  # the base as published ("of delegates"), or "" when none is named

    @property
    def interval(self) -> Interval:
        return Interval.rounded_percent(self.value)


@dataclass(frozen=True)
class PublishedCount:
    """The figures a published text gives; None where it gives none."""

    text: str
    for_: int | None = None
    against: int | None = None
    abstain: int | None = None
    many_for: bool = False
    unanimous: bool = False  # nobody voted against ("unanimous", "nem. con."); abstentions stay unknown
    tie: bool = False
    percentages: tuple[Percentage, ...] = ()
    participants: int | None = None
    participants_qualifier: str = ""  # "nearly", "about", ...
    declared: str | None = None  # "carried" | "fell" | None
    majority: str | None = None  # "for" | "against": the words say which side had more votes
    majority_words: str = ""  # as published: "by a large majority", "overwhelmingly"
    margin: int | None = None  # "by a majority of 12": the winning side had 12 more
    spoilt: int | None = None  # spoilt, void or invalid papers: in the turnout, in no base


# -- reading -----------------------------------------------------------------

_UNITS = {w: i for i, w in enumerate(
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen "
    "sixteen seventeen eighteen nineteen".split())}
_TENS = {w: 10 * i for i, w in enumerate("_ _ twenty thirty forty fifty sixty seventy eighty ninety".split()) if w != "_"}
_SCALES = {"hundred": 100, "thousand": 1000}
_NUMBER_WORD = r"(?:%s)" % "|".join(sorted([*_UNITS, *_TENS, *_SCALES], key=len, reverse=True))
_NUMBER_RUN = re.compile(rf"\b{_NUMBER_WORD}(?:(?:[\s-]+|\s+and\s+){_NUMBER_WORD})*\b")


def words_to_digits(text: str) -> str:
    """Replace number words ("thirty-nine", "one hundred and twelve") with digits."""

    def convert(match: re.Match[str]) -> str:
        total = current = 0
        for word in re.split(r"[\s-]+", match.group(0)):
            if word == "and":
                continue
            if word in _UNITS:
                current += _UNITS[word]
            elif word in _TENS:
                current += _TENS[word]
            elif word == "hundred":
                current = max(current, 1) * 100
            else:
                total += max(current, 1) * _SCALES[word]
                current = 0
        return str(total + current)

    return _NUMBER_RUN.sub(convert, text)


_BASE_PHRASES: list[tuple[str, tuple[str, ...]]] = [
    (r"of (?:all )?(?:the )?(?:members|membership|electorate|those entitled[\w ]*)", ("entitled",)),
    (r"of (?:the |those )?(?:members |delegates )?present|of the room|of the meeting", ("present",)),
    (r"of (?:the )?votes? cast excluding abstentions", ("cast",)),
    (r"of (?:the )?votes? cast including abstentions", ("cast-with-abstentions",)),
    (r"of (?:the )?votes?(?: cast)?|of those (?:who|that) voted|of those voting|of voters|of ballots(?: cast)?", VOTES),
    (r"of (?:the )?delegates", tuple(BASES)),
]
_QUALIFIER = r"(?:(nearly|almost|around|about|approximately|some|over|more than|just under|just over)\s+)?"


def parse_published(text: str) -> PublishedCount:
    """Read the figures in a published count; raise PublishedCountError if there are none."""
    raw = " ".join(text.split())
    t = words_to_digits(raw.lower()).replace("turn out", "turnout").replace("per cent", "percent")
    t = t.replace("’", "'").replace("...", " ").replace("…", " ").replace("–", "-").replace("—", "-")
    t = re.sub(r"(?<=\d),(?=\d{3}\b)", "", t)  # thousands separators: "1,204 for"
    figures = _read_counts(t)
    percentages = _read_percentages(t)
    declared = _read_declared(t, figures)
    figures.update(_read_majority(t, declared))
    readable = ("for_", "against", "abstain", "many_for", "unanimous", "tie", "participants", "majority", "spoilt")
    if not any(k in figures for k in readable) and not percentages and declared is None:
        hint = ""
        if m := re.search(r"\b(remitted|withdrawn|referred back|not put|not moved|lapsed)\b", t):
            hint = f" ({m[1]!r} records that no vote was taken)"
        raise PublishedCountError(f"no count, percentage or outcome can be read from {raw!r}{hint}")
    return PublishedCount(text=raw, percentages=percentages, declared=declared, **figures)


_NOT_PERCENT = r"(?!\s*(?:%|percent))"
_FOR_WORD = r"(?:for|in favou?r|yes|ayes?|pro)"
_AGAINST_WORD = r"(?:against|no|noes|opposed|contra)"
_ABSTAIN_WORD = r"(?:abstentions?|abstained|abstaining|abstain|abs)\b\.?"
_SPOILT_WORD = (r"(?:(?:spoilt|spoiled|void|invalid)(?:\s+(?:ballot\s+)?(?:papers?|ballots?|votes?))?"
                r"|rejected\s+(?:ballot\s+)?(?:papers?|ballots?|votes?))")


def _read_counts(t: str) -> dict[str, Any]:
    figures: dict[str, Any] = {}
    # "43-12-3", "43/12/3": for, against, abstain (a date such as 12/3/2014 is not a count)
    if (m := re.search(rf"(?<![\d/.:-])(\d+)\s*([-/])\s*(\d+)\s*\2\s*(\d+)\b{_NOT_PERCENT}(?![/.:-]\d)", t)) \
            and len(m[4]) < 4:
        figures["for_"], figures["against"], figures["abstain"] = int(m[1]), int(m[3]), int(m[4])
    elif m := re.search(rf"(\d+)\s+(?:votes?\s+)?to\s+(\d+)\b{_NOT_PERCENT}"
                        rf"|(?<![\d/.:-])(\d+)\s*-\s*(\d+)\b{_NOT_PERCENT}(?![/.:-]\d)", t):
        figures["for_"], figures["against"] = int(m[1] or m[3]), int(m[2] or m[4])
    number_first = {
        "for_": rf"(\d+)\s+(?:votes?\s+)?{_FOR_WORD}\b(?!\s+vote)",
        "against": rf"(\d+)\s+(?:votes?\s+)?{_AGAINST_WORD}\b",
        "abstain": rf"(\d+)\s+{_ABSTAIN_WORD}",
        "spoilt": rf"(\d+)\s+{_SPOILT_WORD}\b",
    }
    label_first = {
        "for_": rf"\b(?:votes?\s+)?{_FOR_WORD}\s*[:=-]?\s*(\d+)\b{_NOT_PERCENT}",
        "against": rf"\b(?:votes?\s+)?{_AGAINST_WORD}\s*[:=-]?\s*(\d+)\b{_NOT_PERCENT}",
        "abstain": rf"\b{_ABSTAIN_WORD}\s*[:=-]?\s*(\d+)\b{_NOT_PERCENT}",
        "spoilt": rf"\b{_SPOILT_WORD}\s*[:=-]?\s*(\d+)\b{_NOT_PERCENT}",
    }
    # "For 43, Against 12, Abstain 3" puts each label before its number, "43 for" after it; a text
    # keeps to one style, so take the one that reads more of the counts (number after label on a tie).
    readings = []
    for patterns in (label_first, number_first):
        found = {key: int(m[1]) for key, pattern in patterns.items() if (m := re.search(pattern, t))}
        readings.append(found)
    best = max(readings, key=len)
    for key, value in best.items():
        figures.setdefault(key, value)
    if re.search(r"\bmany\s+(?:for|in favour|yes)\b|\bmost\s+(?:for|in favour)\b", t):
        figures["many_for"] = True
    if re.search(r"\bunanimous(?:ly)?\b|\bnem\.?\s*con\b|\bnemine contradicente\b"
                 r"|\b(?:no(?:body| one)|none|no votes?) (?:against|opposed)\b|\bwithout (?:dissent|opposition)\b", t):
        figures["unanimous"] = True
        figures["against"] = 0
    if re.search(r"\b(?:room|meeting|vote) was (?:evenly |exactly )?(?:split|tied)\b"
                 r"|\bsplit (?:evenly|down the middle)\b|\btied\b|\bequal votes\b|\bvotes were equal\b", t):
        figures["tie"] = True
    if m := re.search(_QUALIFIER + rf"(\d+){_NOT_PERCENT}\s+(?:members|people|delegates|voters)?"
                      r"[^.;]*?\b(?:took part|voted|participated)", t):
        if not any(m[2] == str(v) for k, v in figures.items() if k in ("for_", "against", "abstain", "spoilt")):
            figures["participants"] = int(m[2])
            figures["participants_qualifier"] = m[1] or ""
    return figures


_MAJORITY_SIZE = (r"(?:large|clear|big|huge|vast|substantial|overwhelming|narrow|small|slim|bare|comfortable|"
                  r"decisive|good|significant|convincing|solid|two[- ]thirds)")


def _read_majority(t: str, declared: str | None) -> dict[str, Any]:
    """ "Carried by a large majority", "overwhelmingly", "by a majority of 12": which side had more votes."""
    found: dict[str, Any] = {}
    if m := re.search(rf"\b(?:by|with) (?:a |an )?(?:{_MAJORITY_SIZE}\s+)?majority(?: of (\d+)\b(?!\s*(?:%|percent)))?"
                      r"|\boverwhelmingly\b|\bby acclamation\b", t):
        if declared is not None and "acclamation" not in m[0]:
            found["majority"] = "for" if declared == "carried" else "against"
            found["majority_words"] = m[0]
            if m[1]:
                found["margin"] = int(m[1])
    return found


def _read_percentages(t: str) -> tuple[Percentage, ...]:
    """Each percentage with what it is of: a turnout, or a for share with the base its phrase names."""
    percentages = []
    for m in re.finditer(r"(\d+(?:\.\d+)?)\s*(?:%|percent)\s*((?:turnout|yes vote|yes|vote)\b)?", t):
        value = Fraction(m[1])
        follow, before = t[m.end():m.end() + 60], t[max(0, m.start() - 20):m.start()]
        if m[2] == "turnout" or re.search(r"turnout(?: of| was| at|:)?\s*(?:a |an )?$", before):
            percentages.append(Percentage(value, "turnout", ("entitled",), "turnout"))
            continue
        bases: tuple[str, ...] = ()
        phrase = ""
        for pattern, named in _BASE_PHRASES:
            if pm := re.match(r"\s*" + pattern, follow):
                bases, phrase = named, pm.group(0).strip()
                break
        if not bases and m[2] in ("yes vote", "yes", "vote"):
            bases, phrase = VOTES, m[2]
        percentages.append(Percentage(value, "for", bases or tuple(BASES), phrase))
    return tuple(percentages)


def _read_declared(t: str, figures: dict[str, Any]) -> str | None:
    if re.search(r"\bnot (?:carried|passed|adopted|agreed|approved)\b|\bfailed to (?:carry|pass)\b"
                 r"|\b(?:fell|defeated|rejected|lost|failed|falls)\b", re.sub(_SPOILT_WORD, "", t)):
        return "fell"
    if re.search(r"\b(?:carried|passed|adopted|agreed|approved|won|accepted|endorsed|nem\.?\s*con)\b", t):
        return "carried"
    return "carried" if figures.get("unanimous") else None


# -- checking ----------------------------------------------------------------


@dataclass(frozen=True)
class BaseMatch:
    """Whether one published percentage fits one base: True, False or None (undetermined)."""

    percentage: Percentage
    base: str
    consistent: bool | None
    words: str


@dataclass(frozen=True)
class BaseOutcome:
    """The rule's outcome on one base: decided, or carried only while one unpublished figure is in a range."""

    base: str
    named: bool  # the base the rule is taken on (given, or the rule's own)
    outcome: str  # "carried" | "fell" | "undetermined" | "no decision" | "inquorate"
    condition: str
    figure: str | None = None  # the unpublished figure the outcome turns on
    carried_from: int | None = None  # carried exactly when figure lies in [carried_from, carried_to]
    carried_to: int | None = None  # None: no upper end
    possible_from: int | None = None  # what the published figures allow that figure to be
    possible_to: int | None = None

    def as_dict(self) -> dict[str, object]:
        span = None
        if self.figure is not None:
            span = {"figure": _FIGURE_KEYS[self.figure], "carried_from": self.carried_from,
                    "carried_to": self.carried_to, "possible_from": self.possible_from,
                    "possible_to": self.possible_to}
        return {"base": self.base, "base_words": BASES[self.base], "named": self.named, "outcome": self.outcome,
                "condition": self.condition, "carried_if": span}


@dataclass
class Check:
    claim: PublishedCount
    rule: Rule
    rule_base: str
    outcome: str  # on rule_base: "carried" | "fell" | "undetermined" | "no decision"
    condition: str  # the outcome in words, with any condition on unknown figures
    declared: str | None
    declared_follows: bool | None  # None: consistent only under a condition, or nothing declared
    base_given: bool = False  # True when the base was named (--base); False: the rule's own base
    outcomes: list[BaseOutcome] = field(default_factory=list)  # one per base the rule can be taken on
    bases: list[BaseMatch] = field(default_factory=list)
    turnout: dict[str, object] | None = None
    undetermined: list[str] = field(default_factory=list)
    derived: list[str] = field(default_factory=list)
    flags: list[str] = field(default_factory=list)

    def consistent_bases(self, percentage: Percentage | None = None) -> list[str]:
        return [b.base for b in self.bases if b.consistent and (percentage is None or b.percentage == percentage)]

    def inconsistent_bases(self) -> list[str]:
        return [b.base for b in self.bases if b.consistent is False]

    def percentage_bases(self) -> list[dict[str, object]]:
        """For each published for-percentage, the bases it fits, does not fit, and cannot be tested on."""
        summary = []
        for p in self.claim.percentages:
            if p.subject != "for":
                continue
            matches = [b for b in self.bases if b.percentage is p]
            summary.append({"value": _num(p.value), "phrase": p.phrase,
                            "consistent": [b.base for b in matches if b.consistent is True],
                            "not_consistent": [b.base for b in matches if b.consistent is False],
                            "undetermined": [b.base for b in matches if b.consistent is None]})
        return summary

    def as_dict(self) -> dict[str, object]:
        c = self.claim
        return {
            "published": c.text,
            "figures": {"for": c.for_, "against": c.against, "abstain": c.abstain, "spoilt": c.spoilt,
                        "many_for": c.many_for, "unanimous": c.unanimous, "tie": c.tie,
                        "majority": c.majority, "majority_words": c.majority_words or None, "margin": c.margin,
                        "participants": c.participants,
                        "participants_qualifier": c.participants_qualifier or None,
                        "percentages": [{"value": _num(p.value), "subject": p.subject, "phrase": p.phrase,
                                         "bases": list(p.bases)} for p in c.percentages]},
            "rule": self.rule.describe(),
            "base": self.rule_base,
            "base_source": "given" if self.base_given else "rule",
            "outcome": self.outcome,
            "condition": self.condition,
            "outcomes": [o.as_dict() for o in self.outcomes],
            "declared": self.declared,
            "declared_follows": self.declared_follows,
            "bases": [{"percentage": _num(b.percentage.value), "phrase": b.percentage.phrase, "base": b.base,
                       "consistent": b.consistent, "words": b.words} for b in self.bases],
            "percentage_bases": self.percentage_bases(),
            "turnout": self.turnout,
            "derived": list(self.derived),
            "undetermined": list(self.undetermined),
            "flags": list(self.flags),
        }

    def lines(self) -> list[str]:
        source = "named with --base" if self.base_given else "the base this rule is taken on"
        out = [f"Published: {self.claim.text}",
               f"Rule: {self.rule.describe()} on {BASES[self.rule_base]} ({source})",
               f"Outcome: {self.condition}"]
        if self.declared:
            verdict = {True: "follows from the figures", False: "does NOT follow from the figures",
                       None: "consistent only under the condition above"}[self.declared_follows]
            out.append(f"Declared {self.declared}: {verdict}")
        for o in self.outcomes:
            out.append(f"On {BASES[o.base]}{' (the rule' + chr(39) + 's base)' if o.named else ''}: {o.condition}")
        for p in self.percentage_bases():
            parts = [f"{label} {', '.join(BASES[b] for b in p[key])}"  # type: ignore[attr-defined]
                     for key, label in (("consistent", "consistent with"), ("not_consistent", "not consistent with"),
                                        ("undetermined", "undetermined on")) if p[key]]
            out.append(f"Percentage {p['value']}% {p['phrase'] or '(no base named)'}: {'; '.join(parts)}")
        out += [f"Base: {b.words}" for b in self.bases]
        if self.turnout is not None:
            out.append(f"Turnout: {self.turnout['words']}")
        out += [f"Derived: {d}" for d in self.derived]
        out += [f"Undetermined: {u}" for u in self.undetermined]
        out += [f"Flag: {f}" for f in self.flags]
        return out


_VARIABLE_WORDS = {"for_": "for", "against": "against", "abstain": "abstentions", "present": "members present",
                   "entitled": "members entitled"}
_FIGURE_KEYS = {"for_": "for", "against": "against", "abstain": "abstain", "present": "present",
                "entitled": "entitled"}
_COUNTS = ("for_", "against", "abstain")


def check_published(
    claim: PublishedCount | str,
    *,
    rule: Rule | str = SIMPLE,
    base: str | None = None,
    present: int | None = None,
    entitled: int | None = None,
    declared: str | None = None,
    casting_vote: str | None = None,
    restatement: str | None = None,
) -> Check:
    """What the published figures establish under ``rule`` on every base, and what they leave open.

    ``base`` None takes the rule on its own base (an absolute majority: all votes cast,
    abstentions included); a base that makes the rule mean another rule is refused.
    """
    claim = parse_published(claim) if isinstance(claim, str) else claim
    rule, rule_base = rule_and_base(rule, base)
    declared = declared or claim.declared
    known: dict[str, int | None] = {"for_": claim.for_, "against": claim.against, "abstain": claim.abstain,
                                    "present": present, "entitled": entitled}
    check = Check(claim, rule, rule_base, "undetermined", "", declared, None, base_given=base is not None)
    _apply_margin(claim, known, check)
    shares = _share_intervals(claim, known, check)
    for name in rule.allowed_bases():
        outcome = _outcome_on(claim, rule, name, known, shares, casting_vote)
        check.outcomes.append(replace(outcome, named=name == rule_base))
    named = next(o for o in check.outcomes if o.named)
    check.outcome, check.condition = named.outcome, named.condition
    if declared:
        normal = "carried" if declared.lower().startswith(("carried", "pass", "adopt")) else (
            "fell" if declared.lower().startswith(("fell", "fail", "defeat", "reject", "lost")) else declared)
        check.declared = normal
        if check.outcome in ("carried", "fell"):
            check.declared_follows = normal == check.outcome
        elif check.outcome == "no decision":
            check.declared_follows = normal == "fell"  # a tie on a motion: it falls, the status quo stands
    check.turnout = _turnout(claim, known)
    _note_undetermined(claim, known, check)
    if restatement:
        _check_restatement(claim, known, shares, restatement, check)
    return check


def _apply_margin(claim: PublishedCount, known: dict[str, int | None], check: Check) -> None:
    """'By a majority of 12' with one side published gives the other side."""
    if claim.margin is None or claim.majority is None:
        return
    more, less = ("for_", "against") if claim.majority == "for" else ("against", "for_")
    if known[more] is not None and known[less] is None and known[more] - claim.margin >= 0:  # type: ignore[operator]
        known[less] = known[more] - claim.margin  # type: ignore[operator]
    elif known[less] is not None and known[more] is None:
        known[more] = known[less] + claim.margin  # type: ignore[operator]
    else:
        return
    check.derived.append(f"{_VARIABLE_WORDS[more]} {known[more]} and {_VARIABLE_WORDS[less]} {known[less]}: "
                         f"the published majority of {claim.margin} gives the side not counted")


def _base_total(base: str, known: dict[str, int | None]) -> int | None:
    f, a, b = known["for_"], known["against"], known["abstain"]
    if base == "cast":
        return None if f is None or a is None else f + a
    if base == "cast-with-abstentions":
        return None if None in (f, a, b) else f + a + b  # type: ignore[operator]
    return known[base]


def _share_intervals(claim: PublishedCount, known: dict[str, int | None], check: Check) -> dict[str, Interval]:
    """The for share on each base, as exactly as the published figures allow; records base matches."""
    shares: dict[str, Interval] = {}
    for name in BASES:
        total = _base_total(name, known)
        if known["for_"] is not None and total:
            shares[name] = Interval.point(Fraction(known["for_"], total))
    turnout = next((p for p in claim.percentages if p.subject == "turnout"), None)
    for p in claim.percentages:
        if p.subject != "for":
            continue
        matches = [_match_base(p, name, known) for name in p.bases]
        check.bases.extend(matches)
        fitted = [m.base for m in matches if m.consistent]
        if p.bases == VOTES or len(p.bases) == 1:
            for name in p.bases:
                shares.setdefault(name, p.interval)
        elif len(fitted) == 1:
            shares.setdefault(fitted[0], p.interval)
        named_base_contradicted = p.phrase and len(p.bases) < len(BASES) and not fitted and any(
            m.consistent is False for m in matches)
        if named_base_contradicted:
            others = [n for n in BASES if n not in p.bases and _match_base(p, n, known).consistent]
            check.flags.append(
                f"{_num(p.value)}% is published as {p.phrase!r}, but the figures do not give that share"
                + (f"; they match {', '.join(BASES[o] for o in others)}" if others else ""))
    if turnout is not None:
        votes_share = shares.get("cast-with-abstentions") or next(
            (p.interval for p in claim.percentages if p.subject == "for" and p.bases == VOTES), None)
        if votes_share is not None and "entitled" not in shares:
            electorate = votes_share * turnout.interval
            shares["entitled"] = electorate
            check.derived.append(
                f"yes as a share of those entitled to vote = turnout x yes share of those who voted = about "
                f"{percent(Fraction(turnout.value, 100) * (votes_share.low + votes_share.high) / 2)}; "
                f"allowing +/- 0.5 for each rounded percentage it lies within {electorate.describe()}")
    return shares


def _match_base(p: Percentage, name: str, known: dict[str, int | None]) -> BaseMatch:
    where = f"{_num(p.value)}% {p.phrase or '(no base named)'} as a share of {BASES[name]}"
    total = _base_total(name, known)
    f = known["for_"]
    if f is not None and total:
        exact = Fraction(f, total)
        fits = p.interval.low <= exact <= p.interval.high
        return BaseMatch(p, name, fits, f"{where}: {f}/{total} = {percent(exact)}, "
                         f"{'consistent' if fits else 'not consistent'} with {_num(p.value)}% rounded")
    if f is not None and name in ("present", "entitled"):
        floor = sum(v for v in (known["for_"], known["against"], known["abstain"]) if v is not None)
        lowest = max(floor, math.ceil(f / p.interval.high)) if p.interval.high else floor
        highest = math.floor(f / p.interval.low) if p.interval.low else None
        if highest is not None and highest < lowest:
            return BaseMatch(p, name, False, f"{where}: no number of {BASES[name]} gives that share")
        span = f"between {lowest} and {highest}" if highest is not None else f"at least {lowest}"
        return BaseMatch(p, name, None, f"{where}: undetermined; consistent only if {BASES[name]} "
                         f"numbered {span} (not published)")
    return BaseMatch(p, name, None, f"{where}: undetermined from the published figures")


def _least(name: str, claim: PublishedCount, known: dict[str, int | None]) -> int:
    """The smallest value the published words allow a count to have."""
    if known[name] is not None:
        return known[name]  # type: ignore[return-value]
    if name == "for_":
        low = 1 if claim.many_for or claim.unanimous or claim.majority == "for" else 0
        if claim.majority == "for" and known["against"] is not None:
            low = max(low, known["against"] + 1)  # type: ignore[operator]
        return low
    if name == "against" and claim.majority == "against":
        return 1 + (known["for_"] or 0)
    return 0


def _voted_at_least(claim: PublishedCount, known: dict[str, int | None]) -> int:
    return sum(_least(k, claim, known) for k in _COUNTS) + (claim.spoilt or 0)


def _possible(name: str, claim: PublishedCount, known: dict[str, int | None]) -> tuple[int, int | None, str]:
    """The range an unpublished figure can take given the published ones, and why its lower end."""
    voted = _voted_at_least(claim, known)
    if name in ("present", "entitled"):
        low, why = voted, f"at least {voted} voted"
        if name == "entitled" and known["present"] is not None and known["present"] > low:
            low, why = known["present"], f"{known['present']} were present"
        return low, known["entitled"] if name == "present" else None, why
    rooms = [known[k] for k in ("present", "entitled") if known[k] is not None]
    low = _least(name, claim, known)
    high = min(rooms) - (voted - low) if rooms else None  # type: ignore[operator]
    return low, high, ""


def _outcome_on(claim: PublishedCount, rule: Rule, base: str, known: dict[str, int | None],
                shares: dict[str, Interval], casting_vote: str | None) -> BaseOutcome:
    """The rule on one base, as far as the published figures settle it."""
    if claim.tie:
        if casting_vote is None:
            return BaseOutcome(base, False, "no decision",
                               "tie: neither side has more votes, so no motion carries and the status quo "
                               "stands, unless the standing orders give the chair a casting vote")
        return BaseOutcome(base, False, "carried" if casting_vote == "yes" else "fell",
                           f"tie decided by the chair's casting vote ({casting_vote})")
    # The rule as a linear condition: sum(coef * figure) >= 0 (or > 0 when strict).
    if rule.share is None:
        coef, strict = {"for_": Fraction(1), "against": Fraction(-1)}, True
    else:
        coef = {"for_": Fraction(1)}
        for name in {"cast": ("for_", "against"), "cast-with-abstentions": _COUNTS,
                     "present": ("present",), "entitled": ("entitled",)}[base]:
            coef[name] = coef.get(name, Fraction(0)) - rule.share
        strict = not rule.inclusive
    unknown = {k: c for k, c in coef.items() if c != 0 and known[k] is None}
    if not unknown:
        return _decided(claim, rule, base, known, casting_vote)
    if rule.share is None and claim.majority is not None:
        outcome = "carried" if claim.majority == "for" else "fell"
        return BaseOutcome(base, False, outcome,
                           f"{outcome}: the published words ({claim.majority_words!r}) say more voted "
                           f"{'for than against' if outcome == 'carried' else 'against than for'}, which "
                           "settles a simple majority; the counts are not published")
    from_shares = _outcome_from_shares(rule, base, shares)
    if from_shares:
        return BaseOutcome(base, False, *from_shares)
    if len(unknown) == 1 and (claim.for_ is not None or claim.many_for or claim.unanimous
                              or known["against"] is not None):
        (name, k), = unknown.items()
        return _one_unknown(claim, base, known, coef, strict, name, k)
    terms = " ".join(f"{'+' if c > 0 else '-'} {_num(abs(c))}*{_VARIABLE_WORDS[v]}" for v, c in unknown.items())
    const = sum(c * known[v] for v, c in coef.items() if v not in unknown)  # type: ignore[operator]
    lead = "no count is published; " if all(known[k] is None for k in _COUNTS) else ""
    if rule.share is not None and claim.majority is not None:
        lead = (f"the published words ({claim.majority_words!r}) say only which side had more votes, not "
                f"whether it reached {percent(rule.share)} of {BASES[base]}; ")
    return BaseOutcome(base, False, "undetermined",
                       f"undetermined: {lead}carried whenever {terms.lstrip('+ ')} {'>' if strict else '>='} "
                       f"{_num(-const)}")


def _decided(claim: PublishedCount, rule: Rule, base: str, known: dict[str, int | None],
             casting_vote: str | None) -> BaseOutcome:
    f, a, b = (Fraction(known[k] or 0) for k in _COUNTS)
    d = decide(f, a, b, rule=rule, base=base, present=known["present"], entitled=known["entitled"],
               casting_vote=casting_vote)  # type: ignore[arg-type]
    if all(known[k] is not None for k in _COUNTS):
        return BaseOutcome(base, False, d.outcome, d.words)
    given = ", ".join(f"{known[k]} {_VARIABLE_WORDS[k]}" for k in _COUNTS if known[k] is not None)
    missing = " and ".join(_VARIABLE_WORDS[k] for k in _COUNTS if known[k] is None)
    return BaseOutcome(base, False, d.outcome, f"{d.outcome.capitalize()}: {given} ({missing} not published); "
                       f"{rule.describe()} gives this whatever the {missing}")


def _one_unknown(claim: PublishedCount, base: str, known: dict[str, int | None], coef: dict[str, Fraction],
                 strict: bool, name: str, k: Fraction) -> BaseOutcome:
    """Carried exactly while the one unpublished figure lies in a range; intersect it with what is possible."""
    const = sum(c * known[v] for v, c in coef.items() if v != name)  # type: ignore[operator]
    bound = -const / k
    low, high, why = _possible(name, claim, known)
    if k > 0:
        carried_from, carried_to = (math.floor(bound) + 1 if strict else math.ceil(bound)), None
    else:
        carried_from, carried_to = None, (math.ceil(bound) - 1 if strict else math.floor(bound))
    start = low if carried_from is None else max(low, carried_from)
    end = high if carried_to is None else (carried_to if high is None else min(high, carried_to))
    word = _VARIABLE_WORDS[name]
    allowed = f"{word} >= {low}" + (f" and <= {high}" if high is not None else "")
    reason = f" ({why}, so {allowed})" if why else ""
    span = dict(figure=name, possible_from=low, possible_to=high)
    if end is not None and start > end:
        need = f">= {carried_from}" if carried_from is not None else f"<= {carried_to}"
        return BaseOutcome(base, False, "fell", f"fell whatever {_NUMBER_OF[name]}: carrying needs {word} {need}, "
                           f"but the published figures allow only {allowed}{f' ({why})' if why else ''}",
                           carried_from=None, carried_to=None, **span)  # type: ignore[arg-type]
    if start == low and end == high:
        return BaseOutcome(base, False, "carried", f"carried whatever {_NUMBER_OF[name]}{reason}",
                           carried_from=start, carried_to=end, **span)  # type: ignore[arg-type]
    unpublished = f"; {_NUMBER_OF[name]} is not published"
    if end is not None and start == end:
        words = f"carried only if {_exactly(name, start)}, otherwise fell{reason}{unpublished}"
    elif start == low:
        words = f"carried whenever {word} <= {end}, otherwise fell{reason}{unpublished}"
    elif end is None or end == high:
        words = f"carried whenever {word} >= {start}, otherwise fell{reason}{unpublished}"
    else:
        words = f"carried whenever {start} <= {word} <= {end}, otherwise fell{reason}{unpublished}"
    return BaseOutcome(base, False, "undetermined", words, carried_from=start, carried_to=end,
                       **span)  # type: ignore[arg-type]


_NUMBER_OF = {"for_": "the for count", "against": "the against count", "abstain": "the number of abstentions",
              "present": "the number of members present", "entitled": "the number of members entitled"}


def _exactly(name: str, value: int) -> str:
    if name == "abstain":
        return "there were no abstentions" if value == 0 else f"exactly {value} abstained"
    return {"for_": f"exactly {value} voted for", "against": f"exactly {value} voted against",
            "present": f"exactly {value} members were present",
            "entitled": f"exactly {value} members were entitled to vote"}[name]


def _outcome_from_shares(rule: Rule, base: str, shares: dict[str, Interval]) -> tuple[str, str] | None:
    """Decide from published percentages alone when their rounding cannot change the answer."""
    if rule.share is None:
        for name in ("cast-with-abstentions", "cast"):
            if name in shares and shares[name].low > Fraction(1, 2):
                return "carried", f"carried: for is {shares[name].describe()} of {BASES[name]}, so more for than against"
        if "cast" in shares and shares["cast"].high < Fraction(1, 2):
            return "fell", f"fell: for is {shares['cast'].describe()} of {BASES['cast']}"
        return None
    if base not in shares:
        return None
    s = shares[base]
    passes_low = s.low >= rule.share if rule.inclusive else s.low > rule.share
    fails_high = s.high < rule.share if rule.inclusive else s.high <= rule.share
    needed = f"{rule.name} needs {percent(rule.share)} of {BASES[base]}"
    if passes_low:
        return "carried", f"carried: for is {s.describe()} of {BASES[base]}; {needed}"
    if fails_high:
        return "fell", f"fell: for is {s.describe()} of {BASES[base]}; {needed}"
    return "undetermined", f"undetermined: for is {s.describe()} of {BASES[base]}, either side of {percent(rule.share)}"


def _turnout(claim: PublishedCount, known: dict[str, int | None]) -> dict[str, object] | None:
    """The turnout as published (a rounded percentage) or as the figures give it; None when neither."""
    published = next((p for p in claim.percentages if p.subject == "turnout"), None)
    if published is not None:
        i = published.interval
        return {"source": "published", "percent": _num(published.value), "low": _exact(i.low),
                "high": _exact(i.high), "voted": None, "entitled": known["entitled"],
                "words": f"{_num(published.value)}% of those entitled to vote, as published "
                         f"(rounded, so between {percent(i.low, 2)} and {percent(i.high, 2)})"}
    entitled = known["entitled"]
    if not entitled:
        return None
    voted = _voted_at_least(claim, known)
    if all(known[k] is not None for k in _COUNTS):
        share = Fraction(voted, entitled)
        return {"source": "figures", "percent": None, "low": _exact(share), "high": _exact(share), "voted": voted,
                "entitled": entitled, "words": f"{voted} of {entitled} members entitled voted, {percent(share)}"}
    if voted == 0:
        return None
    share = Fraction(voted, entitled)
    return {"source": "figures", "percent": None, "low": _exact(share), "high": None, "voted": None,
            "entitled": entitled, "words": f"at least {voted} of {entitled} members entitled voted, at least "
                                           f"{percent(share)} (not every count is published)"}


def _exact(value: Fraction) -> str:
    """An exact share for JSON: a whole number or a fraction "a/b", never a rounded float."""
    return str(value.numerator) if value.denominator == 1 else f"{value.numerator}/{value.denominator}"


def _note_undetermined(claim: PublishedCount, known: dict[str, int | None], check: Check) -> None:
    u = check.undetermined
    if claim.tie and claim.for_ is None:
        u.append("the votes on each side are not published, only that they were equal")
        return
    counts_missing = [k for k in _COUNTS if known[k] is None]
    if claim.many_for and known["for_"] is None:
        u.append("the for count ('many') is not published, so every percentage is undetermined; "
                 "the record must say so rather than invent a number")
    elif known["for_"] is None:
        u.append("the for count is not published" + (" (the absolute counts are undetermined)"
                 if known["against"] is None else ""))
    if known["against"] is None and not claim.unanimous:
        u.append("the against count is not published")
    turnout_published = any(p.subject == "turnout" for p in claim.percentages)
    if known["abstain"] is None:
        if claim.unanimous:
            u.append("'unanimous' / 'nem. con.' says only that nobody voted against; abstentions are not published")
        if turnout_published:
            u.append("abstentions are not published, so any percentage including abstentions is undetermined "
                     "(the turnout is published as a percentage)")
        else:
            u.append("abstentions are not published, so the turnout and any percentage including abstentions "
                     "are undetermined")
    if "for_" not in counts_missing and "against" not in counts_missing and known["entitled"] is None:
        if not turnout_published:
            u.append("turnout against those entitled to vote is undetermined (the number entitled is not published)")
    for p in claim.percentages:
        if p.subject == "for" and p.bases == VOTES and known["abstain"] is None:
            u.append(f"'{_num(p.value)}% {p.phrase}' does not say whether abstentions are in its base; "
                     "the outcomes on the two bases of votes cast read it as a share of each in turn")
    if claim.participants is not None:
        approx = f"{claim.participants_qualifier} {claim.participants}".strip()
        u.append(f"participants given only as {approx!r}")


def _check_restatement(claim: PublishedCount, known: dict[str, int | None], shares: dict[str, Interval],
                       restatement: str, check: Check) -> None:
    """Flag a restated percentage on a base the published figures do not support."""
    restated = parse_published(restatement)
    published_bases = {b for p in claim.percentages if p.subject == "for" for b in p.bases if p.phrase}
    for p in restated.percentages:
        if p.subject != "for":
            continue
        for name in p.bases:
            if name in shares and shares[name].overlaps(p.interval):
                continue
            where = f"{_num(p.value)}% {p.phrase or ''}".strip()
            if name in shares:
                check.flags.append(f"restated '{where}' contradicts the figures: for is {shares[name].describe()} "
                                   f"of {BASES[name]}")
            else:
                published = ", ".join(f"{_num(q.value)}% {q.phrase}" for q in claim.percentages if q.subject == "for")
                base_words = ", ".join(BASES[b] for b in sorted(published_bases)) or "another base"
                check.flags.append(
                    f"restated '{where}' is not supported by the published figures: they give {published} "
                    f"(a share of {base_words}); as a share of {BASES[name]} it would need the turnout, "
                    "which is not published, and equals the published share only if turnout was 100%")
            break


def _num(value: Fraction) -> str:
    value = Fraction(value)
    return str(value.numerator) if value.denominator == 1 else f"{float(value):g}"
