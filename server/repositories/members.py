"""Members and their self-identifications."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from server.db.models import Member, MemberIdentity, Membership


def email_key(email: str) -> str:
    return email.strip().lower()


def _with_relations():
    return (
        selectinload(Member.identities),
        selectinload(Member.memberships).selectinload(Membership.body),
    )


async def by_id(db: AsyncSession, member_id: int) -> Member | None:
    result = await db.execute(select(Member).where(Member.id == member_id).options(*_with_relations()))
    return result.scalar_one_or_none()


async def by_email(db: AsyncSession, email: str) -> Member | None:
    result = await db.execute(
        select(Member).where(Member.email_key == email_key(email)).options(*_with_relations())
    )
    return result.scalar_one_or_none()


async def existing_email_keys(db: AsyncSession, keys: list[str]) -> set[str]:
    if not keys:
        return set()
    result = await db.execute(select(Member.email_key).where(Member.email_key.in_(keys)))
    return set(result.scalars())


async def all_members(db: AsyncSession) -> list[Member]:
    result = await db.execute(select(Member).order_by(Member.name).options(*_with_relations()))
    return list(result.scalars())


async def count(db: AsyncSession) -> int:
    return (await db.execute(select(func.count(Member.id)))).scalar_one()


def add(db: AsyncSession, *, name: str, email: str, password_hash: str, identities: list[str],
        is_site_admin: bool = False) -> Member:
    member = Member(
        name=name,
        email=email.strip(),
        email_key=email_key(email),
        password_hash=password_hash,
        is_site_admin=is_site_admin,
        session_version=1,
        identities=[MemberIdentity(tag=tag) for tag in identities],
        memberships=[],
    )
    db.add(member)
    return member
