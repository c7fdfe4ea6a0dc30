"""The append-only, hash-chained audit log of ballot actions, stored in ``audit_log``.

``record`` appends one entry inside the caller's transaction, so an action and
its audit entry commit together or not at all. Appends are serialised: on
PostgreSQL by a transaction-scoped advisory lock, on SQLite by the database's
single writer (every caller has written before it appends). The chain's
``seq`` is the primary key, so even a writer that slipped past the lock could
not fork the chain: its insert would fail and its transaction roll back.
"""

from __future__ import annotations

import json
from datetime import datetime, timezone
from typing import Any, Mapping, Sequence

from sqlalchemy import insert, select, text
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session

from ballots.audit_chain import AuditEntry, append, verify_chain
from server.db.models import AuditEntryRow

#: the advisory lock key that serialises appends on PostgreSQL ("PLENARY" as digits, any fixed number)
AUDIT_LOCK_KEY = 7536_2796


def _entry(row: AuditEntryRow) -> AuditEntry:
    return AuditEntry(row.seq, row.time, row.actor, row.action, json.loads(row.payload), row.prev_hash, row.hash)


async def record(db: AsyncSession, action: str, payload: Mapping[str, Any], actor: str | None = None) -> AuditEntry:
    """Append an entry after the current tail; the caller commits."""
    return (await record_many(db, [(action, payload, actor)]))[-1]


async def record_many(db: AsyncSession, actions: Sequence[tuple[str, Mapping[str, Any], str | None]]) -> list[AuditEntry]:
    """Append an entry for each (action, payload, actor), in order, after the current tail; the caller
    commits."""
    return await db.run_sync(append_entries, actions)


def append_entries(session: Session, actions: Sequence[tuple[str, Mapping[str, Any], str | None]]) -> list[AuditEntry]:
    """``record_many`` in a synchronous session (a round of votes in a worker thread): the tail is read
    once and the entries written in one statement."""
    if session.bind.dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": AUDIT_LOCK_KEY})
    tail_row = session.execute(select(AuditEntryRow).order_by(AuditEntryRow.seq.desc()).limit(1)).scalar()
    tail = _entry(tail_row) if tail_row else None
    at = datetime.now(timezone.utc)
    written = []
    for action, payload, actor in actions:
        tail = append(tail, action, payload, time=at, actor=actor)
        written.append(tail)
    session.execute(insert(AuditEntryRow.__table__), [
        {"seq": e.seq, "time": e.time, "actor": e.actor, "action": e.action,
         "payload": json.dumps(dict(e.payload), sort_keys=True, ensure_ascii=False),
         "prev_hash": e.prev_hash, "hash": e.hash} for e in written])
    return written


async def entries(db: AsyncSession) -> list[AuditEntry]:
    rows = (await db.execute(select(AuditEntryRow).order_by(AuditEntryRow.seq))).scalars()
    return [_entry(row) for row in rows]


async def head(db: AsyncSession) -> str | None:
    row = (await db.execute(select(AuditEntryRow.hash).order_by(AuditEntryRow.seq.desc()).limit(1))).scalar()
    return row


async def verify(db: AsyncSession, published_head: str | None = None) -> tuple[int, list[str]]:
    chain = await entries(db)
    return len(chain), verify_chain(chain, published_head)
