"""Reading and writing ballot rows. Every write that matters for one-vote-each or secrecy is here,
so the rules in ballots/secrecy.py can be checked in one place."""

from __future__ import annotations

import asyncio
import logging
import weakref
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import date, datetime
from typing import AsyncIterator, Collection

from sqlalchemy import delete, func, insert, select, text, update
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session, joinedload, selectinload

from server.db.models import (Ballot, BallotBoxEntry, BallotRollEntry, BallotVoted, Holding, Member, Membership,
                              Position, TellerConfirmation)

log = logging.getLogger("plenary")


#: per event loop (a lock belongs to one loop; tests and restarts run several), per database file
_SQLITE_WRITERS: "weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, dict[str, asyncio.Lock]]" = (
    weakref.WeakKeyDictionary())


@asynccontextmanager
async def one_writer(db: AsyncSession) -> AsyncIterator[None]:
    """On SQLite, let one transaction of this process write at a time: SQLite has one writer anyway, and
    a second connection that finds the file locked sleeps in its busy handler (milliseconds each time)
    instead of queueing. Other processes still meet SQLite's own lock and busy timeout. PostgreSQL
    needs no such thing: its row locks queue writers."""
    if db.bind.dialect.name != "sqlite":
        yield
        return
    locks = _SQLITE_WRITERS.setdefault(asyncio.get_running_loop(), {})
    async with locks.setdefault(str(db.bind.url), asyncio.Lock()):
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


async def has_voted(db: AsyncSession, ballot_id: int, member_id: int) -> BallotVoted | None:
    return await db.get(BallotVoted, (ballot_id, member_id))


async def voted_member_ids(db: AsyncSession, ballot_id: int) -> set[int]:
    return set((await db.execute(select(BallotVoted.member_id).where(BallotVoted.ballot_id == ballot_id))).scalars())


@dataclass(frozen=True)
class RollLine:
    """A voter's roll entry, name and roll mark, as the casting round reads them."""

    member_id: int
    weight: int
    proxy_id: int | None
    name: str
    voted: bool
    receipt: str | None


def roll_lines(session: Session, ballot_id: int, member_ids: Collection[int]) -> dict[int, RollLine]:
    """The roll lines of these members (absent: not on the roll), in one query for a whole round.

    Each member's roll mark is looked up by its whole key (a subquery per line), not joined: a join left
    the plan to PostgreSQL's statistics, which while a ballot fills describe a table of a few dozen marks,
    and it then read every mark of the ballot in every round (a round took longer with every vote cast)."""
    mark = (select(func.coalesce(BallotVoted.receipt, ""))
            .where(BallotVoted.ballot_id == ballot_id, BallotVoted.member_id == BallotRollEntry.member_id)
            .scalar_subquery())
    rows = session.execute(
        select(BallotRollEntry.member_id, BallotRollEntry.weight, BallotRollEntry.proxy_id, Member.name, mark)
        .join(Member, Member.id == BallotRollEntry.member_id)
        .where(BallotRollEntry.ballot_id == ballot_id, BallotRollEntry.member_id.in_(sorted(member_ids))))
    # the subquery gives no row (None) when there is no mark; "" for a mark without a receipt (a secret ballot)
    return {member: RollLine(member, weight, proxy, name, found is not None, found or None)
            for member, weight, proxy, name, found in rows}


def lock_open_ballot(session: Session, ballot_id: int, fingerprint: str, now, facts: str | None = None) -> bool:
    """Whether the ballot is open, with this fixed spec, until after ``now``: the first write of a round
    of votes or of a changed vote, so
    on PostgreSQL it locks the ballot row against a concurrent close (and a second worker's round) and on
    SQLite it takes the writer's lock at once. ``facts``: the count facts the votes were checked against
    (``Ballot.count_facts`` as read); a candidate withdrawn since makes the round find the ballot changed.
    None: not compared (a caller that does not read them)."""
    guard = [Ballot.id == ballot_id, Ballot.state == "open", Ballot.fingerprint == fingerprint, Ballot.closes_at > now]
    if facts is not None:
        guard.append(Ballot.count_facts == facts)
    result = session.execute(update(Ballot).where(*guard)
                             .values(voted=Ballot.voted).execution_options(synchronize_session=False))
    return result.rowcount == 1


async def update_unchanged(db: AsyncSession, ballot_id: int, states: Collection[str], facts_read: str,
                           **values) -> bool:
    """Write ``values`` to the ballot's row if it is in one of ``states`` and its count facts are still as
    read: one guarded update, so of two writers at once (two withdrawals, two casting votes, a "count
    again" beside a casting vote) one writes and the other finds it changed, and a count that read the
    facts before a casting vote never writes over it. The ballot row's lock, taken first as every ballot
    write does."""
    result = await db.execute(update(Ballot).where(Ballot.id == ballot_id, Ballot.state.in_(sorted(states)),
                                                   Ballot.count_facts == facts_read).values(**values))
    return result.rowcount == 1


def record_votes(session: Session, ballot_id: int, marks: list[tuple[int, str | None, str | None]],
                 papers: list[tuple[str, str, str]]) -> None:
    """A round's roll marks (member, receipt in an open ballot, change check in a secret one that allows
    changes) and papers (random id, receipt, contents), each table written in its own key order, and the
    ballot's count of voters. Marks before papers, the order the close's ``rewrite_in_key_order`` takes
    them in too. On PostgreSQL the round's marks and papers share its ``xmin`` (and sit together in the
    heap) until that rewrite: while a ballot is open a round's voters and papers are linked as a group."""
    session.execute(insert(BallotVoted.__table__), [
        {"ballot_id": ballot_id, "member_id": member, "receipt": receipt, "change_check": check}
        for member, receipt, check in sorted(marks)])
    session.execute(insert(BallotBoxEntry.__table__), [
        {"id": key, "ballot_id": ballot_id, "receipt": receipt, "contents": contents}
        for key, receipt, contents in sorted(papers)])
    session.execute(update(Ballot).where(Ballot.id == ballot_id).values(voted=Ballot.voted + len(marks))
                    .execution_options(synchronize_session=False))


async def rebind_mark(db: AsyncSession, ballot_id: int, member_id: int, *, secret: bool, was: str,
                      now: str) -> bool:
    """Bind this voter's roll mark to a new paper if it is bound to ``was`` now: by its change check in a
    secret ballot, by its receipt in an open one (ballots/secrecy.py rule 5). One guarded update, so a
    receipt that is not this voter's current one changes nothing (False)."""
    column = BallotVoted.change_check if secret else BallotVoted.receipt
    result = await db.execute(update(BallotVoted).where(BallotVoted.ballot_id == ballot_id,
                                                        BallotVoted.member_id == member_id, column == was)
                              .values({column.key: now}))
    return result.rowcount == 1


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


async def close(db: AsyncSession, ballot_id: int, reason: str, closed_at: datetime | None = None) -> bool:
    """Close the open ballot and clear its roll marks' change checks: votes can no longer change, and once
    the receipts are published not even the server's key could then match a mark to a paper."""
    result = await db.execute(update(Ballot).where(Ballot.id == ballot_id, Ballot.state == "open")
                              .values(state="closed", close_reason=reason, closed_at=closed_at))
    if result.rowcount != 1:
        return False
    await db.execute(update(BallotVoted).where(BallotVoted.ballot_id == ballot_id,
                                               BallotVoted.change_check.is_not(None)).values(change_check=None))
    return True


#: the roll marks, then the box: the order in which a round of votes writes them, so a close and
#: another ballot's round never wait on each other in a cycle
_REWRITTEN = (BallotVoted.__table__, BallotBoxEntry.__table__)


async def rewrite_in_key_order(db: AsyncSession, ballot_id: int) -> None:
    """In the closing transaction, under the ballot row's lock: delete this ballot's roll marks and
    papers and insert them again in key order (ballots/secrecy.py rule 6), so nothing stored keeps the
    rounds that wrote them. On PostgreSQL every row carries the transaction that inserted it (``xmin``,
    which any SELECT can read, and which CLUSTER and freezing keep) and a heap keeps insertion order
    (``ctid``); a vote's mark and paper were written by one round, so both tied the paper to its voter.
    Rewritten, every mark and paper of the ballot carries the closing transaction's ``xmin`` and sits
    in key order. SQLite has no such column and reads WITHOUT ROWID tables in key order, but inside a
    page it stores each row where it was written, so the file's bytes kept the order of voting; the
    deleted rows are overwritten with zeros (``secure_delete``). Only this ballot's rows, under row
    locks on PostgreSQL, so voting in other ballots goes on. The old versions stay in PostgreSQL's
    pages and SQLite's WAL until ``purge_old_versions``."""
    if db.bind.dialect.name == "postgresql":
        for table in _REWRITTEN:
            columns = ", ".join(column.name for column in table.columns)
            order = ", ".join(column.name for column in table.primary_key.columns)
            await db.execute(text(f"WITH gone AS (DELETE FROM {table.name} WHERE ballot_id = :ballot "
                                  f"RETURNING {columns}) INSERT INTO {table.name} ({columns}) "
                                  f"SELECT {columns} FROM gone ORDER BY {order}"), {"ballot": ballot_id})
        return
    connection = await db.connection()  # the driver's executemany: a ballot can have 50,000 rows each
    was = (await connection.exec_driver_sql("PRAGMA secure_delete")).scalar()
    await connection.exec_driver_sql("PRAGMA secure_delete = 1")
    for table in _REWRITTEN:
        columns = ", ".join(column.name for column in table.columns)
        order = ", ".join(column.name for column in table.primary_key.columns)
        kept = (await connection.exec_driver_sql(f"SELECT {columns} FROM {table.name} WHERE ballot_id = ? "
                                                 f"ORDER BY {order}", (ballot_id,))).all()
        await connection.exec_driver_sql(f"DELETE FROM {table.name} WHERE ballot_id = ?", (ballot_id,))
        if kept:
            await connection.exec_driver_sql(f"INSERT INTO {table.name} ({columns}) VALUES "
                                             f"({', '.join('?' * len(table.columns))})", [tuple(row) for row in kept])
    await connection.exec_driver_sql(f"PRAGMA secure_delete = {int(was)}")


async def purge_old_versions(db: AsyncSession) -> None:
    """After a close has committed, remove the copies that still hold the grouping or order of voting.
    PostgreSQL: ``VACUUM`` the roll marks and the box (outside any transaction, as VACUUM must run),
    so the dead versions ``rewrite_in_key_order`` left, with the rounds' ``xmin``, leave the pages; it
    takes no lock that voting waits on. A transaction that began before the close still sees them,
    so VACUUM leaves them to autovacuum's next pass. SQLite: checkpoint the WAL and truncate it, since
    its frames hold each round's pages as written. Best effort: the close stands whatever happens."""
    engine = db.bind
    statement = ("VACUUM " + ", ".join(table.name for table in _REWRITTEN) if engine.dialect.name == "postgresql"
                 else "PRAGMA wal_checkpoint(TRUNCATE)")
    try:
        async with engine.connect() as connection:
            connection = await connection.execution_options(isolation_level="AUTOCOMMIT")
            await connection.execute(text(statement))
    except SQLAlchemyError:
        log.warning("after a close, %s failed", statement, exc_info=True)


async def confirmations(db: AsyncSession, ballot_id: int) -> list[TellerConfirmation]:
    return list((await db.execute(select(TellerConfirmation).where(TellerConfirmation.ballot_id == ballot_id)
                                  .options(selectinload(TellerConfirmation.teller)))).scalars())


async def clear_confirmations(db: AsyncSession, ballot_id: int) -> None:
    await db.execute(delete(TellerConfirmation).where(TellerConfirmation.ballot_id == ballot_id))


# --- opening, the delegates' roll, withdrawing a proxy ---------------------------------------------

async def open_draft(db: AsyncSession, ballot_id: int, spec: str, fingerprint: str, opens_at: datetime,
                     closes_at: datetime) -> bool:
    """Move a draft to open with its final spec and fingerprint, and the spec's timetable copied into the
    columns the casting statement (``lock_open_ballot``) and ``settle`` read: the only write of those
    columns after set-up, so they cannot differ from the fixed spec. False when it is no longer a draft
    (another request opened it first). The writing transaction's first write, so concurrent openings queue on it."""
    result = await db.execute(update(Ballot).where(Ballot.id == ballot_id, Ballot.state == "draft")
                              .values(state="open", spec=spec, fingerprint=fingerprint, opens_at=opens_at,
                                      closes_at=closes_at))
    return result.rowcount == 1


async def set_audit_head(db: AsyncSession, ballot_id: int, head: str) -> None:
    await db.execute(update(Ballot).where(Ballot.id == ballot_id).values(audit_head=head))


async def deciding(db: AsyncSession, motion_id: int, amendment_id: int | None, other_than: int | None = None
                   ) -> Ballot | None:
    """A ballot open or being counted that decides this motion (or this amendment of it), if there is one
    (a draft decides nothing until it opens)."""
    found = await db.execute(select(Ballot).where(Ballot.motion_id == motion_id, Ballot.amendment_id.is_(None)
                                                  if amendment_id is None else Ballot.amendment_id == amendment_id,
                                                  Ballot.state.in_(("open", "closed")), Ballot.id != (other_than or 0))
                             .order_by(Ballot.id).limit(1))
    return found.scalar()


async def has_role(db: AsyncSession, body_id: int, role: str) -> bool:
    """Whether anyone holds ``role`` in the body (a branch has no CAC member: its officers act for one)."""
    found = await db.execute(select(Membership.member_id).where(Membership.body_id == body_id,
                                                                Membership.role == role).limit(1))
    return found.first() is not None


async def delegates_on(db: AsyncSession, body_id: int, parent_id: int | None, day: date) -> list[Member]:
    """The members holding a delegate seat on the body on ``day``. A delegate seat is a position on the body
    filled by election in another body that is not the one it answers to (its parent): a branch's
    delegates to the NMM or the NSC, unlike the NSC places the NMM itself elects."""
    elected_elsewhere = Position.elected_by_id != body_id
    if parent_id is not None:
        elected_elsewhere &= Position.elected_by_id != parent_id
    held = (Holding.starts_on <= day) & (Holding.ends_on.is_(None) | (Holding.ends_on > day))
    found = await db.execute(select(Member).where(Member.id.in_(
        select(Holding.member_id).join(Position, Position.id == Holding.position_id)
        .where(Position.body_id == body_id, elected_elsewhere, held))).order_by(Member.id))
    return list(found.scalars())


async def proxy_of(db: AsyncSession, ballot_id: int, member_id: int) -> int | None:
    """The member's proxy as stored now (read under the ballot row's lock, it is the one an appointment or
    withdrawal replaces)."""
    return (await db.execute(select(BallotRollEntry.proxy_id).where(
        BallotRollEntry.ballot_id == ballot_id, BallotRollEntry.member_id == member_id))).scalar()


async def appoint_proxy(db: AsyncSession, ballot_id: int, member_id: int, proxy_id: int) -> bool:
    """Make ``proxy_id`` the member's proxy unless a vote has been cast for them or the ballot is no longer
    a draft or open: one guarded update, as a withdrawal is. False when refused."""
    voted = select(BallotVoted.member_id).where(BallotVoted.ballot_id == ballot_id,
                                                BallotVoted.member_id == member_id)
    live = select(Ballot.id).where(Ballot.id == ballot_id, Ballot.state.in_(("draft", "open")))
    result = await db.execute(update(BallotRollEntry).where(
        BallotRollEntry.ballot_id == ballot_id, BallotRollEntry.member_id == member_id,
        ~voted.exists(), live.exists()).values(proxy_id=proxy_id))
    return result.rowcount == 1


async def withdraw_proxy(db: AsyncSession, ballot_id: int, member_id: int) -> bool:
    """Clear the member's proxy unless a vote has been cast for them (by the proxy or themselves): one
    guarded update, so a proxy vote already recorded stands. False when there was nothing to withdraw."""
    voted = select(BallotVoted.member_id).where(BallotVoted.ballot_id == ballot_id,
                                                BallotVoted.member_id == member_id)
    result = await db.execute(update(BallotRollEntry).where(
        BallotRollEntry.ballot_id == ballot_id, BallotRollEntry.member_id == member_id,
        BallotRollEntry.proxy_id.is_not(None), ~voted.exists()).values(proxy_id=None))
    return result.rowcount == 1


async def drop_proxies_off_roll(db: AsyncSession, ballot_id: int) -> list[tuple[int, int]]:
    """Clear proxies appointed before the roll was frozen whose holder is not on the frozen roll; the
    (member, proxy) appointments cleared, for the audit log."""
    on_roll = select(BallotRollEntry.member_id).where(BallotRollEntry.ballot_id == ballot_id)
    off_roll = (BallotRollEntry.ballot_id == ballot_id) & BallotRollEntry.proxy_id.not_in(on_roll)
    cleared = [(m, p) for m, p in (await db.execute(
        select(BallotRollEntry.member_id, BallotRollEntry.proxy_id).where(off_roll)
        .order_by(BallotRollEntry.member_id))).all()]
    if cleared:
        await db.execute(update(BallotRollEntry).where(off_roll).values(proxy_id=None))
    return cleared


async def lock_ballot(db: AsyncSession, ballot_id: int) -> None:
    """Take the ballot row's lock (on PostgreSQL; SQLite's writer lock on SQLite) before writing its roll,
    in the order every ballot write takes its locks: the ballot row first."""
    await db.execute(update(Ballot).where(Ballot.id == ballot_id).values(voted=Ballot.voted))
