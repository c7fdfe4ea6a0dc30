"""Fixtures for the ballot tests: the server tests' fixtures (both databases, the real app behind
httpx, the small organisation), with Olive on the NMM's CAC and Nora and Sam its tellers, and
``as_member`` / ``setup`` helpers that drive the JSON API and the pages as members do.

The shared fixtures come from tests/server_fixtures.py, registered in tests/conftest.py.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

import httpx
import pytest
from sqlalchemy import update

from server.db.models import Membership

RECEIPT = re.compile(r'id="receipt-code">([0-9A-Z-]{19})<')


class Voter:
    """A signed-in browser: ``api`` sends JSON with the CSRF header, ``post`` a form with its token."""

    def __init__(self, http: httpx.AsyncClient, token: str, name: str) -> None:
        self.http, self.token, self.name = http, token, name

    async def get(self, url: str, **kwargs):
        return await self.http.get(url, **kwargs)

    async def post(self, url: str, data=None, **fields):
        pairs = list(data) if isinstance(data, list) else list((data or {}).items())
        form: dict[str, list[str]] = {"csrf_token": [self.token]}
        for key, value in pairs + list(fields.items()):
            form.setdefault(key, []).append(value)
        return await self.http.post(url, data=form)

    async def api(self, method: str, url: str, json=None):
        return await self.http.request(method, url, json=json, headers={"X-CSRF-Token": self.token})


@pytest.fixture
async def roles(app, org):
    """Olive on the NMM's CAC; Nora and Sam tellers of the NMM."""
    async with app.state.sessions() as db:
        for who, role in (("olive", "cac_member"), ("nora", "teller"), ("sam", "teller")):
            await db.execute(update(Membership).where(Membership.member_id == org.members[who],
                                                      Membership.body_id == org.bodies["nmm"]).values(role=role))
        await db.commit()
    return org


@pytest.fixture
async def as_member(app, roles, h):
    opened = []

    async def sign_in(who: str) -> Voter:
        http = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver")
        opened.append(http)
        return Voter(http, await h.signed_in_token(http, roles.email(who)), who)

    yield sign_in
    for http in opened:
        await http.aclose()


def timetable(hours: int = 2) -> dict[str, str]:
    now = datetime.now(timezone.utc)
    return {"opens": (now - timedelta(minutes=1)).isoformat(), "closes": (now + timedelta(hours=hours)).isoformat()}


@pytest.fixture
def setup(roles):
    """``await setup(olive, kind="office", candidates=[...])``: a ballot of the NMM, opened unless open=False."""

    async def make(runner: Voter, open: bool = True, body: str = "nmm", **fields) -> int:
        response = await runner.api("POST", f"/api/v1/bodies/{roles.bodies[body]}/ballots",
                                    {"title": "A ballot", **timetable(), **fields})
        assert response.status_code == 201, response.text
        ballot = response.json()["id"]
        if open:
            opened = await runner.api("POST", f"/api/v1/ballots/{ballot}/actions/open", {})
            assert opened.status_code == 200, opened.text
        return ballot

    return make


@pytest.fixture
def receipt_of():
    def find(html: str) -> str:
        match = RECEIPT.search(html)
        assert match, "no receipt on the page"
        return match.group(1)
    return find
