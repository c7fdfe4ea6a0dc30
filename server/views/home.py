"""The member's home: their bodies and what is open for them."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from server.services.bodies import bodies_of
from server.services.open_items import open_items_for
from server.views.context import database, require_viewer
from server.views.render import render


async def home_page(request: Request) -> Response:
    current = require_viewer(request)
    async with database(request) as db:
        memberships = await bodies_of(db, current.member)
        open_items = await open_items_for(db, current.member)
    return render(request, "home.html", {"memberships": memberships, "open_items": open_items})
