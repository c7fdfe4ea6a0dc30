"""One canonical JSON text for anything we fingerprint, so any member can recompute a digest.

Keys sorted, no spaces (``,`` and ``:`` separators), UTF-8 without escaping,
and no floating-point numbers: a float prints differently in different
languages, so vote values travel as integers or exact decimal strings. The
same text comes out of ``jq -cS`` (minus its final newline), which is how
docs/ballots.md tells members to check a digest by hand.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any


def canonical_json(value: Any) -> str:
    _refuse_floats(value, "$")
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False)


def sha256_hex(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def fingerprint(value: Any) -> str:
    """SHA-256 of the canonical JSON of ``value``, in lower-case hex."""
    return sha256_hex(canonical_json(value))


def _refuse_floats(value: Any, path: str) -> None:
    if isinstance(value, float):
        raise TypeError(f"{path}: {value!r} is a float; give an integer or an exact decimal string")
    if isinstance(value, dict):
        for key, item in value.items():
            if not isinstance(key, str):
                raise TypeError(f"{path}: key {key!r} is not a string")
            _refuse_floats(item, f"{path}.{key}")
    elif isinstance(value, (list, tuple)):
        for index, item in enumerate(value):
            _refuse_floats(item, f"{path}[{index}]")
