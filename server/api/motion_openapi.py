"""The OpenAPI description of the motions API (merged into /api/v1/openapi.json)."""

from __future__ import annotations

from typing import Any


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _json(schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _body(properties: dict[str, Any], required: list[str] | None = None) -> dict[str, Any]:
    schema: dict[str, Any] = {"type": "object", "properties": properties}
    if required:
        schema["required"] = required
    return {"required": True, "content": {"application/json": {"schema": schema}}}


def _param(name: str) -> dict[str, Any]:
    return {"name": name, "in": "path", "required": True, "schema": {"type": "integer"}}


ERROR = _ref("Error")
ERRORS = {
    "400": _json(ERROR, "Invalid fields (the message says which)"),
    "401": _json(ERROR, "Not signed in"),
    "403": _json(ERROR, "Not allowed (the message says who may), or the CSRF token is missing"),
    "404": _json(ERROR, "No such resource, or not one you may read"),
    "409": _json(ERROR, "Not possible in the current state, past a deadline, or someone saved first"),
}
CSRF = {"name": "X-CSRF-Token", "in": "header", "required": True, "schema": {"type": "string"},
        "description": "The csrf_token from GET /api/v1/me"}
STR = {"type": "string"}
INT = {"type": "integer"}
MOMENT = {"type": ["string", "null"], "format": "date-time"}
MEMBER = _ref("MemberSummary")
DRAFT = {"title": STR, "text": {"type": "string", "description": "Markdown; or give notes/believes/resolves"},
         "notes": STR, "believes": STR, "resolves": STR,
         "argument": {"type": "string", "description": "Supporting argument, not voted on"}}

MOTION_SCHEMAS: dict[str, Any] = {
    "Meeting": {"type": "object", "properties": {
        "id": INT, "title": STR, "body": _ref("BodySummary"), "held_on": {"type": "string", "format": "date"},
        "motions_deadline": MOMENT, "amendments_deadline": MOMENT, "supporters_needed": INT,
        "cac_body": {"oneOf": [_ref("BodySummary"), {"type": "null"}]}}},
    "MotionState": {"type": "string", "enum": [
        "draft", "submitted", "admitted", "ruled_out_of_order", "composited", "scheduled", "carried", "fell",
        "remitted", "withdrawn"]},
    "MotionSummary": {"type": "object", "properties": {
        "id": INT, "meeting_id": INT, "kind": {"type": "string", "enum": ["motion", "composite"]},
        "state": _ref("MotionState"), "title": STR, "version_number": INT, "is_emergency": {"type": "boolean"}}},
    "MotionVersion": {"type": "object", "properties": {
        "number": INT, "title": STR, "text": STR, "argument": STR, "note": STR, "created_by": MEMBER,
        "created_at": MOMENT}},
    "MotionEvent": {"type": "object", "properties": {
        "at": MOMENT, "actor": {"oneOf": [MEMBER, {"type": "null"}]}, "action": STR, "from_state": STR,
        "to_state": STR, "reason": STR, "amendment_id": {"type": ["integer", "null"]}}},
    "Motion": {"allOf": [_ref("MotionSummary"), {"type": "object", "properties": {
        "current_version": _ref("MotionVersion"), "emergency_accepted": {"type": "boolean"},
        "ruling_reason": STR, "on_behalf_of": {"oneOf": [_ref("BodySummary"), {"type": "null"}]},
        "branch_vote": STR, "submitted_at": MOMENT,
        "authors": {"type": "array", "items": {"type": "object", "properties": {
            "member": MEMBER, "role": {"type": "string", "enum": ["mover", "co_author"]},
            "accepted": {"type": "boolean"}}}},
        "supporters": {"type": "array", "items": MEMBER},
        "events": {"type": "array", "items": _ref("MotionEvent"), "description": "The append-only audit trail"}}}]},
    "Amendment": {"type": "object", "properties": {
        "id": INT, "motion_id": INT, "number": INT,
        "operation": {"type": "string", "enum": ["delete", "insert_after", "replace", "add_clause"]},
        "passage": STR, "occurrence": INT, "replacement": STR, "argument": STR,
        "state": {"type": "string", "enum": ["submitted", "admitted", "ruled_out_of_order", "carried", "fell",
                                             "not_applicable", "withdrawn"]},
        "position": {"type": ["integer", "null"]}, "reason": STR, "mover": MEMBER,
        "supporters": {"type": "array", "items": MEMBER},
        "after_clause": {"type": ["integer", "null"]},
        "conflicts_with": {"type": "array", "items": INT,
                           "description": "Numbers of open amendments changing the same words"},
        "conflicts": {"type": "array", "items": {"type": "object", "properties": {
            "number": INT, "reason": STR}}}}},
    "Post": {"type": "object", "properties": {
        "id": INT, "motion_id": INT, "amendment_id": {"type": ["integer", "null"]},
        "parent_id": {"type": ["integer", "null"]}, "author": MEMBER, "created_at": MOMENT, "edited_at": MOMENT,
        "hidden": {"type": "boolean"}, "hidden_reason": STR, "body": STR, "body_html": STR, "quote": STR}},
    "Notification": {"type": "object", "properties": {
        "id": INT, "motion_id": INT, "post_id": {"type": ["integer", "null"]}, "text": STR, "link": STR,
        "created_at": MOMENT, "read": {"type": "boolean"}}},
}



def _fields(title: str, description: str, properties: dict[str, Any] | None = None,
            required: list[str] | None = None) -> dict[str, Any]:
    """The request body of one action: exactly these fields."""
    schema: dict[str, Any] = {"title": title, "description": description, "type": "object",
                              "properties": properties or {}, "additionalProperties": False}
    if required:
        schema["required"] = required
    return schema


_NOTE = {"type": "string", "description": "For the record, e.g. the count"}
#: action name -> (schema name, request body) for POST /api/v1/motions/{motion_id}/actions/{action}
MOTION_ACTIONS: dict[str, tuple[str, dict[str, Any]]] = {
    "invite": ("MotionInvite", _fields("invite", "Invite a co-author (an author, while a draft)",
                                       {"email": {"type": "string", "format": "email"}}, ["email"])),
    "accept": ("MotionAccept", _fields("accept", "Accept your invitation to co-author")),
    "support": ("MotionSupport", _fields("support", "Co-sign a submitted or admitted motion")),
    "submit": ("MotionSubmit", _fields("submit", "Submit the draft to its meeting (its authors)", {
        "branch_vote": {"type": "string", "description": "Needed for a motion moved on behalf of a branch"}})),
    "accept-emergency": ("MotionAcceptEmergency", _fields("accept-emergency", "Accept a late emergency motion (CAC)")),
    "admit": ("MotionAdmit", _fields("admit", "Admit a submitted motion with enough supporters (CAC)")),
    "rule-out": ("MotionRuleOut", _fields("rule-out", "Rule it out of order (CAC); every member reads the reason",
                                          {"reason": STR}, ["reason"])),
    "schedule": ("MotionSchedule", _fields("schedule", "Schedule an admitted motion for debate (CAC)")),
    "withdraw": ("MotionWithdraw", _fields("withdraw", "Withdraw the motion (its movers); shown to all",
                                           {"reason": STR})),
    "outcome": ("MotionOutcome", _fields("outcome", "Record the vote on a scheduled motion (CAC)", {
        "outcome": {"type": "string", "enum": ["carried", "fell", "remitted"]}, "note": _NOTE}, ["outcome"])),
    "agree": ("MotionAgree", _fields("agree", "Agree, as movers of a source motion, to the composite",
                                     {"source": {"type": "integer", "description": "The source motion's id"}},
                                     ["source"])),
    "order": ("MotionOrder", _fields("order", "Set the amendments' voting order (CAC), first voted first",
                                     {"order": {"type": "array", "items": INT,
                                                "description": "Amendment numbers"}}, ["order"])),
    "follow": ("MotionFollow", _fields("follow", "Follow the motion: replies and changes become notifications")),
    "unfollow": ("MotionUnfollow", _fields("unfollow", "Stop following the motion")),
}
#: action name -> (schema name, request body) for POST /api/v1/amendments/{amendment_id}/actions/{action}
AMENDMENT_ACTIONS: dict[str, tuple[str, dict[str, Any]]] = {
    "support": ("AmendmentSupport", _fields("support", "Co-sign an open amendment (not its mover)")),
    "withdraw": ("AmendmentWithdraw", _fields("withdraw", "Withdraw the amendment (its mover)")),
    "admit": ("AmendmentAdmit", _fields("admit", "Admit a submitted amendment with enough supporters (CAC)")),
    "rule-out": ("AmendmentRuleOut", _fields("rule-out", "Rule it out of order (CAC), with the reason",
                                             {"reason": STR}, ["reason"])),
    "outcome": ("AmendmentOutcome", _fields("outcome", "Record the vote on it (CAC, in its voting order)", {
        "outcome": {"type": "string", "enum": ["carried", "fell"]}, "note": _NOTE}, ["outcome"])),
}
MOTION_SCHEMAS.update({name: schema for name, schema in MOTION_ACTIONS.values()})
MOTION_SCHEMAS.update({name: schema for name, schema in AMENDMENT_ACTIONS.values()})
_MOTION_ACTION_NAMES = list(MOTION_ACTIONS)
_AMENDMENT_ACTION_NAMES = list(AMENDMENT_ACTIONS)


def _action_body(actions: dict[str, tuple[str, dict[str, Any]]]) -> dict[str, Any]:
    """The body of ``actions/{action}``: the schema named for the action in the path.
    The body does not repeat the action, so the choice is given by ``x-action-schemas``
    (action -> schema) and each schema's title, and the list is ``anyOf`` because
    several actions take the same (empty) body."""
    mapping = {action: f"#/components/schemas/{name}" for action, (name, _schema) in actions.items()}
    schema = {"anyOf": [_ref(name) for name, _schema in actions.values()], "x-action-schemas": mapping}
    return {"required": False, "description": "The fields of the action named in the path: "
            + "; ".join(f"{action} → {name}" for action, (name, _schema) in actions.items()),
            "content": {"application/json": {"schema": schema}}}
_POSTS = {"type": "array", "items": {"allOf": [_ref("Post"), {"type": "object", "properties": {
    "replies": {"type": "array", "items": _ref("Post")}}}]}}
_NEW_POST = _body({"body": STR, "quote": STR, "parent_id": {"type": ["integer", "null"]}}, ["body"])

MOTION_PATHS: dict[str, Any] = {
    "/api/v1/bodies/{body_id}/meetings": {
        "get": {"summary": "Meetings of a body", "parameters": [_param("body_id")],
                "responses": {"200": _json({"type": "object", "properties": {
                    "meetings": {"type": "array", "items": _ref("Meeting")}}}, "The meetings"), **ERRORS}},
        "post": {"summary": "Arrange a meeting (the body's officers and site admins)",
                 "parameters": [_param("body_id"), CSRF],
                 "requestBody": _body({"title": STR, "held_on": {"type": "string", "format": "date"},
                                       "motions_deadline": STR, "amendments_deadline": STR,
                                       "supporters_needed": INT, "cac_body": {"type": "string",
                                                                              "description": "A body's address"}},
                                      ["title", "held_on", "motions_deadline", "amendments_deadline"]),
                 "responses": {"201": _json(_ref("Meeting"), "The meeting"), **ERRORS}}},
    "/api/v1/meetings/{meeting_id}": {"get": {
        "summary": "A meeting and the motions the member may read", "parameters": [_param("meeting_id")],
        "responses": {"200": _json({"allOf": [_ref("Meeting"), {"type": "object", "properties": {
            "motions": {"type": "array", "items": _ref("MotionSummary")}}}]}, "The meeting"), **ERRORS}}},
    "/api/v1/meetings/{meeting_id}/motions": {"post": {
        "summary": "Create a draft motion (members of the meeting's body)",
        "parameters": [_param("meeting_id"), CSRF],
        "requestBody": _body({**DRAFT, "on_behalf_of": {"type": "string", "description": "A body's address"},
                              "is_emergency": {"type": "boolean"}}, ["title"]),
        "responses": {"201": _json(_ref("Motion"), "The draft"), **ERRORS}}},
    "/api/v1/meetings/{meeting_id}/composites": {"post": {
        "summary": "Merge motions into a composite (the CAC); their movers must then agree",
        "parameters": [_param("meeting_id"), CSRF],
        "requestBody": _body({**DRAFT, "sources": {"type": "array", "items": INT}}, ["title", "sources"]),
        "responses": {"201": _json(_ref("Motion"), "The composite"), **ERRORS}}},
    "/api/v1/motions/{motion_id}": {
        "get": {"summary": "A motion with its current version, authors, supporters and audit trail",
                "parameters": [_param("motion_id")],
                "responses": {"200": _json(_ref("Motion"), "The motion"), **ERRORS}},
        "put": {"summary": "Save a new version of a draft (its authors); 409 if base_version is not the latest",
                "parameters": [_param("motion_id"), CSRF],
                "requestBody": _body({**DRAFT, "base_version": INT}, ["title", "base_version"]),
                "responses": {"200": _json(_ref("Motion"), "The motion"), **ERRORS}}},
    "/api/v1/motions/{motion_id}/versions": {"get": {
        "summary": "Every saved version", "parameters": [_param("motion_id")],
        "responses": {"200": _json({"type": "object", "properties": {
            "versions": {"type": "array", "items": _ref("MotionVersion")}}}, "The versions"), **ERRORS}}},
    "/api/v1/motions/{motion_id}/diff": {"get": {
        "summary": "A word-level diff of two versions, as inline and side-by-side HTML",
        "parameters": [_param("motion_id"),
                       {"name": "from", "in": "query", "required": True, "schema": INT},
                       {"name": "to", "in": "query", "required": True, "schema": INT}],
        "responses": {"200": _json({"type": "object", "properties": {
            "from": INT, "to": INT, "inline_html": STR, "side_by_side_html": STR}}, "The diff"), **ERRORS}}},
    "/api/v1/motions/{motion_id}/actions/{action}": {"post": {
        "summary": "An action on the motion; each checks who may take it",
        "description": "invite {email}; accept; support; submit {branch_vote?}; accept-emergency (CAC); "
                       "admit (CAC); rule-out {reason} (CAC); schedule (CAC); withdraw {reason?} (movers); "
                       "outcome {outcome: carried|fell|remitted, note?} (CAC); agree {source} (a source's "
                       "movers); order {order: [numbers]} (CAC); follow; unfollow.",
        "parameters": [_param("motion_id"),
                       {"name": "action", "in": "path", "required": True,
                        "schema": {"type": "string", "enum": _MOTION_ACTION_NAMES}}, CSRF],
        "requestBody": _action_body(MOTION_ACTIONS),
        "responses": {"200": _json(_ref("Motion"), "The motion after the action"), **ERRORS}}},
    "/api/v1/motions/{motion_id}/amendments": {
        "get": {"summary": "Amendments in the CAC's voting order, with conflicts flagged",
                "parameters": [_param("motion_id")],
                "responses": {"200": _json({"type": "object", "properties": {
                    "amendments": {"type": "array", "items": _ref("Amendment")}}}, "The amendments"), **ERRORS}},
        "post": {"summary": "Propose an amendment as a text operation on the current version",
                 "parameters": [_param("motion_id"), CSRF],
                 "requestBody": _body({"operation": {"type": "string", "enum": [
                     "delete", "insert_after", "replace", "add_clause"]}, "passage": STR, "occurrence": INT,
                     "after_clause": {"type": ["integer", "null"]},
                     "replacement": STR, "argument": STR}, ["operation"]),
                 "responses": {"201": _json(_ref("Amendment"), "The amendment"), **ERRORS}}},
    "/api/v1/amendments/{amendment_id}": {"get": {
        "summary": "An amendment", "parameters": [_param("amendment_id")],
        "responses": {"200": _json(_ref("Amendment"), "The amendment"), **ERRORS}}},
    "/api/v1/amendments/{amendment_id}/actions/{action}": {"post": {
        "summary": "An action on the amendment: support; withdraw (mover); admit, rule-out {reason}, "
                   "outcome {outcome: carried|fell, note?} (CAC, in its voting order)",
        "parameters": [_param("amendment_id"),
                       {"name": "action", "in": "path", "required": True,
                        "schema": {"type": "string", "enum": _AMENDMENT_ACTION_NAMES}}, CSRF],
        "requestBody": _action_body(AMENDMENT_ACTIONS),
        "responses": {"200": _json(_ref("Amendment"), "The amendment after the action"), **ERRORS}}},
    "/api/v1/motions/{motion_id}/posts": {
        "get": {"summary": "The motion's discussion: posts with their replies", "parameters": [_param("motion_id")],
                "responses": {"200": _json({"type": "object", "properties": {"posts": _POSTS}}, "The thread"),
                              **ERRORS}},
        "post": {"summary": "Post (or reply, with parent_id) in the motion's discussion",
                 "parameters": [_param("motion_id"), CSRF], "requestBody": _NEW_POST,
                 "responses": {"201": _json(_ref("Post"), "The post"), **ERRORS}}},
    "/api/v1/amendments/{amendment_id}/posts": {
        "get": {"summary": "The amendment's discussion", "parameters": [_param("amendment_id")],
                "responses": {"200": _json({"type": "object", "properties": {"posts": _POSTS}}, "The thread"),
                              **ERRORS}},
        "post": {"summary": "Post (or reply) in the amendment's discussion",
                 "parameters": [_param("amendment_id"), CSRF], "requestBody": _NEW_POST,
                 "responses": {"201": _json(_ref("Post"), "The post"), **ERRORS}}},
    "/api/v1/posts/{post_id}": {"patch": {
        "summary": "Edit your post; the earlier text is kept in its history",
        "parameters": [_param("post_id"), CSRF], "requestBody": _body({"body": STR, "quote": STR}, ["body"]),
        "responses": {"200": _json(_ref("Post"), "The post"), **ERRORS}}},
    "/api/v1/posts/{post_id}/hide": {"post": {
        "summary": "Hide a post with a reason that stays visible (moderators)",
        "parameters": [_param("post_id"), CSRF], "requestBody": _body({"reason": STR}, ["reason"]),
        "responses": {"200": _json(_ref("Post"), "The post"), **ERRORS}}},
    "/api/v1/notifications": {"get": {
        "summary": "Your notifications, newest first",
        "responses": {"200": _json({"type": "object", "properties": {
            "notifications": {"type": "array", "items": _ref("Notification")}}}, "The notifications"),
            "401": ERRORS["401"]}}},
    "/api/v1/notifications/read": {"post": {
        "summary": "Mark every notification read", "parameters": [CSRF],
        "responses": {"204": {"description": "Done"}, "401": ERRORS["401"], "403": ERRORS["403"]}}},
}
