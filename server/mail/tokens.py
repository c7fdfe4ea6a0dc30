"""Unsubscribe tokens: a link in an email that works without signing in.

An HS256 JWT naming the member and the kind of notification, with ``purpose`` set to
``unsubscribe``. It is signed with a key derived from the app's secret key for this purpose
alone, so it can never be mistaken for a session token or the other way round. It has no
expiry: RFC 8058 asks that a one-click link in an old message still work. Changing the
secret key voids every link, as it signs everyone out.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass

import jwt

ALGORITHM = "HS256"
PURPOSE = "unsubscribe"
#: what a member can stop hearing about by email; "digest" is the daily digest itself
NOTIFICATION_KINDS = ("document", "bulletin", "petition", "ballot", "digest")


@dataclass(frozen=True)
class UnsubscribeClaims:
    member_id: int
    kind: str


def unsubscribe_token(secret_key: str, member_id: int, kind: str) -> str:
    if kind not in NOTIFICATION_KINDS:
        raise ValueError(f"unknown notification kind {kind!r}: use one of {', '.join(NOTIFICATION_KINDS)}")
    payload = {"purpose": PURPOSE, "sub": str(member_id), "kind": kind}
    return jwt.encode(payload, _purpose_key(secret_key), algorithm=ALGORITHM)


def read_unsubscribe_token(secret_key: str, token: str) -> UnsubscribeClaims | None:
    """The member and kind of a token we signed for unsubscribing, else None."""
    try:
        payload = jwt.decode(token, _purpose_key(secret_key), algorithms=[ALGORITHM],
                             options={"require": ["purpose", "sub", "kind"]})
        if payload["purpose"] != PURPOSE or payload["kind"] not in NOTIFICATION_KINDS:
            return None
        return UnsubscribeClaims(int(payload["sub"]), str(payload["kind"]))
    except (jwt.InvalidTokenError, ValueError, TypeError):
        return None


def unsubscribe_url(public_url: str, token: str) -> str:
    return f"{public_url.rstrip('/')}/unsubscribe/{token}"


def _purpose_key(secret_key: str) -> bytes:
    return hmac.new(secret_key.encode(), f"plenary:{PURPOSE}".encode(), hashlib.sha256).digest()
