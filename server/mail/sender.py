"""Handing messages to the SMTP server named by MailSettings (aiosmtplib).

A batch goes through one connection (``MailSession``). The server refusing one message (a
recipient it answers 550 to, a message it will not take) is ``MessageRefused``: that message
failed, the connection goes on to the next. Any other ``MailError`` (no connection, sign-in
refused, connection lost) means nothing more can go through this server now.
"""

from __future__ import annotations

import ssl
from email.message import EmailMessage

import aiosmtplib

from server.mail.settings import MailSettings


class MailError(Exception):
    """The SMTP server could not be reached or refused the message; the reason names it."""


class MessageRefused(MailError):
    """The server refused this one message (its recipient or its content); others may still go."""


class MailSession:
    """One SMTP connection for many messages: ``async with MailSession(settings) as smtp:
    await smtp.send(message)``. Entering fails with ``MailError`` when the server cannot be
    reached or refuses to let us sign in."""

    def __init__(self, settings: MailSettings) -> None:
        self.settings = settings
        self._client = aiosmtplib.SMTP(
            hostname=settings.host,
            port=settings.port,
            username=settings.username,
            password=settings.password,
            start_tls=settings.starttls,
            use_tls=settings.implicit_tls,
            timeout=settings.timeout_seconds,
            tls_context=_tls_context(settings) if settings.starttls or settings.implicit_tls else None,
        )

    def _where(self) -> str:
        return f"SMTP server {self.settings.host}:{self.settings.port}"

    async def __aenter__(self) -> "MailSession":
        try:
            await self._client.connect()
        except (aiosmtplib.SMTPException, OSError) as error:
            self._client.close()
            raise MailError(f"{self._where()}: {error}") from error
        return self

    async def __aexit__(self, *exc_info) -> None:
        try:
            await self._client.quit()
        except (aiosmtplib.SMTPException, OSError):
            self._client.close()

    async def send(self, message: EmailMessage) -> None:
        """Deliver one message; every recipient the server refuses is an error, not a log line."""
        try:
            refused, _ = await self._client.send_message(message)
        except aiosmtplib.SMTPRecipientsRefused as error:
            raise MessageRefused(f"{self._where()} refused " + _refusals(
                {r.recipient: r for r in error.recipients})) from error
        except aiosmtplib.SMTPServerDisconnected as error:
            raise MailError(f"{self._where()}: {error}") from error
        except aiosmtplib.SMTPResponseException as error:
            if error.code == 421:  # the server is closing the connection: nothing more goes now
                raise MailError(f"{self._where()}: {error.code} {error.message}") from error
            # an answer about this message (MAIL FROM, DATA); the connection was reset for the next
            raise MessageRefused(f"{self._where()} refused the message: {error.code} {error.message}") from error
        except ValueError as error:  # an address aiosmtplib will not put on the wire
            raise MessageRefused(f"{self._where()}: not sent: {error}") from error
        except (aiosmtplib.SMTPException, OSError) as error:
            raise MailError(f"{self._where()}: {error}") from error
        if refused:  # aiosmtplib lists only the recipients the server refused
            raise MessageRefused(f"{self._where()} refused " + _refusals(refused))


async def send_message(settings: MailSettings, message: EmailMessage) -> None:
    """Deliver one message through a connection of its own."""
    async with MailSession(settings) as smtp:
        await smtp.send(message)


def _refusals(refused) -> str:
    return ", ".join(f"{address} ({response.code} {response.message})" for address, response in refused.items())


def _tls_context(settings: MailSettings) -> ssl.SSLContext:
    context = ssl.create_default_context()
    if settings.ca_file:
        context.load_verify_locations(cafile=settings.ca_file)
    return context
