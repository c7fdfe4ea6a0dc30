"""The daily digest: a member's pending notifications gathered into one message.

Members choose in the app, a daily digest, or each event by email (issue 7). The digest
groups what is pending by kind, in a fixed order, each item oldest first, and links to each
thing; each section carries its own unsubscribe link so a member can drop, say, petitions
from email without losing the rest, and the message's List-Unsubscribe stops the digest.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from datetime import date, datetime
from email.message import EmailMessage
from typing import Sequence

from server.dates import day_month_year
from server.mail.message import KIND_WORDS, Recipient, build_message, one_line
from server.mail.settings import MailSettings
from server.mail.tokens import unsubscribe_token, unsubscribe_url

#: section order and headings; the singular and plural for the subject line
SECTIONS = {
    "document": ("New documents", "document", "documents"),
    "bulletin": ("Bulletin issues", "bulletin issue", "bulletin issues"),
    "petition": ("Petitions", "petition", "petitions"),
    "ballot": ("Ballots", "ballot", "ballots"),
}


@dataclass(frozen=True)
class Notification:
    """Something a member has not yet heard about: what, when, and where to read it."""

    kind: str
    title: str
    url: str
    at: datetime
    summary: str = ""


def build_digest(settings: MailSettings, secret_key: str, recipient: Recipient,
                 pending: Sequence[Notification], day: date,
                 organisation: str = "Plenary") -> EmailMessage | None:
    """One message for the day's pending notifications, or None when there are none."""
    unknown = sorted({item.kind for item in pending} - SECTIONS.keys())
    if unknown:
        raise ValueError(f"unknown notification kind {unknown[0]!r}: use one of {', '.join(SECTIONS)}")
    if not pending:
        return None
    grouped = {kind: sorted((item for item in pending if item.kind == kind), key=lambda item: item.at)
               for kind in SECTIONS}
    grouped = {kind: items for kind, items in grouped.items() if items}
    counts = ", ".join(f"{len(items)} {SECTIONS[kind][1] if len(items) == 1 else SECTIONS[kind][2]}"
                       for kind, items in grouped.items())
    subject = f"{organisation} digest for {day_month_year(day)}: {counts}"

    text_parts = [f"Hello {recipient.name},", f"Here is what is new in {organisation} ({counts})."]
    html_parts = [f"<p>Hello {html.escape(recipient.name)},</p>",
                  f"<p>Here is what is new in {html.escape(organisation)} ({html.escape(counts)}).</p>"]
    for kind, items in grouped.items():
        heading = SECTIONS[kind][0]
        stop_link = unsubscribe_url(settings.public_url,
                                    unsubscribe_token(secret_key, recipient.member_id, kind))
        text_parts.append(heading + "\n" + "-" * len(heading) + "\n" + "\n".join(
            f"* {one_line(item.title)}" + (f": {item.summary}" if item.summary else "") + f"\n  {item.url}"
            for item in items) + f"\n(To stop {KIND_WORDS[kind]}: {stop_link})")
        html_parts.append(
            f"<h2>{html.escape(heading)}</h2>\n<ul>\n" + "".join(
                f'<li><a href="{html.escape(item.url, quote=True)}">{html.escape(one_line(item.title))}</a>'
                + (f": {html.escape(item.summary)}" if item.summary else "") + "</li>\n"
                for item in items)
            + f'</ul>\n<p style="font-size:smaller"><a href="{html.escape(stop_link, quote=True)}">'
            f"Stop {html.escape(KIND_WORDS[kind])}</a></p>")
    return build_message(settings, secret_key, recipient, "digest", subject,
                         "\n\n".join(text_parts), "\n".join(html_parts))


def build_event_message(settings: MailSettings, secret_key: str, recipient: Recipient,
                        event: Notification, organisation: str = "Plenary") -> EmailMessage:
    """One event by email, for members who chose that; its link stops this kind only."""
    if event.kind not in SECTIONS:
        raise ValueError(f"unknown notification kind {event.kind!r}: use one of {', '.join(SECTIONS)}")
    label, title = SECTIONS[event.kind][1], one_line(event.title)  # a typed title may hold line breaks
    subject = f"{organisation}: new {label}: {title}"
    summary = f"\n\n{event.summary}" if event.summary else ""
    text = f"New {label}: {title}{summary}\n\nRead it at {event.url}"
    fragment = (f'<p>New {html.escape(label)}: <a href="{html.escape(event.url, quote=True)}">'
                f"{html.escape(title)}</a></p>"
                + (f"<p>{html.escape(event.summary)}</p>" if event.summary else ""))
    return build_message(settings, secret_key, recipient, event.kind, subject, text, fragment)
