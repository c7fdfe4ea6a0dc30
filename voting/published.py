"""Reading counts as organisations publish them, and checking what they support.

Published results are often words: "Many for, 6 no, 1 abstention", "39 votes
to eight", "483 for, 133 against, 13 abstentions; 77 percent of delegates",
"a 90% turn out with a 92% yes vote", "the room was split". ``parse_published``
reads the figures the text gives and leaves every other figure unknown (None);
``check_published`` then says, without inventing a number:

* the outcome under a rule, or the condition on the unknown figures under
  which the declared outcome holds ("carried whenever for >= 7");
* for each published percentage, which bases it is consistent with. A
  published percentage is rounded, so "77" means a true share in [76.5, 77.5];
  shares are compared as exact intervals, never as floats;
* what stays undetermined (the for count, the turnout, a percentage);
* restatements on a base the figures do not support ("70 percent of members"
  when only "70 percent of those who voted" was published).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any, Literal

from voting.decision import BASES, SIMPLE, Rule, decide, parse_base, parse_rule, percent

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
    unanimous: bool = False
    tie: bool = False
    percentages: tuple[Percentage, ...] = ()
    participants: int | None = None
    participants_qualifier: str = ""  # "nearly", "about", ...
    declared: str | None = None  # "carried" | "fell" | None


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
    t = t.replace("’", "'").replace("...", " ").replace("…", " ")
    figures = _read_counts(t)
    percentages = _read_percentages(t)
    readable = ("for_", "against", "abstain", "many_for", "unanimous", "tie", "participants")
    if not any(k in figures for k in readable) and not percentages:
        raise PublishedCountError(f"no count, percentage or outcome can be read from {raw!r}")
    return PublishedCount(text=raw, percentages=percentages, declared=_read_declared(t, figures), **figures)


def _read_counts(t: str) -> dict[str, Any]:
    figures: dict[str, Any] = {}
    if m := re.search(r"(\d+)\s+(?:votes?\s+)?to\s+(\d+)\b(?!\s*(?:%|percent))"
                      r"|(\d+)\s*[-–]\s*(\d+)\b(?!\s*(?:%|percent))", t):
        figures["for_"], figures["against"] = int(m[1] or m[3]), int(m[2] or m[4])
    for key, pattern in (
        ("for_", r"(\d+)\s+(?:votes?\s+)?(?:for|in favour|in favor|yes)\b(?!\s+vote)"),
        ("against", r"(\d+)\s+(?:votes?\s+)?(?:against|no|opposed)\b"),
        ("abstain", r"(\d+)\s+(?:abstentions?|abstained|abstaining|abstain)\b"),
    ):
        if m := re.search(pattern, t):
            figures[key] = int(m[1])
    if re.search(r"\bmany\s+(?:for|in favour|yes)\b|\bmost\s+(?:for|in favour)\b", t):
        figures["many_for"] = True
    if re.search(r"\bunanimous(?:ly)?\b|\bnem\.? ?con\b|\bno(?:body| one) against\b", t):
        figures["unanimous"] = True
        figures.setdefault("against", 0)
    if re.search(r"\b(?:room|meeting|vote) was (?:evenly )?split\b|\bsplit (?:evenly|down the middle)\b"
                 r"|\btied\b|\bequal votes\b", t):
        figures["tie"] = True
    if m := re.search(_QUALIFIER + r"(\d+)(?!\s*(?:%|percent))\s+(?:members|people|delegates|voters)?"
                      r"[^.;]*?\b(?:took part|voted|participated)", t):
        figures["participants"] = int(m[2])
        figures["participants_qualifier"] = m[1] or ""
    return figures


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
    if re.search(r"\b(?:carried|passed|adopted|agreed|approved|won)\b", t):
        return "carried"
    if re.search(r"\b(?:fell|defeated|rejected|lost|failed|falls)\b", t):
        return "fell"
    return "carried" if figures.get("unanimous") else None


# -- checking ----------------------------------------------------------------


@dataclass(frozen=True)
class BaseMatch:
    """Whether one published percentage fits one base: True, False or None (undetermined)."""

    percentage: Percentage
    base: str
    consistent: bool | None
    words: str


@dataclass
class Check:
    claim: PublishedCount
    rule: Rule
    rule_base: str
    outcome: str  # "carried" | "fell" | "undetermined" | "no decision"
    condition: str  # the outcome in words, with any condition on unknown figures
    declared: str | None
    declared_follows: bool | None  # None: consistent only under a condition, or nothing declared
    bases: list[BaseMatch] = field(default_factory=list)
    undetermined: list[str] = field(default_factory=list)
    derived: list[str] = field(default_factory=list)
    flags: list[str] = field(default_factory=list)

    def consistent_bases(self, percentage: Percentage | None = None) -> list[str]:
        return [b.base for b in self.bases if b.consistent and (percentage is None or b.percentage == percentage)]

    def inconsistent_bases(self) -> list[str]:
        return [b.base for b in self.bases if b.consistent is False]

    def as_dict(self) -> dict[str, object]:
        c = self.claim
        return {
            "published": c.text,
            "figures": {"for": c.for_, "against": c.against, "abstain": c.abstain, "many_for": c.many_for,
                        "unanimous": c.unanimous, "tie": c.tie, "participants": c.participants,
                        "participants_qualifier": c.participants_qualifier or None,
                        "percentages": [{"value": _num(p.value), "subject": p.subject, "phrase": p.phrase,
                                         "bases": list(p.bases)} for p in c.percentages]},
            "rule": self.rule.describe(),
            "base": self.rule_base,
            "outcome": self.outcome,
            "condition": self.condition,
            "declared": self.declared,
            "declared_follows": self.declared_follows,
            "bases": [{"percentage": _num(b.percentage.value), "phrase": b.percentage.phrase, "base": b.base,
                       "consistent": b.consistent, "words": b.words} for b in self.bases],
            "derived": list(self.derived),
            "undetermined": list(self.undetermined),
            "flags": list(self.flags),
        }

    def lines(self) -> list[str]:
        out = [f"Published: {self.claim.text}", f"Rule: {self.rule.describe()} on {BASES[self.rule_base]}",
               f"Outcome: {self.condition}"]
        if self.declared:
            verdict = {True: "follows from the figures", False: "does NOT follow from the figures",
                       None: "consistent only under the condition above"}[self.declared_follows]
            out.append(f"Declared {self.declared}: {verdict}")
        out += [f"Base: {b.words}" for b in self.bases]
        out += [f"Derived: {d}" for d in self.derived]
        out += [f"Undetermined: {u}" for u in self.undetermined]
        out += [f"Flag: {f}" for f in self.flags]
        return out


_VARIABLE_WORDS = {"for_": "for", "against": "against", "abstain": "abstentions", "present": "members present",
                   "entitled": "members entitled"}


def check_published(
    claim: PublishedCount | str,
    *,
    rule: Rule | str = SIMPLE,
    base: str = "cast",
    present: int | None = None,
    entitled: int | None = None,
    declared: str | None = None,
    casting_vote: str | None = None,
    restatement: str | None = None,
) -> Check:
    """What the published figures establish under ``rule`` on ``base``, and what they leave open."""
    claim = parse_published(claim) if isinstance(claim, str) else claim
    rule = parse_rule(rule) if isinstance(rule, str) else rule
    base = parse_base(base)
    declared = declared or claim.declared
    known = {"for_": claim.for_, "against": claim.against, "abstain": claim.abstain,
             "present": present, "entitled": entitled}
    check = Check(claim, rule, base, "undetermined", "", declared, None)

    shares = _share_intervals(claim, known, check)
    _decide_outcome(claim, rule, base, known, shares, casting_vote, check)
    if declared:
        normal = "carried" if declared.lower().startswith(("carried", "pass", "adopt")) else (
            "fell" if declared.lower().startswith(("fell", "fail", "defeat", "reject", "lost")) else declared)
        check.declared = normal
        if check.outcome in ("carried", "fell", "no decision"):
            check.declared_follows = normal == check.outcome
    _note_undetermined(claim, known, check)
    if restatement:
        _check_restatement(claim, known, shares, restatement, check)
    return check


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
                f"yes as a share of those entitled to vote = turnout x yes share of votes = about "
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


def _decide_outcome(claim: PublishedCount, rule: Rule, base: str, known: dict[str, int | None],
                    shares: dict[str, Interval], casting_vote: str | None, check: Check) -> None:
    if claim.tie:
        check.outcome = "no decision" if casting_vote is None else ("carried" if casting_vote == "yes" else "fell")
        check.condition = ("tie: neither side has more votes, so no motion carries and the status quo "
                           "stands, unless the standing orders give the chair a casting vote"
                           if casting_vote is None else f"tie decided by the chair's casting vote ({casting_vote})")
        return
    # The rule as a linear condition: sum(coef * figure) + const >= 0 (or > 0 when strict).
    if rule.share is None:
        coef, strict = {"for_": Fraction(1), "against": Fraction(-1)}, True
    else:
        coef = {"for_": Fraction(1)}
        for name in {"cast": ("for_", "against"), "cast-with-abstentions": ("for_", "against", "abstain"),
                     "present": ("present",), "entitled": ("entitled",)}[base]:
            coef[name] = coef.get(name, Fraction(0)) - rule.share
        strict = not rule.inclusive
    unknown = {k: c for k, c in coef.items() if c != 0 and known[k] is None}
    if not unknown:
        f, a, b = (Fraction(known[k] or 0) for k in ("for_", "against", "abstain"))
        d = decide(f, a, b, rule=rule, base=base, present=known["present"], entitled=known["entitled"],
                   casting_vote=casting_vote)  # type: ignore[arg-type]
        check.outcome = d.outcome
        if all(known[k] is not None for k in ("for_", "against", "abstain")):
            check.condition = d.words
        else:
            given = ", ".join(f"{known[k]} {_VARIABLE_WORDS[k]}" for k in ("for_", "against", "abstain")
                              if known[k] is not None)
            missing = " and ".join(_VARIABLE_WORDS[k] for k in ("for_", "against", "abstain") if known[k] is None)
            check.condition = (f"{d.outcome.capitalize()}: {given} ({missing} not published); "
                               f"{rule.describe()} gives this whatever the {missing}")
        return
    from_shares = _outcome_from_shares(rule, base, shares)
    if from_shares:
        check.outcome, check.condition = from_shares
        return
    if len(unknown) == 1 and (claim.for_ is not None or claim.many_for or claim.unanimous or known["against"] is not None):
        (name, k), = unknown.items()
        const = sum(c * known[v] for v, c in coef.items() if v != name)  # type: ignore[operator]
        bound = -const / k
        lowest = 1 if (name == "for_" and (claim.many_for or claim.unanimous)) else 0
        word = _VARIABLE_WORDS[name]
        if k > 0:
            least = math.floor(bound) + 1 if strict else math.ceil(bound)
            if least <= lowest:
                check.outcome, check.condition = "carried", f"carried whatever the {word} count"
            else:
                check.outcome = "undetermined"
                check.condition = (f"carried whenever {word} >= {least}, otherwise fell; "
                                   f"the {word} count is not published")
        else:
            most = math.ceil(bound) - 1 if strict else math.floor(bound)
            if most < lowest:
                check.outcome, check.condition = "fell", f"fell whatever the {word} count"
            else:
                check.outcome = "undetermined"
                check.condition = f"carried whenever {word} <= {most}, otherwise fell; the {word} count is not published"
        return
    terms = " ".join(f"{'+' if c > 0 else '-'} {_num(abs(c))}*{_VARIABLE_WORDS[v]}" for v, c in coef.items())
    check.outcome = "undetermined"
    check.condition = f"undetermined: carried whenever {terms.lstrip('+ ')} {'>' if strict else '>='} 0"


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


def _note_undetermined(claim: PublishedCount, known: dict[str, int | None], check: Check) -> None:
    u = check.undetermined
    if claim.tie and claim.for_ is None:
        u.append("the votes on each side are not published, only that they were equal")
        return
    counts_missing = [k for k in ("for_", "against", "abstain") if known[k] is None]
    if claim.many_for and known["for_"] is None:
        u.append("the for count ('many') is not published, so every percentage is undetermined; "
                 "the record must say so rather than invent a number")
    elif known["for_"] is None:
        u.append("the for count is not published" + (" (the absolute counts are undetermined)"
                 if known["against"] is None else ""))
    if known["against"] is None and not claim.unanimous:
        u.append("the against count is not published")
    if known["abstain"] is None:
        u.append("abstentions are not published, so the turnout and any percentage including abstentions "
                 "are undetermined")
    if "for_" not in counts_missing and "against" not in counts_missing and known["entitled"] is None:
        if not any(p.subject == "turnout" for p in claim.percentages):
            u.append("turnout against those entitled to vote is undetermined (the number entitled is not published)")
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
