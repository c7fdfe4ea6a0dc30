"""The OpenAPI description of the ballots API (merged into /api/v1/openapi.json)."""

from __future__ import annotations

from typing import Any

from server.api.motion_openapi import CSRF, ERRORS, INT, STR, _body, _json, _param, _ref

BOOL = {"type": "boolean"}
NAMES = {"type": "array", "items": STR}
BALLOT_ID = _param("ballot_id")

BALLOT_SCHEMAS: dict[str, Any] = {
    "BallotSpec": {"type": "object", "description": "ballots.kinds.BallotSpec as JSON (format plenary-ballot-spec/1); "
                                                     "see docs/ballots.md"},
    "Ballot": {"type": "object", "properties": {
        "id": INT, "body": _ref("BodySummary"), "title": STR,
        "kind": {"type": "string", "enum": ["motion", "amendment", "choice", "office", "seats", "slate", "slates"]},
        "state": {"type": "string", "enum": ["draft", "open", "closed", "published"]}, "by_hand": BOOL,
        "motion_id": {"type": ["integer", "null"]}, "amendment_id": {"type": ["integer", "null"]},
        "spec": _ref("BallotSpec"), "fingerprint": {"type": ["string", "null"]}, "close_reason": STR,
        "count_facts": _ref("BallotCountFacts"),
        "turnout": {"type": "object", "properties": {"voted": INT, "eligible": INT}},
        "note": STR}},
    "BallotCountFacts": {"type": "object", "description": "What the CAC recorded after opening, beside the fixed "
                         "spec (ballots/late_facts.py; docs/voting-online.md): empty when nothing", "properties": {
        "withdrawn": {"type": "array", "items": {"type": "object", "properties": {
            "name": STR, "reason": STR, "by": STR, "at": {"type": "string", "format": "date-time"}}}},
        "tie": {"type": "string", "description": "a tied count held for the chair's casting vote, in words"},
        "casting_vote": {"type": "object", "properties": {
            "vote": {"type": ["string", "null"], "enum": ["yes", "no", None]}, "reason": STR, "by": STR,
            "at": {"type": "string", "format": "date-time"}}}}},
    "Receipt": {"type": "object", "properties": {
        "receipt": {"type": "string", "example": "7KQM-3WXA-HN9D-PT4C"}, "contents": {"type": "object"},
        "changed": BOOL}},
}

SETUP = {
    "kind": {"type": "string", "enum": ["motion", "amendment", "choice", "office", "seats", "slate", "slates"]},
    "title": STR, "opens": {"type": "string", "format": "date-time"}, "closes": {"type": "string", "format": "date-time"},
    "candidates": NAMES, "seats": INT, "method": STR, "rule": STR, "base": STR,
    "quotas": {"type": "array", "items": {"type": "object", "properties": {"label": STR, "minimum": INT, "members": NAMES}}},
    "slates": {"type": "array", "items": {"type": "object", "properties": {"name": STR, "members": NAMES}}},
    "strike_share": STR, "secret": BOOL, "may_change_vote": BOOL, "proxies_allowed": BOOL, "weighted": BOOL,
    "by_hand": BOOL, "motion_id": INT, "amendment_id": INT,
    "weights": {"type": "object", "additionalProperties": INT, "description": "member email -> card votes"},
    "roll_source": {"type": "string", "enum": ["members", "delegates"], "default": "members",
                    "description": "the roll frozen at opening: the body's members, or the members holding, that "
                                   "day, a seat on it filled by election in another body (docs/voting-online.md)"},
    "individual_preferences": {"type": "boolean", "default": False,
                               "description": "slate and slates ballots: papers may also rank the people on the "
                                              "slates, counted beside the slate result"},
    "individual_method": {"type": "string", "enum": ["scotland", "meek", "wigm", "block"], "default": "scotland"},
}
VOTE = {"choice": {"type": "string", "enum": ["yes", "no", "abstain"]},
        "ranking": {"type": "array", "items": STR, "description": "names in order of preference, or the names marked"},
        "struck": NAMES, "individuals": NAMES, "on_behalf_of": {"type": "integer", "description": "as proxy"},
        "previous_receipt": {"type": "string", "description": "to change your vote, where the ballot allows it: the "
                             "receipt of your current vote (a secret ballot needs it; an open one does not)"}}

BALLOT_PATHS: dict[str, Any] = {
    "/api/v1/bodies/{body_id}/ballots": {
        "get": {"summary": "The body's ballots", "parameters": [_param("body_id")],
                "responses": {"200": _json({"type": "object", "properties": {
                    "ballots": {"type": "array", "items": _ref("Ballot")}}}, "The ballots"), **ERRORS}},
        "post": {"summary": "Set up a ballot (officers and CAC members)", "parameters": [_param("body_id"), CSRF],
                 "requestBody": _body(SETUP, ["kind", "opens", "closes"]),
                 "responses": {"201": _json(_ref("Ballot"), "The ballot, not yet open"), **ERRORS}}},
    "/api/v1/ballots/{ballot_id}": {"get": {
        "summary": "A ballot: its spec, state, turnout and the caller's status", "parameters": [BALLOT_ID],
        "responses": {"200": _json(_ref("Ballot"), "The ballot"), **ERRORS}}},
    "/api/v1/ballots/{ballot_id}/actions/{action}": {"post": {
        "summary": "open, close (CAC: count and publish), count (again, after a count that failed), proxy {proxy: email}, hand-count {for|null, against, "
                   "abstain, present, declared}, confirm (a teller), publish (a confirmed hand count), "
                   "withdraw-candidate {candidate, reason} (CAC: an open or uncounted election or choice), "
                   "casting-vote {casting_vote: yes|no|none, reason} (the chair/CAC, once, on a count held as a tie)",
        "parameters": [BALLOT_ID, {"name": "action", "in": "path", "required": True, "schema": {
            "type": "string", "enum": ["open", "close", "count", "proxy", "hand-count", "confirm", "publish",
                                       "withdraw-candidate", "casting-vote"]}}, CSRF],
        "requestBody": _body({"proxy": STR, "for": {"type": ["integer", "string", "null"],
                                                     "description": "\"many\" or null: not counted"},
                              "against": INT, "abstain": INT, "present": {"type": ["integer", "null"]},
                              "declared": {"type": "string", "enum": ["carried", "fell"]},
                              "candidate": STR, "reason": STR,
                              "casting_vote": {"type": "string", "enum": ["yes", "no", "none"]}}),
        "responses": {"200": _json(_ref("Ballot"), "The ballot after the action"), **ERRORS}}},
    "/api/v1/ballots/{ballot_id}/votes": {"post": {
        "summary": "Cast (or, where allowed, change) a vote; one per voter", "parameters": [BALLOT_ID, CSRF],
        "requestBody": _body(VOTE),
        "responses": {"201": _json(_ref("Receipt"), "Recorded: keep the receipt"), **ERRORS}}},
    "/api/v1/ballots/{ballot_id}/proxy": {"delete": {
        "summary": "Withdraw your proxy's appointment (before your proxy has voted), to vote yourself",
        "parameters": [BALLOT_ID, CSRF],
        "responses": {"200": _json(_ref("Ballot"), "The ballot; your proxy is withdrawn"), **ERRORS}}},
    "/api/v1/ballots/{ballot_id}/turnout": {"get": {
        "summary": "Voted and eligible (no partial results)", "parameters": [BALLOT_ID],
        "responses": {"200": _json({"type": "object", "properties": {"voted": INT, "eligible": INT, "state": STR}},
                                   "Turnout"), **ERRORS}}},
    "/api/v1/ballots/{ballot_id}/roll": {"get": {
        "summary": "The frozen roll (its members and those running the ballot)", "parameters": [BALLOT_ID],
        "responses": {"200": _json({"type": "object"}, "The roll"), **ERRORS}}},
    "/api/v1/ballots/{ballot_id}/result": {"get": {
        "summary": "The published result, digests and report", "parameters": [BALLOT_ID],
        "responses": {"200": _json({"type": "object"}, "The result"), **ERRORS}}},
    "/api/v1/ballots/{ballot_id}/record": {"get": {
        "summary": "The published ballot record (plenary-ballot-record/1)", "parameters": [BALLOT_ID],
        "responses": {"200": _json({"type": "object"}, "The record"), **ERRORS}}},
    "/api/v1/ballots/{ballot_id}/receipts": {"post": {
        "summary": "Find a ballot in the published record by its receipt code (sent in the body, never the "
                   "address: access logs keep addresses)",
        "parameters": [BALLOT_ID, CSRF],
        "requestBody": _body({"code": {"type": "string", "example": "7KQM-3WXA-HN9D-PT4C"}}, ["code"]),
        "responses": {"200": _json({"type": "object"}, "The ballot (sent with Cache-Control: no-store)"),
                      **ERRORS}}},
    "/api/v1/ballots/{ballot_id}/receipts/{code}": {"get": {
        "summary": "Withdrawn: answers 410 without looking the code up; POST /api/v1/ballots/{ballot_id}/receipts",
        "deprecated": True,
        "parameters": [BALLOT_ID, {"name": "code", "in": "path", "required": True, "schema": STR}],
        "responses": {"410": _json(_ref("Error"), "Gone: send the code in a POST body")}}},
}
