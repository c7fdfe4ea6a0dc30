"""Which files may be attached to a document: PDF, PNG and JPEG, recognised by their first
bytes (the "magic number"), not by the name or the type the browser claims, and no larger
than the limit. A refusal says what was wrong in words a member can act on."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import PurePosixPath

#: below the 5 MB a whole form may be (server/auth/middleware.py); a larger upload is refused
#: there, before the form is read, with ``form_too_large``'s words
MAX_ATTACHMENT_BYTES = 4 * 1024 * 1024
#: the page form that uploads an attachment (server/views/groupings.py: attach)
UPLOAD_PATH = re.compile(r"/documents/\d+/attachments")
_MB, _KB = 1024 * 1024, 1024

#: leading bytes of each accepted type, and the file name endings that go with it
SIGNATURES: tuple[tuple[bytes, str, tuple[str, ...]], ...] = (
    (b"%PDF-", "application/pdf", (".pdf",)),
    (b"\x89PNG\r\n\x1a\n", "image/png", (".png",)),
    (b"\xff\xd8\xff", "image/jpeg", (".jpg", ".jpeg")),
)


class AttachmentRefused(ValueError):
    """The file cannot be attached; the message says why."""


@dataclass(frozen=True)
class AcceptedFile:
    filename: str
    content_type: str
    size: int


def check_attachment(filename: str, data: bytes, limit: int = MAX_ATTACHMENT_BYTES) -> AcceptedFile:
    """Accept a PDF, PNG or JPEG whose contents match its name, up to ``limit`` bytes."""
    name = PurePosixPath(filename.replace("\\", "/")).name.strip()[:200]
    if not name:
        raise AttachmentRefused("Choose a file to attach.")
    if not data:
        raise AttachmentRefused(f"{name} is empty.")
    if len(data) > limit:
        raise AttachmentRefused(f"{name} is {_over(len(data), limit)}; attachments may be at most {size_words(limit)}.")
    for magic, content_type, endings in SIGNATURES:
        if data.startswith(magic):
            if not name.lower().endswith(endings):
                raise AttachmentRefused(f"{name} holds a {content_type.split('/')[1].upper()} file, but its name "
                                        f"does not end in {' or '.join(endings)}; rename it and attach it again.")
            return AcceptedFile(name, content_type, len(data))
    raise AttachmentRefused(f"{name} is not a PDF, PNG or JPEG file; only those can be attached.")


def form_too_large(path: str, content_length: str | None, form_limit: int) -> str | None:
    """The refusal for an attachment upload larger than a whole form may be, or None for
    other forms. The size is the request's (the file and a few hundred bytes of form)."""
    if not UPLOAD_PATH.fullmatch(path):
        return None
    size = int(content_length) if content_length and content_length.isdigit() else 0
    shown = f"about {size_words(size)}" if size > form_limit else f"larger than {size_words(form_limit)}"
    return f"The file is {shown}; attachments may be at most {size_words(MAX_ATTACHMENT_BYTES)}."


def size_words(count: int) -> str:
    """``4 MB``, ``6.2 MB``, ``350 KB``."""
    if count >= _MB:
        return f"{count // _MB} MB" if count % _MB == 0 else f"{count / _MB:.1f} MB"
    return f"{max(1, round(count / _KB))} KB"


def _over(count: int, limit: int) -> str:
    """The size of a file over ``limit``; "just over 4 MB" where rounding would make it read as
    no more than the limit ("4.0 MB; at most 4 MB")."""
    shown = round(count / _MB, 1) * _MB if count >= _MB else max(1, round(count / _KB)) * _KB
    return f"just over {size_words(limit)}" if shown <= limit else size_words(count)
