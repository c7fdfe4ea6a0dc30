"""Signing in and out."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from server.auth import tokens
from server.auth.middleware import cookie_header
from server.services import identity
from server.services.errors import Invalid, RateLimited
from server.views.context import client_address, database, settings_of, viewer
from server.views.home import home_page
from server.views.render import render


def local_path(wanted: str) -> str:
    """``wanted`` if it is a path on this site, else "/": an open redirect would let a link
    to Plenary's sign-in page send a member on to a look-alike site after signing in."""
    if (not wanted.startswith("/") or wanted.startswith("//") or "\\" in wanted
            or any(ord(c) < 33 or ord(c) == 127 for c in wanted)):
        return "/"
    return wanted


async def front_page(request: Request) -> Response:
    """Home for a signed-in member, the sign-in form for everyone else."""
    if viewer(request) is not None:
        return await home_page(request)
    return sign_in_form(request)


async def sign_in_page(request: Request) -> Response:
    if viewer(request) is not None:
        return RedirectResponse(local_path(request.query_params.get("next", "/")), status_code=303)
    return sign_in_form(request)


def sign_in_form(request: Request, *, email: str = "", error: str = "", status: int = 200,
                 headers: dict[str, str] | None = None, next_path: str | None = None) -> Response:
    notice = ""
    if request.query_params.get("signed_out"):
        notice = "You have signed out."
    elif request.query_params.get("password_changed"):
        notice = "Your password is changed and every session is signed out. Sign in with the new password."
    if next_path is None:
        next_path = local_path(request.query_params.get("next", "/"))
    return render(request, "sign_in.html", {"email": email, "error": error, "notice": notice,
                                            "next_path": next_path if next_path != "/" else ""},
                  status=status, headers=headers)


async def sign_in(request: Request) -> Response:
    form = await request.form()
    email, password = str(form.get("email", "")), str(form.get("password", ""))
    next_path = local_path(str(form.get("next", "") or "/"))
    settings = settings_of(request)
    try:
        async with database(request) as db:
            signed_in = await identity.sign_in(db, settings, email, password, client_address(request))
    except RateLimited as refused:
        seconds = max(1, int((refused.retry_at - tokens.now()).total_seconds()))
        return sign_in_form(request, email=email, error=refused.message, status=429,
                            headers={"Retry-After": str(seconds)}, next_path=next_path)
    except Invalid as refused:
        return sign_in_form(request, email=email, error=refused.message, status=401, next_path=next_path)
    response = RedirectResponse(next_path, status_code=303)
    max_age = int((signed_in.expires_at - tokens.now()).total_seconds())
    response.headers.append("set-cookie", cookie_header(tokens.SESSION_COOKIE, signed_in.token, settings, max_age))
    return response


async def sign_out(request: Request) -> Response:
    current = viewer(request)
    if current is not None:
        async with database(request) as db:
            await identity.sign_out(db, current.session_id)
    response = RedirectResponse("/?signed_out=1", status_code=303)
    response.headers.append("set-cookie", cookie_header(tokens.SESSION_COOKIE, "", settings_of(request), 0))
    return response
