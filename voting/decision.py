"""Motions decided by yes/no/abstain counts under a named rule and base.

A rule says what share of which base the yes votes need:

* ``simple``: more yes than no (abstentions do not count either way);
* ``two-thirds``: yes at least two thirds of the base;
* ``absolute``: yes more than half of the base;
* any ratio (``3/5``, ``60%``): yes at least that share of the base.

Each rule has a base it is taken on unless the standing orders name another
(``default_base``): an absolute majority is more than half of ALL votes cast,
abstentions included, so an abstention counts like a vote against; a ratio is
a share of the votes cast for or against. A pair that means something else
than it says is refused (``check_rule_base``): an absolute majority of the
votes excluding abstentions is just a simple majority, and a simple majority
takes no share of members present or entitled.

The base is what the share is taken of: votes cast excluding abstentions
(``cast``), votes cast including abstentions (``cast-with-abstentions``),
members present (``present``) or members entitled to vote (``entitled``).
Equal yes and no is a tie: the motion falls (the status quo stands) unless a
chair's casting vote is given, and the record says it was used. Arithmetic is
exact (``Fraction``); percentages are rounded only for display.

Card and weighted votes are counts like any other: ``tally_weighted`` sums
each voter's weight (a delegate carrying 120 votes is one entry of weight 120).
``present`` and ``entitled`` are then in the same unit: the votes carried by
those present, and the votes of the whole card-vote roll.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from fractions import Fraction
from typing import Iterable, Literal

Choice = Literal["yes", "no", "abstain"]

BASES: dict[str, str] = {
    "cast": "votes cast excluding abstentions",
    "cast-with-abstentions": "votes cast including abstentions",
    "present": "members present",
    "entitled": "members entitled to vote",
}


class DecisionError(ValueError):
    """A rule, base or count that cannot be used, with the reason in words."""


@dataclass(frozen=True)
class Rule:
    """What the yes votes must reach: more than ``no`` (share None) or a share of the base."""

    name: str
    share: Fraction | None = None
    inclusive: bool = True  # "at least" the share; False means "more than"

    def describe(self) -> str:
        if self.share is None:
            return "simple majority (more yes than no)"
        word = "at least" if self.inclusive else "more than"
        return f"{self.name} (yes {word} {_fraction_words(self.share)} of the base)"

    @property
    def default_base(self) -> str:
        """The base the rule is taken on when the standing orders name none."""
        if self.share == Fraction(1, 2) and not self.inclusive:
            return "cast-with-abstentions"  # an absolute majority counts abstentions
        return "cast"

    def allowed_bases(self) -> tuple[str, ...]:
        """The bases on which the rule says what its name says (see ``check_rule_base``)."""
        if self.share is None:
            return ("cast", "cast-with-abstentions")
        if self.share == Fraction(1, 2) and not self.inclusive:
            return ("cast-with-abstentions", "present", "entitled")
        return tuple(BASES)

    def passes(self, yes: Fraction, no: Fraction, base: Fraction | None) -> bool:
        if self.share is None:
            return yes > no
        if base is None:
            raise DecisionError(f"{self.name} needs a base to take its share of")
        needed = self.share * base
        return yes >= needed if self.inclusive else yes > needed


SIMPLE = Rule("simple majority")
TWO_THIRDS = Rule("two-thirds majority", Fraction(2, 3), inclusive=True)
ABSOLUTE = Rule("absolute majority", Fraction(1, 2), inclusive=False)


def parse_rule(text: str) -> Rule:
    """``simple``, ``two-thirds``, ``absolute``, a ratio ``3/5`` or a percentage ``60%``."""
    key = text.strip().lower().replace("_", "-").replace(" ", "-")
    named = {"simple": SIMPLE, "simple-majority": SIMPLE, "two-thirds": TWO_THIRDS, "2/3": TWO_THIRDS,
             "absolute": ABSOLUTE, "absolute-majority": ABSOLUTE}
    if key in named:
        return named[key]
    match = re.fullmatch(r"(\d+)/(\d+)|(\d+(?:\.\d+)?)%", key)
    if not match:
        raise DecisionError(f"unknown rule {text!r}: use simple, two-thirds, absolute, a ratio like 3/5 or 60%")
    if match[1] and int(match[2]) == 0:
        raise DecisionError(f"rule share {text!r} divides by zero")
    share = Fraction(int(match[1]), int(match[2])) if match[1] else Fraction(match[3]) / 100
    if not 0 < share <= 1:
        raise DecisionError(f"rule share {text!r} must be between 0 and 1")
    return Rule(f"{_fraction_words(share)} majority", share, inclusive=True)


def check_rule_base(rule: Rule, base: str) -> None:
    """Refuse a rule on a base where it would silently mean a different rule."""
    if base in rule.allowed_bases():
        return
    if rule.share is None:
        raise DecisionError(
            f"a simple majority compares for with against and takes no share of {BASES[base]}; "
            f"for more than half of {BASES[base]} use the absolute rule with base {base}")
    raise DecisionError(
        f"an absolute majority of {BASES[base]} is the same as a simple majority (more yes than no); "
        "an absolute majority is more than half of the votes cast including abstentions "
        "(base cast-with-abstentions, the default), of members present or of members entitled")


def rule_and_base(rule: Rule | str, base: str | None) -> tuple[Rule, str]:
    """The rule and the base it is taken on: the one given, else the rule's own; refused if they clash."""
    rule = parse_rule(rule) if isinstance(rule, str) else rule
    base = rule.default_base if base is None else parse_base(base)
    check_rule_base(rule, base)
    return rule, base


def parse_base(text: str) -> str:
    key = text.strip().lower().replace("_", "-")
    aliases = {"excluding-abstentions": "cast", "including-abstentions": "cast-with-abstentions",
               "members": "entitled", "electorate": "entitled"}
    key = aliases.get(key, key)
    if key not in BASES:
        raise DecisionError(f"unknown base {text!r}: use one of {', '.join(BASES)}")
    return key


@dataclass(frozen=True)
class Quorum:
    """At least ``minimum`` taking part, and/or at least ``share`` of those entitled."""

    minimum: int | None = None
    share: Fraction | None = None

    def required(self, entitled: int | None) -> Fraction:
        needed = Fraction(self.minimum or 0)
        if self.share is not None:
            if entitled is None:
                raise DecisionError("a quorum set as a share needs the number entitled to vote")
            needed = max(needed, self.share * entitled)
        return needed


@dataclass(frozen=True)
class Decision:
    """The outcome of one vote, with the figures and the words that report it."""

    outcome: Literal["carried", "fell", "inquorate"]
    rule: Rule
    base_name: str
    yes: Fraction
    no: Fraction
    abstain: Fraction
    base: Fraction | None
    share_of_base: Fraction | None
    needed: Fraction | None
    turnout: Fraction
    present: int | None
    entitled: int | None
    tie: bool
    casting_vote: Choice | None
    quorum_needed: Fraction | None
    words: str
    #: what the turnout is counted in: "members", or "card votes" on a weighted ballot
    unit: str = "members"

    @property
    def carried(self) -> bool:
        return self.outcome == "carried"


def tally_weighted(votes: Iterable[tuple[Choice, int | Fraction]]) -> dict[Choice, Fraction]:
    """Sum card or weighted votes: one ``(choice, weight)`` per voter or delegate."""
    totals: dict[Choice, Fraction] = {"yes": Fraction(0), "no": Fraction(0), "abstain": Fraction(0)}
    for number, (choice, weight) in enumerate(votes, start=1):
        if choice not in totals:
            raise DecisionError(f"vote {number}: choice {choice!r} is not yes, no or abstain")
        if Fraction(weight) < 0:
            raise DecisionError(f"vote {number}: weight {weight} is negative")
        totals[choice] += Fraction(weight)
    return totals


def base_value(base_name: str, yes: Fraction, no: Fraction, abstain: Fraction,
               present: int | None, entitled: int | None) -> Fraction | None:
    if base_name == "cast":
        return yes + no
    if base_name == "cast-with-abstentions":
        return yes + no + abstain
    if base_name == "present":
        return None if present is None else Fraction(present)
    if base_name == "entitled":
        return None if entitled is None else Fraction(entitled)
    raise DecisionError(f"unknown base {base_name!r}")


def decide(
    yes: int | Fraction,
    no: int | Fraction,
    abstain: int | Fraction = 0,
    *,
    rule: Rule | str = SIMPLE,
    base: str | None = None,
    present: int | None = None,
    entitled: int | None = None,
    quorum: Quorum | None = None,
    casting_vote: Choice | None = None,
    unit: str = "members",
) -> Decision:
    """Decide a motion; a tie falls unless ``casting_vote`` records the chair's vote.

    ``base`` None takes the rule on its own base (``Rule.default_base``). ``unit`` names what the
    turnout counts: "members", or "card votes" when each voter carries a weight.
    """
    rule, base = rule_and_base(rule, base)
    yes, no, abstain = Fraction(yes), Fraction(no), Fraction(abstain)
    if min(yes, no, abstain) < 0:
        raise DecisionError("vote counts cannot be negative")
    turnout = yes + no + abstain
    if present is not None and turnout > present:
        raise DecisionError(f"{_num(turnout)} votes cast but only {present} members present")
    if entitled is not None and turnout > entitled:
        raise DecisionError(f"{_num(turnout)} votes cast but only {entitled} members entitled to vote")
    if casting_vote not in (None, "yes", "no"):
        raise DecisionError("a casting vote is yes or no")
    base_total = base_value(base, yes, no, abstain, present, entitled)
    if rule.share is not None and base_total is None:
        raise DecisionError(f"base {BASES[base]!r} needs that number ({'--' + base})")
    share = yes / base_total if base_total else None
    needed = rule.share * base_total if rule.share is not None and base_total is not None else None
    quorum_needed = quorum.required(entitled) if quorum else None
    tie = yes == no
    if quorum_needed is not None and (present if present is not None else turnout) < quorum_needed:
        outcome = "inquorate"
    elif tie and rule.share is None:
        # Standing orders: equal votes leave the status quo unless the chair casts a vote.
        outcome = "carried" if casting_vote == "yes" else "fell"
    else:
        outcome = "carried" if rule.passes(yes, no, base_total) else "fell"
    decision = Decision(outcome, rule, base, yes, no, abstain, base_total, share, needed, turnout,
                        present, entitled, tie, casting_vote if tie else None, quorum_needed, "", unit)
    return _with_words(decision)


def _with_words(d: Decision) -> Decision:
    """The result in the words of the issue, in its order: "Carried: 412 for, 98 against, 20 abstentions;
    80.8% of votes cast excluding abstentions; turnout 530 of 689 members, 76.9%". What a share rule
    needed, a tie and a quorum follow that sentence; a simple majority (more for than against, the
    default) is not restated."""
    head = {"carried": "Carried", "fell": "Fell", "inquorate": "Not decided (inquorate)"}[d.outcome]
    parts = [f"{head}: {_num(d.yes)} for, {_num(d.no)} against, {_num(d.abstain)} "
             f"abstention{'' if d.abstain == 1 else 's'}"]
    if d.share_of_base is not None:
        parts.append(f"{percent(d.share_of_base)} of {BASES[d.base_name]}")
    if d.entitled:
        parts.append(f"turnout {_num(d.turnout)} of {d.entitled} {d.unit}, {percent(d.turnout / d.entitled)}")
    elif d.present:
        parts.append(f"turnout {_num(d.turnout)} of {d.present} present, {percent(d.turnout / d.present)}")
    if d.needed is not None:
        parts.append(f"{d.rule.name} needed {_num(d.needed)}")
    if d.tie:
        parts.append("tie decided by the chair's casting vote "
                     f"({d.casting_vote})" if d.casting_vote else "tie: the status quo stands")
    if d.quorum_needed is not None:
        parts.append(f"quorum {_num(d.quorum_needed)}")
    words = parts[0] + "; " + "; ".join(parts[1:]) if len(parts) > 1 else parts[0]
    return replace(d, words=words)


@dataclass(frozen=True)
class ThresholdCheck:
    """Whether a count reaches a share of a total (a petition) or a minimum (a faction)."""

    met: bool
    count: int
    needed: Fraction
    words: str


def share_threshold(count: int, total: int, share: Fraction, unit: str = "members") -> ThresholdCheck:
    """E.g. a petition of 20% of members: 83 of 412 = 20.1%, threshold 82.4 members: met."""
    if total <= 0:
        raise DecisionError(f"the total of {unit} must be positive")
    needed = Fraction(share) * total
    met = count >= needed
    words = (f"{count} of {total} {unit} = {percent(Fraction(count, total))}, threshold "
             f"{percent(Fraction(share), places=None)} = {_num(needed)} {unit}: {'met' if met else 'not met'} "
             f"({count} {'>=' if met else '<'} {_num(needed)})")
    return ThresholdCheck(met, count, needed, words)


def minimum_threshold(count: int, minimum: int, unit: str = "members") -> ThresholdCheck:
    """E.g. a faction needs at least ten members."""
    met = count >= minimum
    words = f"{count} {unit}, minimum {minimum}: {'met' if met else 'not met'}"
    return ThresholdCheck(met, count, Fraction(minimum), words)


def percent(value: Fraction, places: int | None = 1) -> str:
    """A share as a percentage, rounded half up for display only."""
    scaled = Fraction(value) * 100
    if places is None:
        return f"{_num(scaled)}%"
    unit = Fraction(1, 10**places)
    rounded = (scaled / unit + Fraction(1, 2)).__floor__() * unit
    return f"{float(rounded):.{places}f}%"


def _num(value: Fraction) -> str:
    """An exact number in words a member reads: whole, or one decimal place when not whole."""
    value = Fraction(value)
    if value.denominator == 1:
        return str(value.numerator)
    tenths = (value * 10 + Fraction(1, 2)).__floor__()
    return f"{tenths // 10}.{tenths % 10}"


def _fraction_words(share: Fraction) -> str:
    names = {Fraction(1, 2): "one half", Fraction(2, 3): "two thirds", Fraction(3, 4): "three quarters",
             Fraction(3, 5): "three fifths"}
    return names.get(share, f"{share.numerator}/{share.denominator}")
