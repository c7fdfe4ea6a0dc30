"""How each resource looks in JSON (the OpenAPI document describes the same shapes)."""

from __future__ import annotations

from typing import Any

from server.db.models import Body, Holding, Member, Membership, Position
from server.services.positions import is_current


def member_summary(member: Member) -> dict[str, Any]:
    return {"id": member.id, "name": member.name}


def member_private(member: Member) -> dict[str, Any]:
    """What a member sees of themselves, and what site admins see: includes identities."""
    return {
        "id": member.id,
        "name": member.name,
        "email": member.email,
        "is_site_admin": member.is_site_admin,
        "identities": [identity.tag for identity in member.identities],
        "memberships": [membership_of_member(m) for m in member.memberships],
    }


def membership_of_member(membership: Membership) -> dict[str, Any]:
    return {"body": body_summary(membership.body), "role": membership.role}


def body_summary(body: Body) -> dict[str, Any]:
    return {"id": body.id, "slug": body.slug, "name": body.name, "kind": body.kind}


def holding(holding: Holding) -> dict[str, Any]:
    return {
        "id": holding.id,
        "member": member_summary(holding.member),
        "elected_by_id": holding.elected_by_id,
        "starts_on": holding.starts_on.isoformat(),
        "ends_on": holding.ends_on.isoformat() if holding.ends_on else None,
        "current": is_current(holding),
    }


def position(position: Position) -> dict[str, Any]:
    return {
        "id": position.id,
        "body_id": position.body_id,
        "title": position.title,
        "filled_by": position.filled_by,
        "seats": position.seats,
        "term_months": position.term_months,
        "elected_by": body_summary(position.elected_by),
        "holders": [holding(h) for h in position.holdings],
    }


def body_detail(body: Body) -> dict[str, Any]:
    return {
        **body_summary(body),
        "description": body.description,
        "parent": body_summary(body.parent) if body.parent else None,
        "members": [
            {"member": member_summary(m.member), "role": m.role}
            for m in sorted(body.memberships, key=lambda m: m.member.name)
        ],
        "positions": [position(p) for p in body.positions],
    }
