"""Amendments: located as written, marked up, checked for conflicts, carried and rebased."""

from __future__ import annotations

import pytest
from hypothesis import assume, given, settings, strategies as st

from server.drafting.amendments import (
    AmbiguousPassage, Amendment, AmendmentError, MotionVersion, PassageNotFound, carry,
    find_conflicts, locate, locate_all, mark_up, occurrences,
)
from server.drafting.diff import apply_ops, diff_words

MOTION = MotionVersion(1, (
    "This conference notes the cost of living crisis.\n"
    "\n"
    "This conference resolves:\n"
    "1. To campaign for a four-day week with immediate effect.\n"
    "2. To support workers on strike, with immediate effect.\n"
    "3. To report back to conference."
))


def amendment(label: str, operation: str, **fields) -> Amendment:
    return Amendment(label, fields.pop("version", 1), operation, **fields)


def carried_text(version: MotionVersion, change: Amendment) -> str:
    return carry(version, change, []).version.text


# --- the four operations ---------------------------------------------------------------

def test_delete_takes_the_space_before_the_words_with_it() -> None:
    text = carried_text(MOTION, amendment("a1", "delete", passage="with immediate effect", occurrence=1))
    assert "1. To campaign for a four-day week.\n" in text
    assert "2. To support workers on strike, with immediate effect." in text


def test_delete_at_the_start_of_a_line_takes_the_space_after() -> None:
    version = MotionVersion(1, "Urgently campaign now.\nAct.")
    assert carried_text(version, amendment("a", "delete", passage="Urgently")) == "campaign now.\nAct."


def test_replace_puts_the_new_words_in_place() -> None:
    text = carried_text(MOTION, amendment("a2", "replace", passage="four-day week", text="32-hour week"))
    assert "1. To campaign for a 32-hour week with immediate effect." in text


def test_insert_after_adds_a_space_where_words_would_run_together() -> None:
    text = carried_text(MOTION, amendment("a3", "insert_after", passage="To support", text="and organise"))
    assert "2. To support and organise workers on strike" in text


def test_add_clause_after_a_numbered_clause_and_at_the_end() -> None:
    after_two = carried_text(MOTION, amendment("a4", "add_clause", text="To fund the strike.", after_clause=2))
    assert "effect.\n3. To fund the strike.\n3. To report back" in after_two
    at_end = carried_text(MOTION, amendment("a5", "add_clause", text="To review this in a year."))
    assert at_end.endswith("3. To report back to conference.\n4. To review this in a year.")
    plain = MotionVersion(1, "We support the strike.\n")
    assert carried_text(plain, amendment("a", "add_clause", text="We will fund it.")) == (
        "We support the strike.\n\nWe will fund it.\n")


# --- finding the passage ----------------------------------------------------------------

def test_a_repeated_passage_needs_its_occurrence() -> None:
    with pytest.raises(AmbiguousPassage) as raised:
        locate(MOTION, amendment("a6", "delete", passage="with immediate effect"))
    assert raised.value.count == 2
    assert "occur 2 times in version 1" in str(raised.value)
    with pytest.raises(PassageNotFound, match="occurrence 3 does not exist"):
        locate(MOTION, amendment("a6", "delete", passage="with immediate effect", occurrence=3))


def test_insert_after_a_repeated_anchor_goes_after_the_chosen_one() -> None:
    change = amendment("a7", "insert_after", passage="with immediate effect", text="and without delay", occurrence=2)
    text = carried_text(MOTION, change)
    assert "four-day week with immediate effect.\n" in text
    assert "on strike, with immediate effect and without delay." in text


def test_a_missing_passage_is_reported_with_a_hint() -> None:
    with pytest.raises(PassageNotFound, match="not in version 1 of the motion"):
        locate(MOTION, amendment("a8", "delete", passage="general strike"))
    with pytest.raises(PassageNotFound, match="different spacing or capitals"):
        locate(MOTION, amendment("a8", "delete", passage="Four-Day  week"))


def test_a_passage_is_never_matched_inside_a_word() -> None:
    version = MotionVersion(1, "We act through action and act again.")
    assert occurrences(version.text, "act") == (3, 26)
    with pytest.raises(AmbiguousPassage):
        locate(version, amendment("a", "delete", passage="act"))


def test_an_amendment_to_another_version_is_refused() -> None:
    with pytest.raises(AmendmentError, match="written against version 2, not version 1"):
        locate(MOTION, amendment("a9", "delete", passage="crisis", version=2))


def test_missing_and_repeated_clause_numbers_are_reported() -> None:
    with pytest.raises(PassageNotFound, match="has no clause 7"):
        locate(MOTION, amendment("a", "add_clause", text="x", after_clause=7))
    twice = MotionVersion(1, "1. One.\n2. Two.\n\nAnd:\n1. Again.\n")
    with pytest.raises(AmbiguousPassage, match="2 clauses numbered 1"):
        locate(twice, amendment("a", "add_clause", text="x", after_clause=1))
    assert "1. Again.\n2. x\n" in carried_text(twice, amendment("a", "add_clause", text="x", after_clause=1, occurrence=2))


def test_empty_new_words_are_refused() -> None:
    with pytest.raises(AmendmentError, match="empty"):
        locate(MOTION, amendment("a", "replace", passage="crisis", text="  "))


@pytest.mark.parametrize("text, passage, new, expected", [
    ("工会支持罢工。", "支持", "反对", "工会反对罢工。"),
    ("הוועידה מחליטה לתמוך בשביתה.", "לתמוך", "להתנגד", "הוועידה מחליטה להתנגד בשביתה."),
    ("La conférence exige la grève ✊🏽.", "exige", "soutient", "La conférence soutient la grève ✊🏽."),
    ("Solidarity ✊🏽 forever.", "✊🏽", "✊🏿", "Solidarity ✊🏿 forever."),
])
def test_unicode_passages(text: str, passage: str, new: str, expected: str) -> None:
    version = MotionVersion(1, text)
    assert carried_text(version, amendment("a", "replace", passage=passage, text=new)) == expected


def test_a_cjk_passage_is_found_between_characters_but_an_accent_is_not_split() -> None:
    assert occurrences("工会支持罢工", "罢工") == (4,)
    assert occurrences("cafe\u0301 cafe", "cafe") == (6,)


# --- showing it --------------------------------------------------------------------------

def test_mark_up_shows_the_change_escaped() -> None:
    version = MotionVersion(1, "Pay <script>rise</script> now.\n\nSecond paragraph.")
    shown = mark_up(version, amendment("a<1>", "replace", passage="now", text="<b>today</b>"))
    assert "<script>" not in shown and "<b>" not in shown
    assert "<del>now</del><ins>&lt;b&gt;today&lt;/b&gt;</ins>" in shown
    assert 'data-amendment="a&lt;1&gt;"' in shown
    assert shown.count("<p>") == 2


def test_mark_up_with_context_shows_only_the_neighbourhood() -> None:
    shown = mark_up(MOTION, amendment("a", "replace", passage="strike", text="picket lines"), context=20)
    assert "cost of living" not in shown and shown.count("\u2026") == 2


# --- conflicts -----------------------------------------------------------------------------

def conflicts_of(*changes: Amendment):
    located, problems = locate_all(MOTION, changes)
    assert not problems
    return find_conflicts(MOTION, located)


def test_overlapping_passages_conflict_with_the_shared_words() -> None:
    [conflict] = conflicts_of(
        amendment("a1", "delete", passage="a four-day week"),
        amendment("a2", "replace", passage="week with immediate effect", text="week soon", occurrence=1),
        amendment("a3", "delete", passage="cost of living"),
    )
    assert (conflict.first, conflict.second, conflict.passage) == ("a1", "a2", "week")
    assert "a1 and a2 both change the words \u2018week\u2019" == conflict.reason


def test_two_insertions_after_the_same_anchor_conflict() -> None:
    [conflict] = conflicts_of(
        amendment("a1", "insert_after", passage="To support", text="and organise"),
        amendment("a2", "insert_after", passage="support", text="and fund"),
    )
    assert conflict.passage == "support"


def test_an_insertion_inside_another_passage_conflicts() -> None:
    [conflict] = conflicts_of(
        amendment("a1", "delete", passage="immediate effect.\n3. To report", occurrence=1),
        amendment("a2", "add_clause", text="To fund the strike.", after_clause=2),
    )
    assert "a2 adds words inside the passage" in conflict.reason


def test_two_new_clauses_at_the_same_place_conflict() -> None:
    [conflict] = conflicts_of(amendment("a1", "add_clause", text="One."), amendment("a2", "add_clause", text="Two."))
    assert conflict.passage == "" and "at the same place" in conflict.reason


def test_neighbouring_changes_do_not_conflict() -> None:
    assert conflicts_of(
        amendment("a1", "delete", passage="four-day"),
        amendment("a2", "replace", passage="week", text="month", occurrence=1),
        amendment("a3", "insert_after", passage="campaign for", text="and win"),
        amendment("a4", "add_clause", text="To fund the strike.", after_clause=1),
        amendment("a5", "delete", passage="a"),
    ) == []


# --- carrying and rebasing ------------------------------------------------------------------

def test_a_later_amendment_to_deleted_words_no_longer_applies_with_the_reason() -> None:
    result = carry(MOTION, amendment("amendment 3", "delete", passage="with immediate effect", occurrence=2), [
        amendment("amendment 4", "replace", passage="strike, with immediate effect", text="strike"),
        amendment("amendment 5", "replace", passage="four-day", text="32-hour"),
    ])
    assert result.version.number == 2
    [dropped] = result.not_applicable
    assert dropped.amendment.label == "amendment 4"
    assert dropped.reason == ("amendment 4 no longer applies: the words \u2018with immediate effect\u2019 "
                              "were deleted by amendment 3")
    [moved] = result.rebased
    assert moved.target_version == 2 and moved.label == "amendment 5"
    assert "32-hour week with immediate effect." in carried_text(result.version, moved)


def test_changed_words_and_words_inserted_inside_are_reasons_too() -> None:
    result = carry(MOTION, amendment("a1", "replace", passage="four-day week", text="shorter week"), [
        amendment("a2", "delete", passage="a four-day"),
    ])
    assert "the words \u2018four-day\u2019 were changed by a1" in result.not_applicable[0].reason
    result = carry(MOTION, amendment("a1", "insert_after", passage="support", text="and organise"), [
        amendment("a2", "delete", passage="To support workers"),
    ])
    assert "a1 inserted words inside the passage \u2018To support workers\u2019" in result.not_applicable[0].reason


def test_rebasing_renumbers_the_occurrence_of_a_repeated_passage() -> None:
    second = amendment("a2", "insert_after", passage="with immediate effect", text="and for good", occurrence=2)
    result = carry(MOTION, amendment("a1", "replace", passage="a four-day week with immediate effect",
                                     text="a four-day week"), [second])
    [moved] = result.rebased
    assert moved.occurrence is None
    assert "strike, with immediate effect and for good." in carried_text(result.version, moved)


def test_a_clause_added_after_clause_2_follows_it_when_clause_1_grows() -> None:
    result = carry(MOTION, amendment("a1", "add_clause", text="To lobby.", after_clause=1),
                   [amendment("a2", "add_clause", text="To fund the strike.", after_clause=2)])
    [moved] = result.rebased
    text = carried_text(result.version, moved)
    assert "1. To campaign for a four-day week with immediate effect.\n2. To lobby.\n2. To support" in text
    assert "strike, with immediate effect.\n3. To fund the strike.\n3. To report back" in text
    assert (moved.after_clause, moved.occurrence) == (2, 2)


def test_a_vanished_passage_is_not_applicable_rather_than_an_error() -> None:
    result = carry(MOTION, amendment("a1", "delete", passage="cost of living"),
                   [amendment("a2", "delete", passage="no such words")])
    assert "not in version 1" in result.not_applicable[0].reason


# --- properties --------------------------------------------------------------------------------

WORDS = ["the", "union", "shall", "strike", "now", "pay", "工会", "grève", "✊🏽", "שביתה"]


@st.composite
def motions_with_amendments(draw):
    """A motion of numbered clauses and amendments each aimed at a real place in it."""
    clause_count = draw(st.integers(1, 4))
    clauses = [
        f"{k + 1}. " + " ".join(draw(st.lists(st.sampled_from(WORDS), min_size=2, max_size=8))) + "."
        for k in range(clause_count)
    ]
    text = "This conference resolves:\n" + "\n".join(clauses)
    version = MotionVersion(1, text)
    word_spans = [(m_start, m_start + len(word)) for m_start, word in _word_positions(text)]
    changes = []
    for k in range(draw(st.integers(1, 6))):
        operation = draw(st.sampled_from(["delete", "replace", "insert_after", "add_clause"]))
        label = f"amendment {k + 1}"
        new_words = " ".join(draw(st.lists(st.sampled_from(["more", "less", "solidarity", "罢工"]), min_size=1, max_size=3)))
        if operation == "add_clause":
            after = draw(st.one_of(st.none(), st.integers(1, clause_count)))
            changes.append(Amendment(label, 1, "add_clause", text=new_words, after_clause=after))
            continue
        first = draw(st.integers(0, len(word_spans) - 1))
        last = draw(st.integers(first, min(first + 2, len(word_spans) - 1)))
        start, end = word_spans[first][0], word_spans[last][1]
        passage = text[start:end]
        starts = occurrences(text, passage)
        occurrence = starts.index(start) + 1 if len(starts) > 1 else None
        changes.append(Amendment(label, 1, operation, passage=passage, text=new_words, occurrence=occurrence))
    return version, changes


def _word_positions(text: str):
    at = 0
    for piece in text.replace("\n", " ").split(" "):
        if piece and not piece.endswith(":") and not piece[:-1].isdigit():
            yield at, piece.rstrip(".")
        at += len(piece) + 1


def carry_in_order(version: MotionVersion, changes: list[Amendment]) -> str:
    queue = list(changes)
    while queue:
        result = carry(version, queue[0], queue[1:])
        assert not result.not_applicable, result.not_applicable
        version, queue = result.version, result.rebased
    return version.text


def non_conflicting(version: MotionVersion, changes: list[Amendment]) -> list[Amendment]:
    located, problems = locate_all(version, changes)
    assert not problems
    kept: list[Amendment] = []
    for candidate in located:
        trial = [change for change in located if change.amendment in kept] + [candidate]
        if not find_conflicts(version, trial):
            kept.append(candidate.amendment)
    return kept


@settings(max_examples=300, deadline=None)
@given(motions_with_amendments(), st.randoms(use_true_random=False))
def test_non_conflicting_amendments_give_the_same_text_in_any_order(case, rng) -> None:
    version, changes = case
    kept = non_conflicting(version, changes)
    assume(len(kept) >= 2)
    shuffled = list(kept)
    rng.shuffle(shuffled)
    assert carry_in_order(version, kept) == carry_in_order(version, shuffled)


@settings(max_examples=200, deadline=None)
@given(motions_with_amendments())
def test_the_diff_of_an_amended_motion_rebuilds_it(case) -> None:
    version, changes = case
    located, _ = locate_all(version, changes)
    amended = carry(version, changes[0], []).version.text
    assert apply_ops(version.text, diff_words(version.text, amended)) == amended
    assert located


# --- a very long motion ------------------------------------------------------------------------

def fifty_thousand_word_motion(rng) -> MotionVersion:
    """Numbered clauses from a small vocabulary, so short passages repeat many times."""
    vocabulary = ["the", "union", "shall", "campaign", "for", "workers", "pay", "and", "strike", "now"]
    vocabulary += [f"term{k}" for k in range(3000)]
    words = rng.choices(vocabulary, [30] * 10 + [1] * 3000, k=50_000)
    clauses = [f"{n + 1}. " + " ".join(words[at:at + 50]) + "." for n, at in enumerate(range(0, 50_000, 50))]
    return MotionVersion(1, "This conference resolves:\n" + "\n".join(clauses))


def test_200_amendments_to_a_50000_word_motion_carry_to_the_same_text_as_all_edits_at_once() -> None:
    import random

    from server.drafting.amendments import _scan

    rng = random.Random(50_000)
    version = fifty_thousand_word_motion(rng)
    text = version.text
    word_starts = [k + 1 for k, ch in enumerate(text) if ch == " " and text[k + 1].isalpha()]
    changes: list[Amendment] = []
    for k in range(200):
        label = f"amendment {k + 1}"
        operation = rng.choice(["delete", "replace", "insert_after", "add_clause"])
        if operation == "add_clause":
            changes.append(Amendment(label, 1, operation, text="To report back.", after_clause=rng.randint(1, 1000)))
            continue
        start = rng.choice(word_starts)
        end = start
        for _ in range(rng.randint(1, 3)):
            end = text.find(" ", end + 1)
        passage = text[start:end].rstrip(".")
        found = occurrences(text, passage)
        changes.append(Amendment(label, 1, operation, passage=passage, text="in full",
                                 occurrence=found.index(start) + 1 if len(found) > 1 else None))

    located, problems = locate_all(version, changes)
    assert not problems
    conflicts = find_conflicts(version, located)
    in_conflict = {conflict.first for conflict in conflicts} | {conflict.second for conflict in conflicts}
    free = [item for item in located if item.amendment.label not in in_conflict]
    assert len(free) > 150

    at_once = text
    for item in sorted(free, key=lambda item: (item.edit_start, item.edit_end), reverse=True):
        at_once = at_once[:item.edit_start] + item.replacement + at_once[item.edit_end:]

    current, queue = version, [item.amendment for item in free]
    while queue:
        result = carry(current, queue[0], queue[1:])
        assert not result.not_applicable
        current, queue = result.version, result.rebased
        for moved in queue[:5]:
            if moved.operation != "add_clause":
                fresh = _scan(current.text, moved.passage, 0, len(current.text))
                assert (moved.occurrence or 1) <= len(fresh)
                assert (moved.occurrence is None) == (len(fresh) == 1)
    assert current.text == at_once
    assert current.number == len(free) + 1


def test_a_new_clause_conflicts_with_a_change_to_the_number_it_follows() -> None:
    [conflict] = conflicts_of(
        amendment("a1", "delete", passage="2. To support"),
        amendment("a2", "add_clause", text="To fund the strike.", after_clause=1),
    )
    assert conflict.reason == "a2 places its new clause by the number \u20182.\u2019, which a1 changes"
