"""The member's own account: their self-identifications (seen by nobody else) and their
password (changing it signs out every session)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from server.repositories import members as member_rows
from server.services import identity, members
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


async def account_page(request: Request, *, typed: str | None = None, error: str = "", saved: bool = False,
                       status: int = 200) -> Response:
    current = require_viewer(request)
    async with database(request) as db:
        member = await member_rows.by_id(db, current.member.id)
    tags = [identity.tag for identity in member.identities]
    return render(request, "account.html", {
        "member": member, "tags": tags, "typed": "; ".join(tags) if typed is None else typed,
        "error": error, "saved": saved or request.query_params.get("saved") == "1"}, status=status)


async def save_identities(request: Request) -> Response:
    current = require_viewer(request)
    form = await request.form()
    typed = str(form.get("identities", ""))
    try:
        async with database(request) as db:
            await members.set_own_identities(db, current.member, members.parse_identities(typed))
    except Invalid as refused:
        return await account_page(request, typed=typed, error=refused.message, status=400)
    return RedirectResponse("/account?saved=1", status_code=303)
