"""Reading optional numbers from forms and query strings, refused in words when they are not."""

from __future__ import annotations

from server.services.errors import Invalid


def optional_whole_number(raw: object, field: str) -> int | None:
    """``raw`` as a whole number, None when blank, or Invalid naming ``field``."""
    text = str(raw or "").strip()
    if not text:
        return None
    if not text.isdigit():
        raise Invalid(f"{field} must be a whole number.", {field: "A whole number."})
    return int(text)
