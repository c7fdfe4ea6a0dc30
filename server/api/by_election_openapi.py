"""The OpenAPI description of the by-elections API (server/api/by_elections.py), merged into
GROUPING_PATHS by server/api/grouping_openapi.py, which lends its operation builder."""

from __future__ import annotations

from typing import Any, Callable

from server.api.motion_openapi import INT, MOMENT, STR, _body, _param, _ref

_NOMINATION_STATES = {"type": "string", "enum": ["awaiting", "accepted", "withdrawn"],
                      "description": "awaiting the nominee's acceptance, accepted (standing), or withdrawn"}
BY_ELECTION_SCHEMAS: dict[str, Any] = {
    "Nomination": {"type": "object", "properties": {
        "id": INT, "nominee": _ref("MemberSummary"),
        "nominated_by": {"oneOf": [_ref("MemberSummary"), {"type": "null"}]}, "state": _NOMINATION_STATES,
        "nominated_at": MOMENT, "accepted_at": MOMENT, "withdrawn_at": MOMENT,
        "ballot_name": {"type": ["string", "null"], "description": "The name on the election ballot"}}},
    "ByElection": {"type": "object", "properties": {
        "id": INT, "title": STR, "state": {"type": "string", "enum": ["nominations", "ballot", "filled", "unfilled"]},
        "cause": {"type": "string", "enum": ["recall", "resignation"]}, "recall_id": {"type": ["integer", "null"]},
        "position": {"type": "object"}, "electing_body": _ref("BodySummary"),
        "vacated": {"type": ["object", "null"], "description": "The holding that ended, its holder and end"},
        "opened_at": MOMENT, "nominations_close_at": MOMENT, "nominations_open": {"type": "boolean"},
        "nominations": {"type": "array", "items": _ref("Nomination")},
        "candidates": {"type": "array", "items": STR, "description": "The accepted nominees"},
        "ballot_id": {"type": ["integer", "null"], "description": "The election ballot, once opened"},
        "new_holder": {"type": ["object", "null"], "description": "The winner's holding, once the result is published"},
        "decided_at": MOMENT}},
}


def by_election_paths(op: Callable[..., dict[str, Any]]) -> dict[str, Any]:
    """The paths, built with the groupings description's ``op`` so every operation reads alike."""
    by_election, nomination = [_param("by_election_id")], [_param("nomination_id")]
    shown = _ref("ByElection")
    return {
        "/api/v1/by-elections/{by_election_id}": {
            "get": op("A by-election: its nominations, candidates, election ballot and, once the ballot's result is "
                      "published, the new holder (recorded by this read if nobody has yet)", "The by-election", shown,
                      params=by_election)},
        "/api/v1/by-elections/{by_election_id}/nominations": {
            "post": op("Nominate a member of the electing body (members of it, while nominations are open): "
                       "yourself, standing at once, or another member, standing once they accept",
                       "Nominated", _ref("Nomination"), _body({"nominee_id": INT}, ["nominee_id"]),
                       params=by_election, unsafe=True, status="201")},
        "/api/v1/by-elections/{by_election_id}/election": {
            "post": op("Open the election once nominations have closed (the body's officers and CAC): an office "
                       "ballot of the accepted nominees, set up and opened by the ballots service", "Opened", shown,
                       _body({"method": {"type": "string", "enum": ["exhaustive", "irv", "plurality"],
                                         "default": "exhaustive"}}),
                       params=by_election, unsafe=True, status="201")},
        "/api/v1/by-elections/{by_election_id}/reopen": {
            "post": op("Re-open nominations that closed with nobody standing (the body's officers and CAC)",
                       "Re-opened", shown, params=by_election, unsafe=True)},
        "/api/v1/nominations/{nomination_id}/acceptance": {
            "post": op("Accept your own nomination while nominations are open", "Accepted", _ref("Nomination"),
                       params=nomination, unsafe=True)},
        "/api/v1/nominations/{nomination_id}/withdrawal": {
            "post": op("Withdraw a nomination while nominations are open (the nominee or who nominated them)",
                       "Withdrawn", _ref("Nomination"), params=nomination, unsafe=True)},
        "/api/v1/holdings/{holding_id}/resignation": {
            "post": op("Resign your post: it is vacated and a by-election opens in the body that elected you",
                       "The by-election", shown, params=[_param("holding_id")], unsafe=True, status="201")},
    }
