"""Errors in ballot files: they name the file and line so the user can fix them."""

from __future__ import annotations


class FormatError(ValueError):
    """A file that cannot be read as the format it claims to be."""

    def __init__(self, path: str, line: int | None, message: str) -> None:
        self.path = str(path)
        self.line = line
        self.message = message
        where = f"{self.path}, line {line}" if line is not None else self.path
        super().__init__(f"{where}: {message}")
