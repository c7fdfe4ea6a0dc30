"""Word-level diffs: they rebuild both texts, read well, handle any script, and stay fast."""

from __future__ import annotations

import random

from hypothesis import given, settings, strategies as st

from server.drafting.diff import (
    DiffMismatch, DiffOp, apply_ops, diff_words, new_text, old_text, render_inline, render_side_by_side,
)
from server.drafting.tokens import tokenise

import pytest


def round_trips(old: str, new: str) -> list[DiffOp]:
    ops = diff_words(old, new)
    assert old_text(ops) == old
    assert new_text(ops) == new
    assert apply_ops(old, ops) == new
    assert all(op.text for op in ops)
    assert all(a.kind != b.kind for a, b in zip(ops, ops[1:]) if "equal" in (a.kind, b.kind))
    return ops


def test_a_replaced_phrase_reads_as_one_change() -> None:
    ops = round_trips("campaign for a four-day week now", "campaign for a 32-hour week now")
    assert ops == [DiffOp("equal", "campaign for a "), DiffOp("delete", "four-day"),
                   DiffOp("insert", "32-hour"), DiffOp("equal", " week now")]


def test_identical_and_empty_texts() -> None:
    assert round_trips("same words", "same words") == [DiffOp("equal", "same words")]
    assert round_trips("", "") == []
    assert round_trips("", "new") == [DiffOp("insert", "new")]
    assert round_trips("old", "") == [DiffOp("delete", "old")]


def test_apply_refuses_operations_from_another_text() -> None:
    ops = diff_words("the branch notes", "the branch resolves")
    with pytest.raises(DiffMismatch):
        apply_ops("a different text", ops)


@pytest.mark.parametrize("text, tokens", [
    ("café cafe\u0301", ["café", " ", "cafe\u0301"]),
    ("don't stop", ["don't", " ", "stop"]),
    ("工会罢工。", ["工", "会", "罢", "工", "。"]),
    ("שלום עולם", ["שלום", " ", "עולם"]),
    ("مَرْحَبًا بِكُم", ["مَرْحَبًا", " ", "بِكُم"]),
    ("می\u200cخواهم", ["می\u200cخواهم"]),
    ("👩🏽\u200d🔧✊🏿🇬🇧", ["👩🏽\u200d🔧", "✊🏿", "🇬🇧"]),
    ("नमस्ते दुनिया", ["नमस्ते", " ", "दुनिया"]),
])
def test_tokens_keep_words_of_every_script_whole(text: str, tokens: list[str]) -> None:
    assert tokenise(text) == tokens


def test_unicode_changes_are_word_sized() -> None:
    ops = round_trips("Le syndicat exige la grève générale ✊🏽.", "Le syndicat soutient la grève générale ✊🏿.")
    assert DiffOp("delete", "exige") in ops and DiffOp("insert", "soutient") in ops
    assert DiffOp("delete", "✊🏽") in ops and DiffOp("insert", "✊🏿") in ops
    ops = round_trips("工会支持罢工", "工会反对罢工")
    assert [op for op in ops if op.kind != "equal"] == [DiffOp("delete", "支持"), DiffOp("insert", "反对")]
    ops = round_trips("הוועידה מחליטה לתמוך", "הוועידה מחליטה להתנגד")
    assert DiffOp("delete", "לתמוך") in ops


def test_inline_html_marks_changes_and_escapes() -> None:
    shown = render_inline(diff_words("Pay <b>rise</b> & more.\n\nSecond.", "Pay <i>rise</i> & more.\n\nSecond."))
    assert "<b>" not in shown and "<i>" not in shown
    assert "&lt;<del>b</del><ins>i</ins>&gt;rise" in shown and "&amp;" in shown
    assert "<del>" in shown and "<ins>" in shown
    assert shown.count("<p>") == 2


def test_inline_html_shows_a_removed_paragraph_break() -> None:
    shown = render_inline(diff_words("One.\n\nTwo.", "One. Two."))
    assert '<del class="break">¶</del>' in shown


def test_side_by_side_aligns_unchanged_paragraphs_in_their_own_rows() -> None:
    old = "Notes the crisis.\n\nBelieves in solidarity.\n\nResolves to act."
    new = "Notes the deep crisis.\n\nBelieves in solidarity.\n\nResolves to act now."
    table = render_side_by_side(diff_words(old, new), "Version 1", "Version <2>")
    assert table.count("<tr class=") == 3
    assert table.count('class="changed"') == 2 and table.count('class="same"') == 1
    assert "Version &lt;2&gt;" in table
    assert "<td><p>Notes the crisis.</p></td><td><p>Notes the <ins>deep </ins>crisis.</p></td>" in table


def long_motion(words: int, seed: int) -> str:
    """A generated motion: numbered clauses of sentences from a Zipf-like vocabulary."""
    rng = random.Random(seed)
    vocabulary = [f"word{k}" for k in range(4000)]
    weights = [1 / (k + 1) for k in range(len(vocabulary))]
    chosen = rng.choices(vocabulary, weights, k=words)
    clauses, at, number = [], 0, 1
    while at < words:
        length = rng.randint(40, 90)
        sentence_words = chosen[at:at + length]
        sentences = [" ".join(sentence_words[k:k + 15]) + "." for k in range(0, len(sentence_words), 15)]
        clauses.append(f"{number}. " + " ".join(sentences))
        at += length
        number += 1
    return "This conference resolves:\n\n" + "\n".join(clauses) + "\n"


def scattered_edits(text: str, edits: int, seed: int) -> str:
    rng = random.Random(seed)
    words = text.split(" ")
    for _ in range(edits):
        k = rng.randrange(len(words))
        action = rng.randrange(3)
        if action == 0:
            words[k] = "amended"
        elif action == 1:
            words.insert(k, "newly inserted words")
        else:
            del words[k]
    return " ".join(words)


def test_a_50000_word_motion_with_200_edits_round_trips() -> None:
    old = long_motion(50_000, seed=5)
    new = scattered_edits(old, 200, seed=6)
    ops = round_trips(old, new)
    changes = sum(op.kind != "equal" for op in ops)
    assert 100 <= changes <= 400
    assert sum(len(op.text) for op in ops if op.kind == "equal") > 0.95 * len(old)


def test_a_long_text_without_any_unique_word_still_diffs() -> None:
    old = " ".join(["solidarity forever"] * 3000)
    new = old.replace("solidarity forever", "solidarity now", 1)
    ops = round_trips(old, new)
    assert [op for op in ops if op.kind != "equal"] == [DiffOp("delete", "forever"), DiffOp("insert", "now")]


_ALPHABET = st.sampled_from(list("ab c,.\n") + ["é", "e\u0301", "工", "✊🏽", "ש", "\u200d", "'"])
texts = st.lists(_ALPHABET, max_size=60).map("".join)


@settings(max_examples=300, deadline=None)
@given(texts, texts)
def test_ops_rebuild_both_texts(old: str, new: str) -> None:
    round_trips(old, new)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.sampled_from(["the", "union", "shall", "act", "now", ".", "\n\n", "工会"]), max_size=200),
       st.lists(st.tuples(st.integers(0, 199), st.sampled_from(["x", "the", ""])), max_size=10))
def test_ops_rebuild_word_edited_texts(words: list[str], edits: list[tuple[int, str]]) -> None:
    edited = list(words)
    for at, word in edits:
        if edited:
            edited[at % len(edited)] = word
    round_trips(" ".join(words), " ".join(edited))


def test_side_by_side_puts_a_new_paragraph_in_its_own_row() -> None:
    table = render_side_by_side(diff_words("First.\n\nLast.", "First.\n\nAdded.\n\nLast."))
    assert "<td><p>First.</p></td><td><p>First.</p></td>" in table
    assert "<ins>Added.</ins>" in table and "<del>" not in table
    assert '<tr class="changed"><td></td><td><p><ins>Added.</ins>' in table
    assert "<td><p>Last.</p></td><td><p>Last.</p></td>" in table
