"""The session token: an HS256 JWT naming the member, the sign-in session and the
member's session version. The database row behind ``sid`` makes sign-out and
password change able to revoke a token before it expires."""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from datetime import datetime, timezone

import jwt

ALGORITHM = "HS256"
SESSION_COOKIE = "plenary_session"
#: random value given to a browser before it signs in, so the sign-in form has a CSRF token
PRESESSION_COOKIE = "plenary_presession"


@dataclass(frozen=True)
class SessionClaims:
    member_id: int
    session_id: str
    version: int


def issue_token(secret_key: str, claims: SessionClaims, issued_at: datetime, expires_at: datetime) -> str:
    payload = {
        "sub": str(claims.member_id),
        "sid": claims.session_id,
        "ver": claims.version,
        "iat": int(issued_at.timestamp()),
        "exp": int(expires_at.timestamp()),
    }
    return jwt.encode(payload, secret_key, algorithm=ALGORITHM)


def read_token(secret_key: str, token: str) -> SessionClaims | None:
    """The claims of a token we signed and that has not expired, else None."""
    try:
        payload = jwt.decode(
            token,
            secret_key,
            algorithms=[ALGORITHM],
            options={"require": ["exp", "iat", "sub", "sid", "ver"]},
        )
        return SessionClaims(int(payload["sub"]), str(payload["sid"]), int(payload["ver"]))
    except (jwt.InvalidTokenError, ValueError, TypeError):
        return None


def csrf_token(secret_key: str, seed: str) -> str:
    """The CSRF token for a session (or pre-session): derived, so nothing extra is stored."""
    return hmac.new(secret_key.encode(), f"csrf:{seed}".encode(), hashlib.sha256).hexdigest()


def csrf_matches(secret_key: str, seed: str, offered: str) -> bool:
    return hmac.compare_digest(csrf_token(secret_key, seed), offered)


def now() -> datetime:
    return datetime.now(timezone.utc)
