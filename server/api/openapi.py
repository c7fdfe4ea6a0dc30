"""The OpenAPI 3.1 document for /api/v1/, written by hand beside the routes it describes
(a test checks that every API route appears here)."""

from __future__ import annotations

from typing import Any

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
    "MemberPrivate": {"type": "object", "properties": {
        "id": {"type": "integer"}, "name": {"type": "string"}, "email": {"type": "string"},
        "is_site_admin": {"type": "boolean"},
        "identities": {"type": "array", "items": {"type": "string"},
                       "description": "Self-identifications; only the member and site admins see them"},
        "memberships": {"type": "array", "items": {"type": "object", "properties": {
            "body": _ref("BodySummary"), "role": _ref("Role")}}}}},
    "Holding": {"type": "object", "properties": {
        "id": {"type": "integer"}, "member": _ref("MemberSummary"), "elected_by_id": {"type": "integer"},
        "starts_on": {"type": "string", "format": "date"},
        "ends_on": {"type": ["string", "null"], "format": "date"}, "current": {"type": "boolean"}}},
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
        "get": {"summary": "Every member, with identities (site admins only)",
                "responses": {"200": _json({"type": "object", "properties": {
                    "members": {"type": "array", "items": _ref("MemberPrivate")}}}, "The members"), **ERRORS}},
        "post": {"summary": "Create a member (site admins only)", "parameters": [CSRF],
                 "requestBody": {"required": True, "content": {"application/json": {"schema": {
                     "type": "object", "required": ["name", "email", "password"], "properties": {
                         "name": {"type": "string"}, "email": {"type": "string"},
                         "password": {"type": "string", "minLength": 10},
                         "identities": {"type": "array", "items": {"type": "string"}},
                         "is_site_admin": {"type": "boolean"}}}}}},
                 "responses": {"201": _json(_ref("MemberPrivate"), "The new member"),
                               "400": _json(_ref("Error"), "Invalid fields"),
                               "409": _json(_ref("Error"), "Email already used"), **ERRORS}}},
    "/api/v1/positions": {"get": {
        "summary": "Positions and their holders on the bodies the member may see",
        "parameters": [{"name": "body_id", "in": "query", "required": False, "schema": {"type": "integer"}}],
        "responses": {"200": _json({"type": "object", "properties": {
            "positions": {"type": "array", "items": _ref("Position")}}}, "The positions"), **ERRORS}}},
}


def document() -> dict[str, Any]:
    return {
        "openapi": "3.1.0",
        "info": {"title": "Plenary API", "version": VERSION,
                 "description": "Sign in with the web form; the session cookie authenticates API calls. "
                                "Unsafe methods need the X-CSRF-Token header."},
        "servers": [{"url": "/"}],
        "components": {
            "schemas": {**SCHEMAS, **MOTION_SCHEMAS},
            "securitySchemes": {"session": {"type": "apiKey", "in": "cookie", "name": "plenary_session"}},
        },
        "security": [{"session": []}],
        "paths": {**PATHS, **MOTION_PATHS},
    }
