"""Ballot notices (issue 7): when a ballot opens, and when its result is published, every
member on its roll hears of it the way they chose for ballots (in the app, the daily digest,
or each by email at once; server/services/notices.py).

The ballots service calls these at the end of ``open_ballot`` and of ``count_and_publish``,
after its own commit: a notice or a mail that fails never undoes the ballot action.

The result notice carries the ballots digest, the spec fingerprint and the audit head, so every
member holds a copy outside the database: ``plenary verify --record … --digest`` and
``plenary audit verify --head`` check against these, not against values an intruder could rewrite.
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


#: a notice's title holds at most this many characters (``notices.add_notices``)
TITLE_LIMIT = 400


def published_values(ballot: Ballot) -> str:
    """"ballots digest …; spec fingerprint …; audit head …" in full, for the notice (those the ballot has)."""
    values = (("ballots digest", ballot.ballots_digest), ("spec fingerprint", ballot.fingerprint),
              ("audit head", ballot.audit_head))
    return "; ".join(f"{label} {value}" for label, value in values if value)


def result_title(ballot: Ballot) -> str:
    """The result notice's title; a long ballot title is shortened so the values always arrive whole."""
    values = published_values(ballot)
    tail = f" ({values})" if values else ""
    title = " ".join(ballot.title.split())
    room = TITLE_LIMIT - len("Result published: ") - len(tail)
    if len(title) > room:
        title = title[:room - 1].rstrip() + "…"
    return f"Result published: {title}{tail}"


async def result_published(db: AsyncSession, ballot: Ballot) -> int:
    """Tell each member on the roll that the result is published, with the values to check it by; returns
    how many."""
    return await _tell_roll(db, ballot, result_title(ballot), f"/ballots/{ballot.id}/result")
