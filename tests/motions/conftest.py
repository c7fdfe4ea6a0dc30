"""Fixtures for the motion tests: the server tests' fixtures (both databases, the real
app behind httpx, the small organisation), plus a meeting of its NMM with a CAC.

The shared fixtures come from tests/server_fixtures.py, registered in tests/conftest.py.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone

import pytest

from server.db.models import Meeting, Membership


@dataclass
class Agenda:
    meeting: int
    closed_meeting: int
    north_meeting: int


@pytest.fixture
async def agenda(app, org) -> Agenda:
    """An open NMM meeting (deadlines next week), one whose motions deadline passed,
    and a North branch meeting. Olive is on the NMM's CAC."""
    now = datetime.now(timezone.utc)
    async with app.state.sessions() as db:
        nmm_membership = (await db.execute(
            Membership.__table__.select().where(Membership.member_id == org.members["olive"],
                                                Membership.body_id == org.bodies["nmm"]))).first()
        await db.execute(Membership.__table__.update().where(Membership.id == nmm_membership.id)
                         .values(role="cac_member"))
        open_meeting = Meeting(body_id=org.bodies["nmm"], title="Conference 2027", held_on=date(2027, 3, 1),
                               motions_deadline=now + timedelta(days=7), amendments_deadline=now + timedelta(days=14),
                               supporters_needed=1)
        closed = Meeting(body_id=org.bodies["nmm"], title="Special conference", held_on=date(2027, 1, 10),
                         motions_deadline=now - timedelta(days=1), amendments_deadline=now + timedelta(days=3))
        north = Meeting(body_id=org.bodies["north"], title="North branch AGM", held_on=date(2027, 2, 1),
                        motions_deadline=now + timedelta(days=7), amendments_deadline=now + timedelta(days=14))
        db.add_all([open_meeting, closed, north])
        await db.commit()
        return Agenda(open_meeting.id, closed.id, north.id)


class Member:
    """A signed-in browser: ``await m.post(url, field=value)`` sends the form with its CSRF token."""

    def __init__(self, http, token: str) -> None:
        self.http, self.token = http, token

    async def get(self, url: str, **kwargs):
        return await self.http.get(url, **kwargs)

    async def post(self, url: str, **data):
        return await self.http.post(url, data={"csrf_token": self.token, **data})

    async def api(self, method: str, url: str, json=None):
        return await self.http.request(method, url, json=json, headers={"X-CSRF-Token": self.token})


@pytest.fixture
async def as_member(app, org, h):
    """``await as_member("nora")``: a new browser signed in as that member of the org."""
    import httpx

    opened = []

    async def sign_in(who: str) -> Member:
        http = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver")
        opened.append(http)
        return Member(http, await h.signed_in_token(http, org.email(who)))

    yield sign_in
    for http in opened:
        await http.aclose()


TEXT = ("**This body notes:**\n\nRents rose by 9% this year.\n\n**This body resolves:**\n\n"
        "To fund the renters' union with 500 pounds and to campaign for rent controls.\n")


@pytest.fixture
def steps(agenda):
    """API steps that bring a motion to a state: ``await steps.admitted(nora, olive, sam)``."""

    class Steps:
        async def draft(self, author: Member, meeting: int | None = None, **fields) -> int:
            body = {"title": "Fund the renters' union", "text": TEXT, **fields}
            response = await author.api("POST", f"/api/v1/meetings/{meeting or agenda.meeting}/motions", body)
            assert response.status_code == 201, response.text
            return response.json()["id"]

        async def act(self, member: Member, motion: int, action: str, expect: int = 200, **body):
            response = await member.api("POST", f"/api/v1/motions/{motion}/actions/{action}", body)
            assert response.status_code == expect, response.text
            return response

        async def submitted(self, author: Member, supporter: Member, **fields) -> int:
            motion = await self.draft(author, **fields)
            await self.act(author, motion, "submit")
            await self.act(supporter, motion, "support")
            return motion

        async def admitted(self, author: Member, cac: Member, supporter: Member, **fields) -> int:
            motion = await self.submitted(author, supporter, **fields)
            await self.act(cac, motion, "admit")
            return motion

        async def amend(self, member: Member, motion: int, expect: int = 201, **body) -> dict:
            response = await member.api("POST", f"/api/v1/motions/{motion}/amendments", body)
            assert response.status_code == expect, response.text
            return response.json()

        async def admit_amendment(self, cac: Member, supporter: Member, amendment: int) -> None:
            """The meeting needs one supporter (``agenda``): one supports, then the CAC admits."""
            await self.amendment_act(supporter, amendment, "support")
            await self.amendment_act(cac, amendment, "admit")

        async def amendment_act(self, member: Member, amendment: int, action: str, expect: int = 200, **body):
            response = await member.api("POST", f"/api/v1/amendments/{amendment}/actions/{action}", body)
            assert response.status_code == expect, response.text
            return response

    return Steps()
