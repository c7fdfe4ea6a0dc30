"""Where mail goes out, read from the environment like server/settings.py.

Kept apart from ``Settings`` so that an installation without email (notifications in the
app only) needs none of it: ``MailSettings.from_env`` answers None when no host is set.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from email.headerregistry import Address
from email.utils import parseaddr
from typing import Mapping

from server.settings import SettingsError, _flag, _number

DEFAULT_PUBLIC_URL = "http://127.0.0.1:8000"


@dataclass(frozen=True)
class MailSettings:
    host: str
    port: int
    from_address: str
    #: the address members open links at (unsubscribe links must work from their mail client)
    public_url: str = DEFAULT_PUBLIC_URL
    username: str | None = None
    password: str | None = None
    #: upgrade a plain connection with STARTTLS (port 587); TLS from the first byte is port 465
    starttls: bool = False
    implicit_tls: bool = False
    timeout_seconds: float = 30.0
    #: certificate authority to trust for the SMTP server, beside the system's (a private CA)
    ca_file: str | None = None

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> "MailSettings | None":
        env = os.environ if environ is None else environ
        host = env.get("PLENARY_SMTP_HOST", "").strip()
        if not host:
            return None
        starttls = _flag(env, "PLENARY_SMTP_STARTTLS")
        implicit_tls = _flag(env, "PLENARY_SMTP_TLS")
        if starttls and implicit_tls:
            raise SettingsError("set PLENARY_SMTP_STARTTLS or PLENARY_SMTP_TLS, not both")
        default_port = 465 if implicit_tls else 587 if starttls else 25
        from_address = env.get("PLENARY_SMTP_FROM", "").strip()
        if not from_address or "@" not in parseaddr(from_address)[1]:
            raise SettingsError("PLENARY_SMTP_FROM must be an address such as 'Plenary <plenary@example.org>'"
                                f", not {from_address!r}")
        username = env.get("PLENARY_SMTP_USER") or None
        password = env.get("PLENARY_SMTP_PASSWORD") or None
        if (username is None) != (password is None):
            raise SettingsError("PLENARY_SMTP_USER and PLENARY_SMTP_PASSWORD are set together or not at all")
        return cls(
            host=host,
            port=_number(env, "PLENARY_SMTP_PORT", default_port, int),
            from_address=from_address,
            public_url=(env.get("PLENARY_PUBLIC_URL") or DEFAULT_PUBLIC_URL).rstrip("/"),
            username=username,
            password=password,
            starttls=starttls,
            implicit_tls=implicit_tls,
            timeout_seconds=_number(env, "PLENARY_SMTP_TIMEOUT", 30.0, float),
            ca_file=env.get("PLENARY_SMTP_CA_FILE") or None,
        )

    @property
    def sender(self) -> Address:
        name, address = parseaddr(self.from_address)
        return Address(display_name=name, addr_spec=address)
