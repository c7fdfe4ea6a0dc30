"""The adapter between stored amendments and the drafting engine
(``server/drafting/amendments.py``, docs/drafting.md): the engine works on plain values
(a version's text, an amendment's operation and label); this module turns stored rows'
fields into those values and the engine's refusals into one error the services show.

The engine checks that an amendment names the version it acts on. The services keep
every open amendment restated against the motion's current version (rebased when
another carries), so each call names that version's number and text.
"""

from __future__ import annotations

import html
from dataclasses import dataclass

from server.drafting import amendments as engine
from server.drafting.marked_markdown import render_marked

OPERATION_LABELS = {
    "delete": "Delete",
    "insert_after": "Insert after",
    "replace": "Replace",
    "add_clause": "Add a new clause",
}


class NotApplicable(ValueError):
    """The operation does not fit the text; the message says why, for members to read."""


@dataclass(frozen=True)
class TextOperation:
    """What a stored amendment asks for. ``occurrence`` 1 is the first appearance of
    the passage; ``after_clause`` places a new clause after that numbered clause
    (None: at the end)."""

    operation: str
    passage: str = ""
    occurrence: int = 1
    replacement: str = ""
    after_clause: int | None = None


def label_of(number: int) -> str:
    return f"Amendment {number}"


def _amendment(op: TextOperation, label: str, version: int) -> engine.Amendment:
    return engine.Amendment(label=label, target_version=version, operation=op.operation,  # type: ignore[arg-type]
                            passage=op.passage, text=op.replacement, occurrence=op.occurrence,
                            after_clause=op.after_clause)


def _operation(amendment: engine.Amendment) -> TextOperation:
    return TextOperation(amendment.operation, amendment.passage, amendment.occurrence or 1, amendment.text,
                         amendment.after_clause)


def check(version: int, text: str, op: TextOperation, label: str = "The amendment") -> None:
    """NotApplicable unless the operation fits the text of that version."""
    try:
        engine.locate(engine.MotionVersion(version, text), _amendment(op, label, version))
    except engine.AmendmentError as problem:
        raise NotApplicable(str(problem)) from None


#: an amendment shown in the motion: the new text's line and paragraph breaks shape it
MARKED_STRUCTURE = frozenset({"equal", "insert"})
#: an excerpt runs to the start and end of the changed lines, unless they are longer than this
EXCERPT_LINE_LIMIT = 600


def marked_up(version: int, text: str, op: TextOperation, label: str = "The amendment",
              context: int | None = None) -> str:
    """HTML: the motion, formatted from its markdown, with the change marked (<del>, <ins>).

    With ``context``, an excerpt: the whole lines the change touches (so the markdown of
    a heading or list item stays whole), or about ``context`` characters either side
    when a line is very long."""
    try:
        located = engine.locate(engine.MotionVersion(version, text), _amendment(op, label, version))
    except engine.AmendmentError as problem:
        raise NotApplicable(str(problem)) from None
    before, after = text[:located.edit_start], text[located.edit_end:]
    if context is not None:
        before, after = _lead_in(before, context), _lead_out(after, context)
    segments = [("equal", before), ("delete", text[located.edit_start:located.edit_end]),
                ("insert", located.replacement), ("equal", after)]
    body = render_marked(segments, MARKED_STRUCTURE)
    return f'<div class="amendment-markup" data-amendment="{html.escape(label)}">{body}</div>'


def _lead_in(before: str, context: int) -> str:
    start = before.rfind("\n") + 1
    if len(before) - start <= max(context, EXCERPT_LINE_LIMIT):
        return before[start:]
    cut = before.find(" ", len(before) - context)
    return "\u2026" + before[cut if cut >= 0 else len(before) - context:]


def _lead_out(after: str, context: int) -> str:
    end = after.find("\n")
    end = len(after) if end < 0 else end
    if end <= max(context, EXCERPT_LINE_LIMIT):
        return after[:end]
    cut = after.rfind(" ", 0, context)
    return after[:cut if cut > 0 else context] + "\u2026"


def conflicts(version: int, text: str,
              numbered: list[tuple[int, TextOperation]]) -> dict[int, list[tuple[int, str]]]:
    """For each amendment number, the amendments it conflicts with and why; those that
    do not fit the text are left out (the caller shows why separately)."""
    labels = {label_of(number): number for number, _ in numbered}
    motion = engine.MotionVersion(version, text)
    located, _problems = engine.locate_all(motion, [_amendment(op, label_of(n), version) for n, op in numbered])
    found: dict[int, list[tuple[int, str]]] = {number: [] for number, _ in numbered}
    for conflict in engine.find_conflicts(motion, located):
        first, second = labels[conflict.first], labels[conflict.second]
        found[first].append((second, conflict.reason))
        found[second].append((first, conflict.reason))
    return found


@dataclass(frozen=True)
class CarryResult:
    text: str
    rebased: dict[int, TextOperation]
    not_applicable: dict[int, str]


def carry(version: int, text: str, number: int, op: TextOperation,
          later: list[tuple[int, TextOperation]]) -> CarryResult:
    """The text as amended by amendment ``number`` (version ``version + 1``); every later
    amendment restated against it, or the reason it no longer applies."""
    labels = {label_of(n): n for n, _ in later}
    try:
        result = engine.carry(engine.MotionVersion(version, text), _amendment(op, label_of(number), version),
                              [_amendment(o, label_of(n), version) for n, o in later])
    except engine.AmendmentError as problem:
        raise NotApplicable(str(problem)) from None
    return CarryResult(
        result.version.text,
        {labels[a.label]: _operation(a) for a in result.rebased},
        {labels[item.amendment.label]: item.reason for item in result.not_applicable},
    )
