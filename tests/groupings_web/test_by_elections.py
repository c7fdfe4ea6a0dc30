"""By-elections: a carried recall (online or counted by hand) or a resignation vacates the post
and opens a by-election in the electing body; members nominate, nominees accept, the officers
open an office ballot of the accepted nominees through the ballots service, and the published
winner becomes the new holder. Refusals say why. Both databases."""

from __future__ import annotations

import asyncio
import re
from datetime import datetime, timedelta, timezone

from sqlalchemy import func, select, update

from server.db.models import Holding, Membership
from server.db.models_groupings import ByElection
from server.services.by_elections import NOMINATION_DAYS


async def _join_north(app, org, people, *who: str, role: str = "member") -> None:
    async with app.state.sessions() as db:
        for name in who:
            db.add(Membership(member_id=people[name], body_id=org.bodies["north"], role=role))
        await db.commit()


async def _close_nominations(app, by_election: int) -> None:
    """Fourteen days pass (the by-election's own clock, as a test cannot wait for it)."""
    async with app.state.sessions() as db:
        await db.execute(update(ByElection).where(ByElection.id == by_election)
                         .values(nominations_close_at=datetime.now(timezone.utc) - timedelta(seconds=1)))
        await db.commit()


async def _carried_recall(as_member, org) -> tuple[int, int]:
    """Nora moves Olive's recall, Signer1 supports, the ballot carries 2 to 1; returns (recall, by-election)."""
    admin, nora, signer, olive = [await as_member(w) for w in ("admin", "nora", "signer1", "olive")]
    await admin.api("PUT", f"/api/v1/bodies/{org.bodies['north']}/grouping-rules",
                    {"minimum_signatures": 10, "recall_supporters": 2, "recall_notice_days": 0})
    started = await nora.post(f"/holdings/{org.holdings['north_secretary']}/recall", reason="Did not call the AGM.")
    recall = int(re.search(r"/recalls/(\d+)", started.headers["location"]).group(1))
    assert (await signer.post(f"/recalls/{recall}/support")).status_code == 303
    assert (await admin.post(f"/recalls/{recall}/ballot")).status_code == 303
    ballot = (await nora.api("GET", f"/api/v1/recalls/{recall}")).json()["ballot_id"]
    assert (await admin.api("POST", f"/api/v1/ballots/{ballot}/actions/open", {})).status_code == 200
    for voter, choice in ((nora, "yes"), (signer, "yes"), (olive, "no")):
        assert (await voter.api("POST", f"/api/v1/ballots/{ballot}/votes", {"choice": choice})).status_code == 201
    assert (await admin.api("POST", f"/api/v1/ballots/{ballot}/actions/close", {})).status_code == 200
    assert (await admin.post(f"/recalls/{recall}/settle")).status_code == 303
    assert (await admin.post(f"/recalls/{recall}/settle")).status_code == 409
    state = (await nora.api("GET", f"/api/v1/recalls/{recall}")).json()
    assert state["state"] == "carried" and state["by_election_id"]
    return recall, state["by_election_id"]


async def test_a_carried_recall_is_refilled_by_a_by_election(as_member, people, org, app):
    await _join_north(app, org, people, "signer1")
    recall, by_election = await _carried_recall(as_member, org)
    admin, nora, signer, olive, sam = [await as_member(w) for w in ("admin", "nora", "signer1", "olive", "sam")]
    recall_page = await nora.get(f"/recalls/{recall}")
    assert f'href="/by-elections/{by_election}"' in recall_page.text

    shown = (await nora.api("GET", f"/api/v1/by-elections/{by_election}")).json()
    assert shown["state"] == "nominations" and shown["nominations_open"] and shown["cause"] == "recall"
    assert shown["vacated"]["member"]["name"] == "Olive" and shown["electing_body"]["slug"] == "north"
    opened = datetime.fromisoformat(shown["opened_at"])
    assert datetime.fromisoformat(shown["nominations_close_at"]) - opened == timedelta(days=NOMINATION_DAYS)
    page = await nora.get(f"/by-elections/{by_election}")
    assert page.status_code == 200 and "open until" in page.text and 'name="nominee_id"' in page.text
    # Sam is in the South branch: the North branch's by-election is not his to see
    assert (await sam.get(f"/by-elections/{by_election}")).status_code == 404

    refused = await nora.post(f"/by-elections/{by_election}/nominations", nominee_id=str(people["sam"]))
    assert refused.status_code == 400
    assert "Sam is not a member of North branch, so cannot be nominated." in refused.text
    assert (await nora.post(f"/by-elections/{by_election}/nominations", nominee_id=str(people["nora"]))).status_code == 303
    other = await nora.api("POST", f"/api/v1/by-elections/{by_election}/nominations", {"nominee_id": people["signer1"]})
    assert other.status_code == 201 and other.json()["state"] == "awaiting"
    signer_nomination = other.json()["id"]
    twice = await olive.api("POST", f"/api/v1/by-elections/{by_election}/nominations", {"nominee_id": people["nora"]})
    assert twice.status_code == 409 and twice.json()["error"]["message"] == "Nora is already nominated."
    not_theirs = await olive.api("POST", f"/api/v1/nominations/{signer_nomination}/acceptance")
    assert not_theirs.status_code == 403
    assert not_theirs.json()["error"]["message"] == "Only Signer1 can accept their own nomination."
    signer_page = await signer.get(f"/by-elections/{by_election}")
    assert f'action="/nominations/{signer_nomination}/accept"' in signer_page.text
    assert (await signer.post(f"/nominations/{signer_nomination}/accept")).status_code == 303
    # Olive is nominated and declines (the nominee withdraws)
    olive_nomination = (await nora.api("POST", f"/api/v1/by-elections/{by_election}/nominations",
                                       {"nominee_id": people["olive"]})).json()["id"]
    declined = await olive.api("POST", f"/api/v1/nominations/{olive_nomination}/withdrawal")
    assert declined.status_code == 200 and declined.json()["state"] == "withdrawn"

    early = await admin.post(f"/by-elections/{by_election}/election", method="exhaustive")
    assert early.status_code == 409 and "Nominations are open until" in early.text
    await _close_nominations(app, by_election)
    late = await nora.api("POST", f"/api/v1/by-elections/{by_election}/nominations", {"nominee_id": people["olive"]})
    assert late.status_code == 409 and late.json()["error"]["message"].startswith("Nominations closed on ")
    late_withdrawal = await signer.api("POST", f"/api/v1/nominations/{signer_nomination}/withdrawal")
    assert late_withdrawal.status_code == 409 and "can no longer be withdrawn" in late_withdrawal.text
    assert (await nora.api("POST", f"/api/v1/by-elections/{by_election}/election", {})).status_code == 403

    opened = await admin.post(f"/by-elections/{by_election}/election", method="exhaustive")
    assert opened.status_code == 303, opened.text
    shown = (await nora.api("GET", f"/api/v1/by-elections/{by_election}")).json()
    assert shown["state"] == "ballot" and shown["candidates"] == ["Nora", "Signer1"]
    ballot = (await nora.api("GET", f"/api/v1/ballots/{shown['ballot_id']}")).json()
    assert ballot["state"] == "open" and ballot["kind"] == "office"
    assert ballot["spec"]["candidates"] == ["Nora", "Signer1"] and ballot["spec"]["method"] == "exhaustive"
    for voter, ranking in ((nora, ["Nora"]), (signer, ["Signer1"]), (olive, ["Signer1", "Nora"])):
        cast = await voter.api("POST", f"/api/v1/ballots/{shown['ballot_id']}/votes", {"ranking": ranking})
        assert cast.status_code == 201, cast.text
    assert (await admin.api("POST", f"/api/v1/ballots/{shown['ballot_id']}/actions/close", {})).status_code == 200

    # everyone looks at once: the winner is recorded by one of them, once
    pages = await asyncio.gather(*(who.get(f"/by-elections/{by_election}") for who in (nora, signer, olive, admin)))
    assert all("Signer1 is elected and holds the post" in page.text for page in pages)
    shown = (await olive.api("GET", f"/api/v1/by-elections/{by_election}")).json()
    assert shown["state"] == "filled" and shown["new_holder"]["member"]["name"] == "Signer1"
    body = (await nora.api("GET", f"/api/v1/bodies/{org.bodies['north']}")).json()
    holders = [(h["member"]["name"], h["current"]) for h in body["positions"][0]["holders"]]
    assert holders == [("Olive", False), ("Signer1", True)]
    async with app.state.sessions() as db:
        assert (await db.execute(select(func.count()).select_from(Holding))).scalar_one() == 2


async def test_a_resignation_opens_a_by_election_and_nobody_standing_is_refused(as_member, org, people, app):
    olive, nora, admin = [await as_member(w) for w in ("olive", "nora", "admin")]
    holding = org.holdings["north_secretary"]
    assert f'href="/holdings/{holding}/resign"' in (await olive.get("/bodies/north")).text
    assert (await nora.get(f"/holdings/{holding}/resign")).status_code == 404
    assert "a by-election opens in North branch" in (await olive.get(f"/holdings/{holding}/resign")).text
    resigned = await olive.post(f"/holdings/{holding}/resign")
    assert resigned.status_code == 303
    by_election = int(re.search(r"/by-elections/(\d+)", resigned.headers["location"]).group(1))
    shown = (await nora.api("GET", f"/api/v1/by-elections/{by_election}")).json()
    assert shown["cause"] == "resignation" and shown["vacated"]["ends_on"]
    assert 'href="/bodies/north/by-elections"' in (await nora.get("/bodies/north")).text
    listed = await nora.get("/bodies/north/by-elections")
    assert f'href="/by-elections/{by_election}"' in listed.text and "Olive's resignation" in listed.text
    assert (await (await as_member("sam")).get(f"/by-elections/{by_election}")).status_code == 404
    bad = await nora.api("POST", f"/api/v1/by-elections/{by_election}/nominations", {"nominee_id": "Nora"})
    assert bad.status_code == 400 and "nominee_id must be the member's id" in bad.text
    # a nomination of another member that is never accepted does not stand
    await nora.api("POST", f"/api/v1/by-elections/{by_election}/nominations", {"nominee_id": people["olive"]})
    await _close_nominations(app, by_election)
    nobody = await admin.api("POST", f"/api/v1/by-elections/{by_election}/election", {"method": "exhaustive"})
    assert nobody.status_code == 409
    assert nobody.json()["error"]["message"].startswith("Nobody has accepted a nomination, so there is nobody to elect.")
    page = await admin.get(f"/by-elections/{by_election}")
    assert "Nobody accepted a nomination." in page.text and f'action="/by-elections/{by_election}/reopen"' in page.text
    assert (await admin.post(f"/by-elections/{by_election}/reopen")).status_code == 303
    shown = (await nora.api("GET", f"/api/v1/by-elections/{by_election}")).json()
    assert shown["nominations_open"] and shown["state"] == "nominations"
    again = await admin.api("POST", f"/api/v1/by-elections/{by_election}/reopen")
    assert again.status_code == 409


async def test_a_hand_counted_recall_is_settled_from_the_published_figures(as_member, people, org, app):
    await _join_north(app, org, people, "signer1")
    await _join_north(app, org, people, "signer2", "signer3", role="teller")
    admin, nora, signer = [await as_member(w) for w in ("admin", "nora", "signer1")]
    await admin.api("PUT", f"/api/v1/bodies/{org.bodies['north']}/grouping-rules",
                    {"minimum_signatures": 10, "recall_supporters": 2, "recall_notice_days": 0})
    started = await nora.post(f"/holdings/{org.holdings['north_secretary']}/recall", reason="Missed every meeting.")
    recall = int(re.search(r"/recalls/(\d+)", started.headers["location"]).group(1))
    await signer.post(f"/recalls/{recall}/support")
    assert 'name="by_hand"' in (await admin.get(f"/recalls/{recall}")).text
    assert (await admin.post(f"/recalls/{recall}/ballot", by_hand="on")).status_code == 303
    ballot = (await nora.api("GET", f"/api/v1/recalls/{recall}")).json()["ballot_id"]
    assert (await nora.api("GET", f"/api/v1/ballots/{ballot}")).json()["by_hand"] is True
    unpublished = await admin.post(f"/recalls/{recall}/settle")
    assert unpublished.status_code == 409 and "The result is not published yet." in unpublished.text
    figures = {"for": 4, "against": 1, "abstain": 0, "present": 5, "declared": "carried"}
    assert (await admin.api("POST", f"/api/v1/ballots/{ballot}/actions/hand-count", figures)).status_code == 200
    for teller in ("signer2", "signer3"):
        confirmed = await (await as_member(teller)).api("POST", f"/api/v1/ballots/{ballot}/actions/confirm", {})
        assert confirmed.status_code == 200, confirmed.text
    assert (await admin.api("POST", f"/api/v1/ballots/{ballot}/actions/publish", {})).status_code == 200
    settled = await admin.post(f"/recalls/{recall}/settle")
    assert settled.status_code == 303, settled.text
    state = (await nora.api("GET", f"/api/v1/recalls/{recall}")).json()
    assert state["state"] == "carried" and state["holding"]["ends_on"] and state["by_election_id"]
    shown = (await nora.api("GET", f"/api/v1/by-elections/{state['by_election_id']}")).json()
    assert shown["state"] == "nominations" and shown["recall_id"] == recall


async def test_a_hand_count_that_fell_leaves_the_holder_in_post(as_member, people, org, app):
    await _join_north(app, org, people, "signer1")
    await _join_north(app, org, people, "signer2", "signer3", role="teller")
    admin, nora, signer = [await as_member(w) for w in ("admin", "nora", "signer1")]
    await admin.api("PUT", f"/api/v1/bodies/{org.bodies['north']}/grouping-rules",  # no notice to wait out
                    {"minimum_signatures": 10, "recall_supporters": 2, "recall_notice_days": 0})
    started = await nora.post(f"/holdings/{org.holdings['north_secretary']}/recall", reason="Missed a meeting.")
    recall = int(re.search(r"/recalls/(\d+)", started.headers["location"]).group(1))
    await signer.post(f"/recalls/{recall}/support")
    await admin.post(f"/recalls/{recall}/ballot", by_hand="on")
    ballot = (await nora.api("GET", f"/api/v1/recalls/{recall}")).json()["ballot_id"]
    figures = {"for": 1, "against": 3, "abstain": 0, "present": 5, "declared": "fell"}
    await admin.api("POST", f"/api/v1/ballots/{ballot}/actions/hand-count", figures)
    for teller in ("signer2", "signer3"):
        await (await as_member(teller)).api("POST", f"/api/v1/ballots/{ballot}/actions/confirm", {})
    assert (await admin.api("POST", f"/api/v1/ballots/{ballot}/actions/publish", {})).status_code == 200
    assert (await admin.post(f"/recalls/{recall}/settle")).status_code == 303
    state = (await nora.api("GET", f"/api/v1/recalls/{recall}")).json()
    assert state["state"] == "lost" and state["holding"]["ends_on"] is None and state["by_election_id"] is None
