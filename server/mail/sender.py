"""Handing messages to the SMTP server named by MailSettings (aiosmtplib)."""

from __future__ import annotations

import ssl
from email.message import EmailMessage

import aiosmtplib

from server.mail.settings import MailSettings


class MailError(Exception):
    """The SMTP server could not be reached or refused the message; the reason names it."""


async def send_message(settings: MailSettings, message: EmailMessage) -> None:
    """Deliver one message; every recipient the server refuses is an error, not a log line."""
    try:
        refused, _ = await aiosmtplib.send(
            message,
            hostname=settings.host,
            port=settings.port,
            username=settings.username,
            password=settings.password,
            start_tls=settings.starttls,
            use_tls=settings.implicit_tls,
            timeout=settings.timeout_seconds,
            tls_context=_tls_context(settings) if settings.starttls or settings.implicit_tls else None,
        )
    except (aiosmtplib.SMTPException, OSError) as error:
        raise MailError(f"SMTP server {settings.host}:{settings.port}: {error}") from error
    if refused:  # aiosmtplib lists only the recipients the server refused
        raise MailError(f"SMTP server {settings.host}:{settings.port} refused "
                        + ", ".join(f"{address} ({response.code} {response.message})"
                                    for address, response in refused.items()))


def _tls_context(settings: MailSettings) -> ssl.SSLContext:
    context = ssl.create_default_context()
    if settings.ca_file:
        context.load_verify_locations(cafile=settings.ca_file)
    return context
