"""The motions API: meetings, motions, versions and diffs, amendments, threads and
notifications, calling the same service functions as the pages (same checks)."""

from __future__ import annotations

from typing import Any, Awaitable, Callable

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from server.api import motion_shapes as shapes
from server.api.routes import _json_body
from server.db.models import Member
from server.repositories import motions as rows
from server.services import amendments as amendment_actions
from server.services import meetings as meeting_actions
from server.services import motions as motion_actions
from server.services import notifications
from server.services import threads
from server.services.errors import Invalid, NotFound
from server.services.motion_access import is_author
from server.views.context import database, require_viewer
from server.views.motions import not_a_whole_number


def _text(data: dict, name: str) -> str:
    value = data.get(name, "")
    if value is None:
        return ""
    if not isinstance(value, (str, int, float)):
        raise Invalid(f"{name} must be a string.", {name: "A string."})
    return str(value)


def _int(data: dict, name: str, default: int | None = None) -> int:
    value = data.get(name, default)
    if isinstance(value, bool) or not isinstance(value, int):
        raise not_a_whole_number(name)
    return value


def _draft(data: dict) -> motion_actions.Draft:
    if any(key in data for key in ("notes", "believes", "resolves")) and not data.get("text"):
        text = motion_actions.compose_parts(_text(data, "notes"), _text(data, "believes"), _text(data, "resolves"))
    else:
        text = _text(data, "text")
    return motion_actions.Draft(title=_text(data, "title"), text=text, argument=_text(data, "argument"))


# --- meetings -------------------------------------------------------------------

async def list_meetings(request: Request) -> Response:
    current = require_viewer(request)
    async with database(request) as db:
        found = await meeting_actions.meetings_of(db, current.member, request.path_params["body_id"])
    return JSONResponse({"meetings": [shapes.meeting(m) for m in found]})


async def create_meeting(request: Request) -> Response:
    current = require_viewer(request)
    data = await _json_body(request)
    async with database(request) as db:
        meeting = await meeting_actions.create_meeting(
            db, current.member, request.path_params["body_id"], title=_text(data, "title"),
            held_on=_text(data, "held_on"), motions_deadline=_text(data, "motions_deadline"),
            amendments_deadline=_text(data, "amendments_deadline"),
            supporters_needed=_int(data, "supporters_needed", 0), cac_body_slug=_text(data, "cac_body"))
    return JSONResponse(shapes.meeting(meeting), status_code=201)


async def get_meeting(request: Request) -> Response:
    current = require_viewer(request)
    async with database(request) as db:
        meeting = await meeting_actions.meeting_for(db, current.member, request.path_params["meeting_id"])
        motions = await motion_actions.motions_of_meeting(db, current.member, meeting.id)
        titles = await rows.titles_of_current_versions(db, motions)
    return JSONResponse({**shapes.meeting(meeting),
                         "motions": [shapes.motion_summary(m, titles.get(m.id, "")) for m in motions]})


async def create_motion(request: Request) -> Response:
    current = require_viewer(request)
    data = await _json_body(request)
    async with database(request) as db:
        motion = await motion_actions.create_draft(
            db, current.member, request.path_params["meeting_id"], _draft(data),
            on_behalf_of_slug=_text(data, "on_behalf_of"), is_emergency=bool(data.get("is_emergency", False)))
        return JSONResponse(await _motion_json(db, current.member, motion.id), status_code=201)


async def create_composite(request: Request) -> Response:
    current = require_viewer(request)
    data = await _json_body(request)
    sources = data.get("sources")
    if not isinstance(sources, list) or not all(isinstance(s, int) and not isinstance(s, bool) for s in sources):
        raise Invalid("sources must be a list of motion ids.", {"sources": "A list of whole numbers."})
    async with database(request) as db:
        composite = await motion_actions.create_composite(db, current.member, request.path_params["meeting_id"],
                                                          sources, _draft(data))
        return JSONResponse(await _motion_json(db, current.member, composite.id), status_code=201)


# --- motions --------------------------------------------------------------------

async def _motion_json(db, member: Member, motion_id: int) -> dict[str, Any]:
    motion = await motion_actions.motion_for(db, member, motion_id)
    current = await motion_actions.current_version(db, motion)
    return shapes.motion_detail(motion, current, await rows.events_of(db, motion.id), is_author(member, motion))


async def _fresh_motion(request: Request, motion_id: int) -> Response:
    """The motion after an action, read in a new session so no row loaded before it is reused."""
    async with database(request) as db:
        return JSONResponse(await _motion_json(db, require_viewer(request).member, motion_id))


async def get_motion(request: Request) -> Response:
    current = require_viewer(request)
    async with database(request) as db:
        return JSONResponse(await _motion_json(db, current.member, request.path_params["motion_id"]))


async def save_motion(request: Request) -> Response:
    current = require_viewer(request)
    data = await _json_body(request)
    motion_id = request.path_params["motion_id"]
    async with database(request) as db:
        await motion_actions.save_version(db, current.member, motion_id, _draft(data), _int(data, "base_version"))
    return await _fresh_motion(request, motion_id)


async def list_versions(request: Request) -> Response:
    current = require_viewer(request)
    async with database(request) as db:
        found = await motion_actions.versions_of(db, current.member, request.path_params["motion_id"])
    return JSONResponse({"versions": [shapes.version(v) for v in found]})


async def diff_versions(request: Request) -> Response:
    current = require_viewer(request)
    params = request.query_params
    if not (params.get("from", "").isdigit() and params.get("to", "").isdigit()):
        raise Invalid("Give the versions to compare as ?from=1&to=2.")
    async with database(request) as db:
        comparison = await motion_actions.compare(db, current.member, request.path_params["motion_id"],
                                                  int(params["from"]), int(params["to"]))
    return JSONResponse({"from": comparison.old.number, "to": comparison.new.number,
                         "inline_html": comparison.inline_html, "side_by_side_html": comparison.side_by_side_html})


async def _follow(db, member: Member, motion_id: int, following: bool) -> None:
    motion = await motion_actions.motion_for(db, member, motion_id)
    await notifications.set_following(db, member, motion, following)


Action = Callable[[Any, Member, int, dict], Awaitable[Any]]

MOTION_ACTIONS: dict[str, Action] = {
    "invite": lambda db, m, i, d: motion_actions.invite_co_author(db, m, i, _text(d, "email")),
    "accept": lambda db, m, i, d: motion_actions.accept_invitation(db, m, i),
    "support": lambda db, m, i, d: motion_actions.support(db, m, i),
    "submit": lambda db, m, i, d: motion_actions.submit(db, m, i, branch_vote=_text(d, "branch_vote")),
    "accept-emergency": lambda db, m, i, d: motion_actions.accept_emergency(db, m, i),
    "admit": lambda db, m, i, d: motion_actions.admit(db, m, i),
    "rule-out": lambda db, m, i, d: motion_actions.rule_out_of_order(db, m, i, _text(d, "reason")),
    "schedule": lambda db, m, i, d: motion_actions.schedule(db, m, i),
    "withdraw": lambda db, m, i, d: motion_actions.withdraw(db, m, i, _text(d, "reason")),
    "outcome": lambda db, m, i, d: motion_actions.record_outcome(db, m, i, _text(d, "outcome"), note=_text(d, "note")),
    "agree": lambda db, m, i, d: motion_actions.agree_to_composite(db, m, i, _int(d, "source")),
    "order": lambda db, m, i, d: amendment_actions.set_order(db, m, i, _order(d)),
    "follow": lambda db, m, i, d: _follow(db, m, i, True),
    "unfollow": lambda db, m, i, d: _follow(db, m, i, False),
}
AMENDMENT_ACTIONS: dict[str, Action] = {
    "support": lambda db, m, i, d: amendment_actions.support(db, m, i),
    "withdraw": lambda db, m, i, d: amendment_actions.withdraw(db, m, i),
    "admit": lambda db, m, i, d: amendment_actions.admit(db, m, i),
    "rule-out": lambda db, m, i, d: amendment_actions.rule_out_of_order(db, m, i, _text(d, "reason")),
    "outcome": lambda db, m, i, d: amendment_actions.record_outcome(db, m, i, _text(d, "outcome"),
                                                                    note=_text(d, "note")),
}


def _order(data: dict) -> list[int]:
    order = data.get("order")
    if not isinstance(order, list) or not all(isinstance(n, int) and not isinstance(n, bool) for n in order):
        raise Invalid("order must be a list of amendment numbers.", {"order": "A list of whole numbers."})
    return order


async def motion_action(request: Request) -> Response:
    current = require_viewer(request)
    action = request.path_params["action"]
    if action not in MOTION_ACTIONS:
        raise NotFound(f"There is no action {action!r}; see /api/v1/openapi.json.")
    data = await _json_body(request)
    motion_id = request.path_params["motion_id"]
    async with database(request) as db:
        await MOTION_ACTIONS[action](db, current.member, motion_id, data)
    return await _fresh_motion(request, motion_id)


# --- amendments -------------------------------------------------------------------

async def list_amendments(request: Request) -> Response:
    current = require_viewer(request)
    async with database(request) as db:
        motion = await motion_actions.motion_for(db, current.member, request.path_params["motion_id"])
        current_version = await motion_actions.current_version(db, motion)
        found = amendment_actions.voting_order(await rows.amendments_of(db, motion.id))
    views = amendment_actions.describe(current_version, found, excerpts=False)
    return JSONResponse({"amendments": [shapes.amendment(v.amendment, v.conflicts) for v in views]})


async def propose_amendment(request: Request) -> Response:
    current = require_viewer(request)
    data = await _json_body(request)
    async with database(request) as db:
        amendment = await amendment_actions.propose(
            db, current.member, request.path_params["motion_id"], operation=_text(data, "operation"),
            passage=_text(data, "passage"), occurrence=_int(data, "occurrence", 1),
            replacement=_text(data, "replacement"), argument=_text(data, "argument"),
            after_clause=_int(data, "after_clause") if data.get("after_clause") is not None else None)
    return JSONResponse(shapes.amendment(amendment), status_code=201)


async def _amendment_json(db, member: Member, amendment_id: int) -> dict[str, Any]:
    amendment, motion = await amendment_actions.amendment_for(db, member, amendment_id)
    current_version = await motion_actions.current_version(db, motion)
    views = amendment_actions.describe(current_version, await rows.amendments_of(db, motion.id), excerpts=False)
    view = next(v for v in views if v.amendment.id == amendment.id)
    return shapes.amendment(view.amendment, view.conflicts)


async def get_amendment(request: Request) -> Response:
    current = require_viewer(request)
    async with database(request) as db:
        return JSONResponse(await _amendment_json(db, current.member, request.path_params["amendment_id"]))


async def amendment_action(request: Request) -> Response:
    current = require_viewer(request)
    action = request.path_params["action"]
    if action not in AMENDMENT_ACTIONS:
        raise NotFound(f"There is no action {action!r}; see /api/v1/openapi.json.")
    data = await _json_body(request)
    amendment_id = request.path_params["amendment_id"]
    async with database(request) as db:
        await AMENDMENT_ACTIONS[action](db, current.member, amendment_id, data)
    async with database(request) as db:  # a new session: the action's effects, not rows it had loaded
        return JSONResponse(await _amendment_json(db, current.member, amendment_id))


# --- threads and notifications -------------------------------------------------------

async def list_posts(request: Request) -> Response:
    current = require_viewer(request)
    async with database(request) as db:
        motion, entries = await threads.thread_of(db, current.member, motion_id=request.path_params.get("motion_id"),
                                                  amendment_id=request.path_params.get("amendment_id"))
    member = current.member

    def shaped(post):
        return shapes.post(post, threads.can_read_hidden(member, post, motion))

    return JSONResponse({"posts": [{**shaped(e.post), "replies": [shaped(r) for r in e.replies]} for e in entries]})


async def write_post(request: Request) -> Response:
    current = require_viewer(request)
    data = await _json_body(request)
    parent = data.get("parent_id")
    if parent is not None and (isinstance(parent, bool) or not isinstance(parent, int)):
        raise Invalid("parent_id must be a post id.")
    async with database(request) as db:
        post = await threads.write_post(db, current.member, request.path_params.get("motion_id") or 0,
                                        _text(data, "body"), quote=_text(data, "quote"), parent_id=parent,
                                        amendment_id=request.path_params.get("amendment_id"))
    return JSONResponse(shapes.post(post, True), status_code=201)


async def edit_post(request: Request) -> Response:
    current = require_viewer(request)
    data = await _json_body(request)
    async with database(request) as db:
        post = await threads.edit_post(db, current.member, request.path_params["post_id"], _text(data, "body"),
                                       _text(data, "quote") if "quote" in data else None)
    return JSONResponse({**shapes.post(post, True), "revisions": len(post.revisions)})


async def hide_post(request: Request) -> Response:
    current = require_viewer(request)
    data = await _json_body(request)
    async with database(request) as db:
        post = await threads.hide_post(db, current.member, request.path_params["post_id"], _text(data, "reason"))
    return JSONResponse(shapes.post(post, True))


async def list_notifications(request: Request) -> Response:
    current = require_viewer(request)
    async with database(request) as db:
        items = await notifications.notifications_for(db, current.member)
    return JSONResponse({"notifications": [shapes.notification(n) for n in items]})


async def read_notifications(request: Request) -> Response:
    current = require_viewer(request)
    async with database(request) as db:
        await notifications.mark_all_read(db, current.member)
    return Response(status_code=204)
