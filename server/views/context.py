"""What every endpoint needs from a request: a database session and the viewer."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession
from starlette.requests import Request

from server.services.errors import NotSignedIn
from server.services.identity import Identity, Viewer
from server.settings import Settings


def database(request: Request) -> AsyncSession:
    """A new database session; use it as ``async with database(request) as db``."""
    return request.app.state.sessions()


def settings_of(request: Request) -> Settings:
    return request.app.state.settings


def viewer(request: Request) -> Viewer | None:
    return request.scope.get("state", {}).get("viewer")


def require_viewer(request: Request) -> Viewer:
    current = viewer(request)
    if current is None:
        if identity(request) is not None:
            raise RuntimeError(f"{request.url.path} is an identity-only route (server/auth/middleware.py): "
                               "it has no viewer to give")
        raise NotSignedIn("Please sign in to see this page.")
    return current


def identity(request: Request) -> Identity | None:
    return request.scope.get("state", {}).get("identity")


def require_identity(request: Request) -> Identity:
    """Who is signed in, without their memberships: what the identity-only routes have."""
    current = identity(request)
    if current is None:
        raise NotSignedIn("Please sign in to see this page.")
    return current


def client_address(request: Request) -> str:
    return (request.client.host if request.client else "unknown")[:64]


def is_htmx(request: Request) -> bool:
    return request.headers.get("hx-request") == "true"
