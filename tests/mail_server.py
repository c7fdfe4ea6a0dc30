"""A real local SMTP server (aiosmtpd) for the mail tests, shared by tests/mail and
tests/groupings_web so each test reads what actually arrived and no copy of the handler drifts."""

from __future__ import annotations

import email
import email.policy
import socket
from contextlib import contextmanager
from email.message import EmailMessage
from typing import Iterator

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import Envelope

from server.mail.settings import MailSettings


class Mailbox:
    """An aiosmtpd handler that keeps every message and counts connections (EHLO). It answers
    550 to RCPT TO for an address in ``refuse``, or at a domain there written as ``@domain``."""

    def __init__(self, refuse: set[str] | None = None) -> None:
        self.envelopes: list[Envelope] = []
        self.refuse: set[str] = set(refuse or ())
        self.connections = 0

    async def handle_EHLO(self, server, session, envelope, hostname, responses):  # noqa: N802
        self.connections += 1
        session.host_name = hostname
        return responses

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802
        if address in self.refuse or "@" + address.rpartition("@")[2] in self.refuse:
            return "550 5.1.1 no such mailbox"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        self.envelopes.append(envelope)
        return "250 Message accepted for delivery"

    def messages(self) -> list[EmailMessage]:
        return [email.message_from_bytes(e.original_content or e.content, policy=email.policy.default)
                for e in self.envelopes]

    def to(self, address: str) -> list[str]:
        """The subjects of what reached ``address``, in order (a long Subject may be folded
        straight after the colon, which leaves a leading space when read back)."""
        return [m["Subject"].strip() for m in self.messages() if m["To"].addresses[0].addr_spec == address]


def free_port() -> int:
    """A port nothing listens on (also how a test reaches a closed server)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def serving(mailbox: Mailbox, **options) -> Iterator[int]:
    """Runs ``mailbox`` on a free local port (``options`` go to aiosmtpd's Controller: TLS,
    authentication); yields the port and always stops the server."""
    port = free_port()
    controller = Controller(mailbox, hostname="127.0.0.1", port=port, **options)
    controller.start()
    try:
        yield port
    finally:
        controller.stop()


def settings_at(port: int, public_url: str = "http://testserver") -> MailSettings:
    """Mail settings that send to the local server on ``port``."""
    return MailSettings(host="127.0.0.1", port=port, from_address="Plenary <plenary@example.org>",
                        public_url=public_url, timeout_seconds=5)
