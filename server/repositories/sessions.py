"""Sign-in sessions and the failure log the rate limit counts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Collection

from sqlalchemy import delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from server.db.models import Member, SignInFailure, SignInSession


@dataclass(frozen=True)
class SessionFacts:
    """What the session check needs of a session row and its member, read in one query."""

    session_id: str
    member_id: int
    expires_at: datetime
    revoked_at: datetime | None
    session_version: int
    name: str


async def facts_of(db: AsyncSession, session_ids: Collection[str]) -> dict[str, SessionFacts]:
    """The facts of these sessions (missing ones are absent): one query however many are asked."""
    rows = await db.execute(
        select(SignInSession.id, SignInSession.member_id, SignInSession.expires_at, SignInSession.revoked_at,
               Member.session_version, Member.name)
        .join(Member, Member.id == SignInSession.member_id)
        .where(SignInSession.id.in_(sorted(session_ids))))
    return {row[0]: SessionFacts(*row) for row in rows}


async def by_id(db: AsyncSession, session_id: str) -> SignInSession | None:
    return await db.get(SignInSession, session_id)


async def revoke(db: AsyncSession, session_id: str, at: datetime) -> None:
    await db.execute(
        update(SignInSession)
        .where(SignInSession.id == session_id, SignInSession.revoked_at.is_(None))
        .values(revoked_at=at)
    )


async def record_failure(db: AsyncSession, account_key: str, address: str, at: datetime) -> None:
    db.add(SignInFailure(account_key=account_key, address=address, failed_at=at))


async def failures_since(db: AsyncSession, since: datetime, *, account_key: str | None = None,
                         address: str | None = None) -> tuple[int, datetime | None]:
    """How many failures since a moment for one account or one address, and the oldest."""
    query = select(func.count(SignInFailure.id), func.min(SignInFailure.failed_at)).where(
        SignInFailure.failed_at >= since
    )
    if account_key is not None:
        query = query.where(SignInFailure.account_key == account_key)
    if address is not None:
        query = query.where(SignInFailure.address == address)
    count, oldest = (await db.execute(query)).one()
    return count, oldest


async def forget_failures(db: AsyncSession, account_key: str) -> None:
    """A correct password clears the account's count (the address count stays)."""
    await db.execute(delete(SignInFailure).where(SignInFailure.account_key == account_key))


async def prune_failures(db: AsyncSession, before: datetime) -> None:
    await db.execute(delete(SignInFailure).where(SignInFailure.failed_at < before))


async def prune_sessions(db: AsyncSession, now: datetime) -> None:
    """Expired sessions can never be used again; keep the table small."""
    await db.execute(delete(SignInSession).where(SignInSession.expires_at < now))
