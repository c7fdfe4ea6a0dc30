"""The OpenAPI description of the bulletin API (server/api/bulletin.py), merged into
GROUPING_PATHS and so into /api/v1/openapi.json."""

from __future__ import annotations

from typing import Any, Callable

from server.api.motion_openapi import INT, MOMENT, STR, _body, _param, _ref

_NULLABLE_STR = {"type": ["string", "null"]}
_SUMMARY = {"oneOf": [_ref("BodySummary"), {"type": "null"}]}
BULLETIN_SCHEMAS: dict[str, Any] = {
    "BulletinAppeal": {"type": "object", "properties": {
        "id": INT, "submission_id": INT, "grounds": STR,
        "outcome": {"type": ["string", "null"], "example": "Upheld: fair comment on a public decision"},
        "decided_at": MOMENT}},
    "BulletinSubmission": {"type": "object", "properties": {
        "id": INT, "issue_id": INT, "title": STR, "author": _ref("MemberSummary"), "grouping": _SUMMARY,
        "submitted_at": {"type": "string", "format": "date-time"},
        "state": {"type": "string", "enum": ["submitted", "refused", "withdrawn", "published"]},
        "reason": {"type": ["string", "null"], "description": "The editors' written reason, for a refusal"},
        "decided_at": MOMENT,
        "names": {"type": ["object", "null"], "description": "The grouping or member the document names"},
        "reply_to": {"type": ["integer", "null"]},
        "replies": {"type": "array", "items": INT, "description": "Published replies to this document"},
        "text": {"type": ["string", "null"],
                 "description": "Markdown; to all once published, before that to the author and the editors"},
        "appeals": {"type": "array", "items": _ref("BulletinAppeal")}}},
    "BulletinIssue": {"type": "object", "properties": {
        "id": INT, "title": STR, "state": {"type": "string", "enum": ["open", "published"]},
        "body": _ref("BodySummary"), "editors": _SUMMARY, "deadline": {"type": "string", "format": "date-time"},
        "published_at": MOMENT, "pdf": _NULLABLE_STR,
        "docket": {"type": "array", "items": _ref("BulletinSubmission"),
                   "description": "Every submission in the order received"}}},
}


_ISSUE = [_param("issue_id")]
_SUBMISSION = [_param("submission_id")]


def bulletin_paths(op: Callable[..., dict[str, Any]]) -> dict[str, Any]:
    """The bulletin's paths, each operation made by the groupings API's ``op`` (passed in, as
    by_election_paths does, because grouping_openapi imports this module)."""
    return {
        "/api/v1/bulletin": {
            "get": op("Every bulletin issue, latest deadline first", "The issues",
                      {"type": "object", "properties": {"issues": {"type": "array", "items": {"type": "object"}}}}),
            "post": op("Open an issue for submissions (site admins and the body's officers); without a bulletin "
                       "committee the body's CAC members edit", "Opened", _ref("BulletinIssue"),
                       _body({"body": {"type": "string", "description": "the body's address, e.g. nmm"}, "title": STR,
                              "deadline": {"type": "string", "description": "YYYY-MM-DDTHH:MM, UTC"},
                              "editors": {"type": "string", "description": "address of a bulletin committee body"}},
                             ["body", "title", "deadline"]), unsafe=True, status="201")},
        "/api/v1/bulletin/{issue_id}": {
            "get": op("A bulletin issue and its docket: every submission, refusal with its reason, appeal and reply",
                      "The issue", _ref("BulletinIssue"), params=_ISSUE)},
        "/api/v1/bulletin/{issue_id}/submissions": {
            "post": op("Submit a document before the deadline, as yourself or for a grouping you belong to; a reply "
                       "(reply_to_id) only by the grouping or member a published document names", "Submitted",
                       _ref("BulletinSubmission"),
                       _body({"title": STR, "text": STR, "grouping_id": INT, "names_body_id": INT,
                              "names_member_id": INT, "reply_to_id": INT}, ["title", "text"]),
                       params=_ISSUE, unsafe=True, status="201")},
        "/api/v1/bulletin/{issue_id}/publication": {
            "post": op("Publish the issue (editors): every submission not refused or withdrawn; all members are told",
                       "Published", _ref("BulletinIssue"), params=_ISSUE, unsafe=True)},
        "/api/v1/bulletin/submissions/{submission_id}/refusal": {
            "post": op("Refuse a submission (editors), only with a written reason, published in the docket; "
                       "400 without one", "Refused", _ref("BulletinSubmission"), _body({"reason": STR}, ["reason"]),
                       params=_SUBMISSION, unsafe=True)},
        "/api/v1/bulletin/submissions/{submission_id}/withdrawal": {
            "post": op("Withdraw your own submission", "Withdrawn", _ref("BulletinSubmission"), params=_SUBMISSION,
                       unsafe=True)},
        "/api/v1/bulletin/submissions/{submission_id}/appeals": {
            "post": op("Appeal a refusal of your submission, with grounds; the appeal goes in the docket", "Appealed",
                       _ref("BulletinAppeal"), _body({"grounds": STR}, ["grounds"]), params=_SUBMISSION,
                       unsafe=True, status="201")},
        "/api/v1/bulletin/appeals/{appeal_id}/decision": {
            "post": op("Record an appeal's outcome (site admins); upheld puts the document back while the issue "
                       "is open", "Decided", _ref("BulletinAppeal"),
                       _body({"upheld": {"type": "boolean"}, "outcome": STR}, ["upheld", "outcome"]),
                       params=[_param("appeal_id")], unsafe=True)},
    }
