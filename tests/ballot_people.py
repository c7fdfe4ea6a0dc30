"""Signed-in members for the ballot roll, timetable and proxy tests (tests/test_ballot_*.py): Olive on the
NMM's CAC, each member in their own browser, and ``set_up`` to make a ballot through the API.

Import the fixtures by name (``from ballot_people import cac, signed_in``): under importlib mode a test
module cannot import a conftest, so the few helpers these files share live here.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import httpx
import pytest
from sqlalchemy import select, update

from server.db.models import AuditEntryRow, Membership


class Browser:
    """One member's browser: ``api`` sends JSON with the CSRF header, ``post`` a form with the token."""

    def __init__(self, http: httpx.AsyncClient, token: str) -> None:
        self.http, self.token = http, token

    async def get(self, url: str, **kwargs) -> httpx.Response:
        return await self.http.get(url, **kwargs)

    async def post(self, url: str, **fields: str) -> httpx.Response:
        return await self.http.post(url, data={"csrf_token": self.token, **fields})

    async def api(self, method: str, url: str, json=None) -> httpx.Response:
        return await self.http.request(method, url, json=json, headers={"X-CSRF-Token": self.token})


@pytest.fixture
async def cac(app, org):
    """The small organisation with Olive on the NMM's CAC (she is already an officer of the North branch)."""
    async with app.state.sessions() as db:
        await db.execute(update(Membership).where(Membership.member_id == org.members["olive"],
                                                  Membership.body_id == org.bodies["nmm"]).values(role="cac_member"))
        await db.commit()
    return org


@pytest.fixture
async def signed_in(app, cac, h):
    """``await signed_in("nora")``: Nora's own browser, signed in."""
    opened: list[httpx.AsyncClient] = []

    async def sign_in(who: str) -> Browser:
        http = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver")
        opened.append(http)
        return Browser(http, await h.signed_in_token(http, cac.email(who)))

    yield sign_in
    for http in opened:
        await http.aclose()


def moment(**delta: float) -> str:
    return (datetime.now(timezone.utc) + timedelta(**delta)).isoformat()


async def set_up(runner: Browser, body_id: int, **fields) -> int:
    """A draft ballot (a motion unless said otherwise) opening in an hour, unless the CAC opens it early."""
    response = await runner.api("POST", f"/api/v1/bodies/{body_id}/ballots", {
        "kind": "motion", "title": "A ballot", "opens": moment(hours=1), "closes": moment(hours=3), **fields})
    assert response.status_code == 201, response.text
    return response.json()["id"]


async def audit_entries(app, action: str) -> list[AuditEntryRow]:
    async with app.state.sessions() as db:
        return list((await db.execute(select(AuditEntryRow).where(AuditEntryRow.action == action)
                                      .order_by(AuditEntryRow.seq))).scalars())
