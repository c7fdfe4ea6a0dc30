"""The OpenAPI description of the groupings API (merged into /api/v1/openapi.json)."""

from __future__ import annotations

from typing import Any

from server.api.bulletin_openapi import BULLETIN_SCHEMAS, bulletin_paths
from server.api.by_election_openapi import BY_ELECTION_SCHEMAS, by_election_paths
from server.api.motion_openapi import CSRF, ERRORS, INT, STR, _body, _json, _param, _ref
from server.api.publication_openapi import PUBLICATION_SCHEMAS, publication_paths

_ANY = {"type": "object"}
GROUPING_SCHEMAS: dict[str, Any] = {
    "Grouping": {"type": "object", "properties": {
        "id": INT, "kind": {"type": "string", "enum": ["faction", "platform", "caucus", "fraction"]}, "name": STR,
        "purpose": STR, "state": {"type": "string", "enum": ["collecting", "formed", "requested", "approved", "refused"]},
        "minimum": INT, "status": {"type": ["string", "null"], "example": "9 of the 10 signatures needed; 1 more to form"},
        "dissolves_on": {"type": ["string", "null"], "format": "date"}, "dissolved": {"type": "boolean"},
        "lifespan": {"type": ["string", "null"]}, "signatures": {"type": "array", "items": _ANY},
        "body": {"oneOf": [_ref("BodySummary"), {"type": "null"}]}, "decision": {"type": ["object", "null"]}}},
    "GroupingDocument": {"type": "object", "properties": {
        "id": INT, "title": STR, "text": STR, "html": STR, "version": INT,
        "versions": {"type": "array", "items": _ANY}, "circulations": {"type": "array", "items": _ANY}}},
}


def _op(summary: str, ok: str, schema: dict[str, Any], body: dict[str, Any] | None = None,
        params: list[dict[str, Any]] | None = None, unsafe: bool = False, status: str = "200") -> dict[str, Any]:
    operation: dict[str, Any] = {"summary": summary, "parameters": (params or []) + ([CSRF] if unsafe else []),
                                 "responses": {status: _json(schema, ok), **ERRORS}}
    if body:
        operation["requestBody"] = body
    return operation


_PROPOSAL = [_param("proposal_id")]
_DOC = [_param("document_id")]
GROUPING_PATHS: dict[str, Any] = {
    "/api/v1/groupings": {
        "get": _op("Every grouping proposal and request (visible to all members)", "The list", _ANY),
        "post": _op("Propose a faction or platform (you sign first), or request a caucus or fraction", "Created",
                    _ref("Grouping"), _body({"kind": STR, "name": STR, "purpose": STR, "meeting_id": INT},
                                            ["kind", "name", "purpose"]), unsafe=True, status="201")},
    "/api/v1/groupings/allowance": {
        "get": _op("Every faction's and platform's use of its weekly allowances", "The table", _ANY)},
    "/api/v1/groupings/{proposal_id}": {"get": _op("One grouping", "The grouping", _ref("Grouping"), params=_PROPOSAL)},
    "/api/v1/groupings/{proposal_id}/signatures": {
        "post": _op("Sign a faction or platform proposal; at the minimum it is formed, and a signer of a formed "
                    "one joins it", "Signed", _ref("Grouping"),
                    params=_PROPOSAL, unsafe=True, status="201")},
    "/api/v1/groupings/{proposal_id}/members": {
        "post": _op("Join a grouping: sign a faction or platform (once formed you are a member), or join an "
                    "approved caucus or fraction", "Joined", _ref("Grouping"), params=_PROPOSAL, unsafe=True,
                    status="201")},
    "/api/v1/groupings/{proposal_id}/decision": {
        "post": _op("Approve or refuse a caucus or fraction request, with a reason", "Decided", _ref("Grouping"),
                    _body({"decision": {"type": "string", "enum": ["approve", "refuse"]}, "reason": STR},
                          ["decision", "reason"]), params=_PROPOSAL, unsafe=True)},
    "/api/v1/bodies/{body_id}/grouping-rules": {
        "put": _op("Set a body's minimum signatures and allowance week (site admins)", "The rules", _ANY,
                   _body({"minimum_signatures": INT, "time_zone": STR, "first_weekday": STR,
                          "recall_supporters": INT, "recall_notice_days": INT}, ["minimum_signatures"]),
                   params=[_param("body_id")], unsafe=True)},
    "/api/v1/bodies/{body_id}/documents": {
        "post": _op("Write a grouping document (members of the grouping)", "Created", _ref("GroupingDocument"),
                    _body({"title": STR, "text": STR}, ["title", "text"]), params=[_param("body_id")],
                    unsafe=True, status="201")},
    "/api/v1/documents/{document_id}": {"get": _op("One document, latest version", "The document",
                                                   _ref("GroupingDocument"), params=_DOC)},
    "/api/v1/documents/{document_id}/versions": {
        "post": _op("Save a new version", "Saved", _ref("GroupingDocument"),
                    _body({"title": STR, "text": STR, "base_number": INT}, ["title", "text"]), params=_DOC,
                    unsafe=True, status="201")},
    "/api/v1/documents/{document_id}/diff": {
        "get": _op("Word diff between two versions (?from=&to=)", "The operations", _ANY, params=_DOC)},
    "/api/v1/documents/{document_id}/circulations": {
        "post": _op("Circulate to all members (document) or publish as the week's article; 409 with the "
                    "allowance message when this week's is used", "Circulated", _ANY,
                    _body({"kind": {"type": "string", "enum": ["document", "article"]}}), params=_DOC,
                    unsafe=True, status="201")},
    "/api/v1/petitions/{petition_id}": {
        "get": _op("A petition: its threshold against the base frozen at opening, in words; who signed; "
                   "the convening deadline once met", "The petition", _ANY, params=[_param("petition_id")])},
    "/api/v1/recalls/{recall_id}": {
        "get": _op("A recall motion: supporters against the body's rule, its ballot, and whether the post was "
                   "vacated and a by-election opened", "The recall", _ANY, params=[_param("recall_id")])},
}
# the bulletin's routes are described beside its API (server/api/bulletin_openapi.py)
GROUPING_PATHS.update(bulletin_paths(_op))
GROUPING_SCHEMAS.update(BULLETIN_SCHEMAS)
# by-elections and nominations are described beside their API (server/api/by_election_openapi.py)
GROUPING_PATHS.update(by_election_paths(_op))
GROUPING_SCHEMAS.update(BY_ELECTION_SCHEMAS)
# the publication queue (server/views/publication.py) is described in server/api/publication_openapi.py
GROUPING_PATHS.update(publication_paths(_op))
GROUPING_SCHEMAS.update(PUBLICATION_SCHEMAS)
