"""Ballot notices (issue 7): when a ballot opens, and when its result is published, every
member on its roll hears of it the way they chose for ballots (in the app, the daily digest,
or each by email at once; server/services/notices.py).

The ballots service calls these at the end of ``open_ballot`` and of ``count_and_publish``,
after its own commit: a notice or a mail that fails never undoes the ballot action.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from server.db.models import Ballot, BallotRollEntry
from server.services.notices import add_notices, deliver_now


async def _roll(db: AsyncSession, ballot_id: int) -> list[int]:
    found = await db.execute(select(BallotRollEntry.member_id).where(BallotRollEntry.ballot_id == ballot_id)
                             .order_by(BallotRollEntry.member_id))
    return list(found.scalars().all())


async def _tell_roll(db: AsyncSession, ballot: Ballot, title: str, link: str) -> int:
    members = await _roll(db, ballot.id)
    if not members:
        return 0
    add_notices(db, members, "ballot", title, link)
    await db.commit()
    await deliver_now(db)
    return len(members)


async def ballot_opened(db: AsyncSession, ballot: Ballot) -> int:
    """Tell each member on the frozen roll that voting is open, and until when; returns how many."""
    closes = ballot.closes_at.strftime("%d %B %Y %H:%M")
    return await _tell_roll(db, ballot, f"Ballot open: {ballot.title} (until {closes} UTC)", f"/ballots/{ballot.id}")


async def result_published(db: AsyncSession, ballot: Ballot) -> int:
    """Tell each member on the roll that the result is published; returns how many."""
    return await _tell_roll(db, ballot, f"Result published: {ballot.title}", f"/ballots/{ballot.id}/result")
