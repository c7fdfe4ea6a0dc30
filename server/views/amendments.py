"""Pages for an amendment: the motion with its change marked up, its discussion, and
the actions on it."""

from __future__ import annotations

from starlette.datastructures import FormData
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from server.repositories import motions as rows
from server.services import amendment_text as textops
from server.services import amendments as amendment_actions
from server.services import motions as motion_actions
from server.services import threads
from server.services.errors import ActionRefused
from server.services.motion_access import can_moderate, can_take_part, is_author, is_cac
from server.views.context import database, require_viewer
from server.views.motions import field, message_of
from server.views.render import render
from server.views.thread_html import thread_html

ACTIONS = {
    "support": lambda db, m, i, f: amendment_actions.support(db, m, i),
    "withdraw": lambda db, m, i, f: amendment_actions.withdraw(db, m, i),
    "admit": lambda db, m, i, f: amendment_actions.admit(db, m, i),
    "rule-out": lambda db, m, i, f: amendment_actions.rule_out_of_order(db, m, i, field(f, "reason")),
    "outcome": lambda db, m, i, f: amendment_actions.record_outcome(db, m, i, field(f, "outcome"),
                                                                    note=field(f, "note")),
}


async def amendment_context(db, member, amendment_id: int) -> dict:
    amendment, motion = await amendment_actions.amendment_for(db, member, amendment_id)
    version = await motion_actions.current_version(db, motion)
    # an open amendment is shown against the current text; a decided one against the
    # version it was decided on
    shown_on = version if amendment.state in amendment_actions.UNDECIDED else (
        await rows.version_by_id(db, amendment.target_version_id))
    problem, marked = "", ""
    try:
        marked = textops.marked_up(shown_on.number, shown_on.text, amendment_actions.operation_of(amendment),
                                   textops.label_of(amendment.number))
    except textops.NotApplicable as not_fitting:
        problem = str(not_fitting)
    others = await rows.amendments_of(db, motion.id)
    view = next(v for v in amendment_actions.describe(version, others, excerpts=False) if v.amendment.id == amendment.id)
    events = [e for e in await rows.events_of(db, motion.id) if e.amendment_id == amendment.id]
    posts = await rows.thread_rows(db, motion.id, amendment.id)
    return {
        "amendment": amendment, "motion": motion, "meeting": motion.meeting, "version": version,
        "marked_html": marked, "problem": problem, "conflicts": view.conflicts, "events": events,
        "thread": threads.arrange(posts), "thread_url": f"/amendments/{amendment.id}", "thread_html": thread_html,
        "amendment_labels": amendment_actions.STATE_LABELS, "state_labels": motion_actions.STATE_LABELS,
        "operation_labels": textops.OPERATION_LABELS,
        "is_cac": is_cac(member, motion.meeting), "is_mover": amendment.created_by_id == member.id,
        "can_take_part": can_take_part(member, motion.meeting) or is_author(member, motion),
        "can_moderate": can_moderate(member, motion.meeting), "viewer_id": member.id,
        "supports": any(s.member_id == member.id for s in amendment.supporters),
    }


async def amendment_page(request: Request, error: str = "", status: int = 200, form: FormData | None = None,
                         refused_form: str = "") -> Response:
    current = require_viewer(request)
    async with database(request) as db:
        context = await amendment_context(db, current.member, request.path_params["amendment_id"])
    context.update(error=error, message=message_of(request), form=form or {}, refused_form=refused_form)
    return render(request, "motions/amendment.html", context, status=status)


async def amendment_action(request: Request) -> Response:
    current = require_viewer(request)
    action = request.path_params["action"]
    if action not in ACTIONS:
        raise HTTPException(404)
    form = await request.form()
    amendment_id = request.path_params["amendment_id"]
    async with database(request) as db:
        try:
            await ACTIONS[action](db, current.member, amendment_id, form)
        except ActionRefused as refused:
            if refused.status in (403, 404):
                raise
            return await amendment_page(request, refused.message, refused.status)
    return RedirectResponse(f"/amendments/{amendment_id}?done={action}", status_code=303)
