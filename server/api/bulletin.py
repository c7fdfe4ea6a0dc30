"""The internal bulletin in the JSON API (issue 7): issues, submissions, refusals with their
written reason, withdrawals, appeals and their outcomes, publishing and the docket. Every route
calls the same function of server/services/bulletin.py as the page does, so a refusal has the
same words and status here as there (described in server/api/bulletin_openapi.py)."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from server.api.groupings import _maybe_int, _text
from server.api.routes import _json_body
from server.api.shapes import body_summary, member_summary
from server.db.models import Member
from server.db.models_groupings import BulletinAppeal, BulletinIssue, BulletinSubmission
from server.services import bulletin, notices
from server.services.errors import Invalid
from server.views.context import database, require_viewer


def _appeal(row: BulletinAppeal) -> dict[str, Any]:
    return {"id": row.id, "submission_id": row.submission_id, "grounds": row.grounds, "outcome": row.outcome or None,
            "decided_at": row.decided_at.isoformat() if row.decided_at else None}


def _submission(s: BulletinSubmission, replies: list[BulletinSubmission], show_text: bool) -> dict[str, Any]:
    return {
        "id": s.id, "issue_id": s.issue_id, "title": s.title, "author": member_summary(s.author),
        "grouping": body_summary(s.grouping) if s.grouping else None,
        "submitted_at": s.submitted_at.isoformat(), "state": s.state, "reason": s.reason or None,
        "decided_at": s.decided_at.isoformat() if s.decided_at else None,
        "names": body_summary(s.names_body) if s.names_body else
        (member_summary(s.names_member) if s.names_member else None),
        "reply_to": s.reply_to_id, "replies": [r.id for r in replies],
        "text": s.text if show_text else None,
        "appeals": [_appeal(a) for a in s.appeals],
    }


async def _issue(db, viewer: Member, issue: BulletinIssue) -> dict[str, Any]:
    """The issue and its docket: every submission in the order received, each refusal's reason,
    each appeal. Texts are public once published; before that the author and the editors read them."""
    replies = await bulletin.replies_to(db, [s.id for s in issue.submissions])
    editor = await bulletin.is_editor(db, viewer, issue)
    return {
        "id": issue.id, "title": issue.title, "state": issue.state, "body": body_summary(issue.body),
        "editors": body_summary(issue.editors_body) if issue.editors_body else None,
        "deadline": issue.deadline.isoformat(),
        "published_at": issue.published_at.isoformat() if issue.published_at else None,
        "pdf": f"/bulletin/{issue.id}.pdf" if issue.state == "published" else None,
        "docket": [_submission(s, replies.get(s.id, []),
                               s.state == "published" or editor or s.author_id == viewer.id)
                   for s in issue.submissions],
    }


async def _issue_of(db, viewer: Member, issue_id: int) -> dict[str, Any]:
    return await _issue(db, viewer, await bulletin.issue_by_id(db, issue_id))


async def _submission_in_docket(db, viewer: Member, submission_id: int) -> dict[str, Any]:
    """One submission as its issue's docket now shows it."""
    submission = await bulletin.submission_by_id(db, submission_id)
    shown = await _issue_of(db, viewer, submission.issue_id)
    return next(s for s in shown["docket"] if s["id"] == submission_id)


async def list_issues(request: Request) -> Response:
    require_viewer(request)
    async with database(request) as db:
        found = await bulletin.issues(db)
    return JSONResponse({"issues": [{
        "id": i.id, "title": i.title, "state": i.state, "body": body_summary(i.body),
        "deadline": i.deadline.isoformat(), "published_at": i.published_at.isoformat() if i.published_at else None}
        for i in found]})


async def create_issue(request: Request) -> Response:
    current = require_viewer(request)
    data = await _json_body(request)
    async with database(request) as db:
        issue = await bulletin.create_issue(db, current.member, body_slug=_text(data, "body"),
                                            title=_text(data, "title"), deadline=_text(data, "deadline"),
                                            editors_slug=_text(data, "editors"))
        shape = await _issue(db, current.member, issue)
    return JSONResponse(shape, status_code=201)


async def get_issue(request: Request) -> Response:
    current = require_viewer(request)
    async with database(request) as db:
        shape = await _issue_of(db, current.member, request.path_params["issue_id"])
    return JSONResponse(shape)


async def submit(request: Request) -> Response:
    current = require_viewer(request)
    data = await _json_body(request)
    async with database(request) as db:
        submission = await bulletin.submit(
            db, current.member, request.path_params["issue_id"], title=_text(data, "title"), text=_text(data, "text"),
            grouping_id=_maybe_int(data, "grouping_id"), names_body_id=_maybe_int(data, "names_body_id"),
            names_member_id=_maybe_int(data, "names_member_id"), reply_to_id=_maybe_int(data, "reply_to_id"))
        shape = await _submission_in_docket(db, current.member, submission.id)
    return JSONResponse(shape, status_code=201)


async def refuse(request: Request) -> Response:
    current = require_viewer(request)
    data = await _json_body(request)
    submission_id = request.path_params["submission_id"]
    async with database(request) as db:
        await bulletin.refuse(db, current.member, submission_id, _text(data, "reason"))
        shape = await _submission_in_docket(db, current.member, submission_id)
    return JSONResponse(shape)


async def withdraw(request: Request) -> Response:
    current = require_viewer(request)
    submission_id = request.path_params["submission_id"]
    async with database(request) as db:
        await bulletin.withdraw(db, current.member, submission_id)
        shape = await _submission_in_docket(db, current.member, submission_id)
    return JSONResponse(shape)


async def appeal(request: Request) -> Response:
    current = require_viewer(request)
    data = await _json_body(request)
    async with database(request) as db:
        row = await bulletin.appeal(db, current.member, request.path_params["submission_id"], _text(data, "grounds"))
        shape = _appeal(row)
    return JSONResponse(shape, status_code=201)


async def decide_appeal(request: Request) -> Response:
    current = require_viewer(request)
    data = await _json_body(request)
    upheld = data.get("upheld")
    if not isinstance(upheld, bool):
        raise Invalid("upheld must be true or false.", {"upheld": "true or false"})
    async with database(request) as db:
        row = await bulletin.decide_appeal(db, current.member, request.path_params["appeal_id"], upheld=upheld,
                                           outcome=_text(data, "outcome"))
        shape = _appeal(row)
    return JSONResponse(shape)


async def publish(request: Request) -> Response:
    current = require_viewer(request)
    async with database(request) as db:
        issue = await bulletin.publish(db, current.member, request.path_params["issue_id"])
        shape = await _issue(db, current.member, issue)
        await notices.deliver_now(db)  # members who chose each by email hear of it at once
    return JSONResponse(shape)


BULLETIN_API_ROUTES = [
    Route("/api/v1/bulletin", list_issues, methods=["GET"]),
    Route("/api/v1/bulletin", create_issue, methods=["POST"]),
    Route("/api/v1/bulletin/{issue_id:int}", get_issue, methods=["GET"]),
    Route("/api/v1/bulletin/{issue_id:int}/submissions", submit, methods=["POST"]),
    Route("/api/v1/bulletin/{issue_id:int}/publication", publish, methods=["POST"]),
    Route("/api/v1/bulletin/submissions/{submission_id:int}/refusal", refuse, methods=["POST"]),
    Route("/api/v1/bulletin/submissions/{submission_id:int}/withdrawal", withdraw, methods=["POST"]),
    Route("/api/v1/bulletin/submissions/{submission_id:int}/appeals", appeal, methods=["POST"]),
    Route("/api/v1/bulletin/appeals/{appeal_id:int}/decision", decide_appeal, methods=["POST"]),
]
