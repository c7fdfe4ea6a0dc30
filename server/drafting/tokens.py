"""Splitting a text into the units a word-level diff compares.

A token is one of: a run of whitespace; a word (letters and digits of any script with
their combining marks, joined across an inner apostrophe or zero-width joiner, so
"don't", "café" written with a combining accent, Arabic with its vowel marks and
Persian with its zero-width non-joiner each stay whole); a single Chinese, Japanese
or Korean ideograph or kana (these scripts do not put spaces between words, so a
character is the smallest honest unit); an emoji with its modifiers, variation
selectors and zero-width-joiner sequence, or a flag; any other single character
(punctuation) with its combining marks. Joining the tokens gives back the text
exactly, which the diff relies on.
"""

from __future__ import annotations

import re
import unicodedata


def _mark_ranges() -> str:
    """A regex character-class body of every combining mark (categories Mn, Mc, Me)."""
    ranges: list[tuple[int, int]] = []
    for code in range(0x300, 0x20000):
        if unicodedata.category(chr(code)).startswith("M"):
            if ranges and ranges[-1][1] == code - 1:
                ranges[-1] = (ranges[-1][0], code)
            else:
                ranges.append((code, code))
    ranges.append((0xE0100, 0xE01EF))  # variation selectors supplement
    return "".join(
        re.escape(chr(low)) if low == high else f"{re.escape(chr(low))}-{re.escape(chr(high))}"
        for low, high in ranges
    )


_MARKS = _mark_ranges()
# Han, kana, CJK symbols that stand for words: one token each.
_CJK = (
    "\u3005\u3007\u3021-\u3029\u3038-\u303c\u3040-\u30ff\u31f0-\u31ff"
    "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f"
)
# What may follow an emoji and still belong to it: variation selectors are marks already.
_EMOJI_TAIL = f"[{_MARKS}\U0001F3FB-\U0001F3FF\U000E0020-\U000E007F]*"
_LETTERS = f"[^\\W{_CJK}]+(?:[{_MARKS}]+[^\\W{_CJK}]*)*"
_TOKEN = re.compile(
    rf"""
    \s+
    | [{_CJK}][{_MARKS}]*
    | {_LETTERS}(?:['\u2019\u200c\u200d]{_LETTERS})*
    | [\U0001F1E6-\U0001F1FF]{{2}}
    | .{_EMOJI_TAIL}(?:\u200d.{_EMOJI_TAIL})*
    """,
    re.VERBOSE | re.DOTALL,
)


def tokenise(text: str) -> list[str]:
    """The text as tokens; ``"".join(tokenise(text)) == text`` always holds."""
    return _TOKEN.findall(text)


def is_space(token: str) -> bool:
    return token.isspace()
