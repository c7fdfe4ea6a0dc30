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
from typing import Any, Mapping

from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncSession

from ballots.audit_chain import AuditEntry, append, verify_chain
from server.db.models import AuditEntryRow

#: the advisory lock key that serialises appends on PostgreSQL ("PLENARY" as digits, any fixed number)
AUDIT_LOCK_KEY = 7536_2796


def _entry(row: AuditEntryRow) -> AuditEntry:
    return AuditEntry(row.seq, row.time, row.actor, row.action, json.loads(row.payload), row.prev_hash, row.hash)


async def record(db: AsyncSession, action: str, payload: Mapping[str, Any], actor: str | None = None) -> AuditEntry:
    """Append an entry after the current tail; the caller commits."""
    if db.bind.dialect.name == "postgresql":
        await db.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": AUDIT_LOCK_KEY})
    tail_row = (await db.execute(select(AuditEntryRow).order_by(AuditEntryRow.seq.desc()).limit(1))).scalar()
    entry = append(_entry(tail_row) if tail_row else None, action, payload, time=datetime.now(timezone.utc),
                   actor=actor)
    db.add(AuditEntryRow(seq=entry.seq, time=entry.time, actor=entry.actor, action=entry.action,
                         payload=json.dumps(dict(entry.payload), sort_keys=True, ensure_ascii=False),
                         prev_hash=entry.prev_hash, hash=entry.hash))
    await db.flush()
    return entry


async def entries(db: AsyncSession) -> list[AuditEntry]:
    rows = (await db.execute(select(AuditEntryRow).order_by(AuditEntryRow.seq))).scalars()
    return [_entry(row) for row in rows]


async def head(db: AsyncSession) -> str | None:
    row = (await db.execute(select(AuditEntryRow.hash).order_by(AuditEntryRow.seq.desc()).limit(1))).scalar()
    return row


async def verify(db: AsyncSession, published_head: str | None = None) -> tuple[int, list[str]]:
    chain = await entries(db)
    return len(chain), verify_chain(chain, published_head)
