"""Review of issue 7, findings 4 and 5, at the mail layer, through a real local SMTP server
(aiosmtpd): a typed title with line breaks makes a one-line Subject and never an injected
header; one connection carries a batch, and a recipient the server refuses (RCPT TO 550)
fails that message alone while the next goes through on the same connection."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Iterator

import pytest

from mail_server import Mailbox, free_port, serving, settings_at
from server.mail.digest import Notification, build_digest, build_event_message
from server.mail.message import Recipient, build_message, one_line
from server.mail.sender import MailError, MailSession, MessageRefused
from server.mail.settings import MailSettings

SECRET = "test-secret-key-that-is-long-enough-0123456789"
SAM = Recipient(3, "Sam", "sam@example.org")
NORA = Recipient(2, "Nora", "nora@example.org")
AT = datetime(2026, 3, 10, 9, 0, tzinfo=timezone.utc)


def _settings(port: int) -> MailSettings:
    return settings_at(port, public_url="https://plenary.example.org")


@pytest.fixture
def smtp() -> Iterator[tuple[Mailbox, MailSettings]]:
    mailbox = Mailbox()
    with serving(mailbox) as port:
        yield mailbox, _settings(port)


def test_one_line_folds_every_line_break_and_control_character() -> None:
    assert one_line("Extra NMM\r\nBcc: everyone@example.org") == "Extra NMM Bcc: everyone@example.org"
    assert one_line("a\nb\rc\x85d\u2028e\u2029f\x00g\tth  i ") == "a b c d e f g th i"
    assert one_line("Déjà vu 👩‍👩‍👧") == "Déjà vu 👩‍👩‍👧"  # the emoji's zero-width joiners stay


async def test_a_title_with_line_breaks_makes_a_one_line_subject_and_no_injected_header(smtp) -> None:
    mailbox, settings = smtp
    title = "Extra NMM\r\nBcc: everyone@example.org\r\n\r\nInjected body"
    event = Notification("petition", f"Petition opened: {title}", "https://plenary.example.org/petitions/4", AT)
    digest = build_digest(settings, SECRET, SAM, [event], AT.date())
    async with MailSession(settings) as session:
        await session.send(build_event_message(settings, SECRET, SAM, event))
        await session.send(digest)
        # a name with a line break (an imported register) is folded in the To header too
        await session.send(build_message(settings, SECRET, Recipient(3, "Sam\r\nCc: x@example.org", SAM.email),
                                         "ballot", "Ballot\nopen", "t", "<p>t</p>"))
    event_mail, digest_mail, named = mailbox.messages()
    assert event_mail["Subject"] == ("Plenary: new petition: Petition opened: Extra NMM "
                                     "Bcc: everyone@example.org Injected body")
    assert event_mail["Bcc"] is None and named["Cc"] is None
    assert [e.rcpt_tos for e in mailbox.envelopes] == [["sam@example.org"]] * 3
    assert "Petition opened: Extra NMM Bcc: everyone@example.org Injected body" in \
        event_mail.get_body(("plain",)).get_content()
    assert "* Petition opened: Extra NMM Bcc: everyone@example.org Injected body" in \
        digest_mail.get_body(("plain",)).get_content()
    assert named["Subject"] == "Ballot open" and named["To"].addresses[0].display_name == "Sam Cc: x@example.org"


async def test_a_refused_recipient_fails_alone_and_the_connection_goes_on(smtp) -> None:
    mailbox, settings = smtp
    mailbox.refuse.add("nora@example.org")
    event = Notification("document", "Renters First circulated: Why affiliate",
                         "https://plenary.example.org/documents/1", AT)
    async with MailSession(settings) as session:
        with pytest.raises(MessageRefused, match="nora@example.org \\(550 5.1.1 no such mailbox\\)"):
            await session.send(build_event_message(settings, SECRET, NORA, event))
        await session.send(build_event_message(settings, SECRET, SAM, event))
    assert [e.rcpt_tos for e in mailbox.envelopes] == [["sam@example.org"]]
    assert mailbox.connections == 1  # one connection for the batch


async def test_an_unreachable_server_is_a_mail_error_not_a_refusal() -> None:
    closed = _settings(free_port())
    with pytest.raises(MailError, match=f"SMTP server 127.0.0.1:{closed.port}") as raised:
        async with MailSession(closed):
            pass
    assert not isinstance(raised.value, MessageRefused)
