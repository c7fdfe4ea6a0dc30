"""The by-elections API (issue 7): nominations, accepting and withdrawing them, opening the
election, re-opening nominations, resigning a post. The same service functions and checks as
the pages (server/views/by_elections.py); described in server/api/grouping_openapi.py."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from server.api.routes import _json_body
from server.api.shapes import body_summary, member_summary
from server.db.models_groupings import ByElection, Nomination
from server.services import by_elections
from server.services.errors import Invalid
from server.views.context import database, require_viewer


def _iso(moment) -> str | None:
    return moment.isoformat() if moment else None


def nomination_shape(n: Nomination) -> dict[str, Any]:
    return {"id": n.id, "nominee": member_summary(n.nominee),
            "nominated_by": member_summary(n.nominated_by) if n.nominated_by else None,
            "state": n.state, "nominated_at": _iso(n.nominated_at), "accepted_at": _iso(n.accepted_at),
            "withdrawn_at": _iso(n.withdrawn_at), "ballot_name": n.ballot_name or None}


def by_election_shape(b: ByElection) -> dict[str, Any]:
    vacated, filled = b.vacated_holding, b.holding
    return {
        "id": b.id, "title": by_elections.title_of(b), "state": b.state, "cause": b.cause, "recall_id": b.recall_id,
        "position": {"id": b.position.id, "title": b.position.title, "body": body_summary(b.position.body)},
        "electing_body": body_summary(b.body),
        "vacated": {"holding_id": vacated.id, "member": member_summary(vacated.member),
                    "ends_on": _iso(vacated.ends_on)} if vacated else None,
        "opened_at": _iso(b.opened_at), "nominations_close_at": _iso(b.nominations_close_at),
        "nominations_open": by_elections.nominations_open(b),
        "nominations": [nomination_shape(n) for n in b.nominations],
        "candidates": [n.nominee.name for n in by_elections.standing(b)],
        "ballot_id": b.ballot_id,
        "new_holder": {"holding_id": filled.id, "member": member_summary(filled.member),
                       "starts_on": _iso(filled.starts_on)} if filled else None,
        "decided_at": _iso(b.decided_at),
    }


async def _shown(db, member, by_election_id: int, status: int = 200) -> Response:
    return JSONResponse(by_election_shape(await by_elections.by_election_for(db, member, by_election_id)),
                        status_code=status)


async def _nomination_shown(db, member, nomination: Nomination, status: int = 200) -> Response:
    shown = await by_elections.by_election_for(db, member, nomination.by_election_id)
    return JSONResponse(nomination_shape(next(n for n in shown.nominations if n.id == nomination.id)),
                        status_code=status)


def _then_shown(action):
    """``action(db, member, by_election_id)``, then the by-election as it stands."""
    async def endpoint(request: Request) -> Response:
        current = require_viewer(request)
        by_election_id = request.path_params["by_election_id"]
        async with database(request) as db:
            await action(db, current.member, by_election_id)
            return await _shown(db, current.member, by_election_id)
    return endpoint


async def nominate(request: Request) -> Response:
    current = require_viewer(request)
    data = await _json_body(request)
    nominee = data.get("nominee_id")
    if isinstance(nominee, bool) or not isinstance(nominee, int):
        raise Invalid("nominee_id must be the member's id, a whole number.", {"nominee_id": "A whole number."})
    async with database(request) as db:
        nomination = await by_elections.nominate(db, current.member, request.path_params["by_election_id"], nominee)
        return await _nomination_shown(db, current.member, nomination, 201)


def _on_nomination(action):
    async def endpoint(request: Request) -> Response:
        current = require_viewer(request)
        async with database(request) as db:
            nomination = await action(db, current.member, request.path_params["nomination_id"])
            return await _nomination_shown(db, current.member, nomination)
    return endpoint


async def open_election(request: Request) -> Response:
    current = require_viewer(request)
    data = await _json_body(request)
    method = data.get("method", "exhaustive")
    if not isinstance(method, str):
        raise Invalid("method must be text.", {"method": "Text is needed here."})
    by_election_id = request.path_params["by_election_id"]
    async with database(request) as db:
        await by_elections.open_election(db, current.member, by_election_id, method)
        return await _shown(db, current.member, by_election_id, 201)


async def resign(request: Request) -> Response:
    current = require_viewer(request)
    async with database(request) as db:
        by_election = await by_elections.resign(db, current.member, request.path_params["holding_id"])
        return await _shown(db, current.member, by_election.id, 201)


BY_ELECTION_API_ROUTES = [
    Route("/api/v1/by-elections/{by_election_id:int}", _then_shown(by_elections.bring_up_to_date), methods=["GET"]),
    Route("/api/v1/by-elections/{by_election_id:int}/nominations", nominate, methods=["POST"]),
    Route("/api/v1/by-elections/{by_election_id:int}/election", open_election, methods=["POST"]),
    Route("/api/v1/by-elections/{by_election_id:int}/reopen", _then_shown(by_elections.reopen_nominations),
          methods=["POST"]),
    Route("/api/v1/nominations/{nomination_id:int}/acceptance", _on_nomination(by_elections.accept), methods=["POST"]),
    Route("/api/v1/nominations/{nomination_id:int}/withdrawal", _on_nomination(by_elections.withdraw),
          methods=["POST"]),
    Route("/api/v1/holdings/{holding_id:int}/resignation", resign, methods=["POST"]),
]
