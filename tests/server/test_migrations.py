"""Migrating from empty builds exactly the models' schema, on SQLite and PostgreSQL."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import text

from server.db.engine import make_engine
from server.db.models import Base


async def test_migrated_schema_matches_the_models(settings):
    engine = make_engine(settings)
    try:
        async with engine.connect() as connection:
            differences = await connection.run_sync(
                lambda sync: compare_metadata(MigrationContext.configure(sync), Base.metadata))
            tables = await connection.run_sync(lambda sync: sync.dialect.get_table_names(sync))
    finally:
        await engine.dispose()
    assert differences == []
    assert set(tables) >= {table.name for table in Base.metadata.sorted_tables} | {"alembic_version"}


async def test_sqlite_runs_in_wal_mode_with_foreign_keys(settings):
    if not settings.is_sqlite:
        return
    engine = make_engine(settings)
    try:
        async with engine.connect() as connection:
            journal = (await connection.execute(text("PRAGMA journal_mode"))).scalar_one()
            foreign_keys = (await connection.execute(text("PRAGMA foreign_keys"))).scalar_one()
            busy = (await connection.execute(text("PRAGMA busy_timeout"))).scalar_one()
    finally:
        await engine.dispose()
    assert (journal, foreign_keys, busy) == ("wal", 1, 5000)


async def test_postgres_tables_live_in_the_run_schema(settings):
    if settings.is_sqlite:
        return
    engine = make_engine(settings)
    try:
        async with engine.connect() as connection:
            schema = (await connection.execute(text("select current_schema()"))).scalar_one()
            count = (await connection.execute(text(
                "select count(*) from information_schema.tables where table_schema = :s and table_name = 'members'"),
                {"s": settings.database_schema})).scalar_one()
    finally:
        await engine.dispose()
    assert (schema, count) == (settings.database_schema, 1)
