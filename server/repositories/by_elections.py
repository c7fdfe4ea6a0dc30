"""The SQL of by-elections: loading one with what its page shows, its nominations, who
belongs to the electing body, and deciding it exactly once."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from server.db.models import Body, Holding, Member, Membership, Position
from server.db.models_groupings import ByElection, Nomination
from server.services.permissions import OPEN_TO_ALL_MEMBERS


async def by_id(db: AsyncSession, by_election_id: int) -> ByElection | None:
    found = await db.execute(select(ByElection).options(
        selectinload(ByElection.body),
        selectinload(ByElection.position).selectinload(Position.body),
        selectinload(ByElection.vacated_holding).selectinload(Holding.member),
        selectinload(ByElection.holding).selectinload(Holding.member),
        selectinload(ByElection.nominations).selectinload(Nomination.nominee),
        selectinload(ByElection.nominations).selectinload(Nomination.nominated_by),
    ).where(ByElection.id == by_election_id).execution_options(populate_existing=True))
    return found.scalars().first()


async def nomination_by_id(db: AsyncSession, nomination_id: int) -> Nomination | None:
    found = await db.execute(select(Nomination).options(selectinload(Nomination.nominee))
                             .where(Nomination.id == nomination_id).execution_options(populate_existing=True))
    return found.scalars().first()


async def of_body(db: AsyncSession, body_id: int) -> list[ByElection]:
    """By-elections the body holds, or for posts on it, newest first."""
    found = await db.execute(select(ByElection).options(
        selectinload(ByElection.position).selectinload(Position.body), selectinload(ByElection.body),
        selectinload(ByElection.vacated_holding).selectinload(Holding.member),
        selectinload(ByElection.holding).selectinload(Holding.member))
        .where(or_(ByElection.body_id == body_id, ByElection.position.has(Position.body_id == body_id)))
        .order_by(ByElection.id.desc()))
    return list(found.scalars().all())


async def belongs(db: AsyncSession, member_id: int, body: Body) -> bool:
    """On the body's roll: every member for the national members' meeting (as the ballots
    service freezes its roll), otherwise a membership of the body."""
    if body.kind in OPEN_TO_ALL_MEMBERS:
        return await db.get(Member, member_id) is not None
    found = await db.execute(select(Membership.id).where(Membership.member_id == member_id,
                                                         Membership.body_id == body.id))
    return found.first() is not None


async def members_of(db: AsyncSession, body: Body) -> list[Member]:
    """Who may be nominated, by name (the nomination form's choices)."""
    query = select(Member).order_by(Member.name, Member.id)
    if body.kind not in OPEN_TO_ALL_MEMBERS:
        query = query.join(Membership, Membership.member_id == Member.id).where(Membership.body_id == body.id)
    return list((await db.execute(query)).scalars().all())


async def move(db: AsyncSession, by_election_id: int, from_state: str, to_state: str,
               decided_at: datetime | None = None) -> bool:
    """Move a by-election from one state to the next in one guarded update; False when another
    request moved it first, so one election ballot is set up and one winner recorded however
    many people act or look together."""
    values: dict = {"state": to_state}
    if decided_at is not None:
        values["decided_at"] = decided_at
    moved = await db.execute(update(ByElection).where(ByElection.id == by_election_id, ByElection.state == from_state)
                             .values(**values))
    return moved.rowcount == 1
