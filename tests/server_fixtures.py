"""Fixtures for every database test: a migrated database on each backend, the real app
behind httpx, and a small organisation to act in.

Loaded once as a plugin by ``tests/conftest.py``, so each backend is migrated once a run
and every test folder (server, motions, ballot_web, groupings_web) shares the same fixtures.

Every database test runs twice: on SQLite (a temporary file) and on PostgreSQL
(PLENARY_TEST_POSTGRES_URL, default postgresql+asyncpg://postgres@127.0.0.1:5432/test),
in a freshly created schema of its own that is dropped at the end, so concurrent runs
do not meet. No PostgreSQL: a skip with the reason, or a failure when CI=true.
"""

from __future__ import annotations

import asyncio
import os
import re
import secrets
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path

import httpx
import pytest
from sqlalchemy import delete, text
from sqlalchemy.ext.asyncio import create_async_engine

from server.app import create_app
from server.auth.passwords import hash_password
from server.db.engine import make_engine
from server.db.migrate import upgrade_to_head
from server.db.models import Base, Body, Holding, Member, MemberIdentity, Membership, Position
from server.settings import TEST_ARGON2, Settings

POSTGRES_URL = os.environ.get("PLENARY_TEST_POSTGRES_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/test")
PASSWORD = "correct horse battery"

BACKENDS = [
    pytest.param("sqlite", id="sqlite"),
    pytest.param("postgres", id="postgres", marks=pytest.mark.postgres),
]


def settings_for(data_dir: Path, database_url: str, schema: str | None = None) -> Settings:
    return Settings(
        data_dir=data_dir,
        database_url=database_url,
        secret_key=secrets.token_urlsafe(48),
        database_schema=schema,
        argon2_time_cost=TEST_ARGON2["time_cost"],
        argon2_memory_kib=TEST_ARGON2["memory_cost"],
        argon2_parallelism=TEST_ARGON2["parallelism"],
    )


async def _postgres_problem() -> str | None:
    engine = create_async_engine(POSTGRES_URL, connect_args={"timeout": 3})
    try:
        async with engine.connect() as connection:
            await connection.execute(text("select 1"))
        return None
    except Exception as exc:  # any failure to connect is the same answer: not here
        return f"{type(exc).__name__}: {exc}".splitlines()[0]
    finally:
        await engine.dispose()


async def _schema(action: str, schema: str) -> None:
    engine = create_async_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    try:
        async with engine.connect() as connection:
            await connection.execute(text(f'{action} SCHEMA "{schema}"' + (" CASCADE" if action == "DROP" else "")))
    finally:
        await engine.dispose()


def postgres_or_skip() -> None:
    problem = asyncio.run(_postgres_problem())
    if problem:
        reason = f"PostgreSQL not reachable at {POSTGRES_URL} ({problem})"
        if os.environ.get("CI") == "true":
            pytest.fail(reason)
        pytest.skip(reason)


@pytest.fixture(scope="session", params=BACKENDS)
def migrated(request, tmp_path_factory):
    """Settings for a database migrated from empty to head, one per backend per run."""
    data_dir = tmp_path_factory.mktemp(request.param)
    if request.param == "sqlite":
        settings = settings_for(data_dir, f"sqlite+aiosqlite:///{data_dir / 'test.sqlite3'}")
        upgrade_to_head(settings)
        yield settings
        return
    postgres_or_skip()
    schema = f"plenary_test_{secrets.token_hex(6)}"
    asyncio.run(_schema("CREATE", schema))
    try:
        settings = settings_for(data_dir, POSTGRES_URL, schema)
        upgrade_to_head(settings)
        yield settings
    finally:
        asyncio.run(_schema("DROP", schema))


@pytest.fixture
async def settings(migrated: Settings) -> Settings:
    """The migrated database, emptied before each test."""
    engine = make_engine(migrated)
    try:
        async with engine.begin() as connection:
            for table in reversed(Base.metadata.sorted_tables):
                await connection.execute(delete(table))
    finally:
        await engine.dispose()
    return replace(migrated, secret_key=secrets.token_urlsafe(48))


@pytest.fixture
async def app(settings: Settings):
    application = create_app(settings)
    yield application
    await application.state.engine.dispose()


@pytest.fixture
async def client(app):
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver") as http:
        yield http


@pytest.fixture
async def other_client(app):
    """A second browser, for a second member."""
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver") as http:
        yield http


@dataclass
class Org:
    """A small organisation: an NMM everyone is in, two branches, a caucus.

    admin: site admin; olive: officer of the north branch; nora: member of the north
    branch; sam: member of the south branch only (and the NMM); wanda: identifies as a woman.
    """

    bodies: dict[str, int]
    members: dict[str, int]
    holdings: dict[str, int]

    def email(self, who: str) -> str:
        return f"{who}@example.org"


@pytest.fixture
async def org(app, settings: Settings) -> Org:
    password_hash = hash_password(settings, PASSWORD)
    async with app.state.sessions() as db:
        nmm = Body(slug="nmm", name="National Members' Meeting", kind="national_members_meeting")
        north = Body(slug="north", name="North branch", kind="branch", parent=nmm)
        south = Body(slug="south", name="South branch", kind="branch", parent=nmm)
        women = Body(slug="women", name="Women's caucus", kind="caucus", parent=nmm)
        db.add_all([nmm, north, south, women])
        people = {}
        for who, admin in (("admin", True), ("olive", False), ("nora", False), ("sam", False), ("wanda", False)):
            people[who] = Member(name=who.title(), email=f"{who}@example.org", email_key=f"{who}@example.org",
                                 password_hash=password_hash, is_site_admin=admin, session_version=1)
            db.add(people[who])
        people["wanda"].identities = [MemberIdentity(tag="woman")]
        for who in people:
            db.add(Membership(member=people[who], body=nmm, role="member"))
        db.add_all([
            Membership(member=people["olive"], body=north, role="officer"),
            Membership(member=people["nora"], body=north, role="member"),
            Membership(member=people["sam"], body=south, role="member"),
            Membership(member=people["wanda"], body=women, role="member"),
        ])
        secretary = Position(body=north, title="Secretary", filled_by="individually", seats=1,
                             term_months=12, elected_by=north)
        db.add(secretary)
        held = Holding(position=secretary, member=people["olive"], elected_by=north, starts_on=date(2026, 1, 1))
        db.add(held)
        await db.commit()
        return Org(
            bodies={"nmm": nmm.id, "north": north.id, "south": south.id, "women": women.id},
            members={who: m.id for who, m in people.items()},
            holdings={"north_secretary": held.id},
        )


CSRF_FIELD = re.compile(r'name="csrf_token" value="([0-9a-f]+)"')


def csrf_from(html: str) -> str:
    match = CSRF_FIELD.search(html)
    assert match, "page has no CSRF field"
    return match.group(1)


async def page_token(client: httpx.AsyncClient, path: str = "/sign-in") -> str:
    response = await client.get(path)
    return csrf_from(response.text)


async def sign_in(client: httpx.AsyncClient, email: str, password: str = PASSWORD) -> httpx.Response:
    token = await page_token(client, "/sign-in")
    return await client.post("/sign-in", data={"email": email, "password": password, "csrf_token": token})


async def signed_in_token(client: httpx.AsyncClient, email: str, password: str = PASSWORD) -> str:
    """Sign in and return the session's CSRF token."""
    response = await sign_in(client, email, password)
    assert response.status_code == 303, response.text
    me = await client.get("/api/v1/me")
    return me.json()["csrf_token"]


class Helpers:
    """The sign-in steps tests share, as a fixture (importlib mode: tests cannot import conftest)."""

    password = PASSWORD
    csrf_from = staticmethod(csrf_from)
    page_token = staticmethod(page_token)
    sign_in = staticmethod(sign_in)
    signed_in_token = staticmethod(signed_in_token)


@pytest.fixture
def h() -> type[Helpers]:
    return Helpers
