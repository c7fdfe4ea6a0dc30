"""Which files may be attached to a document: PDF, PNG and JPEG, recognised by their first
bytes (the "magic number"), not by the name or the type the browser claims, and no larger
than the limit. A refusal says what was wrong in words a member can act on."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import PurePosixPath

#: below the 5 MB a whole form may be (server/auth/middleware.py), so this message is the one seen
MAX_ATTACHMENT_BYTES = 4 * 1024 * 1024

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
        raise AttachmentRefused(f"{name} is {_size(len(data))}; attachments may be at most {_size(limit)}.")
    for magic, content_type, endings in SIGNATURES:
        if data.startswith(magic):
            if not name.lower().endswith(endings):
                raise AttachmentRefused(f"{name} holds a {content_type.split('/')[1].upper()} file, but its name "
                                        f"does not end in {' or '.join(endings)}; rename it and attach it again.")
            return AcceptedFile(name, content_type, len(data))
    raise AttachmentRefused(f"{name} is not a PDF, PNG or JPEG file; only those can be attached.")


def _size(count: int) -> str:
    if count >= 1024 * 1024:
        return f"{count / (1024 * 1024):.1f} MB"
    return f"{max(1, round(count / 1024))} KB"
