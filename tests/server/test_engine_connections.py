"""The engine's connection handling on PostgreSQL: a pooled connection idle for a while is pinged
before use (so a database restart costs no request), one used moments ago is not (so a busy server
pays no ping round trips), and the session check's reads run without a transaction."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from server.db import engine as engines
from server.db.engine import make_engine, make_reading_sessionmaker
from tests.server_fixtures import POSTGRES_URL, postgres_or_skip, settings_for

pytestmark = pytest.mark.postgres


@pytest.fixture
def postgres_settings(tmp_path):
    postgres_or_skip()
    return settings_for(tmp_path, POSTGRES_URL)


async def _backend_pid(engine) -> int:
    async with engine.connect() as connection:
        return (await connection.execute(text("select pg_backend_pid()"))).scalar_one()


async def _terminate(engine, pid: int) -> None:
    async with engine.connect() as connection:
        await connection.execute(text("select pg_terminate_backend(:pid)"), {"pid": pid})


async def test_a_connection_idle_a_while_is_pinged_and_replaced_if_dead(postgres_settings, monkeypatch):
    engine = make_engine(postgres_settings)
    killer = make_engine(postgres_settings)
    try:
        pid = await _backend_pid(engine)
        await _terminate(killer, pid)
        monkeypatch.setattr(engines, "PING_AFTER_IDLE_S", 0.0)  # every pooled connection counts as idle
        assert await _backend_pid(engine) != pid  # the dead one was found by the ping and replaced
    finally:
        await engine.dispose()
        await killer.dispose()


async def test_a_connection_used_moments_ago_is_not_pinged(postgres_settings, monkeypatch):
    """The other side of the bargain, and proof the ping above is what saved the request: a
    connection returned moments ago goes out unasked, so if it died the one request on it fails."""
    engine = make_engine(postgres_settings)
    killer = make_engine(postgres_settings)
    try:
        pid = await _backend_pid(engine)
        await _terminate(killer, pid)
        monkeypatch.setattr(engines, "PING_AFTER_IDLE_S", 3600.0)
        with pytest.raises(DBAPIError):
            await _backend_pid(engine)
        assert await _backend_pid(engine) != pid  # the pool dropped it: the next request is served
    finally:
        await engine.dispose()
        await killer.dispose()


async def _one_transaction(db) -> bool:
    """Whether two statements of the session ran in one transaction (the same transaction id)."""
    first = (await db.execute(text("select txid_current()"))).scalar_one()
    return first == (await db.execute(text("select txid_current()"))).scalar_one()


async def test_reads_of_the_session_check_run_outside_a_transaction(postgres_settings):
    engine = make_engine(postgres_settings)
    try:
        async with make_reading_sessionmaker(engine)() as db:
            assert not await _one_transaction(db)  # autocommit: each statement is its own transaction
        async with engines.make_sessionmaker(engine)() as db:
            assert await _one_transaction(db)  # the ordinary sessions still begin a transaction
    finally:
        await engine.dispose()
