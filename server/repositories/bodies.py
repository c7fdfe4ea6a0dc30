"""Bodies, memberships, positions and holdings."""

from __future__ import annotations

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from server.db.models import Body, Holding, Member, Membership, Position


def _detail():
    return (
        selectinload(Body.parent),
        selectinload(Body.memberships).selectinload(Membership.member),
        selectinload(Body.positions).selectinload(Position.holdings).selectinload(Holding.member),
        selectinload(Body.positions).selectinload(Position.holdings).selectinload(Holding.elected_by),
        selectinload(Body.positions).selectinload(Position.elected_by),
    )


async def by_slug(db: AsyncSession, slug: str) -> Body | None:
    result = await db.execute(select(Body).where(Body.slug == slug).options(*_detail()))
    return result.scalar_one_or_none()


async def by_id(db: AsyncSession, body_id: int) -> Body | None:
    result = await db.execute(select(Body).where(Body.id == body_id).options(*_detail()))
    return result.scalar_one_or_none()


async def all_bodies(db: AsyncSession) -> list[Body]:
    result = await db.execute(select(Body).order_by(Body.kind, Body.name))
    return list(result.scalars())


async def slugs(db: AsyncSession) -> dict[str, Body]:
    return {body.slug: body for body in await all_bodies(db)}


async def memberships_of(db: AsyncSession, member_id: int) -> list[Membership]:
    result = await db.execute(
        select(Membership)
        .join(Membership.body)
        .where(Membership.member_id == member_id)
        .options(selectinload(Membership.body))
        .order_by(Body.kind, Body.name)
    )
    return list(result.scalars())


async def membership(db: AsyncSession, member_id: int, body_id: int) -> Membership | None:
    result = await db.execute(
        select(Membership).where(Membership.member_id == member_id, Membership.body_id == body_id)
    )
    return result.scalar_one_or_none()


async def delete_membership(db: AsyncSession, member_id: int, body_id: int) -> int:
    result = await db.execute(
        delete(Membership).where(Membership.member_id == member_id, Membership.body_id == body_id)
    )
    return result.rowcount


async def positions_in(db: AsyncSession, body_ids: list[int]) -> list[Position]:
    result = await db.execute(
        select(Position)
        .where(Position.body_id.in_(body_ids))
        .options(
            selectinload(Position.body),
            selectinload(Position.elected_by),
            selectinload(Position.holdings).selectinload(Holding.member),
            selectinload(Position.holdings).selectinload(Holding.elected_by),
        )
        .order_by(Position.body_id, Position.id)
    )
    return list(result.scalars())


async def holding_by_id(db: AsyncSession, holding_id: int) -> Holding | None:
    result = await db.execute(
        select(Holding).where(Holding.id == holding_id).options(selectinload(Holding.position))
    )
    return result.scalar_one_or_none()


async def members_by_ids(db: AsyncSession, ids: list[int]) -> list[Member]:
    result = await db.execute(select(Member).where(Member.id.in_(ids)))
    return list(result.scalars())


async def holdings_of_position(db: AsyncSession, position_id: int) -> list[Holding]:
    result = await db.execute(select(Holding).where(Holding.position_id == position_id).order_by(Holding.id))
    return list(result.scalars())
