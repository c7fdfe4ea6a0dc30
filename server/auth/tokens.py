"""The session token: an HS256 JWT naming the member, the sign-in session and the
member's session version. The database row behind ``sid`` makes sign-out and
password change able to revoke a token before it expires."""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from datetime import datetime, timezone
from functools import lru_cache

import jwt

ALGORITHM = "HS256"
SESSION_COOKIE = "plenary_session"
#: random value given to a browser before it signs in, so the sign-in form has a CSRF token
PRESESSION_COOKIE = "plenary_presession"
#: verified tokens a process keeps (a few hundred bytes each)
VERIFIED_KEPT = 65_536


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


def read_token(secret_key: str, token: str, at: datetime | None = None) -> SessionClaims | None:
    """The claims of a token we signed and that has not expired (at ``at``, default now), else None."""
    verified = _verified(secret_key, token)
    if verified is None:
        return None
    claims, expires = verified
    moment = (at or now()).timestamp()
    return claims if moment < expires else None


@lru_cache(maxsize=VERIFIED_KEPT)
def _verified(secret_key: str, token: str) -> tuple[SessionClaims, float] | None:
    """The claims and expiry of a token whose signature and form check out, else None.

    Kept per process: every request of a signed-in member carries the same token, and checking its
    signature with PyJWT costs as much as the rest of a light request. What is kept depends only on
    the token and the key, never on the time (expiry is compared on each read) or on the session
    row (the session check reads that every time, so sign-out and password changes still bite).
    """
    try:
        payload = jwt.decode(
            token,
            secret_key,
            algorithms=[ALGORITHM],
            options={"require": ["exp", "iat", "sub", "sid", "ver"], "verify_exp": False},
        )
        claims = SessionClaims(int(payload["sub"]), str(payload["sid"]), int(payload["ver"]))
        return claims, float(payload["exp"])
    except (jwt.InvalidTokenError, ValueError, TypeError):
        return None


def csrf_token(secret_key: str, seed: str) -> str:
    """The CSRF token for a session (or pre-session): derived, so nothing extra is stored."""
    return hmac.new(secret_key.encode(), f"csrf:{seed}".encode(), hashlib.sha256).hexdigest()


def csrf_matches(secret_key: str, seed: str, offered: str) -> bool:
    return hmac.compare_digest(csrf_token(secret_key, seed), offered)


def now() -> datetime:
    return datetime.now(timezone.utc)
