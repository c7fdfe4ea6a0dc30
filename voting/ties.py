"""Lots drawn from a seed published before the count, so anyone can redraw them.

A tie that earlier rounds cannot break is settled by lot. The lot is not a
random number generator's state: each tied name gets the SHA-256 digest of
``seed|context|name`` and the lowest digest is drawn first. With the seed, the
context (which round, what for) and the names, any member reproduces the draw
by hand with ``sha256sum``.
"""

from __future__ import annotations

import hashlib
from typing import Sequence


def lot_order(seed: str, context: str, tied: Sequence[str]) -> list[str]:
    """The tied names in the order the lot draws them."""
    return sorted(tied, key=lambda name: (_digest(seed, context, name), name))


def draw_lot(seed: str, context: str, tied: Sequence[str]) -> tuple[str, str]:
    """Draw one name; also return a sentence recording how, for the round log."""
    if not tied:
        raise ValueError("a lot needs at least one name")
    order = lot_order(seed, context, tied)
    chosen = order[0]
    detail = (
        f"lot with seed {seed!r}, context {context!r}: sha256(seed|context|name) "
        f"lowest for {chosen} ({_digest(seed, context, chosen)[:12]}…)"
    )
    return chosen, detail


def _digest(seed: str, context: str, name: str) -> str:
    return hashlib.sha256(f"{seed}|{context}|{name}".encode("utf-8")).hexdigest()
