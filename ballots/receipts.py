"""Receipt codes, and the entry each ballot gets in the published ballot record.

A receipt is 16 characters in four groups (``7KQM-3WXA-HN9D-PT4C``): 15
drawn at random with ``secrets`` and one check character. The alphabet has
29 signs that cannot be mistaken for one another when read aloud or copied
by hand (no 0/O, 1/I/L, 5/S, U/V pairs), about 73 bits of chance: nobody
guesses another voter's code.

Check character: with each sign's value ``v`` (its place in the alphabet)
and weights 1..16 by position, the weighted sum of all 16 values is 0
modulo 29. Because 29 is prime and the weights differ, any one mistyped sign
and any two signs swapped are always caught.

Typing is forgiving: case, spaces and hyphens do not matter.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Any, Callable, Collection, Mapping

from ballots.contents import BallotContents

ALPHABET = "23456789ABCDEFGHJKMNPQRTVWXYZ"
BASE = len(ALPHABET)  # 29, a prime
RANDOM_SIGNS = 15
GROUP = 4
_VALUE = {sign: value for value, sign in enumerate(ALPHABET)}


class ReceiptError(ValueError):
    """Text that is not a receipt code, with what is wrong in words."""


def new_receipt(taken: Collection[str] = (), choose: Callable[[str], str] | None = None) -> str:
    """A fresh receipt code, not one of ``taken`` (the ballot's existing receipts); ``choose`` picks
    each sign (tests and the seeded demo), else they come from the operating system's randomness."""
    while True:
        body = "".join(choose(ALPHABET) for _ in range(RANDOM_SIGNS)) if choose else _random_signs()
        code = _grouped(body + check_sign(body))
        if code not in taken:
            return code


def _random_signs() -> str:
    """RANDOM_SIGNS signs from one draw: a number below BASE ** RANDOM_SIGNS, chosen uniformly by
    ``secrets``, written in base 29, is each sign chosen uniformly and independently (one call to
    the operating system instead of fifteen, on the path every vote takes)."""
    number = secrets.randbelow(BASE ** RANDOM_SIGNS)
    signs = []
    for _ in range(RANDOM_SIGNS):
        number, value = divmod(number, BASE)
        signs.append(ALPHABET[value])
    return "".join(signs)


def check_sign(body: str) -> str:
    """The sign that makes the weighted sum of the whole code 0 modulo 29."""
    total = sum((position + 1) * _VALUE[sign] for position, sign in enumerate(body))
    weight = len(body) + 1
    # weight * v = -total (mod 29): v = -total * weight^-1
    return ALPHABET[(-total * pow(weight, -1, BASE)) % BASE]


def normalise_receipt(text: str) -> str:
    """The canonical form of a typed code, or ReceiptError saying what is wrong."""
    signs = "".join(ch for ch in text.upper() if ch not in " -\t")
    bad = sorted({ch for ch in signs if ch not in _VALUE})
    if bad:
        raise ReceiptError(f"A receipt code has no {' or '.join(repr(c) for c in bad)}: "
                           f"it uses only {ALPHABET}.")
    if len(signs) != RANDOM_SIGNS + 1:
        raise ReceiptError(f"A receipt code has {RANDOM_SIGNS + 1} letters and digits, not {len(signs)}.")
    if check_sign(signs[:-1]) != signs[-1]:
        raise ReceiptError("This receipt code has a typing mistake: check each group against your receipt.")
    return _grouped(signs)


def is_receipt(text: str) -> bool:
    try:
        normalise_receipt(text)
    except ReceiptError:
        return False
    return True


def _grouped(signs: str) -> str:
    return "-".join(signs[i:i + GROUP] for i in range(0, len(signs), GROUP))


@dataclass(frozen=True)
class RecordEntry:
    """One ballot in the published record: its receipt, its contents and, in an open ballot, the voter.

    JSON form: the contents' fields plus ``"receipt"`` (and ``"voter"`` for
    an open ballot), e.g. ``{"choice":"yes","receipt":"7KQM-…","weight":1}``.
    """

    receipt: str
    contents: BallotContents
    voter: str | None = None

    def as_dict(self) -> dict[str, Any]:
        data = {"receipt": self.receipt, **self.contents.as_dict()}
        if self.voter is not None:
            data["voter"] = self.voter
        return data

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> "RecordEntry":
        data = dict(data)
        receipt = data.pop("receipt", None)
        voter = data.pop("voter", None)
        if not isinstance(receipt, str):
            raise ValueError("a record entry needs its receipt code")
        if voter is not None and not isinstance(voter, str):
            raise ValueError(f"voter {voter!r} must be a name")
        return cls(normalise_receipt(receipt), BallotContents.from_dict(data), voter)
