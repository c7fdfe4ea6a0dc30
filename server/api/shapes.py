"""How each resource looks in JSON (the OpenAPI document describes the same shapes)."""

from __future__ import annotations

from typing import Any

from server.db.models import Body, Holding, Member, Membership, Position
from server.services.positions import can_start_recall, is_current


def member_summary(member: Member) -> dict[str, Any]:
    return {"id": member.id, "name": member.name}


def member_admin(member: Member) -> dict[str, Any]:
    """What site admins see of a member: never their self-identifications."""
    return {
        "id": member.id,
        "name": member.name,
        "email": member.email,
        "is_site_admin": member.is_site_admin,
        "memberships": [membership_of_member(m) for m in member.memberships],
    }


def member_private(member: Member) -> dict[str, Any]:
    """What a member sees of themselves: also their self-identifications."""
    return {**member_admin(member), "identities": [identity.tag for identity in member.identities]}


def membership_of_member(membership: Membership) -> dict[str, Any]:
    return {"body": body_summary(membership.body), "role": membership.role}


def body_summary(body: Body) -> dict[str, Any]:
    return {"id": body.id, "slug": body.slug, "name": body.name, "kind": body.kind}


def holding(holding: Holding, viewer: Member) -> dict[str, Any]:
    """A holding, with who may recall it (DOMAIN: the body that elected the holder) and
    whether the viewer is one of them."""
    return {
        "id": holding.id,
        "member": member_summary(holding.member),
        "elected_by_id": holding.elected_by_id,
        "recallable_by": body_summary(holding.elected_by),
        "starts_on": holding.starts_on.isoformat(),
        "ends_on": holding.ends_on.isoformat() if holding.ends_on else None,
        "current": is_current(holding),
        "can_start_recall": can_start_recall(viewer, holding),
    }


def position(position: Position, viewer: Member) -> dict[str, Any]:
    return {
        "id": position.id,
        "body_id": position.body_id,
        "title": position.title,
        "filled_by": position.filled_by,
        "seats": position.seats,
        "term_months": position.term_months,
        "elected_by": body_summary(position.elected_by),
        "holders": [holding(h, viewer) for h in position.holdings],
    }


def body_detail(body: Body, viewer: Member) -> dict[str, Any]:
    return {
        **body_summary(body),
        "description": body.description,
        "parent": body_summary(body.parent) if body.parent else None,
        "members": [
            {"member": member_summary(m.member), "role": m.role}
            for m in sorted(body.memberships, key=lambda m: m.member.name)
        ],
        "positions": [position(p, viewer) for p in body.positions],
    }
