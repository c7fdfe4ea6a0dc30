"""Pages for meetings and motions: the agenda, drafting, versions and their diffs, and
every action on a motion as a plain form (each also answers htmx where it helps)."""

from __future__ import annotations

from typing import Any, Awaitable, Callable

from starlette.datastructures import FormData
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from server.db.models import Member
from server.drafting.markdown import render_markdown
from server.repositories import motions as rows
from server.services import amendments as amendment_actions
from server.services import meetings as meeting_actions
from server.services import motions as motion_actions
from server.services import threads
from server.services.amendment_text import OPERATION_LABELS
from server.services.bodies import body_for
from server.services.errors import ActionRefused, Invalid
from server.services.motion_access import (
    can_arrange_meetings,
    can_moderate,
    can_take_part,
    is_author,
    is_cac,
)
from server.services.notifications import set_following
from server.views.context import database, require_viewer
from server.views.render import render
from server.views.thread_html import thread_html

MESSAGES = {
    "created": "Draft created. Invite co-authors, edit it, and submit it before the deadline.",
    "saved": "Saved as a new version.",
    "invite": "Invitation sent.",
    "accept": "You are now a co-author.",
    "support": "You support this motion.",
    "submit": "Submitted.",
    "accept-emergency": "Accepted as an emergency motion.",
    "admit": "Admitted.",
    "rule-out": "Ruled out of order; the reason is shown to every member.",
    "schedule": "Scheduled.",
    "withdraw": "Withdrawn.",
    "outcome": "Outcome recorded.",
    "agree": "Your agreement to the composite is recorded.",
    "order": "Voting order saved.",
    "follow": "You follow this motion: replies and changes will appear in your notifications.",
    "unfollow": "You no longer follow this motion.",
    "amendment": "Amendment proposed.",
    "posted": "Posted.",
    "composite": "Composite created; the movers of its sources must now agree.",
}


def field(form: FormData, name: str) -> str:
    value = form.get(name)
    return value if isinstance(value, str) else ""


#: how refusals name a numeric field, in words rather than its form name
FIELD_WORDS = {
    "from": "The version to compare from", "to": "The version to compare to",
    "supporters_needed": "The number of supporters a motion needs", "occurrence": "Which time the words appear",
    "after_clause": "The clause number", "base_version": "The version you edited", "order": "Each amendment number",
    "source": "The source motion", "sources": "Each motion to merge", "parent_id": "The post you reply to",
}


def not_a_whole_number(name: str) -> Invalid:
    return Invalid(f"{FIELD_WORDS.get(name, 'That value')} must be a whole number.", {name: "A whole number."})


def whole_number(raw: str, name: str, default: int | None = None) -> int:
    raw = raw.strip()
    if not raw and default is not None:
        return default
    if not raw.lstrip("-").isdigit():
        raise not_a_whole_number(name)
    return int(raw)


def message_of(request: Request) -> str:
    return MESSAGES.get(request.query_params.get("done", ""), "")


# --- meetings ----------------------------------------------------------------------------

async def meetings_page(request: Request, error: str = "", status: int = 200, form: FormData | None = None,
                        fields: dict[str, str] | None = None) -> Response:
    current = require_viewer(request)
    async with database(request) as db:
        body = await body_for(db, current.member, slug=request.path_params["slug"])
        meetings = await rows.meetings_of_body(db, body.id)
    return render(request, "motions/meetings.html", {
        "body": body, "meetings": meetings, "can_arrange": can_arrange_meetings(current.member, body),
        "error": error, "form": form or {}, "fields": fields or {}}, status=status)


async def create_meeting(request: Request) -> Response:
    current = require_viewer(request)
    form = await request.form()
    async with database(request) as db:
        body = await body_for(db, current.member, slug=request.path_params["slug"])
        try:
            meeting = await meeting_actions.create_meeting(
                db, current.member, body.id, title=field(form, "title"), held_on=field(form, "held_on"),
                motions_deadline=field(form, "motions_deadline"),
                amendments_deadline=field(form, "amendments_deadline"),
                supporters_needed=whole_number(field(form, "supporters_needed"), "supporters_needed", 0),
                cac_body_slug=field(form, "cac_body"))
        except ActionRefused as refused:
            if refused.status in (403, 404):
                raise
            return await meetings_page(request, refused.message, refused.status, form, refused.fields)
    return RedirectResponse(f"/meetings/{meeting.id}", status_code=303)


async def meeting_page(request: Request, error: str = "", status: int = 200, form: FormData | None = None,
                       fields: dict[str, str] | None = None, refused_form: str = "") -> Response:
    """``refused_form`` ("draft" or "composite") names the form sent back with what was typed."""
    current = require_viewer(request)
    member = current.member
    async with database(request) as db:
        meeting = await meeting_actions.meeting_for(db, member, request.path_params["meeting_id"])
        motions = await motion_actions.motions_of_meeting(db, member, meeting.id)
        titles = await rows.titles_of_current_versions(db, motions)
    own_bodies = [m for m in member.memberships if m.body_id != meeting.body_id]
    return render(request, "motions/meeting.html", {
        "meeting": meeting, "motions": motions, "titles": titles, "state_labels": motion_actions.STATE_LABELS,
        "can_propose": can_take_part(member, meeting), "is_cac": is_cac(member, meeting),
        "own_bodies": own_bodies, "error": error, "message": message_of(request),
        "form": form or {}, "fields": fields or {}, "refused_form": refused_form,
        "admitted": [m for m in motions if m.state in ("submitted", "admitted") and m.kind == "motion"],
    }, status=status)


def _draft_from(form: FormData) -> motion_actions.Draft:
    if field(form, "shape") == "parts":
        text = motion_actions.compose_parts(field(form, "notes"), field(form, "believes"), field(form, "resolves"))
    else:
        text = field(form, "text")
    return motion_actions.Draft(title=field(form, "title"), text=text, argument=field(form, "argument"))


async def create_motion(request: Request) -> Response:
    current = require_viewer(request)
    form = await request.form()
    meeting_id = request.path_params["meeting_id"]
    async with database(request) as db:
        try:
            motion = await motion_actions.create_draft(
                db, current.member, meeting_id, _draft_from(form), on_behalf_of_slug=field(form, "on_behalf_of"),
                is_emergency=field(form, "emergency") == "yes")
        except ActionRefused as refused:
            if refused.status in (403, 404):
                raise
            return await meeting_page(request, refused.message, refused.status, form, refused.fields, "draft")
    return RedirectResponse(f"/motions/{motion.id}?done=created", status_code=303)


async def create_composite(request: Request) -> Response:
    current = require_viewer(request)
    form = await request.form()
    sources = [whole_number(v, "sources") for v in form.getlist("sources") if isinstance(v, str)]
    async with database(request) as db:
        try:
            composite = await motion_actions.create_composite(db, current.member, request.path_params["meeting_id"],
                                                              sources, _draft_from(form))
        except ActionRefused as refused:
            if refused.status in (403, 404):
                raise
            return await meeting_page(request, refused.message, refused.status, form, refused.fields, "composite")
    return RedirectResponse(f"/motions/{composite.id}?done=composite", status_code=303)


# --- a motion --------------------------------------------------------------------------

async def motion_context(db, member: Member, motion_id: int) -> dict[str, Any]:
    motion = await motion_actions.motion_for(db, member, motion_id)
    version = await motion_actions.current_version(db, motion)
    amendments = await rows.amendments_of(db, motion.id)
    described = amendment_actions.describe(version, amendment_actions.voting_order(amendments))
    posts = await rows.thread_rows(db, motion.id, None)
    counts = await rows.post_counts(db, motion.id)
    events = await rows.events_of(db, motion.id)
    sources = await rows.sources_of(db, motion.id) if motion.kind == "composite" else []
    source_titles = await rows.titles_of_current_versions(db, [s.source for s in sources]) if sources else {}
    composites = await rows.composites_including(db, motion.id)
    following = await rows.follow(db, member.id, motion.id) is not None
    counted = await motion_actions.supporters_counted(db, motion)
    meeting = motion.meeting
    author = is_author(member, motion)
    return {
        "motion": motion, "meeting": meeting, "version": version,
        "text_html": render_markdown(version.text), "argument_html": render_markdown(version.argument),
        "amendments": described, "thread": threads.arrange(posts), "post_counts": counts,
        "events": events, "sources": sources, "source_titles": source_titles, "composites": composites,
        "following": following,
        "supporters_counted": counted,
        "state_labels": motion_actions.STATE_LABELS, "amendment_labels": amendment_actions.STATE_LABELS,
        "operation_labels": OPERATION_LABELS,
        "is_author": author,
        "invited": next((a for a in motion.authors if a.member_id == member.id and a.accepted_at is None), None),
        "is_cac": is_cac(member, meeting),
        "can_take_part": can_take_part(member, meeting) or author,
        "can_moderate": can_moderate(member, meeting),
        "supports": any(s.member_id == member.id for s in motion.supporters),
        "viewer_id": member.id,
        "can_amend": motion.state in ("admitted", "scheduled") and can_take_part(member, meeting),
        "thread_url": f"/motions/{motion.id}", "amendment": None, "thread_html": thread_html,
    }


async def motion_page(request: Request, error: str = "", status: int = 200, fields: dict | None = None,
                      form: FormData | None = None, refused_form: str = "") -> Response:
    """``refused_form`` ("amendment" or "post") names the form sent back with what was typed."""
    current = require_viewer(request)
    async with database(request) as db:
        context = await motion_context(db, current.member, request.path_params["motion_id"])
    context.update(error=error, fields=fields or {}, message=message_of(request), form=form or {},
                   refused_form=refused_form)
    return render(request, "motions/motion.html", context, status=status)


async def edit_page(request: Request, error: str = "", status: int = 200, form: FormData | None = None,
                    fields: dict[str, str] | None = None) -> Response:
    current = require_viewer(request)
    async with database(request) as db:
        motion = await motion_actions.motion_for(db, current.member, request.path_params["motion_id"])
        version = await motion_actions.current_version(db, motion)
    return render(request, "motions/edit.html", {
        "motion": motion, "version": version, "error": error, "form": form, "fields": fields or {},
        "may_edit": is_author(current.member, motion) and motion.state == "draft"}, status=status)


async def save_motion(request: Request) -> Response:
    current = require_viewer(request)
    form = await request.form()
    motion_id = request.path_params["motion_id"]
    async with database(request) as db:
        try:
            base = whole_number(field(form, "base_version"), "base_version")
            await motion_actions.save_version(db, current.member, motion_id, _draft_from(form), base)
        except ActionRefused as refused:
            if refused.status in (403, 404):
                raise
            return await edit_page(request, refused.message, refused.status, form, refused.fields)
    return RedirectResponse(f"/motions/{motion_id}?done=saved", status_code=303)


async def versions_page(request: Request) -> Response:
    current = require_viewer(request)
    motion_id = request.path_params["motion_id"]
    params = request.query_params
    async with database(request) as db:
        motion = await motion_actions.motion_for(db, current.member, motion_id)
        versions = await rows.version_list(db, motion.id)
        newest = motion.version_number
        old = whole_number(params.get("from", ""), "from", max(1, newest - 1))
        new = whole_number(params.get("to", ""), "to", newest)
        comparison = await motion_actions.compare(db, current.member, motion_id, old, new)
    view = "side" if params.get("view") == "side" else "inline"
    return render(request, "motions/versions.html", {
        "motion": motion, "versions": versions, "comparison": comparison, "view": view})


Action = Callable[[Any, Member, int, FormData], Awaitable[Any]]

ACTIONS: dict[str, Action] = {
    "invite": lambda db, m, i, f: motion_actions.invite_co_author(db, m, i, field(f, "email")),
    "accept": lambda db, m, i, f: motion_actions.accept_invitation(db, m, i),
    "support": lambda db, m, i, f: motion_actions.support(db, m, i),
    "submit": lambda db, m, i, f: motion_actions.submit(db, m, i, branch_vote=field(f, "branch_vote")),
    "accept-emergency": lambda db, m, i, f: motion_actions.accept_emergency(db, m, i),
    "admit": lambda db, m, i, f: motion_actions.admit(db, m, i),
    "rule-out": lambda db, m, i, f: motion_actions.rule_out_of_order(db, m, i, field(f, "reason")),
    "schedule": lambda db, m, i, f: motion_actions.schedule(db, m, i),
    "withdraw": lambda db, m, i, f: motion_actions.withdraw(db, m, i, field(f, "reason")),
    "outcome": lambda db, m, i, f: motion_actions.record_outcome(db, m, i, field(f, "outcome"),
                                                                 note=field(f, "note")),
    "agree": lambda db, m, i, f: motion_actions.agree_to_composite(db, m, i, whole_number(field(f, "source"), "source")),
    "order": lambda db, m, i, f: amendment_actions.set_order(
        db, m, i, [whole_number(n, "order") for n in field(f, "order").replace(",", " ").split()]),
    "follow": lambda db, m, i, f: _follow(db, m, i, True),
    "unfollow": lambda db, m, i, f: _follow(db, m, i, False),
}


async def _follow(db, member: Member, motion_id: int, following: bool) -> None:
    motion = await motion_actions.motion_for(db, member, motion_id)
    await set_following(db, member, motion, following)


async def motion_action(request: Request) -> Response:
    current = require_viewer(request)
    action = request.path_params["action"]
    if action not in ACTIONS:
        raise HTTPException(404)
    form = await request.form()
    motion_id = request.path_params["motion_id"]
    async with database(request) as db:
        try:
            await ACTIONS[action](db, current.member, motion_id, form)
        except ActionRefused as refused:
            if refused.status in (403, 404):
                raise
            return await motion_page(request, refused.message, refused.status, refused.fields, form, action)
    return RedirectResponse(f"/motions/{motion_id}?done={action}", status_code=303)


async def propose_amendment(request: Request) -> Response:
    current = require_viewer(request)
    form = await request.form()
    motion_id = request.path_params["motion_id"]
    async with database(request) as db:
        try:
            amendment = await amendment_actions.propose(
                db, current.member, motion_id, operation=field(form, "operation"), passage=field(form, "passage"),
                occurrence=whole_number(field(form, "occurrence"), "occurrence", 1),
                replacement=field(form, "replacement"), argument=field(form, "argument"),
                after_clause=whole_number(field(form, "after_clause"), "after_clause") if field(form, "after_clause").strip() else None)
        except ActionRefused as refused:
            if refused.status in (403, 404):
                raise
            return await motion_page(request, refused.message, refused.status, refused.fields, form, "amendment")
    return RedirectResponse(f"/amendments/{amendment.id}?done=amendment", status_code=303)
