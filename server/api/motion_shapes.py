"""How meetings, motions, amendments, posts and notifications look in JSON
(server/api/motion_openapi.py describes the same shapes)."""

from __future__ import annotations

from typing import Any

from server.api.shapes import body_summary, member_summary
from server.db.models import (
    Amendment,
    Meeting,
    Motion,
    MotionEvent,
    MotionVersion,
    Notification,
    Post,
)


def _moment(value) -> str | None:
    return value.isoformat() if value else None


def meeting(meeting: Meeting) -> dict[str, Any]:
    return {
        "id": meeting.id, "title": meeting.title, "body": body_summary(meeting.body),
        "held_on": meeting.held_on.isoformat(), "motions_deadline": _moment(meeting.motions_deadline),
        "amendments_deadline": _moment(meeting.amendments_deadline),
        "supporters_needed": meeting.supporters_needed,
        "cac_body": body_summary(meeting.cac_body) if meeting.cac_body else None,
    }


def motion_summary(motion: Motion, title: str) -> dict[str, Any]:
    return {"id": motion.id, "meeting_id": motion.meeting_id, "kind": motion.kind, "state": motion.state,
            "title": title, "version_number": motion.version_number, "is_emergency": motion.is_emergency}


def version(version: MotionVersion) -> dict[str, Any]:
    return {"number": version.number, "title": version.title, "text": version.text, "argument": version.argument,
            "note": version.note, "created_by": member_summary(version.created_by),
            "created_at": _moment(version.created_at)}


def event(event: MotionEvent) -> dict[str, Any]:
    return {"at": _moment(event.at), "actor": member_summary(event.actor) if event.actor else None,
            "action": event.action, "from_state": event.from_state, "to_state": event.to_state,
            "reason": event.reason, "amendment_id": event.amendment_id}


def motion_detail(motion: Motion, current: MotionVersion, events: list[MotionEvent],
                  show_invitations: bool) -> dict[str, Any]:
    return {
        **motion_summary(motion, current.title),
        "current_version": version(current),
        "emergency_accepted": motion.emergency_accepted,
        "ruling_reason": motion.ruling_reason,
        "on_behalf_of": body_summary(motion.on_behalf_of) if motion.on_behalf_of else None,
        "branch_vote": motion.branch_vote,
        "authors": [{"member": member_summary(a.member), "role": a.role, "accepted": a.accepted_at is not None}
                    for a in motion.authors if a.accepted_at is not None or show_invitations],
        "supporters": [member_summary(s.member) for s in motion.supporters],
        "submitted_at": _moment(motion.submitted_at),
        "events": [event(e) for e in events],
    }


def amendment(amendment: Amendment, conflicts: list[tuple[int, str]] | None = None) -> dict[str, Any]:
    return {
        "id": amendment.id, "motion_id": amendment.motion_id, "number": amendment.number,
        "operation": amendment.operation, "passage": amendment.passage, "occurrence": amendment.occurrence,
        "after_clause": amendment.after_clause,
        "replacement": amendment.replacement, "argument": amendment.argument, "state": amendment.state,
        "position": amendment.position, "reason": amendment.reason,
        "mover": member_summary(amendment.created_by),
        "supporters": [member_summary(s.member) for s in amendment.supporters],
        "conflicts_with": [number for number, _ in conflicts or []],
        "conflicts": [{"number": number, "reason": reason} for number, reason in conflicts or []],
    }


def post(post: Post, may_read_hidden: bool) -> dict[str, Any]:
    hidden = post.hidden_at is not None
    shape: dict[str, Any] = {
        "id": post.id, "motion_id": post.motion_id, "amendment_id": post.amendment_id, "parent_id": post.parent_id,
        "author": member_summary(post.author), "created_at": _moment(post.created_at),
        "edited_at": _moment(post.edited_at), "hidden": hidden,
    }
    if hidden:
        shape["hidden_reason"] = post.hidden_reason
        shape["hidden_by"] = member_summary(post.hidden_by) if post.hidden_by else None
    if not hidden or may_read_hidden:
        shape.update(body=post.body, body_html=post.body_html, quote=post.quote)
    return shape


def notification(item: Notification) -> dict[str, Any]:
    return {"id": item.id, "motion_id": item.motion_id, "post_id": item.post_id, "text": item.text,
            "link": item.link, "created_at": _moment(item.created_at), "read": item.read_at is not None}
