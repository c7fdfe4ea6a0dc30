"""Two ASGI middlewares: who is asking (session cookie -> viewer) and whether a
state-changing request carries the CSRF token of that session."""

from __future__ import annotations

import re
import secrets

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from starlette.datastructures import Headers, MutableHeaders
from starlette.requests import Request, cookie_parser
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from server.auth import tokens
from server.groupings.attachments import form_too_large
from server.services.identity import SessionCheck, viewer_of
from server.settings import Settings
from server.views.render import error_response

UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
CSRF_HEADER = "x-csrf-token"
CSRF_FIELD = "csrf_token"
CSRF_EXEMPT_PREFIX = "/unsubscribe/"
MAX_FORM_BYTES = 5 * 1024 * 1024
#: static files need no viewer, so they cost no database query
STATIC_PREFIX = "/static/"
#: requests that need only who is signed in (``request.state.identity``), not the member's
#: memberships: loading those is most of a request's cost, and casting a vote must be cheap
IDENTITY_ONLY = (
    ("POST", re.compile(r"/api/v1/ballots/\d+/votes")),
    ("GET", re.compile(r"/api/v1/session")),
)


def needs_identity_only(method: str, path: str) -> bool:
    return any(method == m and pattern.fullmatch(path) for m, pattern in IDENTITY_ONLY)


def request_cookies(scope: Scope) -> dict[str, str]:
    """The request's cookies, read straight from the ASGI headers (every request comes through here,
    so it skips building a Request and its header map)."""
    for name, value in scope["headers"]:
        if name == b"cookie":
            return cookie_parser(value.decode("latin-1"))
    return {}


def cookie_header(name: str, value: str, settings: Settings, max_age: int | None) -> str:
    parts = [f"{name}={value}", "Path=/", "HttpOnly", "SameSite=Lax"]
    if max_age is not None:
        parts.append(f"Max-Age={max_age}")
    if settings.secure_cookies:
        parts.append("Secure")
    return "; ".join(parts)


class SessionMiddleware:
    """Puts ``identity`` and ``viewer`` (or None) and ``csrf_token`` into the request state; on the
    ``IDENTITY_ONLY`` routes the viewer is not loaded (``require_viewer`` says so if asked)."""

    def __init__(self, app: ASGIApp, settings: Settings,
                 sessions: async_sessionmaker[AsyncSession], check: SessionCheck) -> None:
        self.app = app
        self.settings = settings
        self.sessions = sessions
        self.check = check

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"].startswith(STATIC_PREFIX):
            await self.app(scope, receive, send)
            return
        state = scope.setdefault("state", {})
        cookies = request_cookies(scope)
        token = cookies.get(tokens.SESSION_COOKIE)
        identity = await self.check.identity(token) if token else None
        viewer = None
        if identity is not None and not needs_identity_only(scope["method"], scope["path"]):
            async with self.sessions() as db:
                viewer = await viewer_of(db, identity)
            if viewer is None:  # the member was removed since the session check
                identity = None
        state["identity"] = identity
        state["viewer"] = viewer
        new_cookies: list[str] = []
        if token and identity is None:
            new_cookies.append(cookie_header(tokens.SESSION_COOKIE, "", self.settings, 0))
        if identity is not None:
            seed = f"session:{identity.session_id}"
        else:
            nonce = cookies.get(tokens.PRESESSION_COOKIE, "")
            if not (16 <= len(nonce) <= 64):
                nonce = secrets.token_urlsafe(24)
                new_cookies.append(cookie_header(tokens.PRESESSION_COOKIE, nonce, self.settings, None))
            seed = f"presession:{nonce}"
        state["csrf_seed"] = seed
        state["csrf_token"] = tokens.csrf_token(self.settings.secret_key, seed)
        if not new_cookies:
            await self.app(scope, receive, send)
            return

        async def send_with_cookies(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for cookie in new_cookies:
                    headers.append("set-cookie", cookie)
            await send(message)

        await self.app(scope, receive, send_with_cookies)


class CsrfMiddleware:
    """Refuses POST/PUT/PATCH/DELETE unless the ``X-CSRF-Token`` header or the
    ``csrf_token`` form field holds this session's token. The form body is read here
    and handed on unchanged."""

    def __init__(self, app: ASGIApp, settings: Settings) -> None:
        self.app = app
        self.settings = settings

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in UNSAFE_METHODS:
            await self.app(scope, receive, send)
            return
        if scope["path"].startswith(CSRF_EXEMPT_PREFIX):
            # RFC 8058 one-click unsubscribe: the mail client POSTs with no session; the signed
            # token in the path is the authority, and the only effect is fewer emails
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        offered = headers.get(CSRF_HEADER, "")
        content_type = headers.get("content-type", "")
        onward = receive
        if not offered and content_type.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
            body = await _read_body(receive, MAX_FORM_BYTES)
            if body is None:
                message = (form_too_large(scope["path"], headers.get("content-length"), MAX_FORM_BYTES)
                           or "That upload is too large (the limit is 5 MB).")
                await self._refuse(scope, receive, send, 413, message)
                return
            onward = _replay(body, receive)
            async with Request(scope, _replay(body, receive)).form() as form:
                value = form.get(CSRF_FIELD)
                offered = value if isinstance(value, str) else ""
        seed = scope.get("state", {}).get("csrf_seed", "")
        if not (seed and offered and tokens.csrf_matches(self.settings.secret_key, seed, offered)):
            await self._refuse(
                scope, onward, send, 403,
                "This form has expired or did not come from Plenary, so nothing was changed. "
                "Go back, reload the page and try again.",
            )
            return
        await self.app(scope, onward, send)

    async def _refuse(self, scope: Scope, receive: Receive, send: Send, status: int, message: str) -> None:
        response = error_response(Request(scope, receive), status, message)
        await response(scope, receive, send)


async def _read_body(receive: Receive, limit: int) -> bytes | None:
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            break
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            return None
        chunks.append(chunk)
        if not message.get("more_body", False):
            break
    return b"".join(chunks)


def _replay(body: bytes, upstream: Receive) -> Receive:
    """Hand the already-read body on once, then listen to the client again."""
    sent = False

    async def receive() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await upstream()

    return receive
