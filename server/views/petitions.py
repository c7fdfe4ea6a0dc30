"""Pages for petitions, notification preferences and unsubscribing (issue 7)."""

from __future__ import annotations

import logging

from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from server.db.models import Body
from server.db.models_groupings import NOTICE_KINDS
from server.drafting.markdown import render_markdown
from server.mail.settings import MailSettings
from server.services import notices, petitions
from server.services.errors import ActionRefused, Invalid
from server.views import in_place
from server.views.context import database, is_htmx, require_viewer, settings_of
from server.views.render import render

log = logging.getLogger("plenary")

MESSAGES = {"opened": "Petition opened.", "signed": "You have signed.", "requested": "Requested for the branch.",
            "saved": "Saved: this is how you will hear of things."}


def mail_settings(request: Request) -> MailSettings | None:
    """The SMTP settings: the app's own (tests set them), else the environment's."""
    configured = getattr(request.app.state, "mail_settings", None)
    return configured if configured is not None else MailSettings.from_env()


async def send_due(request: Request, db) -> None:
    """Email what members asked to get at once; a mail problem never undoes the action."""
    try:
        await notices.send_due_emails(db, mail_settings(request), settings_of(request).secret_key)
    except Exception:  # noqa: BLE001 - logged; the notices stay pending for the next attempt
        log.exception("sending notices by email failed")


async def petitions_page(request: Request) -> Response:
    require_viewer(request)
    async with database(request) as db:
        views = [petitions.describe(p) for p in await petitions.all_petitions(db)]
        kinds = await petitions.offered_kinds(db)
    return render(request, "petitions/list.html", {"views": views, "kinds": kinds, "error": "", "form": {},
                                                   "fields": {},
                                                   "message": MESSAGES.get(request.query_params.get("done", ""), "")})


async def open_petition(request: Request) -> Response:
    current = require_viewer(request)
    form = await request.form()
    async with database(request) as db:
        try:
            petition = await petitions.open_petition(
                db, current.member, title=str(form.get("title", "")), text=str(form.get("text", "")),
                kind=str(form.get("kind", "")))
        except ActionRefused as refused:
            if refused.status in (401, 403, 404):
                raise
            views = [petitions.describe(p) for p in await petitions.all_petitions(db)]
            return render(request, "petitions/list.html", {"views": views, "kinds": await petitions.offered_kinds(db),
                                                           "error": refused.message, "form": dict(form),
                                                           "fields": refused.fields, "message": ""},
                          status=refused.status)
        await send_due(request, db)
    return RedirectResponse(f"/petitions/{petition.id}?done=opened", status_code=303)


async def _petition_context(request: Request, db, petition_id: int) -> dict:
    current = require_viewer(request)
    view = petitions.describe(await petitions.petition_by_id(db, petition_id))
    officer_of = [m.body_id for m in current.member.memberships if m.role == "officer"]
    branches = (await db.execute(Body.__table__.select().where(Body.id.in_(officer_of), Body.kind == "branch"))).all() \
        if officer_of else []
    return {"view": view, "petition": view.petition, "text_html": render_markdown(view.petition.text),
            "has_signed": any(s.member_id == current.member.id for s in view.petition.signatures),
            "branches": branches, "error": "",
            "message": MESSAGES.get(request.query_params.get("done", ""), "")}


async def petition_page(request: Request) -> Response:
    async with database(request) as db:
        context = await _petition_context(request, db, request.path_params["petition_id"])
    return render(request, "petitions/petition.html", context)


async def sign_petition(request: Request) -> Response:
    current = require_viewer(request)
    petition_id = request.path_params["petition_id"]
    form = await request.form()
    raw_branch = str(form.get("branch_id", "")).strip()
    async with database(request) as db:
        try:
            if raw_branch and not raw_branch.isdigit():
                raise Invalid("Choose a branch.")
            await petitions.sign(db, current.member, petition_id, int(raw_branch) if raw_branch else None)
        except ActionRefused as refused:
            if refused.status in (401, 404):
                raise
            context = await _petition_context(request, db, petition_id)
            if is_htmx(request):
                return in_place.fragment(request, "petitions/_signing.html", context, refused=refused)
            context.update(error=refused.message, message="")
            return render(request, "petitions/petition.html", context, status=refused.status)
        await send_due(request, db)
        done = "requested" if raw_branch else "signed"
        if is_htmx(request):
            return in_place.fragment(request, "petitions/_signing.html",
                                     await _petition_context(request, db, petition_id), message=MESSAGES[done])
    return RedirectResponse(f"/petitions/{petition_id}?done={done}", status_code=303)


async def petition_json(request: Request) -> Response:
    require_viewer(request)
    async with database(request) as db:
        view = petitions.describe(await petitions.petition_by_id(db, request.path_params["petition_id"]))
    p = view.petition
    return JSONResponse({
        "id": p.id, "title": p.title, "rule": p.rule, "base": {"members": p.base_members, "branches": p.base_branches},
        "met": view.status.met, "count": view.status.words, "met_at": p.met_at.isoformat() if p.met_at else None,
        "convene_by": view.deadline.convene_by.isoformat() if view.deadline else None,
        "deadline": view.deadline.words if view.deadline else None,
        "signed_by": [s.member.name for s in p.signatures],
        "branches": [r.branch.name for r in p.branch_requests]})


async def preferences_page(request: Request) -> Response:
    current = require_viewer(request)
    async with database(request) as db:
        chosen = await notices.preferences(db, current.member.id)
        pending = await notices.unread(db, current.member.id)
        shown = [{"title": n.title, "link": n.link} for n in pending]
        await notices.mark_read(db, current.member.id, pending)
    return render(request, "petitions/preferences.html", {
        "chosen": chosen, "kinds": notices.KIND_LABELS, "deliveries": notices.DELIVERY_LABELS, "notices": shown,
        "message": MESSAGES.get(request.query_params.get("done", ""), "")})


async def save_preferences(request: Request) -> Response:
    current = require_viewer(request)
    form = await request.form()
    async with database(request) as db:
        try:
            chosen = await notices.set_preferences(db, current.member.id,
                                                   {k: str(form.get(k, "in_app")) for k in NOTICE_KINDS})
        except ActionRefused as refused:
            if not is_htmx(request):
                raise
            await db.rollback()  # nothing of a refused choice is kept
            context = {"chosen": await notices.preferences(db, current.member.id), "kinds": notices.KIND_LABELS,
                       "deliveries": notices.DELIVERY_LABELS}
            return in_place.fragment(request, "petitions/_preferences.html", context, refused=refused)
    if is_htmx(request):
        return in_place.fragment(request, "petitions/_preferences.html", {
            "chosen": chosen, "kinds": notices.KIND_LABELS, "deliveries": notices.DELIVERY_LABELS},
            message=MESSAGES["saved"])
    return RedirectResponse("/account/notices?done=saved", status_code=303)


async def unsubscribe_page(request: Request) -> Response:
    """GET confirms (a link opened from a mail must not act on its own: scanners follow links)."""
    return render(request, "petitions/unsubscribe.html", {"token": request.path_params["token"], "done": None})


async def unsubscribe(request: Request) -> Response:
    """POST stops the emails; works signed out and for RFC 8058 one-click."""
    async with database(request) as db:
        member, kind = await notices.unsubscribe(db, settings_of(request).secret_key, request.path_params["token"])
    return render(request, "petitions/unsubscribe.html", {"token": "", "done": kind, "name": member.name})


PETITION_API_ROUTES = [Route("/api/v1/petitions/{petition_id:int}", petition_json, methods=["GET"])]

PETITION_PAGE_ROUTES = [
    Route("/petitions", petitions_page, methods=["GET"]),
    Route("/petitions", open_petition, methods=["POST"]),
    Route("/petitions/{petition_id:int}", petition_page, methods=["GET"]),
    Route("/petitions/{petition_id:int}/sign", sign_petition, methods=["POST"]),
    Route("/account/notices", preferences_page, methods=["GET"]),
    Route("/account/notices", save_preferences, methods=["POST"]),
    Route("/unsubscribe/{token}", unsubscribe_page, methods=["GET"]),
    Route("/unsubscribe/{token}", unsubscribe, methods=["POST"]),
]
