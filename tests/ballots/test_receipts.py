"""Receipt codes: random, typable, self-checking; record entries round-trip."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ballots.contents import BallotContents
from ballots.receipts import ALPHABET, ReceiptError, RecordEntry, is_receipt, new_receipt, normalise_receipt

CODE = re.compile(rf"^[{ALPHABET}]{{4}}(-[{ALPHABET}]{{4}}){{3}}$")
bodies = st.text(alphabet=ALPHABET, min_size=15, max_size=15)


def code_from(body: str) -> str:
    sequence = iter(body)
    return new_receipt(choose=lambda alphabet: next(sequence))


def test_codes_are_four_groups_of_four_with_no_ambiguous_signs() -> None:
    codes = {new_receipt() for _ in range(2000)}
    assert len(codes) == 2000
    for code in codes:
        assert CODE.match(code) and is_receipt(code)
    assert not set("01ILOSU") & set(ALPHABET) and len(ALPHABET) == 29


def test_taken_codes_are_not_reused() -> None:
    first = code_from("2" * 15)
    signs = iter("2" * 15 + "3" * 15)
    assert new_receipt(taken={first}, choose=lambda alphabet: next(signs)) == code_from("3" * 15)


@given(bodies)
def test_typing_is_forgiving_about_case_spaces_and_hyphens(body: str) -> None:
    code = code_from(body)
    typed = code.lower().replace("-", " ")
    assert normalise_receipt(typed) == code
    assert normalise_receipt(code.replace("-", "")) == code


@given(bodies, st.integers(0, 15), st.sampled_from(ALPHABET))
def test_one_mistyped_sign_is_always_caught(body: str, position: int, sign: str) -> None:
    signs = code_from(body).replace("-", "")
    if signs[position] == sign:
        return
    typo = signs[:position] + sign + signs[position + 1:]
    with pytest.raises(ReceiptError, match="typing mistake"):
        normalise_receipt(typo)


@given(bodies, st.integers(0, 15), st.integers(0, 15))
def test_two_swapped_signs_are_always_caught(body: str, i: int, j: int) -> None:
    signs = list(code_from(body).replace("-", ""))
    if signs[i] == signs[j]:
        return
    signs[i], signs[j] = signs[j], signs[i]
    with pytest.raises(ReceiptError):
        normalise_receipt("".join(signs))


def test_bad_receipts_say_what_is_wrong() -> None:
    with pytest.raises(ReceiptError, match="has no 'O'"):
        normalise_receipt("OOOO-2222-3333-4444")
    with pytest.raises(ReceiptError, match="16 letters and digits, not 12"):
        normalise_receipt("2222-3333-4444")


@given(bodies, st.sampled_from([None, "Rosa Luxemburg"]), st.lists(st.sampled_from(["Ann", "Bob", "Cal"]),
                                                                     unique=True), st.integers(1, 500))
def test_record_entries_round_trip(body, voter, ranking, weight) -> None:
    entry = RecordEntry(code_from(body), BallotContents(ranking=tuple(ranking), weight=weight), voter)
    data = entry.as_dict()
    assert ("voter" in data) == (voter is not None)
    assert RecordEntry.from_dict(data) == entry


def test_drawn_signs_are_uniform_at_every_position() -> None:
    """The 15 random signs come from one number drawn below 29**15: each position must still be
    uniform over the alphabet (a chi-square test; a biased draw, e.g. a modulo of random bytes or
    a digit order mistake leaving a position constant, fails it by a wide margin)."""
    from scipy.stats import chisquare

    draws = 12_000
    bodies_drawn = [new_receipt().replace("-", "")[:15] for _ in range(draws)]
    for position in range(15):
        counts = [0] * len(ALPHABET)
        for body in bodies_drawn:
            counts[ALPHABET.index(body[position])] += 1
        assert min(counts) > 0
        assert chisquare(counts).pvalue > 1e-6, (position, counts)
