"""Amendments to a motion: found in its text, shown, checked for conflicts, carried.

An amendment names the version of the motion it was written against and one text
operation on it (docs/drafting.md says them in members' words):

- ``delete``: delete ``passage``;
- ``replace``: replace ``passage`` with ``text``;
- ``insert_after``: insert ``text`` after ``passage`` (the anchor);
- ``add_clause``: add ``text`` as a new clause after numbered clause ``after_clause``,
  or at the end of the motion when that is None.

A passage must be found as written, as whole words; when it occurs more than once
the amendment says which occurrence (counting from 1). Each amendment *touches* a
span of the motion: the passage for the first three operations (plus the space
before or after deleted words, so no double space is left), the single point where
a new clause goes for ``add_clause``. Two amendments conflict when what they touch
overlaps, when one adds words strictly inside the other's passage, when both add
words at the same point, or when one changes a clause number that a new clause is
placed or numbered by; amendments that do not conflict give the same text in any
order (a property test checks this). When one carries, every later amendment is
moved onto the new text if what it touches was left alone, and is otherwise marked
as no longer applying, with the reason. ``proceed`` takes the votes in the CAC's
order as standing orders require: amendments first, the substantive motion last.
"""

from __future__ import annotations

import html
from bisect import bisect_left
from collections import OrderedDict
from dataclasses import dataclass, replace
from typing import Iterable, Literal, Mapping, Sequence

from server.drafting.clauses import Clause, ClauseIndex, clause_index
from server.drafting.diff import segments_html
from server.drafting.tokens import tokenise

Operation = Literal["delete", "replace", "insert_after", "add_clause"]
OPERATIONS: tuple[Operation, ...] = ("delete", "replace", "insert_after", "add_clause")
_QUOTE_LIMIT = 80
# How far either side of a position is looked at to tell whether a word continues there.
_BOUNDARY_REACH = 256
_OCCURRENCES: OrderedDict[tuple[str, str], tuple[int, ...]] = OrderedDict()
_OCCURRENCES_KEPT = 4096


def forget_occurrences() -> None:
    """Empty the memory of where passages occur (a benchmark measures the first lookups)."""
    _OCCURRENCES.clear()


@dataclass(frozen=True, slots=True)
class MotionVersion:
    number: int
    text: str


@dataclass(frozen=True, slots=True)
class Amendment:
    """A proposed change to one version of a motion; ``label`` is how members refer to it."""

    label: str
    target_version: int
    operation: Operation
    passage: str = ""
    text: str = ""
    occurrence: int | None = None
    after_clause: int | None = None


class AmendmentError(ValueError):
    """An amendment that cannot be applied as stated, with the reason in members' words."""


class PassageNotFound(AmendmentError):
    pass


class AmbiguousPassage(AmendmentError):
    def __init__(self, message: str, count: int) -> None:
        super().__init__(message)
        self.count = count


@dataclass(frozen=True, slots=True)
class Located:
    """Where an amendment acts on one version: the span it touches and the edit it makes."""

    amendment: Amendment
    start: int
    end: int
    passage_start: int  # where the named passage itself starts (``start`` may include a space before it)
    edit_start: int
    edit_end: int
    replacement: str
    # Spans the edit depends on without changing them: the numbers a new clause is numbered from.
    reads: tuple[tuple[int, int], ...] = ()

    @property
    def is_point(self) -> bool:
        return self.start == self.end


@dataclass(frozen=True, slots=True)
class Conflict:
    first: str
    second: str
    passage: str  # the words both touch ("" when both add words at the same point)
    reason: str


@dataclass(frozen=True, slots=True)
class NotApplicable:
    amendment: Amendment
    reason: str


@dataclass(frozen=True, slots=True)
class Carried:
    """The motion as amended and what became of the amendments still to be taken."""

    version: MotionVersion
    rebased: list[Amendment]
    not_applicable: list[NotApplicable]


# --- finding an amendment in the text ------------------------------------------------

def locate(version: MotionVersion, amendment: Amendment) -> Located:
    """The span ``amendment`` touches in ``version`` and its edit; AmendmentError if it cannot act."""
    if amendment.operation not in OPERATIONS:
        raise AmendmentError(f"{amendment.label}: unknown operation {amendment.operation!r}")
    if amendment.target_version != version.number:
        raise AmendmentError(
            f"{amendment.label} was written against version {amendment.target_version}, "
            f"not version {version.number}"
        )
    text = version.text
    new_words = amendment.text.strip()
    if amendment.operation in ("replace", "insert_after", "add_clause") and not new_words:
        raise AmendmentError(f"{amendment.label}: the words to {_verb(amendment.operation)} are empty")
    if amendment.operation == "add_clause":
        point, addition, reads = _new_clause_place(version, amendment, new_words)
        return Located(amendment, point, point, point, point, point, addition, reads)
    start, end = _find_passage(version, amendment)
    if amendment.operation == "insert_after":
        addition = _spaced(new_words, text[end - 1], text[end:end + 1])
        return Located(amendment, start, end, start, end, end, addition)
    if amendment.operation == "replace":
        return Located(amendment, start, end, start, start, end, new_words)
    edit_start, edit_end = _with_loose_space(text, start, end)
    return Located(amendment, edit_start, edit_end, start, edit_start, edit_end, "")


def apply(version: MotionVersion, located: Located, number: int) -> MotionVersion:
    """Version ``number``: ``version`` with one located amendment's edit made."""
    text = version.text
    return MotionVersion(number, text[:located.edit_start] + located.replacement + text[located.edit_end:])


def _verb(operation: Operation) -> str:
    return {"replace": "put in", "insert_after": "insert", "add_clause": "add as a clause"}.get(operation, operation)


def _find_passage(version: MotionVersion, amendment: Amendment) -> tuple[int, int]:
    passage = amendment.passage.strip()
    label, number = amendment.label, version.number
    if not passage:
        raise AmendmentError(f"{label}: no passage of the motion is named")
    starts = occurrences(version.text, passage)
    if not starts:
        hint = ""
        if " ".join(passage.split()).casefold() in " ".join(version.text.split()).casefold():
            hint = " (words like them are there, with different spacing or capitals)"
        raise PassageNotFound(f"{label}: the words {_quote(passage)} are not in version {number} of the motion{hint}")
    if amendment.occurrence is None:
        if len(starts) > 1:
            raise AmbiguousPassage(
                f"{label}: the words {_quote(passage)} occur {len(starts)} times in version {number}; "
                f"say which occurrence is meant (1 to {len(starts)})",
                len(starts),
            )
        return starts[0], starts[0] + len(passage)
    if not 1 <= amendment.occurrence <= len(starts):
        times = "once" if len(starts) == 1 else f"only {len(starts)} times"
        raise PassageNotFound(
            f"{label}: the words {_quote(passage)} occur {times} in version {number}, "
            f"so occurrence {amendment.occurrence} does not exist"
        )
    start = starts[amendment.occurrence - 1]
    return start, start + len(passage)


def occurrences(text: str, passage: str) -> tuple[int, ...]:
    """Where ``passage`` starts in ``text`` as whole words (never inside a word).

    Remembered for recent texts: a motion page locates every amendment in the same
    version, and carrying one amendment re-locates all the others.
    """
    found = _OCCURRENCES.get((text, passage))
    if found is None:
        found = _remember(text, passage, tuple(_scan(text, passage, 0, len(text))))
    return found


def _occurrences_after_edit(old_text: str, new_text: str, passage: str, edit: Located) -> tuple[int, ...]:
    """``occurrences(new_text, passage)`` where new_text is old_text with one edit made.

    Far from the edit nothing changes (an occurrence and the word boundaries at its
    ends depend only on the text within ``_BOUNDARY_REACH`` of it), so only the
    neighbourhood of the edit is searched again.
    """
    cached = _OCCURRENCES.get((new_text, passage))
    if cached is not None:
        return cached
    old_starts = occurrences(old_text, passage)
    growth = len(edit.replacement) - (edit.edit_end - edit.edit_start)
    margin = len(passage) + _BOUNDARY_REACH
    low, high = max(0, edit.edit_start - margin), edit.edit_end + margin
    before = old_starts[:bisect_left(old_starts, low)]
    after = [start + growth for start in old_starts[bisect_left(old_starts, high):]]
    near = _scan(new_text, passage, low, high + growth)
    return _remember(new_text, passage, tuple(before) + tuple(near) + tuple(after))


def _scan(text: str, passage: str, low: int, high: int) -> list[int]:
    """Whole-word occurrences of ``passage`` starting in [low, high)."""
    starts: list[int] = []
    at = text.find(passage, low)
    while 0 <= at < high:
        if is_token_boundary(text, at) and is_token_boundary(text, at + len(passage)):
            starts.append(at)
        at = text.find(passage, at + 1)
    return starts


def _remember(text: str, passage: str, starts: tuple[int, ...]) -> tuple[int, ...]:
    _OCCURRENCES[(text, passage)] = starts
    while len(_OCCURRENCES) > _OCCURRENCES_KEPT:
        _OCCURRENCES.popitem(last=False)
    return starts


def is_token_boundary(text: str, position: int) -> bool:
    """Whether a token of ``text`` (see tokens.py) starts or ends at ``position``.

    Only the neighbourhood is tokenised: from a whitespace character (whitespace always
    begins a token) before the position to one after it, so checking a passage in a
    long motion costs the same as in a short one.
    """
    if position <= 0 or position >= len(text):
        return True
    reach = _BOUNDARY_REACH
    low = max(text.rfind(" ", max(0, position - reach), position - 1),
              text.rfind("\n", max(0, position - reach), position - 1))
    low = max(0, position - reach) if low < 0 else low
    high = min((found for found in (text.find(" ", position + 1, position + reach),
                                    text.find("\n", position + 1, position + reach)) if found >= 0),
               default=min(len(text), position + reach))
    at = low
    for token in tokenise(text[low:high]):
        at += len(token)
        if at >= position:
            return at == position
    return True


def _new_clause_place(version: MotionVersion, amendment: Amendment,
                      words: str) -> tuple[int, str, tuple[tuple[int, int], ...]]:
    """Where a new clause goes, the text that goes there (line break and number included),
    and the clause numbers that decide its number and where the clause before it ends."""
    text = version.text
    index = clause_index(text)
    if amendment.after_clause is None:
        point = len(text.rstrip())
        last = index.clauses[-1] if index.clauses else None
        if last is not None and last.end == point:
            return point, f"\n{last.marker_for(last.number + 1)}{words}", ((last.start, last.marker_end),)
        return point, f"\n\n{words}" if point else words, ()
    clause = _pick_clause(version, amendment, index)
    reads = [(clause.start, clause.marker_end)]
    following = index.by_start.get(clause.end + 1)
    if following is not None:
        reads.append((following.start, following.marker_end))
    return clause.end, f"\n{clause.marker_for(clause.number + 1)}{words}", tuple(reads)


def _pick_clause(version: MotionVersion, amendment: Amendment, index: ClauseIndex) -> Clause:
    label, wanted = amendment.label, amendment.after_clause
    matching = index.by_number.get(wanted, ())
    if not matching:
        raise PassageNotFound(f"{label}: version {version.number} of the motion has no clause {wanted}")
    if amendment.occurrence is None:
        if len(matching) > 1:
            raise AmbiguousPassage(
                f"{label}: version {version.number} has {len(matching)} clauses numbered {wanted}; "
                f"say which is meant (1 to {len(matching)})",
                len(matching),
            )
        return matching[0]
    if not 1 <= amendment.occurrence <= len(matching):
        raise PassageNotFound(
            f"{label}: version {version.number} has {len(matching)} clause(s) numbered {wanted}, "
            f"so occurrence {amendment.occurrence} does not exist"
        )
    return matching[amendment.occurrence - 1]


def _spaced(words: str, before: str, after: str) -> str:
    """Inserted words with a space on each side where they would otherwise run into a word."""
    if before and (before.isalnum() or before in ",;:.!?") and words[0].isalnum():
        words = " " + words
    if after and after.isalnum() and words[-1].isalnum():
        words = words + " "
    return words


def _with_loose_space(text: str, start: int, end: int) -> tuple[int, int]:
    """A deleted passage together with one side's spaces, so no double space is left."""
    before = start
    while before > 0 and text[before - 1] in " \t":
        before -= 1
    after = end
    while after < len(text) and text[after] in " \t":
        after += 1
    at_line_start = before == 0 or text[before - 1] == "\n"
    if before < start and not at_line_start and (after == len(text) or after > end or not text[end].isalnum()):
        return before, end
    if at_line_start and after > end:
        return start, after
    return start, end


# --- showing an amendment -------------------------------------------------------------

def mark_up(version: MotionVersion, amendment: Amendment, context: int | None = None) -> str:
    """The motion with the amendment's change marked (<del>, <ins>), as escaped HTML.

    With ``context``, only about that many characters either side of the change are shown.
    """
    located = locate(version, amendment)
    text = version.text
    before, after = text[:located.edit_start], text[located.edit_end:]
    if context is not None:
        before = _tail(before, context)
        after = _head(after, context)
    segments = [("equal", before), ("delete", text[located.edit_start:located.edit_end]),
                ("insert", located.replacement), ("equal", after)]
    body = segments_html([(kind, piece) for kind, piece in segments if piece], frozenset({"equal", "insert"}))
    return f'<div class="amendment-markup" data-amendment="{html.escape(amendment.label)}">{body}</div>'


def _tail(text: str, size: int) -> str:
    if len(text) <= size:
        return text
    cut = text.find(" ", len(text) - size)
    return "\u2026" + text[cut if cut >= 0 else len(text) - size:]


def _head(text: str, size: int) -> str:
    if len(text) <= size:
        return text
    cut = text.rfind(" ", 0, size)
    return text[:cut if cut > 0 else size] + "\u2026"


# --- conflicts ------------------------------------------------------------------------

def locate_all(version: MotionVersion, amendments: Iterable[Amendment]) -> tuple[list[Located], list[NotApplicable]]:
    """Each amendment located, or set aside with the reason it cannot be."""
    located: list[Located] = []
    problems: list[NotApplicable] = []
    for amendment in amendments:
        try:
            located.append(locate(version, amendment))
        except AmendmentError as error:
            problems.append(NotApplicable(amendment, str(error)))
    return located, problems


def find_conflicts(version: MotionVersion, located: Sequence[Located]) -> list[Conflict]:
    """Every pair of amendments whose changes overlap, in the order the amendments were given."""
    ordered = sorted(range(len(located)), key=lambda k: (located[k].start, located[k].end))
    pairs: set[tuple[int, int]] = set()
    for position, k in enumerate(ordered):
        for m in ordered[position + 1:]:
            if located[m].start > located[k].end:
                break
            pairs.add((min(k, m), max(k, m)))
    readers = [k for k, item in enumerate(located) if item.reads]
    pairs.update((min(k, m), max(k, m)) for k in readers for m in range(len(located)) if m != k)
    conflicts = (_conflict(version.text, located[first], located[second]) for first, second in sorted(pairs))
    return [conflict for conflict in conflicts if conflict is not None]


def _conflict(text: str, x: Located, y: Located) -> Conflict | None:
    """Whether two located amendments conflict, and why."""
    return _touch_conflict(text, x, y) or _numbering_conflict(text, x, y)


def _touch_conflict(text: str, x: Located, y: Located) -> Conflict | None:
    a, b = x.amendment.label, y.amendment.label
    if x.is_point and y.is_point:
        if x.start != y.start:
            return None
        return Conflict(a, b, "", f"{a} and {b} both add words at the same place, after {_quote(_words_before(text, x.start))}")
    if x.is_point or y.is_point:
        point, span = (x, y) if x.is_point else (y, x)
        if not span.start < point.start < span.end:
            return None
        passage = text[span.start:span.end].strip()
        return Conflict(a, b, passage,
                        f"{point.amendment.label} adds words inside the passage {_quote(passage)} "
                        f"that {span.amendment.label} changes")
    low, high = max(x.start, y.start), min(x.end, y.end)
    if low >= high:
        return None
    both = text[low:high].strip() or text[low:high]
    return Conflict(a, b, both, f"{a} and {b} both change the words {_quote(both)}")


def _numbering_conflict(text: str, x: Located, y: Located) -> Conflict | None:
    """A new clause whose number, or whose place, comes from a clause number the other changes."""
    for reader, changer in ((x, y), (y, x)):
        for low, high in reader.reads:
            if changer.start < high and low < changer.end:
                marker = text[low:high].strip()
                return Conflict(x.amendment.label, y.amendment.label, marker,
                                f"{reader.amendment.label} places its new clause by the number {_quote(marker)}, "
                                f"which {changer.amendment.label} changes")
    return None


def _words_before(text: str, point: int, size: int = 40) -> str:
    return _tail(text[:point], size).strip() or "the start of the motion"


# --- carrying an amendment ----------------------------------------------------------------

def carry(version: MotionVersion, amendment: Amendment, later: Iterable[Amendment],
          number: int | None = None) -> Carried:
    """The motion as amended (version ``number``, by default the next) and the later amendments
    moved onto it, or marked as no longer applying with the reason."""
    carried = locate(version, amendment)
    amended = apply(version, carried, version.number + 1 if number is None else number)
    rebased: list[Amendment] = []
    not_applicable: list[NotApplicable] = []
    for other in later:
        try:
            moved = _rebase(version, amended, carried, other)
        except AmendmentError as error:
            not_applicable.append(NotApplicable(other, str(error)))
        else:
            rebased.append(moved)
    return Carried(amended, rebased, not_applicable)


def _rebase(version: MotionVersion, amended: MotionVersion, carried: Located, other: Amendment) -> Amendment:
    located = locate(version, other)
    moved = _map_span(version.text, carried, located)
    if other.operation == "add_clause":
        if other.after_clause is None:
            rebased = replace(other, target_version=amended.number, occurrence=None)
        else:
            rebased = _rebase_clause(amended, other, moved)
    else:
        passage = other.passage.strip()
        starts = _occurrences_after_edit(version.text, amended.text, passage, carried)
        if moved not in starts:
            raise AmendmentError(
                f"{other.label} no longer applies: after {carried.amendment.label} the words "
                f"{_quote(passage)} are no longer separate words"
            )
        rebased = replace(other, target_version=amended.number,
                          occurrence=None if len(starts) == 1 else starts.index(moved) + 1)
    return rebased


def _rebase_clause(amended: MotionVersion, other: Amendment, point: int) -> Amendment:
    index = clause_index(amended.text)
    clause = index.by_end.get(point)
    if clause is None:
        raise AmendmentError(f"{other.label} no longer applies: clause {other.after_clause} was changed so that its end moved")
    same_number = index.by_number[clause.number]
    occurrence = None if len(same_number) == 1 else same_number.index(clause) + 1
    return replace(other, target_version=amended.number, after_clause=clause.number, occurrence=occurrence)


def _map_span(text: str, carried: Located, other: Located) -> int:
    """Where ``other``'s passage starts once ``carried`` is applied; AmendmentError if its span was touched."""
    s, e, growth = carried.edit_start, carried.edit_end, len(carried.replacement) - (carried.edit_end - carried.edit_start)
    a, b, at = other.start, other.end, other.passage_start
    by = carried.amendment.label
    if s < e:
        if b <= s:
            return at
        if a >= e:
            return at + growth
        if other.is_point:
            return _not_applicable(other, f"the place where it adds words, within {_quote(text[s:e])}, "
                                          f"was {_changed(carried)} by {by}")
        return _not_applicable(other, f"the words {_quote(text[max(a, s):min(b, e)])} were {_changed(carried)} by {by}")
    if a == b == s or a >= s:
        return at + growth
    if b <= s:
        return at
    return _not_applicable(other, f"{by} inserted words inside the passage {_quote(text[a:b])}")


def _changed(carried: Located) -> str:
    return "deleted" if not carried.replacement else "changed"


def _not_applicable(other: Located, why: str) -> int:
    raise AmendmentError(f"{other.amendment.label} no longer applies: {why}")


def _quote(words: str) -> str:
    words = " ".join(words.split())
    if len(words) > _QUOTE_LIMIT:
        words = words[:_QUOTE_LIMIT // 2].rstrip() + " \u2026 " + words[-(_QUOTE_LIMIT // 2 - 10):].lstrip()
    return f"\u2018{words}\u2019"


# --- the order of voting --------------------------------------------------------------------

Outcome = Literal["carried", "fell"]


@dataclass(frozen=True, slots=True)
class AmendmentStatus:
    label: str
    state: Literal["carried", "fell", "not_applicable", "to_vote", "waiting"]
    reason: str = ""


@dataclass(frozen=True, slots=True)
class Proceedings:
    """Where the votes on a motion and its amendments stand."""

    version: MotionVersion  # the motion as amended so far
    versions: list[MotionVersion]  # each "as amended" version made, in order
    statuses: list[AmendmentStatus]  # in the order of voting
    pending: list[Amendment]  # amendments still to vote on, moved onto ``version``
    next_vote: str | None  # the amendment to vote on next, the motion once none is left, None when all is done


def voting_order(amendments: Sequence[Amendment], cac_order: Sequence[str]) -> list[Amendment]:
    """The amendments in the order the CAC set; every amendment placed exactly once."""
    by_label = {amendment.label: amendment for amendment in amendments}
    if len(by_label) != len(amendments):
        raise AmendmentError("two amendments have the same label")
    seen: set[str] = set()
    for label in cac_order:
        if label not in by_label:
            raise AmendmentError(f"the CAC's order names {label}, which is not an amendment to this motion")
        if label in seen:
            raise AmendmentError(f"the CAC's order names {label} twice")
        seen.add(label)
    missing = [amendment.label for amendment in amendments if amendment.label not in seen]
    if missing:
        raise AmendmentError(f"the CAC's order leaves out {', '.join(missing)}")
    return [by_label[label] for label in cac_order]


def proceed(version: MotionVersion, motion_label: str, ordered: Sequence[Amendment],
            outcomes: Mapping[str, Outcome]) -> Proceedings:
    """Take the recorded votes in order, amendments first and the substantive motion last.

    A carried amendment makes a new version and moves or rules out the later ones; a
    fallen amendment is never applied; a vote recorded for an amendment that no longer
    applies, or out of order, is refused with the reason.
    """
    known = {amendment.label for amendment in ordered} | {motion_label}
    for label, outcome in outcomes.items():
        if label not in known:
            raise AmendmentError(f"a vote is recorded for {label}, which is not on this motion")
        if outcome not in ("carried", "fell"):
            raise AmendmentError(f"the outcome for {label} must be 'carried' or 'fell', not {outcome!r}")
    current = version
    versions: list[MotionVersion] = []
    statuses: list[AmendmentStatus] = []
    queue = list(ordered)
    while queue and queue[0].label in outcomes:
        amendment, queue = queue[0], queue[1:]
        if outcomes[amendment.label] == "fell":
            statuses.append(AmendmentStatus(amendment.label, "fell"))
            continue
        result = carry(current, amendment, queue)
        for item in result.not_applicable:
            if item.amendment.label in outcomes:
                raise AmendmentError(f"a vote is recorded for {item.amendment.label}, but {item.reason}")
            statuses.append(AmendmentStatus(item.amendment.label, "not_applicable", item.reason))
        current = result.version
        versions.append(current)
        statuses.append(AmendmentStatus(amendment.label, "carried"))
        queue = result.rebased
    for later in queue[1:]:
        if later.label in outcomes:
            raise AmendmentError(f"{later.label} cannot be voted on before {queue[0].label} (the CAC's order)")
    if queue:
        if motion_label in outcomes:
            raise AmendmentError(f"the motion cannot be voted on before its amendments ({queue[0].label} is next)")
        statuses.append(AmendmentStatus(queue[0].label, "to_vote"))
        statuses.extend(AmendmentStatus(later.label, "waiting") for later in queue[1:])
        next_vote: str | None = queue[0].label
    else:
        next_vote = None if motion_label in outcomes else motion_label
    return Proceedings(current, versions, _in_order(statuses, ordered), queue, next_vote)


def _in_order(statuses: list[AmendmentStatus], ordered: Sequence[Amendment]) -> list[AmendmentStatus]:
    position = {amendment.label: k for k, amendment in enumerate(ordered)}
    return sorted(statuses, key=lambda status: position[status.label])
