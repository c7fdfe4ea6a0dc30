"""Opening by the timetable: a draft whose opening time has passed opens when anyone looks at it (the
roll frozen at that moment, the audit entry naming no actor and the reason "timetable"); before its time it
stays a draft; the CAC may still open it early. Both databases."""

from __future__ import annotations

import asyncio
import json

from sqlalchemy import select

from ballot_people import audit_entries, cac, moment, set_up, signed_in  # noqa: F401 (fixtures)
from ballots import kinds
from server.db.models import Ballot, Membership


async def _join_north(app, org, who: str) -> None:
    async with app.state.sessions() as db:
        db.add(Membership(member_id=org.members[who], body_id=org.bodies["north"], role="member"))
        await db.commit()


async def _stored(app, ballot_id: int) -> Ballot:
    async with app.state.sessions() as db:
        return (await db.execute(select(Ballot).where(Ballot.id == ballot_id))).scalar_one()


async def test_a_draft_opens_by_timetable_when_anyone_looks_freezing_the_roll_then(app, signed_in, cac):
    olive, nora = await signed_in("olive"), await signed_in("nora")
    ballot = await set_up(olive, cac.bodies["north"], title="Branch motion", opens=moment(minutes=-1))
    assert (await _stored(app, ballot)).state == "draft"  # set up with its opening time passed: nobody looked yet
    await _join_north(app, cac, "sam")  # joins after set-up, before anyone looks: on the roll
    shown = (await nora.api("GET", f"/api/v1/ballots/{ballot}")).json()
    assert shown["state"] == "open" and shown["turnout"] == {"voted": 0, "eligible": 3}
    stored = await _stored(app, ballot)
    spec = kinds.BallotSpec.from_dict(json.loads(stored.spec))
    assert stored.fingerprint == spec.fingerprint() == shown["fingerprint"]
    ids = sorted(cac.members[w] for w in ("olive", "nora", "sam"))
    assert spec.electorate == kinds.Electorate(3, 3, kinds.roll_digest((str(m), 1) for m in ids))
    [opening] = await audit_entries(app, "ballot.open")
    assert opening.actor is None
    assert json.loads(opening.payload) == {"ballot": str(ballot), "reason": "timetable", "spec_fingerprint":
                                           stored.fingerprint, "roll_digest": spec.electorate.roll_digest}
    await _join_north(app, cac, "wanda")  # joins after opening: the roll is frozen
    roll = (await nora.api("GET", f"/api/v1/ballots/{ballot}/roll")).json()
    assert sorted(v["member"]["name"] for v in roll["voters"]) == ["Nora", "Olive", "Sam"]
    assert (await olive.api("POST", f"/api/v1/ballots/{ballot}/actions/open", {})).status_code == 409


async def test_the_ballot_page_and_the_roll_page_open_it_too(app, signed_in, cac):
    olive, nora = await signed_in("olive"), await signed_in("nora")
    by_page = await set_up(olive, cac.bodies["north"], title="By the page", opens=moment(minutes=-1))
    page = await nora.get(f"/ballots/{by_page}")
    assert page.status_code == 200 and "Cast my vote" in page.text and "Turnout so far" in page.text
    by_roll = await set_up(olive, cac.bodies["north"], title="By the roll", opens=moment(minutes=-1))
    roll = await nora.get(f"/ballots/{by_roll}/roll")
    assert "Frozen when voting opened" in roll.text
    assert [(await _stored(app, b)).state for b in (by_page, by_roll)] == ["open", "open"]


async def test_before_its_opening_time_a_draft_stays_a_draft(app, signed_in, cac):
    olive, nora = await signed_in("olive"), await signed_in("nora")
    ballot = await set_up(olive, cac.bodies["north"], opens=moment(hours=1))
    page = await nora.get(f"/ballots/{ballot}")
    assert "Not yet open" in page.text and "Cast my vote" not in page.text
    assert (await nora.api("GET", f"/api/v1/ballots/{ballot}")).json()["state"] == "draft"
    early = await nora.api("POST", f"/api/v1/ballots/{ballot}/votes", {"choice": "yes"})
    assert early.status_code == 409 and "not opened" in early.json()["error"]["message"]
    assert await audit_entries(app, "ballot.open") == []


async def test_the_cac_can_still_open_early(app, signed_in, cac):
    olive, nora = await signed_in("olive"), await signed_in("nora")
    ballot = await set_up(olive, cac.bodies["nmm"], opens=moment(hours=2))
    opened = await olive.api("POST", f"/api/v1/ballots/{ballot}/actions/open", {})
    assert opened.status_code == 200 and opened.json()["state"] == "open"
    [opening] = await audit_entries(app, "ballot.open")
    assert opening.actor == "Olive" and json.loads(opening.payload)["reason"] == "opened by the CAC"
    assert (await olive.api("POST", f"/api/v1/ballots/{ballot}/actions/open", {})).status_code == 409
    refused = await nora.api("POST", f"/api/v1/ballots/{ballot}/actions/open", {})
    assert refused.status_code == 403


async def test_many_looking_at_once_open_it_once(app, signed_in, cac):
    members = [await signed_in(w) for w in ("olive", "nora", "sam", "wanda", "admin")]
    ballot = await set_up(members[0], cac.bodies["nmm"], opens=moment(minutes=-1))
    looks = await asyncio.gather(*(m.api("GET", f"/api/v1/ballots/{ballot}") for m in members))
    assert {look.status_code for look in looks} == {200}
    assert {look.json()["state"] for look in looks} == {"open"}
    assert len(await audit_entries(app, "ballot.open")) == 1


async def test_a_draft_that_cannot_open_waits_for_the_cac(app, signed_in, cac):
    """A delegates ballot with no delegates stays a draft when looked at; the CAC is told why."""
    olive = await signed_in("olive")
    ballot = await set_up(olive, cac.bodies["nmm"], roll_source="delegates", opens=moment(minutes=-1))
    assert (await olive.api("GET", f"/api/v1/ballots/{ballot}")).json()["state"] == "draft"
    refused = await olive.post(f"/ballots/{ballot}/open")
    assert refused.status_code == 409 and "its roll would be empty" in refused.text
    assert await audit_entries(app, "ballot.open") == []


async def test_a_hand_count_never_opens_by_timetable(app, signed_in, cac):
    olive = await signed_in("olive")
    ballot = await set_up(olive, cac.bodies["nmm"], by_hand=True, opens=moment(minutes=-1))
    assert (await olive.api("GET", f"/api/v1/ballots/{ballot}")).json()["state"] == "draft"
