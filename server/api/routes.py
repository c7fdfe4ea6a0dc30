"""The API endpoints. Sign in through the web form; the session cookie then works here,
and unsafe methods need the ``X-CSRF-Token`` header (GET /api/v1/me returns it)."""

from __future__ import annotations

import json

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from server.api import shapes
from server.api.openapi import document
from server.repositories import members as member_rows
from server.services import bodies as body_actions
from server.services import members
from server.services import positions as position_actions
from server.services.errors import Invalid
from server.views.context import database, require_viewer, settings_of


async def _json_body(request: Request) -> dict:
    try:
        data = json.loads(await request.body() or b"{}")
    except ValueError:
        raise Invalid("The request body is not JSON.") from None
    if not isinstance(data, dict):
        raise Invalid("The request body must be a JSON object.")
    return data


async def me(request: Request) -> Response:
    current = require_viewer(request)
    async with database(request) as db:
        member = await member_rows.by_id(db, current.member.id)
    return JSONResponse({**shapes.member_private(member), "csrf_token": request.state.csrf_token})


async def list_bodies(request: Request) -> Response:
    current = require_viewer(request)
    async with database(request) as db:
        bodies = await body_actions.visible_bodies(db, current.member)
    return JSONResponse({"bodies": [shapes.body_summary(b) for b in bodies]})


async def get_body(request: Request) -> Response:
    current = require_viewer(request)
    async with database(request) as db:
        body = await body_actions.body_for(db, current.member, body_id=request.path_params["body_id"])
    return JSONResponse(shapes.body_detail(body))


async def add_membership(request: Request) -> Response:
    current = require_viewer(request)
    data = await _json_body(request)
    async with database(request) as db:
        membership = await body_actions.add_membership(
            db, current.member, request.path_params["body_id"], str(data.get("email", "")),
            str(data.get("role", "member")))
        return JSONResponse({"member_id": membership.member_id, "body_id": membership.body_id,
                             "role": membership.role}, status_code=201)


async def remove_membership(request: Request) -> Response:
    current = require_viewer(request)
    async with database(request) as db:
        await body_actions.remove_membership(db, current.member, request.path_params["body_id"],
                                             request.path_params["member_id"])
    return Response(status_code=204)


async def list_members(request: Request) -> Response:
    current = require_viewer(request)
    async with database(request) as db:
        member_list = await members.list_members(db, current.member)
    return JSONResponse({"members": [shapes.member_private(m) for m in member_list]})


async def create_member(request: Request) -> Response:
    current = require_viewer(request)
    data = await _json_body(request)
    identities = data.get("identities") or []
    if not isinstance(identities, list):
        raise Invalid("identities must be a list of strings.")
    new = members.NewMember(
        name=str(data.get("name", "")), email=str(data.get("email", "")), password=str(data.get("password", "")),
        identities=tuple(str(tag).strip() for tag in identities if str(tag).strip()),
        is_site_admin=bool(data.get("is_site_admin", False)),
    )
    async with database(request) as db:
        member = await members.create_member(db, settings_of(request), current.member, new)
        member = await member_rows.by_id(db, member.id)
    return JSONResponse(shapes.member_private(member), status_code=201)


async def list_positions(request: Request) -> Response:
    current = require_viewer(request)
    raw_body_id = request.query_params.get("body_id")
    body_id = None
    if raw_body_id is not None:
        if not raw_body_id.isdigit():
            raise Invalid("body_id must be a whole number.")
        body_id = int(raw_body_id)
    async with database(request) as db:
        found = await position_actions.positions_for(db, current.member, body_id)
    return JSONResponse({"positions": [shapes.position(p) for p in found]})


async def openapi(request: Request) -> Response:
    return JSONResponse(document())
