"""Forming factions and platforms by signature, and deciding caucus and fraction requests,
through the pages and the API on both databases."""

from __future__ import annotations

import re
from datetime import date, timedelta

from sqlalchemy import select, update

from server.db.models import Body, Meeting, Membership
from server.dates import day_month_year

PURPOSE = "We move that the organisation **affiliate** to the renters' union."


async def _propose_faction(browser, meeting: int) -> int:
    response = await browser.post("/groupings", kind="faction", name="Renters First", purpose=PURPOSE,
                                  meeting_id=str(meeting))
    assert response.status_code == 303, response.text
    return int(re.search(r"/groupings/(\d+)", response.headers["location"]).group(1))


async def test_nine_signatures_are_refused_and_ten_form_the_faction(as_member, people, app):
    olive = await as_member("olive")
    proposal = await _propose_faction(olive, people["meeting"])
    for who in ("signer1", "signer2", "signer3", "signer4", "signer5", "signer6", "signer7", "signer8"):
        signer = await as_member(who)
        assert (await signer.post(f"/groupings/{proposal}/sign")).status_code == 303
    page = await olive.get(f"/groupings/{proposal}")
    assert "9 of the 10 signatures needed; 1 more to form" in page.text
    dissolves_on = (await olive.api("GET", f"/api/v1/groupings/{proposal}")).json()["dissolves_on"]
    held_on = day_month_year(date.fromisoformat(dissolves_on))
    assert f"Dissolves when Conference 2027 (National Members&#39; Meeting) votes on its proposals, on {held_on}." in page.text
    assert page.text.count("<li>Olive") + page.text.count("<li>Signer") == 9
    state = (await olive.api("GET", f"/api/v1/groupings/{proposal}")).json()
    assert (state["state"], state["body"]) == ("collecting", None)

    tenth = await as_member("signer9")
    assert (await tenth.post(f"/groupings/{proposal}/sign")).status_code == 303
    state = (await olive.api("GET", f"/api/v1/groupings/{proposal}")).json()
    assert state["status"] == "10 of the 10 signatures needed: formed"
    assert state["state"] == "formed" and state["body"]["kind"] == "faction"
    assert [s["member"]["name"] for s in state["signatures"]][:2] == ["Olive", "Signer1"]
    async with app.state.sessions() as db:
        roles = (await db.execute(select(Membership.member_id, Membership.role)
                                  .where(Membership.body_id == state["body"]["id"]))).all()
    assert len(roles) == 10
    assert dict(roles)[people["olive"]] == "officer"
    assert sorted(r for _, r in roles).count("member") == 9
    # a signatory sees the faction's own body page, governing itself
    assert (await tenth.get(f"/bodies/{state['body']['slug']}")).status_code == 200
    # signing twice is refused with the reason
    again = await tenth.post(f"/groupings/{proposal}/sign")
    assert again.status_code == 409 and "already signed" in again.text


async def test_a_faction_must_name_its_meeting_and_purpose(as_member, people):
    nora = await as_member("nora")
    response = await nora.post("/groupings", kind="faction", name="No meeting", purpose="")
    assert response.status_code == 400
    assert "declares its purpose" in response.text and "names the meeting" in response.text
    assert 'value="No meeting"' in response.text
    api = await nora.api("POST", "/api/v1/groupings", {"kind": "faction", "name": "X", "purpose": "Y"})
    assert api.status_code == 400 and api.json()["error"]["fields"]["meeting_id"]


async def test_the_minimum_is_configurable_per_body(as_member, people, org):
    admin = await as_member("admin")
    nora = await as_member("nora")
    refused = await nora.api("PUT", f"/api/v1/bodies/{org.bodies['nmm']}/grouping-rules", {"minimum_signatures": 2})
    assert refused.status_code == 403
    set_rules = await admin.api("PUT", f"/api/v1/bodies/{org.bodies['nmm']}/grouping-rules", {"minimum_signatures": 2})
    assert set_rules.status_code == 200, set_rules.text
    created = await nora.api("POST", "/api/v1/groupings", {"kind": "platform", "name": "Left Unity",
                                                           "purpose": "A programme for the long haul."})
    assert created.status_code == 201
    assert created.json()["status"] == "1 of the 2 signatures needed; 1 more to form"
    assert created.json()["lifespan"] == "A platform lasts as long as its members want."
    sam = await as_member("sam")
    signed = await sam.api("POST", f"/api/v1/groupings/{created.json()['id']}/signatures")
    assert signed.status_code == 201
    assert signed.json()["state"] == "formed" and signed.json()["dissolves_on"] is None


async def test_a_faction_dissolves_once_its_meeting_has_voted(as_member, people, app, today):
    olive = await as_member("olive")
    proposal = await _propose_faction(olive, people["meeting"])
    async with app.state.sessions() as db:
        await db.execute(update(Meeting).where(Meeting.id == people["meeting"]).values(held_on=today - timedelta(days=2)))
        await db.commit()
    page = await olive.get(f"/groupings/{proposal}")
    assert f"Dissolved on {day_month_year(today - timedelta(days=2))}, when Conference 2027" in page.text
    assert 'action="/groupings/%d/sign"' % proposal not in page.text
    late = await as_member("signer1")
    refused = await late.post(f"/groupings/{proposal}/sign")
    assert refused.status_code == 409 and "has dissolved" in refused.text
    assert (await olive.api("GET", f"/api/v1/groupings/{proposal}")).json()["dissolved"] is True


async def test_a_caucus_request_is_decided_with_a_reason_all_members_see(as_member, people, app):
    wanda = await as_member("wanda")
    asked = await wanda.post("/groupings", kind="caucus", name="Disabled members' caucus",
                             purpose="For members who identify as disabled, to organise together.")
    assert asked.status_code == 303
    proposal = int(re.search(r"/groupings/(\d+)", asked.headers["location"]).group(1))
    nora = await as_member("nora")
    assert (await nora.post(f"/groupings/{proposal}/decide", decision="approve", reason="fine")).status_code == 403
    admin = await as_member("admin")
    no_reason = await admin.post(f"/groupings/{proposal}/decide", decision="refuse", reason=" ")
    assert no_reason.status_code == 400 and "needs a written reason" in no_reason.text
    done = await admin.post(f"/groupings/{proposal}/decide", decision="approve",
                            reason="The constitution recognises liberation caucuses.")
    assert done.status_code == 303
    seen = await nora.get(f"/groupings/{proposal}")
    assert "Approved by Admin" in seen.text and "The constitution recognises liberation caucuses." in seen.text
    listing = await nora.get("/groupings")
    assert "Disabled members&#39; caucus" in listing.text
    async with app.state.sessions() as db:
        body = (await db.execute(select(Body).where(Body.name == "Disabled members' caucus"))).scalar_one()
    assert body.kind == "caucus"
    twice = await admin.api("POST", f"/api/v1/groupings/{proposal}/decision", {"decision": "refuse", "reason": "x"})
    assert twice.status_code == 409
    fraction = await nora.api("POST", "/api/v1/groupings", {"kind": "fraction", "name": "Health workers",
                                                            "purpose": "NHS members."})
    refused = await admin.api("POST", f"/api/v1/groupings/{fraction.json()['id']}/decision",
                              {"decision": "refuse", "reason": "Already covered by the health caucus."})
    assert refused.json()["decision"]["reason"] == "Already covered by the health caucus."
    assert refused.json()["state"] == "refused" and refused.json()["body"] is None


async def test_signed_out_visitors_are_sent_to_sign_in(client, people):
    assert (await client.get("/groupings")).status_code == 303
    assert (await client.get("/api/v1/groupings")).status_code == 401
