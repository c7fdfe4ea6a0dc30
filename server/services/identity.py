"""Signing in and out, and turning a session cookie back into a member."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from server.auth import passwords, tokens
from server.batches import Batcher
from server.db.engine import as_utc
from server.db.models import Member, SignInSession
from server.repositories import members as member_rows
from server.repositories import sessions as session_rows
from server.repositories.sessions import SessionFacts
from server.services.errors import Invalid, RateLimited
from server.settings import Settings

WRONG_CREDENTIALS = "Wrong email or password."


@dataclass(frozen=True)
class SignedIn:
    member: Member
    token: str
    expires_at: datetime


@dataclass(frozen=True)
class Identity:
    """Who is signed in, from the session check alone: enough to cast a vote (``id``, ``name``, as a
    ``Member`` has); pages and permission checks need the ``Viewer``."""

    id: int
    name: str
    session_id: str


@dataclass(frozen=True)
class Viewer:
    """The member behind a request and the session they came with."""

    member: Member
    session_id: str


async def sign_in(db: AsyncSession, settings: Settings, email: str, password: str, address: str) -> SignedIn:
    at = tokens.now()
    account_key = member_rows.email_key(email)
    await _refuse_if_held(db, settings, account_key, address, at)
    member = await member_rows.by_email(db, email) if account_key else None
    # an unknown address costs one hash check too, so timing does not tell who is a member
    stored_hash = member.password_hash if member else passwords.decoy_hash(settings)
    if not passwords.password_matches(settings, stored_hash, password) or member is None:
        await session_rows.record_failure(db, account_key, address, at)
        await db.commit()
        raise Invalid(WRONG_CREDENTIALS)
    await session_rows.forget_failures(db, account_key)
    await session_rows.prune_failures(db, at - timedelta(minutes=settings.failure_window_minutes))
    await session_rows.prune_sessions(db, at)
    expires_at = at + timedelta(hours=settings.session_hours)
    session = SignInSession(id=secrets.token_hex(16), member_id=member.id, created_at=at, expires_at=expires_at)
    db.add(session)
    await db.commit()
    claims = tokens.SessionClaims(member.id, session.id, member.session_version)
    return SignedIn(member, tokens.issue_token(settings.secret_key, claims, at, expires_at), expires_at)


async def _refuse_if_held(db: AsyncSession, settings: Settings, account_key: str, address: str,
                          at: datetime) -> None:
    window = timedelta(minutes=settings.failure_window_minutes)
    since = at - window
    for limit, scope in (
        (settings.failures_per_account, {"account_key": account_key}),
        (settings.failures_per_address, {"address": address}),
    ):
        count, oldest = await session_rows.failures_since(db, since, **scope)
        if count >= limit:
            retry_at = as_utc(oldest) + window
            minutes = max(1, round((retry_at - at).total_seconds() / 60))
            raise RateLimited(
                f"Too many failed sign-in attempts. Try again in {minutes} minute"
                f"{'s' if minutes != 1 else ''}, after {retry_at:%H:%M} UTC.",
                retry_at,
            )


async def sign_out(db: AsyncSession, session_id: str) -> None:
    await session_rows.revoke(db, session_id, tokens.now())
    await db.commit()


class SessionCheck:
    """Turns a session token back into the member it speaks for, if the token is genuine and its
    session unexpired and unrevoked. The session rows of requests that arrive together are read in
    one query (server/batches.py), so checking a session costs a share of one query, not one each."""

    def __init__(self, settings: Settings, sessions: async_sessionmaker[AsyncSession]) -> None:
        self._settings = settings
        self._sessions = sessions
        self._batcher: Batcher[str, SessionFacts | None] = Batcher(self._look_up)

    async def identity(self, token: str) -> Identity | None:
        claims = tokens.read_token(self._settings.secret_key, token)
        if claims is None:
            return None
        facts = await self._batcher.submit(claims.session_id)
        if (
            facts is None
            or facts.member_id != claims.member_id
            or facts.revoked_at is not None
            or as_utc(facts.expires_at) <= tokens.now()
            or facts.session_version != claims.version
        ):
            return None
        return Identity(facts.member_id, facts.name, facts.session_id)

    async def _look_up(self, session_ids: list[str]) -> list[SessionFacts | None]:
        async with self._sessions() as db:
            found = await session_rows.facts_of(db, set(session_ids))
        return [found.get(session_id) for session_id in session_ids]


async def viewer_of(db: AsyncSession, identity: Identity) -> Viewer | None:
    """The signed-in member with their memberships and identities, for pages and permission checks."""
    member = await member_rows.by_id(db, identity.id)
    return Viewer(member, identity.session_id) if member is not None else None


async def change_password(db: AsyncSession, settings: Settings, member: Member, current: str, new: str) -> None:
    """Set a new password; every existing session of the member stops working."""
    if not passwords.password_matches(settings, member.password_hash, current):
        raise Invalid("Your current password is not right.", {"current_password": "Not right."})
    problem = passwords.password_problem(new)
    if problem:
        raise Invalid(problem, {"new_password": problem})
    stored = await member_rows.by_id(db, member.id)
    stored.password_hash = passwords.hash_password(settings, new)
    stored.session_version += 1
    await db.commit()
