"""Recall: a member of the electing body starts it, supporters per the body's rules, a ballot
through the ballots service, and a carried recall vacates the post and opens a by-election.
Both databases."""

from __future__ import annotations

import re

from server.db.models import Membership


async def test_a_recall_carries_vacates_the_post_and_opens_a_by_election(as_member, people, org, app):
    admin = await as_member("admin")
    rules = await admin.api("PUT", f"/api/v1/bodies/{org.bodies['north']}/grouping-rules",
                            {"minimum_signatures": 10, "recall_supporters": 2, "recall_notice_days": 0})
    assert rules.status_code == 200 and rules.json()["recall_notice_days"] == 0
    holding = org.holdings["north_secretary"]
    # Sam is not in the North branch, which elected Olive: no recall for him
    sam = await as_member("sam")
    assert (await sam.post(f"/holdings/{holding}/recall", reason="x")).status_code == 403
    nora = await as_member("nora")
    body_page = await nora.get("/bodies/north")
    assert f'href="/holdings/{holding}/recall"' in body_page.text
    no_reason = await nora.post(f"/holdings/{holding}/recall", reason=" ")
    assert no_reason.status_code == 400 and "states its reason" in no_reason.text
    started = await nora.post(f"/holdings/{holding}/recall", reason="Did not call the AGM.")
    assert started.status_code == 303
    recall = int(re.search(r"/recalls/(\d+)", started.headers["location"]).group(1))
    short = await admin.post(f"/recalls/{recall}/ballot")
    assert short.status_code == 409 and "1 of the 2 supporters" in short.text
    # Olive is a member of the North branch too, and may support her own recall; a signer joins the branch
    async with app.state.sessions() as db:
        db.add(Membership(member_id=people["signer1"], body_id=org.bodies["north"], role="member"))
        await db.commit()
    signer = await as_member("signer1")
    assert (await signer.post(f"/recalls/{recall}/support")).status_code == 303
    arranged = await admin.post(f"/recalls/{recall}/ballot")
    assert arranged.status_code == 303, arranged.text
    state = (await nora.api("GET", f"/api/v1/recalls/{recall}")).json()
    assert state["state"] == "ballot" and state["supporters"] == ["Nora", "Signer1"]
    ballot = state["ballot_id"]
    assert (await admin.api("POST", f"/api/v1/ballots/{ballot}/actions/open", {})).status_code == 200
    for voter, choice in ((nora, "yes"), (signer, "yes")):
        cast = await voter.api("POST", f"/api/v1/ballots/{ballot}/votes", {"choice": choice})
        assert cast.status_code == 201, cast.text
    olive = await as_member("olive")
    assert (await olive.api("POST", f"/api/v1/ballots/{ballot}/votes", {"choice": "no"})).status_code == 201
    closed = await admin.api("POST", f"/api/v1/ballots/{ballot}/actions/close", {})
    assert closed.status_code == 200, closed.text
    settled = await admin.post(f"/recalls/{recall}/settle")
    assert settled.status_code == 303, settled.text
    state = (await nora.api("GET", f"/api/v1/recalls/{recall}")).json()
    assert state["state"] == "carried" and state["holding"]["ends_on"] and state["by_election_opened_at"]
    page = await nora.get(f"/recalls/{recall}")
    assert "Carried: Olive no longer holds the post" in page.text and "A by-election is open" in page.text
    body = (await nora.api("GET", f"/api/v1/bodies/{org.bodies['north']}")).json()
    assert not body["positions"][0]["holders"][0]["current"]
