"""Fixtures for the groupings web tests: the server tests' fixtures (both databases, the real
app behind httpx, the small organisation), plus ten more members and an NMM meeting.

The shared fixtures come from tests/server_fixtures.py, registered in tests/conftest.py.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import httpx
import pytest

from server.auth.passwords import hash_password
from mail_server import Mailbox, serving, settings_at
from server.db.models import Body, Meeting, Member, Membership
from server_fixtures import PASSWORD

#: ten more members of the NMM, so a faction can reach its minimum of ten
SIGNERS = tuple(f"signer{n}" for n in range(1, 11))


@pytest.fixture
async def people(app, org, settings):
    """org plus signer1..signer10 (NMM members) and an NMM meeting next month; returns
    {"meeting": id, **member ids}."""
    password_hash = hash_password(settings, PASSWORD)
    now = datetime.now(timezone.utc)
    async with app.state.sessions() as db:
        ids = dict(org.members)
        for who in SIGNERS:
            member = Member(name=who.title(), email=f"{who}@example.org", email_key=f"{who}@example.org",
                            password_hash=password_hash, is_site_admin=False, session_version=1)
            db.add(member)
            await db.flush()
            db.add(Membership(member_id=member.id, body_id=org.bodies["nmm"], role="member"))
            ids[who] = member.id
        meeting = Meeting(body_id=org.bodies["nmm"], title="Conference 2027", held_on=(now + timedelta(days=30)).date(),
                          motions_deadline=now + timedelta(days=7), amendments_deadline=now + timedelta(days=14))
        db.add(meeting)
        await db.commit()
        ids["meeting"] = meeting.id
    return ids


class Browser:
    """A signed-in browser: ``await b.post(url, field=value)`` sends the form with its CSRF token."""

    def __init__(self, http: httpx.AsyncClient, token: str) -> None:
        self.http, self.token = http, token

    async def get(self, url: str, **kwargs):
        return await self.http.get(url, **kwargs)

    async def post(self, url: str, **data):
        return await self.http.post(url, data={"csrf_token": self.token, **data})

    async def api(self, method: str, url: str, json=None):
        return await self.http.request(method, url, json=json, headers={"X-CSRF-Token": self.token})


@pytest.fixture
async def as_member(app, org, h):
    """``await as_member("nora")``: a new browser signed in as that member."""
    opened = []

    async def sign_in(who: str) -> Browser:
        http = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver")
        opened.append(http)
        return Browser(http, await h.signed_in_token(http, f"{who}@example.org"))

    yield sign_in
    for http in opened:
        await http.aclose()


@pytest.fixture
def formed_faction(as_member, org, people):
    """``olive, body = await formed_faction()``: Olive's faction Renters First, formed at a
    minimum of one (the body's configured rule); ``body`` is the API's summary of its body."""

    async def form() -> tuple[Browser, dict]:
        admin = await as_member("admin")
        await admin.api("PUT", f"/api/v1/bodies/{org.bodies['nmm']}/grouping-rules", {"minimum_signatures": 1})
        olive = await as_member("olive")
        created = await olive.api("POST", "/api/v1/groupings", {"kind": "faction", "name": "Renters First",
                                                                "purpose": "Affiliate to the renters' union.",
                                                                "meeting_id": people["meeting"]})
        assert created.status_code == 201 and created.json()["state"] == "formed", created.text
        return olive, created.json()["body"]

    return form


@pytest.fixture
async def steering(app, org) -> int:
    """The NMM's National Steering Committee, the admin its one member: a met petition notifies it."""
    async with app.state.sessions() as db:
        committee = Body(slug="nsc", name="National Steering Committee", kind="steering_committee",
                         parent_id=org.bodies["nmm"])
        db.add(committee)
        await db.flush()
        db.add(Membership(member_id=org.members["admin"], body_id=committee.id, role="member"))
        await db.commit()
        return committee.id


@pytest.fixture
def smtp(app):
    """A real local SMTP server the app sends to; yields its Mailbox (tests/mail_server.py)."""
    mailbox = Mailbox()
    with serving(mailbox) as port:
        app.state.mail_settings = settings_at(port)
        yield mailbox


@pytest.fixture
def today() -> date:
    return datetime.now(timezone.utc).date()
