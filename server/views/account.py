"""The member's own account: changing their password (which signs out every session)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from server.services import identity
from server.services.errors import Invalid
from server.views.context import database, require_viewer, settings_of
from server.views.render import render


async def password_page(request: Request) -> Response:
    require_viewer(request)
    return render(request, "account_password.html", {"error": "", "fields": {}})


async def change_password(request: Request) -> Response:
    current = require_viewer(request)
    form = await request.form()
    if form.get("new_password", "") != form.get("confirm_password", ""):
        return render(request, "account_password.html",
                      {"error": "The two new passwords differ.", "fields": {"confirm_password": "Type the same password twice."}},
                      status=400)
    try:
        async with database(request) as db:
            await identity.change_password(db, settings_of(request), current.member,
                                           str(form.get("current_password", "")), str(form.get("new_password", "")))
    except Invalid as refused:
        return render(request, "account_password.html", {"error": refused.message, "fields": refused.fields},
                      status=400)
    # every session, this one included, has just ended: sign in again with the new password
    return RedirectResponse("/sign-in?password_changed=1", status_code=303)
