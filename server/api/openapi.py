"""The OpenAPI 3.1 document for /api/v1/, written by hand beside the routes it describes
(a test checks that every API route appears here)."""

from __future__ import annotations

from typing import Any

from server.api.ballot_openapi import BALLOT_PATHS, BALLOT_SCHEMAS
from server.api.grouping_openapi import GROUPING_PATHS, GROUPING_SCHEMAS
from server.api.motion_openapi import MOTION_PATHS, MOTION_SCHEMAS

VERSION = "1.0.0"


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _json(schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


ERRORS = {
    "401": _json(_ref("Error"), "Not signed in"),
    "403": _json(_ref("Error"), "Signed in but not allowed, or the CSRF token is missing"),
    "404": _json(_ref("Error"), "No such resource, or not one you may see"),
}
BODY_ID = {"name": "body_id", "in": "path", "required": True, "schema": {"type": "integer"}}
MEMBER_ID = {"name": "member_id", "in": "path", "required": True, "schema": {"type": "integer"}}
CSRF = {"name": "X-CSRF-Token", "in": "header", "required": True, "schema": {"type": "string"},
        "description": "The csrf_token from GET /api/v1/me"}

SCHEMAS: dict[str, Any] = {
    "Error": {
        "type": "object",
        "required": ["error"],
        "properties": {"error": {"type": "object", "required": ["status", "message"], "properties": {
            "status": {"type": "integer"},
            "message": {"type": "string"},
            "fields": {"type": "object", "additionalProperties": {"type": "string"}},
        }}},
    },
    "BodyKind": {"type": "string", "enum": [
        "national_members_meeting", "steering_committee", "branch", "caucus", "fraction",
        "faction", "platform", "complaints_group"]},
    "Role": {"type": "string", "enum": ["member", "officer", "cac_member", "teller"]},
    "BodySummary": {"type": "object", "required": ["id", "slug", "name", "kind"], "properties": {
        "id": {"type": "integer"}, "slug": {"type": "string"}, "name": {"type": "string"},
        "kind": _ref("BodyKind")}},
    "MemberSummary": {"type": "object", "required": ["id", "name"], "properties": {
        "id": {"type": "integer"}, "name": {"type": "string"}}},
    "MemberAdmin": {"type": "object", "required": ["id", "name", "email", "is_site_admin", "memberships"],
                    "description": "A member as site admins see them: never their self-identifications",
                    "properties": {
        "id": {"type": "integer"}, "name": {"type": "string"}, "email": {"type": "string"},
        "is_site_admin": {"type": "boolean"},
        "memberships": {"type": "array", "items": {"type": "object", "properties": {
            "body": _ref("BodySummary"), "role": _ref("Role")}}}}},
    "MemberPrivate": {"allOf": [_ref("MemberAdmin"), {"type": "object", "properties": {
        "identities": {"type": "array", "items": {"type": "string"},
                       "description": "Self-identifications; only the member themself sees them"}}}]},
    "Holding": {"type": "object", "properties": {
        "id": {"type": "integer"}, "member": _ref("MemberSummary"), "elected_by_id": {"type": "integer"},
        "recallable_by": {"allOf": [_ref("BodySummary")], "description":
                          "The body that elected the holder: its members may recall them (DOMAIN)"},
        "starts_on": {"type": "string", "format": "date"},
        "ends_on": {"type": ["string", "null"], "format": "date"}, "current": {"type": "boolean"},
        "can_start_recall": {"type": "boolean", "description":
                             "Whether the signed-in member may start a recall of this holding (a current "
                             "holding, and they belong to the electing body). The recall motion itself "
                             "comes with a later change."}}},
    "Position": {"type": "object", "properties": {
        "id": {"type": "integer"}, "body_id": {"type": "integer"}, "title": {"type": "string"},
        "filled_by": {"type": "string", "enum": ["individually", "group"]}, "seats": {"type": "integer"},
        "term_months": {"type": ["integer", "null"]}, "elected_by": _ref("BodySummary"),
        "holders": {"type": "array", "items": _ref("Holding")}}},
    "BodyDetail": {"allOf": [_ref("BodySummary"), {"type": "object", "properties": {
        "description": {"type": "string"},
        "parent": {"oneOf": [_ref("BodySummary"), {"type": "null"}]},
        "members": {"type": "array", "items": {"type": "object", "properties": {
            "member": _ref("MemberSummary"), "role": _ref("Role")}}},
        "positions": {"type": "array", "items": _ref("Position")}}}]},
}

PATHS: dict[str, Any] = {
    "/api/v1/openapi.json": {"get": {
        "summary": "This document", "security": [],
        "responses": {"200": {"description": "The OpenAPI document"}}}},
    "/api/v1/me": {"get": {
        "summary": "The signed-in member, with their identities, memberships and CSRF token",
        "responses": {"200": _json({"allOf": [_ref("MemberPrivate"), {"type": "object", "properties": {
            "csrf_token": {"type": "string"}}}]}, "The member"), "401": ERRORS["401"]}}},
    "/api/v1/session": {"get": {
        "summary": "Who is signed in and this session's CSRF token: the cheapest signed-in call "
                   "(no memberships), for a client checking its session is alive",
        "responses": {"200": _json({"type": "object", "properties": {
            "member": {"type": "object", "properties": {"id": {"type": "integer"}, "name": {"type": "string"}}},
            "csrf_token": {"type": "string"}}}, "The session"), "401": ERRORS["401"]}}},
    "/api/v1/bodies": {"get": {
        "summary": "Bodies the member may see (all of them for site admins)",
        "responses": {"200": _json({"type": "object", "properties": {
            "bodies": {"type": "array", "items": _ref("BodySummary")}}}, "The bodies"),
            "401": ERRORS["401"]}}},
    "/api/v1/bodies/{body_id}": {"get": {
        "summary": "A body with its members and positions; 404 unless the member may see it",
        "parameters": [BODY_ID],
        "responses": {"200": _json(_ref("BodyDetail"), "The body"), **ERRORS}}},
    "/api/v1/bodies/{body_id}/memberships": {"post": {
        "summary": "Add a member to the body, or change their role (officers and site admins)",
        "parameters": [BODY_ID, CSRF],
        "requestBody": {"required": True, "content": {"application/json": {"schema": {
            "type": "object", "required": ["email"], "properties": {
                "email": {"type": "string"}, "role": _ref("Role")}}}}},
        "responses": {"201": _json({"type": "object", "properties": {
            "member_id": {"type": "integer"}, "body_id": {"type": "integer"}, "role": _ref("Role")}},
            "The membership"), "400": _json(_ref("Error"), "No such member or role"), **ERRORS}}},
    "/api/v1/bodies/{body_id}/memberships/{member_id}": {"delete": {
        "summary": "Remove a member from the body (officers and site admins)",
        "parameters": [BODY_ID, MEMBER_ID, CSRF],
        "responses": {"204": {"description": "Removed"}, **ERRORS}}},
    "/api/v1/members": {
        "get": {"summary": "Every member (site admins only; self-identifications are not shown)",
                "responses": {"200": _json({"type": "object", "properties": {
                    "members": {"type": "array", "items": _ref("MemberAdmin")}}}, "The members"), **ERRORS}},
        "post": {"summary": "Create a member (site admins only)", "parameters": [CSRF],
                 "requestBody": {"required": True, "content": {"application/json": {"schema": {
                     "type": "object", "required": ["name", "email", "password"], "properties": {
                         "name": {"type": "string"}, "email": {"type": "string"},
                         "password": {"type": "string", "minLength": 10},
                         "identities": {"type": "array", "items": {"type": "string"},
                                        "description": "Written only: afterwards only the member reads them"},
                         "is_site_admin": {"type": "boolean"}}}}}},
                 "responses": {"201": _json(_ref("MemberAdmin"), "The new member"),
                               "400": _json(_ref("Error"), "Invalid fields"),
                               "409": _json(_ref("Error"), "Email already used"), **ERRORS}}},
    "/api/v1/positions": {"get": {
        "summary": "Positions and their holders on the bodies the member may see",
        "parameters": [{"name": "body_id", "in": "query", "required": False, "schema": {"type": "integer"}}],
        "responses": {"200": _json({"type": "object", "properties": {
            "positions": {"type": "array", "items": _ref("Position")}}}, "The positions"), **ERRORS}}},
}

POSITION_ID = {"name": "position_id", "in": "path", "required": True, "schema": {"type": "integer"}}
INVALID = _json(_ref("Error"), "Invalid fields (error.fields names each)")

SCHEMAS.update({
    "ImportRow": {"type": "object", "required": ["name", "email"], "properties": {
        "name": {"type": "string"}, "email": {"type": "string"},
        "password": {"type": "string", "description": "At least 10 characters; generated when empty"},
        "identities": {"oneOf": [{"type": "array", "items": {"type": "string"}}, {"type": "string"}],
                       "description": "Written only: afterwards only the member reads them"},
        "bodies": {"oneOf": [{"type": "array", "items": {"type": "string"}}, {"type": "string"}],
                   "description": "Body addresses, each optionally slug:role"}}},
    "ImportReport": {"type": "object", "required": ["imported", "rows"], "properties": {
        "imported": {"type": "integer"},
        "rows": {"type": "array", "items": {"type": "object", "properties": {
            "line": {"type": "integer", "description": "CSV line (the header is line 1; JSON row n is line n + 1)"},
            "name": {"type": "string"}, "email": {"type": "string"}, "imported": {"type": "boolean"},
            "problems": {"type": "array", "items": {"type": "string"}},
            "generated_password": {"type": ["string", "null"], "description": "Shown only in this answer"}}}}}},
})

# the admin actions (issue 3: "a JSON API for the same resources"), merged into PATHS by method
ADMIN_PATHS: dict[str, Any] = {
    "/api/v1/bodies": {"post": {
        "summary": "Create a body (site admins only)", "parameters": [CSRF],
        "requestBody": {"required": True, "content": {"application/json": {"schema": {
            "type": "object", "required": ["name", "kind"], "properties": {
                "name": {"type": "string"}, "kind": _ref("BodyKind"),
                "slug": {"type": "string", "description": "The address; made from the name when left out"},
                "parent": {"type": "string", "description": "The address of the body it belongs to"},
                "description": {"type": "string"}}}}}},
        "responses": {"201": _json(_ref("BodyDetail"), "The new body"), "400": INVALID,
                      "409": _json(_ref("Error"), "The address is taken"), **ERRORS}}},
    "/api/v1/bodies/{body_id}/memberships/{member_id}": {"patch": {
        "summary": "Change the role of a member of the body (officers and site admins)",
        "parameters": [BODY_ID, MEMBER_ID, CSRF],
        "requestBody": {"required": True, "content": {"application/json": {"schema": {
            "type": "object", "required": ["role"], "properties": {"role": _ref("Role")}}}}},
        "responses": {"200": _json({"type": "object", "properties": {
            "member_id": {"type": "integer"}, "body_id": {"type": "integer"}, "role": _ref("Role")}},
            "The membership"), "400": INVALID, **ERRORS}}},
    "/api/v1/bodies/{body_id}/positions": {"post": {
        "summary": "Add a position to the body (site admins only)", "parameters": [BODY_ID, CSRF],
        "requestBody": {"required": True, "content": {"application/json": {"schema": {
            "type": "object", "required": ["title", "filled_by"], "properties": {
                "title": {"type": "string"}, "filled_by": {"type": "string", "enum": ["individually", "group"]},
                "seats": {"type": "integer", "minimum": 1, "default": 1},
                "term_months": {"type": ["integer", "null"], "minimum": 1},
                "elected_by_id": {"type": ["integer", "null"],
                                  "description": "The electing body; this body when left out"}}}}}},
        "responses": {"201": _json(_ref("Position"), "The new position"), "400": INVALID, **ERRORS}}},
    "/api/v1/positions/{position_id}/holders": {"post": {
        "summary": "Record an election result: who holds the position (site admins only)",
        "parameters": [POSITION_ID, CSRF],
        "requestBody": {"required": True, "content": {"application/json": {"schema": {
            "type": "object", "required": ["email", "starts_on"], "properties": {
                "email": {"type": "string"}, "starts_on": {"type": "string", "format": "date"},
                "ends_on": {"type": ["string", "null"], "format": "date"}}}}}},
        "responses": {"201": _json(_ref("Holding"), "The holding"), "400": INVALID, **ERRORS}}},
    "/api/v1/members/import": {"post": {
        "summary": "Import members (site admins only): a CSV upload or JSON rows, with a report for every row. "
                   "All or nothing unless import_valid_rows is true.",
        "parameters": [CSRF],
        "requestBody": {"required": True, "content": {
            "application/json": {"schema": {"type": "object", "required": ["rows"], "properties": {
                "rows": {"type": "array", "items": _ref("ImportRow")},
                "import_valid_rows": {"type": "boolean", "default": False}}}},
            "multipart/form-data": {"schema": {"type": "object", "required": ["file"], "properties": {
                "file": {"type": "string", "format": "binary",
                         "description": "UTF-8 CSV with the header name,email[,password,identities,bodies]"},
                "import_valid_rows": {"type": "string", "enum": ["true", "false"]}}}}}},
        "responses": {"200": _json(_ref("ImportReport"), "Imported (with import_valid_rows, rows left out are listed)"),
                      "400": {"description": "Nothing imported: the report lists every bad row, or an Error "
                                             "for a bad header or file", "content": {"application/json": {
                                                 "schema": {"oneOf": [_ref("ImportReport"), _ref("Error")]}}}},
                      **ERRORS}}},
    "/api/v1/me/password": {"post": {
        "summary": "Change your password; every session ends, this one too (sign in again)",
        "parameters": [CSRF],
        "requestBody": {"required": True, "content": {"application/json": {"schema": {
            "type": "object", "required": ["current_password", "new_password"], "properties": {
                "current_password": {"type": "string"}, "new_password": {"type": "string", "minLength": 10}}}}}},
        "responses": {"204": {"description": "Changed; the session cookie is cleared"}, "400": INVALID,
                      "401": ERRORS["401"], "403": ERRORS["403"]}}},
}
for _path, _operations in ADMIN_PATHS.items():
    PATHS.setdefault(_path, {}).update(_operations)


def document() -> dict[str, Any]:
    return {
        "openapi": "3.1.0",
        "info": {"title": "Plenary API", "version": VERSION,
                 "description": "Sign in with the web form; the session cookie authenticates API calls. "
                                "Unsafe methods need the X-CSRF-Token header."},
        "servers": [{"url": "/"}],
        "components": {
            "schemas": {**SCHEMAS, **MOTION_SCHEMAS, **BALLOT_SCHEMAS, **GROUPING_SCHEMAS},
            "securitySchemes": {"session": {"type": "apiKey", "in": "cookie", "name": "plenary_session"}},
        },
        "security": [{"session": []}],
        "paths": {**PATHS, **MOTION_PATHS, **BALLOT_PATHS, **GROUPING_PATHS},
    }
