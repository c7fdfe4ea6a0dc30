"""Bodies and who belongs to them."""

from __future__ import annotations

import re

from sqlalchemy.ext.asyncio import AsyncSession

from server.db.models import BODY_KINDS, ROLES, Body, Member, Membership
from server.repositories import bodies as body_rows
from server.repositories import members as member_rows
from server.services.errors import Conflict, Forbidden, Invalid, NotFound
from server.services.members import require_admin
from server.services.permissions import can_manage_body, can_see_body

SLUG_SHAPE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")

KIND_LABELS = {
    "national_members_meeting": "National members' meeting",
    "steering_committee": "Steering committee",
    "branch": "Branch",
    "caucus": "Caucus",
    "fraction": "Fraction",
    "faction": "Faction",
    "platform": "Platform",
    "complaints_group": "Complaints group",
}
ROLE_LABELS = {"member": "Member", "officer": "Officer", "cac_member": "CAC member", "teller": "Teller"}


def slugify(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:80]


async def create_body(db: AsyncSession, actor: Member, *, name: str, kind: str, slug: str = "",
                      parent_slug: str = "", description: str = "") -> Body:
    require_admin(actor)
    name, slug = name.strip(), (slug.strip() or slugify(name))
    problems: dict[str, str] = {}
    if not name:
        problems["name"] = "A name is needed."
    if kind not in BODY_KINDS:
        problems["kind"] = f"Choose one of: {', '.join(KIND_LABELS.values())}."
    if not SLUG_SHAPE.match(slug):
        problems["slug"] = "Use lower-case letters, digits and single hyphens."
    parent = None
    if parent_slug:
        parent = await body_rows.by_slug(db, parent_slug)
        if parent is None:
            problems["parent"] = f"There is no body {parent_slug!r}."
    if problems:
        raise Invalid("The body was not created: " + " ".join(problems.values()), problems)
    if await body_rows.by_slug(db, slug):
        raise Conflict(f"A body with the address {slug!r} already exists.", {"slug": "Already used."})
    body = Body(name=name, slug=slug, kind=kind, description=description.strip(),
                parent_id=parent.id if parent else None)
    db.add(body)
    await db.commit()
    return body


async def bodies_of(db: AsyncSession, member: Member) -> list[Membership]:
    """The member's memberships with their bodies, for the home page."""
    return await body_rows.memberships_of(db, member.id)


async def visible_bodies(db: AsyncSession, member: Member) -> list[Body]:
    return [body for body in await body_rows.all_bodies(db) if can_see_body(member, body)]


async def body_for(db: AsyncSession, member: Member, *, slug: str | None = None,
                   body_id: int | None = None) -> Body:
    """A body with its members and positions, if the member may see it; else NotFound."""
    body = await (body_rows.by_slug(db, slug) if slug is not None else body_rows.by_id(db, body_id))
    if body is None or not can_see_body(member, body):
        raise NotFound("There is no such body, or you are not a member of it.")
    return body


async def _managed_body(db: AsyncSession, actor: Member, body_id: int) -> Body:
    body = await body_for(db, actor, body_id=body_id)
    if not can_manage_body(actor, body):
        raise Forbidden(f"Only officers of {body.name} and site admins can change its members.")
    return body


async def add_membership(db: AsyncSession, actor: Member, body_id: int, email: str, role: str) -> Membership:
    body = await _managed_body(db, actor, body_id)
    if role not in ROLES:
        raise Invalid(f"{role!r} is not a role.", {"role": f"Choose one of: {', '.join(ROLE_LABELS.values())}."})
    member = await member_rows.by_email(db, email)
    if member is None:
        raise Invalid(f"There is no member with the email {email.strip()!r}.", {"email": "No such member."})
    existing = await body_rows.membership(db, member.id, body.id)
    if existing is not None:
        if existing.role == role:
            raise Conflict(f"{member.name} is already a {ROLE_LABELS[role].lower()} of {body.name}.")
        existing.role = role
        await db.commit()
        return existing
    membership = Membership(member_id=member.id, body_id=body.id, role=role)
    db.add(membership)
    await db.commit()
    return membership


async def remove_membership(db: AsyncSession, actor: Member, body_id: int, member_id: int) -> None:
    body = await _managed_body(db, actor, body_id)
    if not await body_rows.delete_membership(db, member_id, body.id):
        raise NotFound(f"That member is not in {body.name}.")
    await db.commit()


async def change_role(db: AsyncSession, actor: Member, body_id: int, member_id: int, role: str) -> Membership:
    """Change the role of someone already in the body (officers of the body and site admins)."""
    body = await _managed_body(db, actor, body_id)
    if role not in ROLES:
        raise Invalid(f"{role!r} is not a role.", {"role": f"Choose one of: {', '.join(ROLE_LABELS.values())}."})
    membership = await body_rows.membership(db, member_id, body.id)
    if membership is None:
        raise NotFound(f"That member is not in {body.name}.")
    membership.role = role
    await db.commit()
    return membership
