"""One email to one member: plain text with an HTML alternative and a one-click unsubscribe.

Every message carries ``List-Unsubscribe`` with the signed link and
``List-Unsubscribe-Post: List-Unsubscribe=One-Click`` (RFC 8058), so a mail client's
"unsubscribe" button works without the member signing in; the same link is in both bodies.
"""

from __future__ import annotations

import html
import unicodedata
from dataclasses import dataclass
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from datetime import datetime, timezone

from server.mail.settings import MailSettings
from server.mail.tokens import unsubscribe_token, unsubscribe_url

#: what the unsubscribe link stops, in the footer's words
KIND_WORDS = {
    "document": "emails about new documents",
    "bulletin": "emails about bulletin issues",
    "petition": "emails about petitions",
    "ballot": "emails about ballots",
    "digest": "the daily digest",
}


def one_line(text: str) -> str:
    """``text`` safe for a header: every line break and control character (CR, LF, NEL, U+2028,
    NUL, ...) becomes a space and runs of spaces one. A title a member typed reaches the
    Subject; a line break there would make the email library refuse the whole message."""
    return " ".join("".join(" " if unicodedata.category(ch) in ("Cc", "Zl", "Zp") else ch
                            for ch in text).split())


@dataclass(frozen=True)
class Recipient:
    member_id: int
    name: str
    email: str

    @property
    def address(self) -> Address:
        local, _, domain = self.email.rpartition("@")
        return Address(display_name=one_line(self.name), username=local, domain=domain)


def build_message(settings: MailSettings, secret_key: str, recipient: Recipient, kind: str,
                  subject: str, text: str, html_fragment: str,
                  sent_at: datetime | None = None) -> EmailMessage:
    """A message whose unsubscribe link stops ``kind`` for this member only.

    ``html_fragment`` must already be safe HTML (rendered by our templates or sanitised);
    ``text`` is its plain-text twin. The subject is made one line (``one_line``).
    """
    link = unsubscribe_url(settings.public_url, unsubscribe_token(secret_key, recipient.member_id, kind))
    stops = KIND_WORDS[kind]
    message = EmailMessage()
    message["From"] = settings.sender
    message["To"] = recipient.address
    message["Subject"] = one_line(subject)
    message["Date"] = format_datetime(sent_at or datetime.now(timezone.utc))
    message["Message-ID"] = make_msgid(domain=settings.sender.domain or None)
    message["Auto-Submitted"] = "auto-generated"  # RFC 3834: no vacation replies
    message["List-Unsubscribe"] = f"<{link}>"
    message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    message.set_content(f"{text.rstrip()}\n\n-- \nTo stop {stops}, open {link}\n")
    message.add_alternative(
        "<!doctype html>\n<html><body>\n"
        f"{html_fragment}\n"
        f'<hr>\n<p style="font-size:smaller">To stop {html.escape(stops)}, '
        f'<a href="{html.escape(link, quote=True)}">unsubscribe</a>.</p>\n'
        "</body></html>\n",
        subtype="html",
    )
    return message
