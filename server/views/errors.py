"""Exception handlers: every refusal becomes a human page, or JSON under /api/."""

from __future__ import annotations

import logging

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from urllib.parse import urlencode

from server.services.errors import ActionRefused, NotSignedIn
from server.views.render import error_response, wants_json

log = logging.getLogger("plenary")

HTTP_MESSAGES = {
    400: "The request could not be understood.",
    404: "There is nothing at this address. Check the link, or go back to your home page.",
    405: "This page cannot be used that way.",
}


async def refused(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, ActionRefused)
    if isinstance(exc, NotSignedIn) and not wants_json(request) and request.method == "GET":
        # carry the page they wanted, so signing in leads back to it (validated there)
        wanted = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return RedirectResponse("/sign-in?" + urlencode({"next": wanted}), status_code=303)
    return error_response(request, exc.status, exc.message, exc.fields)


async def http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    message = HTTP_MESSAGES.get(exc.status_code, exc.detail or "That did not work.")
    return error_response(request, exc.status_code, message, headers=exc.headers)


async def server_error(request: Request, exc: Exception) -> Response:
    log.exception("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
    return error_response(request, 500, "Something went wrong on our side. Please try again in a moment.")
