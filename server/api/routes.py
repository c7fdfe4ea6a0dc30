"""The API endpoints. Sign in through the web form; the session cookie then works here,
and unsafe methods need the ``X-CSRF-Token`` header (GET /api/v1/me returns it)."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from server.api import shapes
from server.api.openapi import document
from server.auth import tokens
from server.auth.middleware import cookie_header
from server.repositories import members as member_rows
from server.services import bodies as body_actions
from server.services import identity, member_import, members
from server.services import positions as position_actions
from server.services.errors import Invalid
from server.views.context import database, require_identity, require_viewer, settings_of

MAX_CSV_BYTES = 2 * 1024 * 1024


async def _json_body(request: Request) -> dict:
    try:
        data = json.loads(await request.body() or b"{}")
    except ValueError:
        raise Invalid("The request body is not JSON.") from None
    if not isinstance(data, dict):
        raise Invalid("The request body must be a JSON object.")
    return data


def _text(data: dict, name: str, *, required: bool = True) -> str:
    value = data.get(name)
    if value is None and not required:
        return ""
    if not isinstance(value, str):
        raise Invalid(f"{name} must be text.", {name: "Text is needed here."})
    return value


def _whole(data: dict, name: str, *, required: bool = True) -> int | None:
    value = data.get(name)
    if value is None and not required:
        return None
    if not isinstance(value, int) or isinstance(value, bool):
        raise Invalid(f"{name} must be a whole number.", {name: "A whole number is needed here."})
    return value


def _day(data: dict, name: str, *, required: bool = True) -> date | None:
    raw = data.get(name)
    if raw is None and not required:
        return None
    try:
        return date.fromisoformat(str(raw))
    except ValueError:
        raise Invalid(f"{name} must be a date like 2026-01-31.", {name: "A date like 2026-01-31."}) from None


async def me(request: Request) -> Response:
    current = require_viewer(request)
    async with database(request) as db:
        member = await member_rows.by_id(db, current.member.id)
    return JSONResponse({**shapes.member_private(member), "csrf_token": request.state.csrf_token})


async def session(request: Request) -> Response:
    current = require_identity(request)
    return JSONResponse({"member": {"id": current.id, "name": current.name}, "csrf_token": request.state.csrf_token})


async def list_bodies(request: Request) -> Response:
    current = require_viewer(request)
    async with database(request) as db:
        bodies = await body_actions.visible_bodies(db, current.member)
    return JSONResponse({"bodies": [shapes.body_summary(b) for b in bodies]})


async def get_body(request: Request) -> Response:
    current = require_viewer(request)
    async with database(request) as db:
        body = await body_actions.body_for(db, current.member, body_id=request.path_params["body_id"])
    return JSONResponse(shapes.body_detail(body, current.member))


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
    return JSONResponse({"members": [shapes.member_admin(m) for m in member_list]})


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
    return JSONResponse(shapes.member_admin(member), status_code=201)


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
    return JSONResponse({"positions": [shapes.position(p, current.member) for p in found]})


async def create_body(request: Request) -> Response:
    current = require_viewer(request)
    data = await _json_body(request)
    async with database(request) as db:
        body = await body_actions.create_body(
            db, current.member, name=_text(data, "name"), kind=_text(data, "kind"),
            slug=_text(data, "slug", required=False), parent_slug=_text(data, "parent", required=False),
            description=_text(data, "description", required=False))
        body = await body_actions.body_for(db, current.member, body_id=body.id)
        return JSONResponse(shapes.body_detail(body, current.member), status_code=201)


async def change_membership_role(request: Request) -> Response:
    current = require_viewer(request)
    data = await _json_body(request)
    async with database(request) as db:
        membership = await body_actions.change_role(db, current.member, request.path_params["body_id"],
                                                    request.path_params["member_id"], _text(data, "role"))
        return JSONResponse({"member_id": membership.member_id, "body_id": membership.body_id,
                             "role": membership.role})


async def create_position(request: Request) -> Response:
    current = require_viewer(request)
    data = await _json_body(request)
    async with database(request) as db:
        body = await body_actions.body_for(db, current.member, body_id=request.path_params["body_id"])
        created = await position_actions.create_position(
            db, current.member, body_id=body.id, title=_text(data, "title"), filled_by=_text(data, "filled_by"),
            seats=_whole(data, "seats", required=False) or 1,
            term_months=_whole(data, "term_months", required=False),
            elected_by_id=_whole(data, "elected_by_id", required=False))
        [found] = [p for p in await position_actions.positions_for(db, current.member, body.id) if p.id == created.id]
        return JSONResponse(shapes.position(found, current.member), status_code=201)


async def record_holder(request: Request) -> Response:
    current = require_viewer(request)
    data = await _json_body(request)
    position_id = request.path_params["position_id"]
    async with database(request) as db:
        held = await position_actions.record_holding(
            db, current.member, position_id=position_id, member_email=_text(data, "email"),
            starts_on=_day(data, "starts_on"), ends_on=_day(data, "ends_on", required=False))
        position = next(p for p in await position_actions.positions_for(db, current.member)
                        if p.id == position_id)
        [found] = [h for h in position.holdings if h.id == held.id]
        return JSONResponse(shapes.holding(found, current.member), status_code=201)


def _import_report(report: member_import.ImportReport) -> dict[str, Any]:
    return {
        "imported": report.imported,
        "rows": [{"line": row.line, "name": row.name, "email": row.email, "imported": row.imported,
                  "problems": row.problems,
                  "generated_password": row.generated_password if row.imported else None}
                 for row in report.rows],
    }


async def import_members(request: Request) -> Response:
    """CSV import, as a multipart upload (``file``) or as JSON rows: the same checks and report."""
    current = require_viewer(request)
    members.require_admin(current.member)
    if request.headers.get("content-type", "").startswith("multipart/form-data"):
        async with request.form(max_part_size=MAX_CSV_BYTES) as form:
            upload = form.get("file")
            if not isinstance(upload, UploadFile):
                raise Invalid("Send the CSV file in the form field 'file'.", {"file": "A CSV file is needed."})
            try:
                text = (await upload.read()).decode("utf-8")
            except UnicodeDecodeError:
                raise Invalid("The file is not UTF-8 text. Save it as CSV UTF-8 and try again.") from None
            import_valid_rows = str(form.get("import_valid_rows", "")).lower() in ("true", "on", "1")
    else:
        data = await _json_body(request)
        rows = data.get("rows")
        if not isinstance(rows, list) or not rows:
            raise Invalid("rows must be a non-empty list of members.", {"rows": "A list of members is needed."})
        text = member_import.rows_as_csv(rows)
        import_valid_rows = data.get("import_valid_rows") is True
    async with database(request) as db:
        report = await member_import.import_members_csv(
            db, settings_of(request), current.member, text, import_valid_rows=import_valid_rows)
    status = 400 if report.bad_rows and not report.imported else 200
    return JSONResponse(_import_report(report), status_code=status)


async def change_own_password(request: Request) -> Response:
    """Change the signed-in member's password. Every session ends, this one too: the
    session cookie is cleared and the client signs in again with the new password."""
    current = require_viewer(request)
    data = await _json_body(request)
    async with database(request) as db:
        await identity.change_password(db, settings_of(request), current.member,
                                       _text(data, "current_password"), _text(data, "new_password"))
    response = Response(status_code=204)
    response.headers.append("set-cookie", cookie_header(tokens.SESSION_COOKIE, "", settings_of(request), 0))
    return response


async def openapi(request: Request) -> Response:
    return JSONResponse(document())
