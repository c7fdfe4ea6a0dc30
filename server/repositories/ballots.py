"""Reading and writing ballot rows. Every write that matters for one-vote-each or secrecy is here,
so the rules in ballots/secrecy.py can be checked in one place."""

from __future__ import annotations

import asyncio
from contextlib import asynccontextmanager
from typing import AsyncIterator

from sqlalchemy import delete, func, insert, select, text, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import joinedload, selectinload

from server.db.models import Ballot, BallotBoxEntry, BallotRollEntry, BallotVoted, Member, TellerConfirmation


_SQLITE_WRITERS: dict[str, asyncio.Lock] = {}


@asynccontextmanager
async def one_writer(db: AsyncSession) -> AsyncIterator[None]:
    """On SQLite, let one transaction of this process write at a time: SQLite has one writer anyway, and
    a second connection that finds the file locked sleeps in its busy handler (milliseconds each time)
    instead of queueing. Other processes still meet SQLite's own lock and busy timeout. PostgreSQL
    needs no such thing: its row locks queue writers."""
    if db.bind.dialect.name != "sqlite":
        yield
        return
    lock = _SQLITE_WRITERS.setdefault(str(db.bind.url), asyncio.Lock())
    async with lock:
        yield


async def ballot_by_id(db: AsyncSession, ballot_id: int) -> Ballot | None:
    return (await db.execute(select(Ballot).where(Ballot.id == ballot_id)
                             .options(joinedload(Ballot.body)))).scalar()


async def ballots_of_body(db: AsyncSession, body_id: int) -> list[Ballot]:
    return list((await db.execute(select(Ballot).where(Ballot.body_id == body_id)
                                  .order_by(Ballot.closes_at.desc(), Ballot.id.desc()))).scalars())


async def open_ballots_for(db: AsyncSession, member_id: int) -> list[Ballot]:
    """Open ballots on whose roll the member is (their own vote or a proxy's)."""
    on_roll = select(BallotRollEntry.ballot_id).where(
        (BallotRollEntry.member_id == member_id) | (BallotRollEntry.proxy_id == member_id))
    return list((await db.execute(select(Ballot).where(Ballot.state == "open", Ballot.id.in_(on_roll))
                                  .order_by(Ballot.closes_at))).scalars())


async def roll(db: AsyncSession, ballot_id: int) -> list[BallotRollEntry]:
    return list((await db.execute(
        select(BallotRollEntry).where(BallotRollEntry.ballot_id == ballot_id)
        .options(selectinload(BallotRollEntry.member), selectinload(BallotRollEntry.proxy)))).scalars())


async def roll_entry(db: AsyncSession, ballot_id: int, member_id: int) -> BallotRollEntry | None:
    return await db.get(BallotRollEntry, (ballot_id, member_id))


async def replace_roll(db: AsyncSession, ballot_id: int, weights: dict[int, int]) -> None:
    proxies = dict((await db.execute(select(BallotRollEntry.member_id, BallotRollEntry.proxy_id)
                                     .where(BallotRollEntry.ballot_id == ballot_id))).all())
    await db.execute(delete(BallotRollEntry).where(BallotRollEntry.ballot_id == ballot_id))
    if weights:
        await db.execute(insert(BallotRollEntry), [
            {"ballot_id": ballot_id, "member_id": m, "weight": w, "proxy_id": proxies.get(m)}
            for m, w in sorted(weights.items())])


async def roll_entry_and_mark(db: AsyncSession, ballot_id: int, member_id: int):
    """(roll entry or None, roll mark or None) in one query: the casting path's only reads after the ballot."""
    row = (await db.execute(select(BallotRollEntry, BallotVoted).outerjoin(
        BallotVoted, (BallotVoted.ballot_id == BallotRollEntry.ballot_id) & (BallotVoted.member_id == BallotRollEntry.member_id))
        .where(BallotRollEntry.ballot_id == ballot_id, BallotRollEntry.member_id == member_id))).first()
    return (row[0], row[1]) if row else (None, None)


async def has_voted(db: AsyncSession, ballot_id: int, member_id: int) -> BallotVoted | None:
    return await db.get(BallotVoted, (ballot_id, member_id))


async def voted_member_ids(db: AsyncSession, ballot_id: int) -> set[int]:
    return set((await db.execute(select(BallotVoted.member_id).where(BallotVoted.ballot_id == ballot_id))).scalars())


async def claim_vote_slot(db: AsyncSession, ballot_id: int, now) -> bool:
    """Count one more vote while the ballot is open: the transaction's first write, so on PostgreSQL it
    locks the ballot row against a concurrent close and on SQLite takes the writer's lock at once."""
    result = await db.execute(update(Ballot).where(Ballot.id == ballot_id, Ballot.state == "open",
                                                   Ballot.closes_at > now)
                              .values(voted=Ballot.voted + 1))
    return result.rowcount == 1


async def touch_open_ballot(db: AsyncSession, ballot_id: int, now) -> bool:
    """Lock the open ballot row (for a changed vote) without counting a new voter."""
    result = await db.execute(update(Ballot).where(Ballot.id == ballot_id, Ballot.state == "open",
                                                   Ballot.closes_at > now)
                              .values(voted=Ballot.voted))
    return result.rowcount == 1


async def mark_voted(db: AsyncSession, ballot_id: int, member_id: int, receipt: str | None) -> None:
    """The roll mark; its primary key (ballot, member) refuses a second vote (IntegrityError)."""
    await db.execute(insert(BallotVoted).values(ballot_id=ballot_id, member_id=member_id, receipt=receipt))


async def set_open_receipt(db: AsyncSession, ballot_id: int, member_id: int, receipt: str) -> None:
    await db.execute(update(BallotVoted).where(BallotVoted.ballot_id == ballot_id,
                                               BallotVoted.member_id == member_id).values(receipt=receipt))


async def put_in_box(db: AsyncSession, ballot_id: int, box_id: str, receipt: str, contents: str) -> None:
    await db.execute(insert(BallotBoxEntry).values(id=box_id, ballot_id=ballot_id, receipt=receipt,
                                                   contents=contents))


async def take_from_box(db: AsyncSession, ballot_id: int, receipt: str) -> bool:
    result = await db.execute(delete(BallotBoxEntry).where(BallotBoxEntry.ballot_id == ballot_id,
                                                           BallotBoxEntry.receipt == receipt))
    return result.rowcount == 1


async def box(db: AsyncSession, ballot_id: int) -> list[BallotBoxEntry]:
    """The ballot box, ordered by its random key (never by storage order)."""
    return list((await db.execute(select(BallotBoxEntry).where(BallotBoxEntry.ballot_id == ballot_id)
                                  .order_by(BallotBoxEntry.id))).scalars())


async def receipts(db: AsyncSession, ballot_id: int) -> set[str]:
    return set((await db.execute(select(BallotBoxEntry.receipt)
                                 .where(BallotBoxEntry.ballot_id == ballot_id))).scalars())


async def open_voters(db: AsyncSession, ballot_id: int) -> dict[str, str]:
    """In an open ballot: receipt -> voter's name."""
    rows = await db.execute(select(BallotVoted.receipt, Member.name).join(Member, Member.id == BallotVoted.member_id)
                            .where(BallotVoted.ballot_id == ballot_id, BallotVoted.receipt.is_not(None)))
    return {receipt: name for receipt, name in rows.all()}


async def turnout(db: AsyncSession, ballot_id: int) -> tuple[int, int, str]:
    """(voted, on the roll, state): a count of roll marks, never a list."""
    row = (await db.execute(select(Ballot.voted, Ballot.state).where(Ballot.id == ballot_id))).first()
    if row is None:
        return 0, 0, ""
    on_roll = (await db.execute(select(func.count()).select_from(BallotRollEntry)
                                .where(BallotRollEntry.ballot_id == ballot_id))).scalar_one()
    return row.voted, on_roll, row.state


async def close(db: AsyncSession, ballot_id: int, reason: str) -> bool:
    result = await db.execute(update(Ballot).where(Ballot.id == ballot_id, Ballot.state == "open")
                              .values(state="closed", close_reason=reason))
    return result.rowcount == 1


async def rewrite_in_key_order(db: AsyncSession) -> None:
    """PostgreSQL keeps rows in insertion order: rewrite the box and the roll marks in key order
    (ballots/secrecy.py rule 5). SQLite's WITHOUT ROWID tables are always in key order."""
    if db.bind.dialect.name == "postgresql":
        await db.execute(text("CLUSTER ballot_box USING pk_ballot_box"))
        await db.execute(text("CLUSTER ballot_voted USING pk_ballot_voted"))


async def confirmations(db: AsyncSession, ballot_id: int) -> list[TellerConfirmation]:
    return list((await db.execute(select(TellerConfirmation).where(TellerConfirmation.ballot_id == ballot_id)
                                  .options(selectinload(TellerConfirmation.teller)))).scalars())


async def clear_confirmations(db: AsyncSession, ballot_id: int) -> None:
    await db.execute(delete(TellerConfirmation).where(TellerConfirmation.ballot_id == ballot_id))
