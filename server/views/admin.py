"""Site admin pages: members (one by one or from CSV) and bodies."""

from __future__ import annotations

from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from server.db.models import BODY_KINDS
from server.repositories import bodies as body_rows
from server.services import bodies as body_actions
from server.services import member_import, members
from server.services.errors import ActionRefused
from server.views.context import database, require_viewer, settings_of
from server.views.render import render

MAX_CSV_BYTES = 2 * 1024 * 1024


async def admin_page(request: Request) -> Response:
    current = require_viewer(request)
    async with database(request) as db:
        member_list = await members.list_members(db, current.member)
        bodies = await body_rows.all_bodies(db)
    return render(request, "admin/index.html", {"members": member_list, "bodies": bodies,
                                                "created": request.query_params.get("created", "")})


async def new_member_page(request: Request) -> Response:
    members.require_admin(require_viewer(request).member)
    return render(request, "admin/member_new.html", {"values": {}, "fields": {}, "error": ""})


async def create_member(request: Request) -> Response:
    current = require_viewer(request)
    form = await request.form()
    values = {key: str(form.get(key, "")) for key in ("name", "email", "identities")}
    new = members.NewMember(
        name=values["name"], email=values["email"], password=str(form.get("password", "")),
        identities=members.parse_identities(values["identities"]),
        is_site_admin=form.get("is_site_admin") == "on",
    )
    try:
        async with database(request) as db:
            member = await members.create_member(db, settings_of(request), current.member, new)
    except ActionRefused as refused:
        if refused.status == 403:
            raise
        return render(request, "admin/member_new.html",
                      {"values": values, "fields": refused.fields, "error": refused.message},
                      status=refused.status)
    return RedirectResponse(f"/admin?created={member.email}", status_code=303)


async def import_page(request: Request) -> Response:
    members.require_admin(require_viewer(request).member)
    return render(request, "admin/member_import.html", {"report": None, "error": ""})


async def import_members(request: Request) -> Response:
    current = require_viewer(request)
    members.require_admin(current.member)
    async with request.form(max_part_size=MAX_CSV_BYTES) as form:
        upload = form.get("file")
        text = str(form.get("csv_text", ""))
        if isinstance(upload, UploadFile) and upload.filename:
            raw = await upload.read()
            try:
                text = raw.decode("utf-8")
            except UnicodeDecodeError:
                return render(request, "admin/member_import.html",
                              {"report": None, "error": "The file is not UTF-8 text. Save it as CSV UTF-8 and try again."},
                              status=400)
        import_valid_rows = form.get("import_valid_rows") == "on"
    if not text.strip():
        return render(request, "admin/member_import.html",
                      {"report": None, "error": "Choose a CSV file (or paste its text) to import."}, status=400)
    try:
        async with database(request) as db:
            report = await member_import.import_members_csv(
                db, settings_of(request), current.member, text, import_valid_rows=import_valid_rows)
    except ActionRefused as refused:
        if refused.status == 403:
            raise
        return render(request, "admin/member_import.html", {"report": None, "error": refused.message}, status=400)
    status = 400 if report.bad_rows and not report.imported else 200
    return render(request, "admin/member_import.html",
                  {"report": report, "error": "", "import_valid_rows": import_valid_rows}, status=status)


async def new_body_page(request: Request) -> Response:
    current = require_viewer(request)
    members.require_admin(current.member)
    async with database(request) as db:
        bodies = await body_rows.all_bodies(db)
    return render(request, "admin/body_new.html",
                  {"values": {}, "fields": {}, "error": "", "kinds": BODY_KINDS, "bodies": bodies})


async def create_body(request: Request) -> Response:
    current = require_viewer(request)
    form = await request.form()
    values = {key: str(form.get(key, "")) for key in ("name", "slug", "kind", "parent", "description")}
    try:
        async with database(request) as db:
            body = await body_actions.create_body(
                db, current.member, name=values["name"], kind=values["kind"], slug=values["slug"],
                parent_slug=values["parent"], description=values["description"])
    except ActionRefused as refused:
        if refused.status == 403:
            raise
        async with database(request) as db:
            bodies = await body_rows.all_bodies(db)
        return render(request, "admin/body_new.html",
                      {"values": values, "fields": refused.fields, "error": refused.message,
                       "kinds": BODY_KINDS, "bodies": bodies}, status=refused.status)
    return RedirectResponse(f"/bodies/{body.slug}", status_code=303)
