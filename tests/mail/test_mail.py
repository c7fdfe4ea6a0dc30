"""Email through a real local SMTP server (aiosmtpd): what arrives, and its unsubscribe links."""

from __future__ import annotations

import re
import shutil
import ssl
import subprocess
from datetime import date, datetime, timezone
from email.message import EmailMessage
from pathlib import Path
from typing import Iterator

import pytest
from aiosmtpd.smtp import AuthResult, LoginPassword

from mail_server import Mailbox, free_port, serving
from server.mail.digest import Notification, build_digest, build_event_message
from server.mail.message import Recipient, build_message
from server.mail.sender import MailError, send_message
from server.mail.settings import MailSettings
from server.mail.tokens import read_unsubscribe_token, unsubscribe_token
from server.settings import SettingsError

SECRET = "test-secret-key-that-is-long-enough-0123456789"
AISHA = Recipient(7, "Aisha Rahman", "aisha.rahman@demo.plenary.test")


@pytest.fixture
def smtp_server() -> Iterator[tuple[Mailbox, int]]:
    mailbox = Mailbox(refuse={"@nowhere.invalid"})
    with serving(mailbox) as port:
        yield mailbox, port


def settings_for(port: int, **overrides) -> MailSettings:
    env = {"PLENARY_SMTP_HOST": "127.0.0.1", "PLENARY_SMTP_PORT": str(port),
           "PLENARY_SMTP_FROM": "Plenary <plenary@demo.plenary.test>",
           "PLENARY_PUBLIC_URL": "https://plenary.example.org/"}
    env.update(overrides)
    settings = MailSettings.from_env(env)
    assert settings is not None
    return settings


def unsubscribe_link(message: EmailMessage) -> str:
    header = message["List-Unsubscribe"]
    match = re.fullmatch(r"<(https://plenary\.example\.org/unsubscribe/([^>]+))>", header)
    assert match, header
    return match[1]


def token_of(link: str) -> str:
    return link.rsplit("/", 1)[1]


async def test_event_message_is_delivered_with_both_bodies_and_one_click_unsubscribe(smtp_server) -> None:
    mailbox, port = smtp_server
    settings = settings_for(port)
    event = Notification("petition", "Call an extra NMM on the housing campaign",
                         "https://plenary.example.org/petitions/3",
                         datetime(2026, 3, 10, 9, 0, tzinfo=timezone.utc), "83 of 412 members have signed")
    await send_message(settings, build_event_message(settings, SECRET, AISHA, event))

    assert len(mailbox.envelopes) == 1
    envelope = mailbox.envelopes[0]
    assert envelope.mail_from == "plenary@demo.plenary.test"
    assert envelope.rcpt_tos == ["aisha.rahman@demo.plenary.test"]
    message = mailbox.messages()[0]
    assert message["Subject"] == "Plenary: new petition: Call an extra NMM on the housing campaign"
    assert message["To"] == "Aisha Rahman <aisha.rahman@demo.plenary.test>"
    assert message["From"] == "Plenary <plenary@demo.plenary.test>"
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert message["Message-ID"].endswith("@demo.plenary.test>")
    link = unsubscribe_link(message)
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    assert "83 of 412 members have signed" in text and "https://plenary.example.org/petitions/3" in text
    assert f"To stop emails about petitions, open {link}" in text
    assert '<a href="https://plenary.example.org/petitions/3">Call an extra NMM' in html
    assert f'<a href="{link}">unsubscribe</a>' in html

    claims = read_unsubscribe_token(SECRET, token_of(link))
    assert claims is not None and (claims.member_id, claims.kind) == (7, "petition")


async def test_daily_digest_groups_pending_notifications(smtp_server) -> None:
    mailbox, port = smtp_server
    settings = settings_for(port)
    when = lambda hour: datetime(2026, 3, 10, hour, 0, tzinfo=timezone.utc)  # noqa: E731
    pending = [
        Notification("document", "Renewal faction: weekly letter", "https://plenary.example.org/d/2", when(15)),
        Notification("ballot", "NSC group seats", "https://plenary.example.org/b/1", when(8), "closes Friday"),
        Notification("document", "Women's caucus report", "https://plenary.example.org/d/1", when(9)),
    ]
    digest = build_digest(settings, SECRET, AISHA, pending, date(2026, 3, 10))
    assert digest is not None
    await send_message(settings, digest)

    message = mailbox.messages()[0]
    assert message["Subject"] == "Plenary digest for 10 March 2026: 2 documents, 1 ballot"
    text = message.get_body(("plain",)).get_content().replace("\r\n", "\n")
    assert text.index("New documents") < text.index("Women's caucus report") \
        < text.index("Renewal faction: weekly letter") < text.index("Ballots") < text.index("NSC group seats")
    assert "* NSC group seats: closes Friday\n  https://plenary.example.org/b/1" in text
    assert "Petitions" not in text
    html = message.get_body(("html",)).get_content()
    assert "Women&#x27;s caucus report" in html
    digest_claims = read_unsubscribe_token(SECRET, token_of(unsubscribe_link(message)))
    assert digest_claims is not None and digest_claims.kind == "digest"
    section_links = re.findall(r"\(To stop emails about [^:]+: (\S+)\)", text)
    kinds = {read_unsubscribe_token(SECRET, token_of(link)).kind for link in section_links}
    assert kinds == {"document", "ballot"}

    assert build_digest(settings, SECRET, AISHA, [], date(2026, 3, 10)) is None


def test_unsubscribe_token_rejects_tampering_and_other_keys() -> None:
    token = unsubscribe_token(SECRET, 7, "bulletin")
    assert read_unsubscribe_token(SECRET, token) is not None
    header, payload, signature = token.split(".")
    flipped = signature[:-2] + ("AA" if signature[-2:] != "AA" else "BB")
    assert read_unsubscribe_token(SECRET, f"{header}.{payload}.{flipped}") is None
    other_member = unsubscribe_token(SECRET, 8, "bulletin").split(".")[1]
    assert read_unsubscribe_token(SECRET, f"{header}.{other_member}.{signature}") is None
    assert read_unsubscribe_token("another-secret-key-also-long-enough-9876543210", token) is None
    assert read_unsubscribe_token(SECRET, "not-a-token") is None
    # A token signed with the bare secret key (as session tokens are) is not an unsubscribe token.
    import jwt
    forged = jwt.encode({"purpose": "unsubscribe", "sub": "7", "kind": "bulletin"}, SECRET, algorithm="HS256")
    assert read_unsubscribe_token(SECRET, forged) is None
    with pytest.raises(ValueError, match="unknown notification kind 'gossip'"):
        unsubscribe_token(SECRET, 7, "gossip")


async def test_refused_recipient_and_unreachable_server_are_errors(smtp_server) -> None:
    mailbox, port = smtp_server
    settings = settings_for(port)
    nobody = Recipient(9, "Nobody", "nobody@nowhere.invalid")
    with pytest.raises(MailError, match="550"):
        await send_message(settings, build_message(settings, SECRET, nobody, "ballot", "s", "t", "<p>t</p>"))
    assert mailbox.envelopes == []
    closed = settings_for(free_port(), PLENARY_SMTP_TIMEOUT="5")
    with pytest.raises(MailError, match=f"SMTP server 127.0.0.1:{closed.port}"):
        await send_message(closed, build_message(closed, SECRET, AISHA, "ballot", "s", "t", "<p>t</p>"))


def test_settings_from_environment() -> None:
    assert MailSettings.from_env({}) is None
    settings = MailSettings.from_env({"PLENARY_SMTP_HOST": "mail.example.org", "PLENARY_SMTP_STARTTLS": "true",
                                      "PLENARY_SMTP_FROM": "plenary@example.org",
                                      "PLENARY_SMTP_USER": "u", "PLENARY_SMTP_PASSWORD": "p"})
    assert settings.port == 587 and settings.starttls and settings.username == "u"
    assert settings.public_url == "http://127.0.0.1:8000"
    with pytest.raises(SettingsError, match="PLENARY_SMTP_FROM"):
        MailSettings.from_env({"PLENARY_SMTP_HOST": "mail.example.org"})
    with pytest.raises(SettingsError, match="set together"):
        MailSettings.from_env({"PLENARY_SMTP_HOST": "h", "PLENARY_SMTP_FROM": "a@b.c", "PLENARY_SMTP_USER": "u"})
    with pytest.raises(SettingsError, match="PLENARY_SMTP_PORT must be a number"):
        MailSettings.from_env({"PLENARY_SMTP_HOST": "h", "PLENARY_SMTP_FROM": "a@b.c", "PLENARY_SMTP_PORT": "x"})


@pytest.fixture
def certificate(tmp_path: Path) -> tuple[Path, Path]:
    openssl = shutil.which("openssl")
    if openssl is None:
        pytest.skip("the openssl command (Debian package openssl) is needed to make a test certificate")
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run([openssl, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", str(key),
                    "-out", str(cert), "-days", "1", "-subj", "/CN=127.0.0.1",
                    "-addext", "subjectAltName=IP:127.0.0.1"], check=True, capture_output=True)
    return cert, key


async def test_starttls_with_authentication(certificate: tuple[Path, Path]) -> None:
    cert, key = certificate
    server_context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    server_context.load_cert_chain(cert, key)
    logins: list[tuple[bytes, bytes]] = []

    def authenticator(server, session, envelope, mechanism, auth_data) -> AuthResult:
        assert isinstance(auth_data, LoginPassword)
        logins.append((auth_data.login, auth_data.password))
        # handled=False: aiosmtpd answers a failure with 535 itself
        return AuthResult(success=auth_data.password == b"right-password", handled=False)

    mailbox = Mailbox()
    with serving(mailbox, tls_context=server_context, require_starttls=True, auth_required=True,
                 authenticator=authenticator) as port:
        overrides = {"PLENARY_SMTP_STARTTLS": "true", "PLENARY_SMTP_USER": "plenary",
                     "PLENARY_SMTP_CA_FILE": str(cert)}
        settings = settings_for(port, PLENARY_SMTP_PASSWORD="right-password", **overrides)
        await send_message(settings, build_message(settings, SECRET, AISHA, "ballot", "Ballot open",
                                                   "The ballot is open.", "<p>The ballot is open.</p>"))
        assert [m["Subject"] for m in mailbox.messages()] == ["Ballot open"]
        assert logins == [(b"plenary", b"right-password")]

        wrong = settings_for(port, PLENARY_SMTP_PASSWORD="wrong-password", **overrides)
        with pytest.raises(MailError, match="535"):
            await send_message(wrong, build_message(wrong, SECRET, AISHA, "ballot", "s", "t", "<p>t</p>"))
        untrusted = settings_for(port, PLENARY_SMTP_PASSWORD="right-password", PLENARY_SMTP_STARTTLS="true",
                                 PLENARY_SMTP_USER="plenary")
        with pytest.raises(MailError, match="certificate"):
            await send_message(untrusted, build_message(untrusted, SECRET, AISHA, "ballot", "s", "t", "<p>t</p>"))
        assert len(mailbox.envelopes) == 1
