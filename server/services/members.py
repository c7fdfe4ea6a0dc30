"""Creating and listing members: site admins only."""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from server.auth import passwords
from server.db.models import Member, MemberIdentity
from server.repositories import members as member_rows
from server.services.errors import Conflict, Forbidden, Invalid
from server.services.permissions import can_administer
from server.settings import Settings

#: one "@", something either side, a dot in the domain: enough to catch typing slips
EMAIL_SHAPE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
MAX_TAG_LENGTH = 80


@dataclass(frozen=True)
class NewMember:
    name: str
    email: str
    password: str
    identities: tuple[str, ...] = ()
    is_site_admin: bool = False


def require_admin(actor: Member) -> None:
    if not can_administer(actor):
        raise Forbidden("Only site admins can do this.")


def problems_with(new: NewMember) -> dict[str, str]:
    """Field name -> what is wrong, for everything checkable without the database."""
    problems: dict[str, str] = {}
    if not new.name.strip():
        problems["name"] = "A name is needed."
    elif len(new.name) > 200:
        problems["name"] = "Names can be at most 200 characters."
    if not EMAIL_SHAPE.match(new.email.strip()):
        problems["email"] = f"{new.email.strip() or 'An empty value'} is not an email address."
    problem = passwords.password_problem(new.password)
    if problem:
        problems["password"] = problem
    for tag in new.identities:
        if len(tag) > MAX_TAG_LENGTH:
            problems["identities"] = f"Self-identifications can be at most {MAX_TAG_LENGTH} characters."
    return problems


def parse_identities(raw: str) -> tuple[str, ...]:
    """"woman; members of colour" -> ("woman", "members of colour"), without repeats."""
    seen: dict[str, None] = {}
    for part in re.split(r"[;,]", raw):
        tag = part.strip()
        if tag:
            seen.setdefault(tag, None)
    return tuple(seen)


async def create_member(db: AsyncSession, settings: Settings, actor: Member, new: NewMember) -> Member:
    require_admin(actor)
    problems = problems_with(new)
    if problems:
        raise Invalid("The member was not created: " + " ".join(problems.values()), problems)
    if await member_rows.by_email(db, new.email):
        raise Conflict(
            f"A member with the email {new.email.strip()} already exists.",
            {"email": "Already used by another member."},
        )
    member = member_rows.add(
        db,
        name=new.name.strip(),
        email=new.email,
        password_hash=passwords.hash_password(settings, new.password),
        identities=list(new.identities),
        is_site_admin=new.is_site_admin,
    )
    await db.commit()
    return member


async def list_members(db: AsyncSession, actor: Member) -> list[Member]:
    require_admin(actor)
    return await member_rows.all_members(db)


async def set_own_identities(db: AsyncSession, actor: Member, tags: tuple[str, ...]) -> list[str]:
    """Replace the actor's own self-identifications. Only the member changes or reads them
    (site admins may set them when creating or importing a member, but never read them back)."""
    for tag in tags:
        if len(tag) > MAX_TAG_LENGTH:
            raise Invalid(f"Each self-identification can be at most {MAX_TAG_LENGTH} characters.",
                          {"identities": f"At most {MAX_TAG_LENGTH} characters each."})
    member = await member_rows.by_id(db, actor.id)
    kept = {identity.tag: identity for identity in member.identities}  # (member, tag) is unique
    member.identities = [kept.get(tag) or MemberIdentity(tag=tag) for tag in tags]
    await db.commit()
    return list(tags)
