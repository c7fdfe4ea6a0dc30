"""The member's notifications: replies and changes on the motions they follow."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from server.services import notifications
from server.views.context import database, require_viewer
from server.views.render import render


async def notifications_page(request: Request) -> Response:
    current = require_viewer(request)
    async with database(request) as db:
        items = await notifications.notifications_for(db, current.member)
    return render(request, "motions/notifications.html", {"items": items})


async def mark_read(request: Request) -> Response:
    current = require_viewer(request)
    async with database(request) as db:
        await notifications.mark_all_read(db, current.member)
    return RedirectResponse("/notifications", status_code=303)
