"""The groupings API (issue 7): the same service functions and checks as the pages
(described in server/api/grouping_openapi.py)."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from server.api.routes import _json_body
from server.api.shapes import body_summary, member_summary
from server.db.models_groupings import GroupingDocument
from server.drafting.diff import diff_words
from server.drafting.markdown import render_markdown
from server.services import grouping_documents as documents
from server.services import groupings
from server.services.errors import Invalid
from server.views.context import database, require_viewer


def _text(data: dict, name: str) -> str:
    value = data.get(name, "")
    if value is None:
        return ""
    if not isinstance(value, str):
        raise Invalid(f"{name} must be text.", {name: "Text is needed here."})
    return value


def _maybe_int(data: dict, name: str) -> int | None:
    value = data.get(name)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise Invalid(f"{name} must be a whole number.", {name: "A whole number."})
    return value


def _proposal(view: groupings.ProposalView) -> dict[str, Any]:
    p = view.proposal
    return {
        "id": p.id, "kind": p.kind, "name": p.name, "purpose": p.purpose, "state": p.state,
        "minimum": p.minimum, "proposed_by": member_summary(p.proposed_by),
        "proposed_at": p.proposed_at.isoformat(),
        "meeting_id": p.meeting_id,
        "signatures": [{"member": member_summary(s.member), "signed_at": s.signed_at.isoformat()}
                       for s in p.signatures],
        "status": view.status.message if view.status else None,
        "dissolves_on": view.life.dissolves_on.isoformat() if view.life and view.life.dissolves_on else None,
        "dissolved": view.dissolved,
        "lifespan": view.life.words if view.life else None,
        "body": body_summary(p.body) if p.body else None,
        "decision": {"state": p.state, "reason": p.decision_reason,
                     "decided_by": member_summary(p.decided_by) if p.decided_by else None,
                     "decided_at": p.decided_at.isoformat() if p.decided_at else None}
        if p.kind in groupings.REQUESTED_KINDS else None,
    }


def _document(document: GroupingDocument) -> dict[str, Any]:
    latest = document.versions[-1]
    return {
        "id": document.id, "body": body_summary(document.body), "title": latest.title, "text": latest.text,
        "html": render_markdown(latest.text), "version": latest.number,
        "versions": [{"number": v.number, "title": v.title, "created_at": v.created_at.isoformat()}
                     for v in document.versions],
        "circulations": [{"kind": c.kind, "at": c.at.isoformat(), "version_id": c.version_id}
                         for c in document.circulations],
    }


async def list_groupings(request: Request) -> Response:
    require_viewer(request)
    async with database(request) as db:
        found = [await groupings.describe(db, p) for p in await groupings.all_proposals(db)]
    return JSONResponse({"groupings": [_proposal(v) for v in found]})


async def create_grouping(request: Request) -> Response:
    current = require_viewer(request)
    data = await _json_body(request)
    async with database(request) as db:
        proposal = await groupings.propose(db, current.member, kind=_text(data, "kind"), name=_text(data, "name"),
                                           purpose=_text(data, "purpose"), meeting_id=_maybe_int(data, "meeting_id"))
        view = await groupings.describe(db, await groupings.proposal_by_id(db, proposal.id))
    return JSONResponse(_proposal(view), status_code=201)


async def get_grouping(request: Request) -> Response:
    require_viewer(request)
    async with database(request) as db:
        view = await groupings.describe(db, await groupings.proposal_by_id(db, request.path_params["proposal_id"]))
    return JSONResponse(_proposal(view))


async def sign_grouping(request: Request) -> Response:
    current = require_viewer(request)
    async with database(request) as db:
        view = await groupings.sign(db, current.member, request.path_params["proposal_id"])
    return JSONResponse(_proposal(view), status_code=201)


async def join_grouping(request: Request) -> Response:
    current = require_viewer(request)
    async with database(request) as db:
        view = await groupings.join(db, current.member, request.path_params["proposal_id"])
    return JSONResponse(_proposal(view), status_code=201)


async def decide_grouping(request: Request) -> Response:
    current = require_viewer(request)
    data = await _json_body(request)
    decision = _text(data, "decision")
    if decision not in ("approve", "refuse"):
        raise Invalid("decision must be approve or refuse.", {"decision": "approve or refuse"})
    async with database(request) as db:
        proposal = await groupings.decide(db, current.member, request.path_params["proposal_id"],
                                          approve=decision == "approve", reason=_text(data, "reason"))
        view = await groupings.describe(db, proposal)
    return JSONResponse(_proposal(view))


async def set_rules(request: Request) -> Response:
    current = require_viewer(request)
    data = await _json_body(request)
    minimum = _maybe_int(data, "minimum_signatures")
    if minimum is None:
        raise Invalid("minimum_signatures is needed.", {"minimum_signatures": "A whole number."})
    async with database(request) as db:
        rules = await groupings.set_rules(db, current.member, request.path_params["body_id"],
                                          minimum_signatures=minimum,
                                          time_zone=_text(data, "time_zone") or "Europe/London",
                                          first_weekday=_text(data, "first_weekday") or "monday",
                                          recall_supporters=_maybe_int(data, "recall_supporters") or 2,
                                          recall_notice_days=_maybe_int(data, "recall_notice_days") or 0
                                          if "recall_notice_days" in data else 7)
        shape = {"body_id": rules.body_id, "minimum_signatures": rules.minimum_signatures,
                 "recall_supporters": rules.recall_supporters, "recall_notice_days": rules.recall_notice_days,
                 "time_zone": rules.time_zone, "first_weekday": rules.first_weekday}
    return JSONResponse(shape)


async def allowance(request: Request) -> Response:
    require_viewer(request)
    async with database(request) as db:
        rows = await documents.allowance_usage(db)
    return JSONResponse({"groupings": [{
        "body": body_summary(body), "week_of": row.week.isoformat(),
        "document": row.status("document"), "article": row.status("article"),
        "weeks_used": row.weeks_used} for body, row in rows]})


async def create_document(request: Request) -> Response:
    current = require_viewer(request)
    data = await _json_body(request)
    async with database(request) as db:
        body = await documents.grouping_body(db, body_id=request.path_params["body_id"])
        document = await documents.create_document(db, current.member, body, title=_text(data, "title"),
                                                   text=_text(data, "text"))
    return JSONResponse(_document(document), status_code=201)


async def get_document(request: Request) -> Response:
    current = require_viewer(request)
    async with database(request) as db:
        document = await documents.document_by_id(db, current.member, request.path_params["document_id"])
    return JSONResponse(_document(document))


async def save_version(request: Request) -> Response:
    current = require_viewer(request)
    data = await _json_body(request)
    async with database(request) as db:
        document = await documents.save_version(db, current.member, request.path_params["document_id"],
                                                title=_text(data, "title"), text=_text(data, "text"),
                                                base_number=_maybe_int(data, "base_number"))
    return JSONResponse(_document(document), status_code=201)


async def document_diff(request: Request) -> Response:
    current = require_viewer(request)
    async with database(request) as db:
        document = await documents.document_by_id(db, current.member, request.path_params["document_id"])
    numbers = {v.number: v for v in document.versions}
    try:
        old = numbers[int(request.query_params.get("from", "1"))]
        new = numbers[int(request.query_params.get("to", str(document.versions[-1].number)))]
    except (KeyError, ValueError):
        raise Invalid("from and to must name versions of the document.") from None
    ops = diff_words(old.text, new.text)
    return JSONResponse({"from": old.number, "to": new.number, "ops": [{"kind": op.kind, "text": op.text} for op in ops]})


async def circulate(request: Request) -> Response:
    current = require_viewer(request)
    data = await _json_body(request)
    async with database(request) as db:
        circulation = await documents.circulate(db, current.member, request.path_params["document_id"],
                                                _text(data, "kind") or "document")
        shape = {"id": circulation.id, "kind": circulation.kind, "at": circulation.at.isoformat(),
                 "version_id": circulation.version_id}
    return JSONResponse(shape, status_code=201)


GROUPING_API_ROUTES = [
    Route("/api/v1/groupings", list_groupings, methods=["GET"]),
    Route("/api/v1/groupings", create_grouping, methods=["POST"]),
    Route("/api/v1/groupings/allowance", allowance, methods=["GET"]),
    Route("/api/v1/groupings/{proposal_id:int}", get_grouping, methods=["GET"]),
    Route("/api/v1/groupings/{proposal_id:int}/signatures", sign_grouping, methods=["POST"]),
    Route("/api/v1/groupings/{proposal_id:int}/members", join_grouping, methods=["POST"]),
    Route("/api/v1/groupings/{proposal_id:int}/decision", decide_grouping, methods=["POST"]),
    Route("/api/v1/bodies/{body_id:int}/grouping-rules", set_rules, methods=["PUT"]),
    Route("/api/v1/bodies/{body_id:int}/documents", create_document, methods=["POST"]),
    Route("/api/v1/documents/{document_id:int}", get_document, methods=["GET"]),
    Route("/api/v1/documents/{document_id:int}/versions", save_version, methods=["POST"]),
    Route("/api/v1/documents/{document_id:int}/diff", document_diff, methods=["GET"]),
    Route("/api/v1/documents/{document_id:int}/circulations", circulate, methods=["POST"]),
]
