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

POSITION_FIELDS = ("title", "filled_by", "seats", "term_months", "elected_by")
HOLDER_FIELDS = ("position", "email", "starts_on", "ends_on")


def whole_number(raw: str, field: str, message: str, *, optional: bool = False) -> int | None:
    """A form's whole number, or Invalid with ``message`` (in words) against ``field``."""
    raw = raw.strip()
    if optional and not raw:
        return None
    if not raw.isdigit():
        raise Invalid(message, {field: message})
    return int(raw)


def form_date(raw: str, field: str, message: str, *, optional: bool = False) -> date | None:
    raw = raw.strip()
    if optional and not raw:
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise Invalid(message, {field: message}) from None


async def _refused(request: Request, slug: str, refused: ActionRefused, form_name: str,
                   typed: dict[str, str]) -> Response:
    """The body page again with the form open, what was typed in it, and what is wrong."""
    if refused.status in (403, 404):
        raise refused
    context = await page_context(request, slug)
    context[f"{form_name}_error"] = refused.message
    context[f"{form_name}_fields"] = refused.fields
    context[f"{form_name}_values"] = typed
    return render(request, "body.html", context, status=refused.status)


async def add_position(request: Request) -> Response:
    current = require_viewer(request)
    slug = request.path_params["slug"]
    form = await request.form()
    typed = {key: str(form.get(key, "")) for key in POSITION_FIELDS}
    try:
        async with database(request) as db:
            body = await body_actions.body_for(db, current.member, slug=slug)
            await position_actions.create_position(
                db, current.member, body_id=body.id, title=typed["title"], filled_by=typed["filled_by"],
                seats=whole_number(typed["seats"] or "1", "seats", "The number of seats must be a whole number."),
                term_months=whole_number(typed["term_months"], "term_months",
                                         "The term must be a whole number of months.", optional=True),
                elected_by_id=whole_number(typed["elected_by"], "elected_by",
                                           "Choose the electing body from the list.", optional=True))
    except ActionRefused as refused:
        return await _refused(request, slug, refused, "position", typed)
    return RedirectResponse(f"/bodies/{slug}#positions", status_code=303)


async def add_holder(request: Request) -> Response:
    current = require_viewer(request)
    slug = request.path_params["slug"]
    form = await request.form()
    typed = {key: str(form.get(key, "")) for key in HOLDER_FIELDS}
    try:
        async with database(request) as db:
            body = await body_actions.body_for(db, current.member, slug=slug)
            position_id = whole_number(typed["position"], "position", "Choose a position from the list.")
            if position_id not in {p.id for p in body.positions}:
                raise Invalid(f"That position is not on {body.name}.", {"position": "Choose a position from the list."})
            await position_actions.record_holding(
                db, current.member, position_id=position_id, member_email=typed["email"],
                starts_on=form_date(typed["starts_on"], "starts_on", "The start must be a date, like 2026-01-31."),
                ends_on=form_date(typed["ends_on"], "ends_on", "The end must be a date, like 2026-12-31, or empty.",
                                  optional=True))
    except ActionRefused as refused:
        return await _refused(request, slug, refused, "holder", typed)
    return RedirectResponse(f"/bodies/{slug}#positions", status_code=303)
