"""Reading a ballot, rules or report file, with a FormatError naming the file when it cannot be read."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from ballots.errors import FormatError


def read_text(path: Path, encoding: str = "utf-8-sig") -> str:
    """The file's text; a missing, unreadable or non-UTF-8 file is a FormatError, not a traceback."""
    try:
        return path.read_text(encoding=encoding)
    except OSError as exc:
        raise FormatError(str(path), None, f"cannot read: {exc.strerror}") from None
    except UnicodeDecodeError as exc:
        raise FormatError(str(path), None, f"not UTF-8 text ({exc.reason})") from None


def read_json(path: Path) -> Any:
    """The file's JSON; bad JSON is a FormatError at the line it breaks on."""
    text = read_text(path)
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise FormatError(str(path), exc.lineno, f"not JSON: {exc.msg}") from None
