"""A body's page: members, officers, positions and holders; membership changes."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from server.db.models import ROLES
from server.services import bodies as body_actions
from server.services.errors import ActionRefused
from server.services.permissions import can_administer, can_manage_body
from server.services.positions import can_start_recall, is_current
from server.views.context import database, is_htmx, require_viewer
from server.views.render import render


async def page_context(request: Request, slug: str) -> dict:
    current = require_viewer(request)
    async with database(request) as db:
        body = await body_actions.body_for(db, current.member, slug=slug)
        all_bodies = await body_actions.visible_bodies(db, current.member) if can_administer(current.member) else []
    members = sorted(body.memberships, key=lambda m: m.member.name)
    return {
        "body": body,
        "members": members,
        "officers": [m for m in members if m.role == "officer"],
        "can_manage": can_manage_body(current.member, body),
        "can_administer": can_administer(current.member),
        "all_bodies": all_bodies,
        "roles": ROLES,
        "is_current": is_current,
        "may_recall": lambda holding: can_start_recall(current.member, holding),
    }


async def body_page(request: Request) -> Response:
    return render(request, "body.html", await page_context(request, request.path_params["slug"]))


async def _after_change(request: Request, slug: str, message: str = "", error: str = "",
                        status: int = 200, typed: dict[str, str] | None = None) -> Response:
    """The member list again: in place for htmx, else the whole page (only on refusal).
    A refusal keeps what was typed (``typed``) so it can be corrected, not retyped."""
    context_extra = {"message": message, "error": error, "typed": typed or {}}
    if is_htmx(request):
        context = await page_context(request, slug)
        context.update(context_extra)
        return render(request, "_members.html", context, status=status)
    if error:
        context = await page_context(request, slug)
        context.update(context_extra)
        return render(request, "body.html", context, status=status)
    return RedirectResponse(f"/bodies/{slug}#members", status_code=303)


async def add_member(request: Request) -> Response:
    current = require_viewer(request)
    slug = request.path_params["slug"]
    form = await request.form()
    async with database(request) as db:
        body = await body_actions.body_for(db, current.member, slug=slug)
        try:
            await body_actions.add_membership(db, current.member, body.id, str(form.get("email", "")),
                                              str(form.get("role", "member")))
        except ActionRefused as refused:
            if refused.status in (403, 404):
                raise
            typed = {"email": str(form.get("email", "")), "role": str(form.get("role", "member"))}
            return await _after_change(request, slug, error=refused.message, status=refused.status, typed=typed)
    return await _after_change(request, slug, message="Membership saved.")


async def remove_member(request: Request) -> Response:
    current = require_viewer(request)
    slug = request.path_params["slug"]
    async with database(request) as db:
        body = await body_actions.body_for(db, current.member, slug=slug)
        await body_actions.remove_membership(db, current.member, body.id, request.path_params["member_id"])
    return await _after_change(request, slug, message="Member removed.")
