"""Check a cast ballot against its spec: accept it in normal form, or say what to fix.

A refused ballot is never counted as spoilt: the voter is told, in one
sentence, what is wrong and how to put it right ("Rank 2 is given twice: give
each rank once."), and votes again. Whatever the form (the JavaScript ranking
widget, the numbered no-JavaScript form, the JSON API), the submission is a
mapping with the fields of ``BallotContents`` and ends up in the same normal
form, so equal votes are stored identically.

The numbered form gives each candidate a box for a rank number. Blank boxes
are allowed (the candidate is not ranked). Gaps in the numbers (1, 2, 4) are
closed (read as 1, 2, 3) or refused, as the spec's ``gaps`` rule says. A slate
paper that also ranks people has a second set of boxes, one per person, read
by the same rules (``parse_numbered_people``).
"""

from __future__ import annotations

from collections import Counter
from typing import Any, Mapping, Sequence

from ballots.contents import BallotContents
from ballots.kinds import ANSWERS, GAPS_REFUSE, SLATE, SLATES, BallotSpec


class BallotRejected(ValueError):
    """A ballot the voter must correct; ``message`` says what to fix."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


def validate(spec: BallotSpec, submitted: Mapping[str, Any], weight: int = 1) -> BallotContents:
    """The normal form of a submitted ballot; ``weight`` comes from the roll, never from the voter."""
    _check_fields(spec, submitted)
    if weight < 1 or (weight != 1 and not spec.weighted):
        raise BallotRejected(f"This ballot carries one vote per voter, not {weight}." if not spec.weighted
                             else f"A card vote must carry at least one vote, not {weight}.", "weight")
    if spec.answers_yes_no:
        choice = _answer(submitted.get("choice"))
        struck = _struck(spec, submitted.get("struck")) if spec.kind == SLATE else ()
        individuals = _individuals(spec, submitted.get("individuals"))
        return BallotContents(choice=choice, struck=struck, individuals=individuals, weight=weight)
    ranking = _names(submitted.get("ranking"), "ranking")
    ranking = _ranking(spec, ranking) if spec.ranked else _marks(spec, ranking)
    individuals = _individuals(spec, submitted.get("individuals")) if spec.kind == SLATES else ()
    return BallotContents(ranking=ranking, individuals=individuals, weight=weight)


def parse_numbered_form(spec: BallotSpec, numbers: Mapping[str, str]) -> tuple[str, ...]:
    """A ranking from the numbered form: candidate -> the number typed in its box ('' for none)."""
    for name in numbers:
        if name not in spec.choices:
            raise BallotRejected(f"Unknown candidate {name!r}.", "ranking")
    return _ranking(spec, _numbered(spec, numbers, "ranking"))


def parse_numbered_people(spec: BallotSpec, numbers: Mapping[str, str]) -> tuple[str, ...]:
    """The people ranked on a slate paper's numbered form (person -> number, '' for none), read by the same
    rules as the slates' or candidates' boxes; all blank is no individual ranking, which is allowed."""
    if any((raw or "").strip() for raw in numbers.values()) and not spec.individual_preferences:
        raise BallotRejected("This ballot does not ask you to rank people individually.", "individuals")
    for name in numbers:
        if name not in spec.individuals:
            raise BallotRejected(f"Unknown person {name!r}: rank only people named on the slates.", "individuals")
    return _individuals(spec, _numbered(spec, numbers, "individuals"))


def _numbered(spec: BallotSpec, numbers: Mapping[str, str], field: str) -> tuple[str, ...]:
    """The names in the order of the numbers typed in their boxes; a repeated rank (or, where the spec refuses
    gaps, a missing one) is refused with the rank to fix."""
    given: dict[str, int] = {}
    for name, raw in numbers.items():
        text = (raw or "").strip()
        if not text:
            continue
        if not text.isdigit():
            raise BallotRejected(f"Give a whole number for {name!r}, or leave its box blank.", field)
        number = int(text)
        if number < 1:
            raise BallotRejected(f"Ranks start at 1: give {name!r} a number from 1 up, or leave its box blank.",
                                 field)
        given[name] = number
    repeats = sorted((n, times) for n, times in Counter(given.values()).items() if times > 1)
    if repeats:
        number, times = repeats[0]
        raise BallotRejected(f"Rank {number} is given {_times(times)}: give each rank once.", field)
    if spec.gaps == GAPS_REFUSE:
        missing = next((n for n in range(1, len(given) + 1) if n not in given.values()), None)
        if missing is not None:
            raise BallotRejected(f"Rank {missing} is missing: number your choices 1, 2, 3 … without gaps.", field)
    return tuple(sorted(given, key=given.__getitem__))


def _check_fields(spec: BallotSpec, submitted: Mapping[str, Any]) -> None:
    allowed = {"choice", "struck", "individuals"} if spec.answers_yes_no else {"ranking", "individuals"}
    extra = sorted(k for k in submitted if k not in allowed and submitted[k] not in (None, "", [], ()))
    if extra:
        raise BallotRejected(f"This ballot has no {extra[0]!r} to fill in.", extra[0])
    if "individuals" in submitted and submitted["individuals"] and not spec.individual_preferences:
        raise BallotRejected("This ballot does not ask you to rank people individually.", "individuals")


def _answer(choice: Any) -> str:
    text = choice.strip().lower() if isinstance(choice, str) else None
    if text not in ANSWERS:
        raise BallotRejected("Choose yes, no or abstain.", "choice")
    return text  # type: ignore[return-value]


def _names(value: Any, field: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str) or not isinstance(value, Sequence) or not all(isinstance(v, str) for v in value):
        raise BallotRejected("Send the names you chose as a list.", field)
    return tuple(v.strip() for v in value)


def _known(spec: BallotSpec, names: tuple[str, ...], allowed: Sequence[str], what: str, field: str) -> None:
    for name in names:
        if name not in allowed:
            raise BallotRejected(f"Unknown {what} {name!r}.", field)
        if name in spec.withdrawn:
            raise BallotRejected(f"{name!r} has withdrawn: take them off your ballot.", field)


def _ranking(spec: BallotSpec, ranking: tuple[str, ...]) -> tuple[str, ...]:
    what = "slate" if spec.kind == SLATES else "candidate"
    _known(spec, ranking, spec.choices, what, "ranking")
    twice = next((name for name, times in Counter(ranking).items() if times > 1), None)
    if twice is not None:
        raise BallotRejected(f"{twice!r} is ranked more than once: rank each {what} once.", "ranking")
    _check_count(spec, len(ranking), "ranked")
    return ranking


def _marks(spec: BallotSpec, marks: tuple[str, ...]) -> tuple[str, ...]:
    what = "slate" if spec.kind == SLATES else "candidate"
    _known(spec, marks, spec.choices, what, "ranking")
    chosen = set(marks)
    _check_count(spec, len(chosen), "marked")
    return tuple(name for name in spec.choices if name in chosen)  # ballot-paper order: marks have no order


def _check_count(spec: BallotSpec, given: int, verb: str) -> None:
    what = "slate" if spec.kind == SLATES else "candidate"
    limit = spec.mark_limit
    if given > limit:
        plural = "s" if given != 1 else ""
        allows = f"at most {limit}" if limit != 1 else "only one"
        raise BallotRejected(f"You {verb} {given} {what}{plural}; this ballot allows {allows}.", "ranking")
    if given == 0 and not spec.blank_allowed:
        raise BallotRejected(f"Mark at least one {what}." if verb == "marked" else f"Rank at least one {what}.",
                             "ranking")


def _struck(spec: BallotSpec, value: Any) -> tuple[str, ...]:
    names = _names(value, "struck")
    if names and spec.strike_share is None:
        raise BallotRejected("This slate vote does not allow striking names out.", "struck")
    members = spec.slates[0].members
    for name in names:
        if name not in members:
            raise BallotRejected(f"{name!r} is not on the slate.", "struck")
    chosen = set(names)
    return tuple(name for name in members if name in chosen)


def _individuals(spec: BallotSpec, value: Any) -> tuple[str, ...]:
    names = _names(value, "individuals")
    if not names:
        return ()
    everyone = spec.individuals
    for name in names:
        if name not in everyone:
            raise BallotRejected(f"Unknown person {name!r}: rank only people named on the slates.", "individuals")
    twice = next((name for name, times in Counter(names).items() if times > 1), None)
    if twice is not None:
        raise BallotRejected(f"{twice!r} is ranked more than once: rank each person once.", "individuals")
    return names


def _times(times: int) -> str:
    return {2: "twice", 3: "three times"}.get(times, f"{times} times")
