"""Reading optional numbers from forms and query strings, refused in words when they are not."""

from __future__ import annotations

import json

from server.services.errors import Invalid


def optional_whole_number(raw: object, field: str) -> int | None:
    """``raw`` as a whole number, None when blank, or Invalid naming ``field``."""
    text = str(raw or "").strip()
    if not text:
        return None
    if not text.isdigit():
        raise Invalid(f"{field} must be a whole number.", {field: "A whole number."})
    return int(text)


def optional_id(value: object, name: str) -> int | None:
    """A row id for ``name`` (motion_id, amendment_id) from a form or JSON: a whole number from 1 (or its
    digits as text), or nothing/null/blank for none. Anything else is refused naming the field, rather than
    dropped (a ballot linked to nothing) or stored to fail in the database. The ballot set-up form and
    the API (server/views/ballots.py, server/api/ballots.py) both read ids with this one rule."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value.strip())
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value < 2**31:
        raise Invalid(f"{name} must be the id of a {name.removesuffix('_id')}: a whole number such as 12, "
                      f"not {json.dumps(value)}.", {name: "A whole number."})
    return value
