"""The engine factory: one place that knows how SQLite and PostgreSQL differ."""

from __future__ import annotations

from datetime import datetime, timezone
from time import monotonic

from sqlalchemy import event
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine

from server.settings import Settings

SQLITE_BUSY_TIMEOUT_MS = 5000
#: page cache per connection, in KiB (SQLite's default is 2 MiB): a busy ballot's box, roll marks and
#: roll outgrow 2 MiB at a few tens of thousands of votes, and then every round reads pages back
SQLITE_CACHE_KIB = 32 * 1024
#: a PostgreSQL connection idle longer than this is pinged before use (one used since is trusted)
PING_AFTER_IDLE_S = 10.0


def make_engine(settings: Settings) -> AsyncEngine:
    if settings.is_sqlite:
        engine = create_async_engine(settings.database_url)
        event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
        return engine
    connect_args = {}
    if settings.database_schema:
        connect_args["server_settings"] = {"search_path": settings.database_schema}
    engine = create_async_engine(settings.database_url, connect_args=connect_args)
    event.listen(engine.sync_engine, "connect", _note_use)
    event.listen(engine.sync_engine, "checkin", _note_use)
    event.listen(engine.sync_engine, "checkout", _ping_if_idle)
    return engine


def _note_use(_dbapi_connection, record) -> None:
    record.info["used_at"] = monotonic()


def _ping_if_idle(dbapi_connection, record, _proxy) -> None:
    """Ping a pooled connection that has been idle a while, so a database restart costs no request.

    SQLAlchemy's ``pool_pre_ping`` pings at every checkout, and asyncpg's ping is three round trips
    (begin, select, rollback): under load that was a tenth of a worker's time. A connection returned
    moments ago is alive as far as anyone can know without asking; one idle for longer is asked.
    A failed ping makes the pool discard the connection and take another (DisconnectionError).
    """
    if monotonic() - record.info.get("used_at", 0.0) <= PING_AFTER_IDLE_S:
        return
    try:
        dbapi_connection.ping()
    except Exception as exc:
        raise DisconnectionError("the pooled connection did not answer a ping") from exc


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    # WAL lets readers go on while one worker writes; foreign keys are off by default in
    # SQLite; busy_timeout makes a second writer wait instead of failing at once.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cursor.execute(f"PRAGMA cache_size=-{SQLITE_CACHE_KIB}")
    cursor.close()


def make_sessionmaker(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, expire_on_commit=False)


def make_reading_sessionmaker(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    """Sessions for single-statement reads that need no transaction of their own (the session check).
    On PostgreSQL they run in autocommit, which saves the begin and rollback round trips each read
    would otherwise pay; SQLite (pysqlite) begins no transaction for a read anyway."""
    if engine.dialect.name == "postgresql":
        engine = engine.execution_options(isolation_level="AUTOCOMMIT")
    return async_sessionmaker(engine, expire_on_commit=False)


def as_utc(moment: datetime) -> datetime:
    """SQLite hands back naive datetimes; every stored moment is UTC."""
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)
