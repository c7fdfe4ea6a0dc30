"""Site admins add positions to a body and record who was elected to them."""

from __future__ import annotations

from datetime import date

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from server.services import bodies as body_actions
from server.services import positions as position_actions
from server.services.errors import ActionRefused, Invalid
from server.views.bodies import page_context
from server.views.context import database, require_viewer
from server.views.render import render


def _whole_number(raw: str, field: str, *, optional: bool = False) -> int | None:
    raw = raw.strip()
    if optional and not raw:
        return None
    if not raw.isdigit():
        raise Invalid(f"{field} must be a whole number.", {field: "A whole number."})
    return int(raw)


def _date(raw: str, field: str, *, optional: bool = False) -> date | None:
    raw = raw.strip()
    if optional and not raw:
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise Invalid(f"{field} must be a date like 2026-01-31.", {field: "A date like 2026-01-31."}) from None


async def _refused(request: Request, slug: str, refused: ActionRefused) -> Response:
    if refused.status in (403, 404):
        raise refused
    context = await page_context(request, slug)
    context["position_error"] = refused.message
    return render(request, "body.html", context, status=refused.status)


async def add_position(request: Request) -> Response:
    current = require_viewer(request)
    slug = request.path_params["slug"]
    form = await request.form()
    try:
        async with database(request) as db:
            body = await body_actions.body_for(db, current.member, slug=slug)
            elected_by = str(form.get("elected_by", "")).strip()
            await position_actions.create_position(
                db, current.member, body_id=body.id, title=str(form.get("title", "")),
                filled_by=str(form.get("filled_by", "")),
                seats=_whole_number(str(form.get("seats", "1")), "seats"),
                term_months=_whole_number(str(form.get("term_months", "")), "term_months", optional=True),
                elected_by_id=_whole_number(elected_by, "elected_by", optional=True))
    except ActionRefused as refused:
        return await _refused(request, slug, refused)
    return RedirectResponse(f"/bodies/{slug}#positions", status_code=303)


async def add_holder(request: Request) -> Response:
    current = require_viewer(request)
    slug = request.path_params["slug"]
    form = await request.form()
    try:
        async with database(request) as db:
            body = await body_actions.body_for(db, current.member, slug=slug)
            position_id = _whole_number(str(form.get("position", "")), "position")
            if position_id not in {p.id for p in body.positions}:
                raise Invalid(f"That position is not on {body.name}.")
            await position_actions.record_holding(
                db, current.member, position_id=position_id,
                member_email=str(form.get("email", "")),
                starts_on=_date(str(form.get("starts_on", "")), "starts_on"),
                ends_on=_date(str(form.get("ends_on", "")), "ends_on", optional=True))
    except ActionRefused as refused:
        return await _refused(request, slug, refused)
    return RedirectResponse(f"/bodies/{slug}#positions", status_code=303)
