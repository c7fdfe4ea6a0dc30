"""The session token: an HS256 JWT naming the member, the sign-in session and the
member's session version. The database row behind ``sid`` makes sign-out and
password change able to revoke a token before it expires."""

from __future__ import annotations

import hashlib
import hmac
import json
from dataclasses import dataclass
from datetime import datetime, timezone

import jwt
from jwt.algorithms import HMACAlgorithm

ALGORITHM = "HS256"
SESSION_COOKIE = "plenary_session"
#: random value given to a browser before it signs in, so the sign-in form has a CSRF token
PRESESSION_COOKIE = "plenary_presession"
#: verified tokens a process keeps (a few hundred bytes each)
VERIFIED_KEPT = 65_536
#: every session token carries these claims
REQUIRED_CLAIMS = ("exp", "iat", "sub", "sid", "ver")


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
    """The claims of a token we signed and that has not expired (at ``at``, default now), else None.

    Verified tokens are kept per process: every request of a signed-in member carries the same token,
    and checking it costs as much as the rest of a light request. What is kept depends only on the
    token and the key, never on the time (expiry is compared on each read) or on the session row (the
    session check reads that every time, so sign-out and password changes still bite). Only good
    tokens are kept, as tuples of plain values: the garbage collector stops tracking those, so tens of
    thousands of them add nothing to its full collections (an ``lru_cache`` of claim objects added
    to every one of them).
    """
    kept = _VERIFIED.get((secret_key, token))
    if kept is None:
        kept = _verified(secret_key, token)
        if kept is None:
            return None
        if len(_VERIFIED) >= VERIFIED_KEPT:
            del _VERIFIED[next(iter(_VERIFIED))]  # the oldest kept
        _VERIFIED[(secret_key, token)] = kept
    member_id, session_id, version, expires = kept
    return SessionClaims(member_id, session_id, version) if (at or now()).timestamp() < expires else None


#: (key, token) -> (member id, session id, version, expiry): tokens whose signature and form checked out
_VERIFIED: dict[tuple[str, str], tuple[int, str, int, float]] = {}


def _verified(secret_key: str, token: str) -> tuple[int, str, int, float] | None:
    """The claims and expiry of a token whose signature and form check out, else None."""
    try:
        payload = json.loads(_SIGNATURES.decode_complete(token, secret_key, algorithms=[ALGORITHM])["payload"])
    except (jwt.InvalidTokenError, ValueError, TypeError):
        return None
    if not isinstance(payload, dict) or any(name not in payload for name in REQUIRED_CLAIMS):
        return None
    if not all(_whole(payload[name]) for name in ("iat", "exp", "ver")) or not isinstance(payload["sid"], str):
        return None
    try:
        return int(payload["sub"]), payload["sid"], payload["ver"], float(payload["exp"])
    except (ValueError, TypeError):
        return None


def _whole(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


class _OwnKeyHMAC(HMACAlgorithm):
    """HS256 that checks the shape of a key once, not at every token.

    At every decode PyJWT checks that an HMAC secret is not shaped like a public key, a certificate
    or a JWK (a defence for keys that arrive with a request): here the key is the server's own and
    does not change, and those checks (a JSON parse among them) cost more than the signature itself.
    """

    def __init__(self) -> None:
        super().__init__(HMACAlgorithm.SHA256)
        self._checked: dict[str, bytes] = {}

    def prepare_key(self, key: str | bytes) -> bytes:
        if not isinstance(key, str):
            return super().prepare_key(key)
        prepared = self._checked.get(key)
        if prepared is None:
            prepared = super().prepare_key(key)
            if len(self._checked) < 16:  # the server's key (and the few a test run makes)
                self._checked[key] = prepared
        return prepared


#: the signature check of session tokens (PyJWS: HS256 only, the key's shape checked once); the claims
#: are checked above, as PyJWT's ``decode`` would with ``require``, less the expiry, compared per read
_SIGNATURES = jwt.PyJWS(algorithms=[ALGORITHM])
_SIGNATURES.unregister_algorithm(ALGORITHM)
_SIGNATURES.register_algorithm(ALGORITHM, _OwnKeyHMAC())


def csrf_token(secret_key: str, seed: str) -> str:
    """The CSRF token for a session (or pre-session): derived, so nothing extra is stored."""
    return hmac.new(secret_key.encode(), f"csrf:{seed}".encode(), hashlib.sha256).hexdigest()


def csrf_matches(secret_key: str, seed: str, offered: str) -> bool:
    return hmac.compare_digest(csrf_token(secret_key, seed), offered)


def now() -> datetime:
    return datetime.now(timezone.utc)
