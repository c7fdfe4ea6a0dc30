"""Review R7, findings 1 and 2: the holder being recalled never runs their own recall (they vote
in it as any member of the electing body), the parent body's CAC stands in when the holder was
the body's only one able to run it, and the recall ballot never opens before the notice has run
(at set-up, by the CAC early, by its timetable, or by entering a hand count). Both databases."""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

from sqlalchemy import select, update

from server.db.engine import as_utc
from server.db.models import Ballot, Member, Membership
from server.db.models_groupings import RecallMotion


async def _role(app, member_id: int, body_id: int, role: str) -> None:
    """Give the member this role in the body (adding the membership if they have none)."""
    async with app.state.sessions() as db:
        found = (await db.execute(select(Membership).where(Membership.member_id == member_id,
                                                           Membership.body_id == body_id))).scalars().first()
        if found is None:
            db.add(Membership(member_id=member_id, body_id=body_id, role=role))
        else:
            found.role = role
        await db.commit()


async def _supported_recall(as_member, org, notice_days: int) -> tuple[int, object, object]:
    """Nora starts the recall of Olive (North's secretary and its only officer); Signer1, a North
    member, supports it. Returns (recall id, admin, nora)."""
    admin, nora = await as_member("admin"), await as_member("nora")
    rules = await admin.api("PUT", f"/api/v1/bodies/{org.bodies['north']}/grouping-rules",
                            {"minimum_signatures": 10, "recall_supporters": 2, "recall_notice_days": notice_days})
    assert rules.status_code == 200, rules.text
    started = await nora.post(f"/holdings/{org.holdings['north_secretary']}/recall", reason="Did not call the AGM.")
    recall = int(re.search(r"/recalls/(\d+)", started.headers["location"]).group(1))
    assert (await (await as_member("signer1")).post(f"/recalls/{recall}/support")).status_code == 303
    return recall, admin, nora


async def test_the_holder_votes_in_but_never_runs_their_own_recall(as_member, people, org, app):
    await _role(app, people["signer1"], org.bodies["north"], "member")
    await _role(app, people["signer5"], org.bodies["nmm"], "cac_member")  # the parent body's CAC
    recall, _admin, nora = await _supported_recall(as_member, org, notice_days=0)
    olive = await as_member("olive")  # the holder, North's only officer
    page = await olive.get(f"/recalls/{recall}")
    assert "Set up the recall ballot" not in page.text and "This is your recall" in page.text
    refused = await olive.post(f"/recalls/{recall}/ballot")
    assert refused.status_code == 403 and "you vote in it as a member of North branch" in refused.text
    # nobody else in North may run it, so the NMM's CAC stands in: it sees the recall and sets it up
    cac = await as_member("signer5")
    assert "Set up the recall ballot" in (await cac.get(f"/recalls/{recall}")).text
    later = (datetime.now(timezone.utc) + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")  # opening in two days
    assert (await cac.post(f"/recalls/{recall}/ballot", opens=later)).status_code == 303
    ballot = (await nora.api("GET", f"/api/v1/recalls/{recall}")).json()["ballot_id"]
    assert (await olive.api("POST", f"/api/v1/ballots/{ballot}/actions/open", {})).status_code == 403
    assert "Open voting now" not in (await olive.get(f"/ballots/{ballot}")).text
    assert "Open voting now" in (await cac.get(f"/ballots/{ballot}")).text
    assert (await cac.api("POST", f"/api/v1/ballots/{ballot}/actions/open", {})).status_code == 200
    # the holder is on the roll and votes, as any member of the electing body
    assert (await olive.api("POST", f"/api/v1/ballots/{ballot}/votes", {"choice": "no"})).status_code == 201
    for who in ("nora", "signer1"):
        voter = nora if who == "nora" else await as_member(who)
        assert (await voter.api("POST", f"/api/v1/ballots/{ballot}/votes", {"choice": "yes"})).status_code == 201
    assert "Close voting now" not in (await olive.get(f"/ballots/{ballot}")).text
    assert (await olive.api("POST", f"/api/v1/ballots/{ballot}/actions/close", {})).status_code == 403
    assert (await cac.api("POST", f"/api/v1/ballots/{ballot}/actions/close", {})).status_code == 200
    assert (await olive.post(f"/recalls/{recall}/settle")).status_code == 403
    assert (await cac.post(f"/recalls/{recall}/settle")).status_code == 303
    assert (await nora.api("GET", f"/api/v1/recalls/{recall}")).json()["state"] == "carried"


async def test_the_parent_cac_stands_in_only_when_nobody_else_in_the_body_can(as_member, people, org, app):
    await _role(app, people["signer1"], org.bodies["north"], "member")
    await _role(app, people["signer2"], org.bodies["north"], "officer")  # North has another officer
    await _role(app, people["signer5"], org.bodies["nmm"], "cac_member")
    recall, _admin, _nora = await _supported_recall(as_member, org, notice_days=0)
    assert (await (await as_member("signer5")).post(f"/recalls/{recall}/ballot")).status_code == 403
    assert (await (await as_member("signer2")).post(f"/recalls/{recall}/ballot")).status_code == 303


async def test_a_holder_who_is_a_site_admin_still_does_not_run_it(as_member, people, org, app):
    await _role(app, people["signer1"], org.bodies["north"], "member")
    async with app.state.sessions() as db:
        await db.execute(update(Member).where(Member.id == org.members["olive"]).values(is_site_admin=True))
        await db.commit()
    recall, admin, _nora = await _supported_recall(as_member, org, notice_days=0)
    assert (await (await as_member("olive")).post(f"/recalls/{recall}/ballot")).status_code == 403
    assert (await admin.post(f"/recalls/{recall}/ballot")).status_code == 303


async def test_the_holder_neither_enters_confirms_nor_publishes_a_hand_count(as_member, people, org, app):
    await _role(app, people["signer1"], org.bodies["north"], "member")
    await _role(app, org.members["olive"], org.bodies["north"], "cac_member")
    await _role(app, people["signer2"], org.bodies["north"], "teller")  # North's only other teller
    await _role(app, people["signer3"], org.bodies["nmm"], "teller")  # so an NMM teller stands in
    await _role(app, people["signer5"], org.bodies["nmm"], "cac_member")
    recall, _admin, nora = await _supported_recall(as_member, org, notice_days=0)
    olive, cac = await as_member("olive"), await as_member("signer5")
    assert (await olive.post(f"/recalls/{recall}/ballot", by_hand="on")).status_code == 403
    assert (await cac.post(f"/recalls/{recall}/ballot", by_hand="on")).status_code == 303
    ballot = (await nora.api("GET", f"/api/v1/recalls/{recall}")).json()["ballot_id"]
    figures = {"for": 3, "against": 1, "abstain": 0, "present": 4, "declared": "carried"}
    entered = await olive.api("POST", f"/api/v1/ballots/{ballot}/actions/hand-count", figures)
    assert entered.status_code == 403 and "never a recall's holder" in entered.text
    assert (await cac.api("POST", f"/api/v1/ballots/{ballot}/actions/hand-count", figures)).status_code == 200
    await _role(app, org.members["olive"], org.bodies["north"], "teller")
    assert (await olive.api("POST", f"/api/v1/ballots/{ballot}/actions/confirm", {})).status_code == 403
    for teller in ("signer2", "signer3"):
        confirmed = await (await as_member(teller)).api("POST", f"/api/v1/ballots/{ballot}/actions/confirm", {})
        assert confirmed.status_code == 200, confirmed.text
    assert (await olive.api("POST", f"/api/v1/ballots/{ballot}/actions/publish", {})).status_code == 403
    assert (await cac.api("POST", f"/api/v1/ballots/{ballot}/actions/publish", {})).status_code == 200
    assert (await cac.post(f"/recalls/{recall}/settle")).status_code == 303
    assert (await nora.api("GET", f"/api/v1/recalls/{recall}")).json()["state"] == "carried"


async def _stored(app, recall: int) -> tuple[RecallMotion, Ballot]:
    async with app.state.sessions() as db:
        motion = await db.get(RecallMotion, recall)
        return motion, await db.get(Ballot, motion.ballot_id)


async def test_the_recall_ballot_waits_for_the_notice(as_member, people, org, app):
    await _role(app, people["signer1"], org.bodies["north"], "member")
    recall, admin, nora = await _supported_recall(as_member, org, notice_days=7)
    async with app.state.sessions() as db:
        ends = (await db.get(RecallMotion, recall)).started_at + timedelta(days=7)
    assert f"opens no earlier than {ends.day} {ends:%B %Y at %H:%M} UTC" in (await nora.get(f"/recalls/{recall}")).text
    early = await admin.post(f"/recalls/{recall}/ballot", opens=(ends - timedelta(days=1)).strftime("%Y-%m-%dT%H:%M"))
    assert early.status_code == 400, early.text
    assert "cannot open before the notice has run: 7 days&#39; notice ends on" in early.text
    chosen = (ends + timedelta(days=1)).replace(second=0, microsecond=0)
    assert (await admin.post(f"/recalls/{recall}/ballot", opens=chosen.strftime("%Y-%m-%dT%H:%M"))).status_code == 303
    _motion, ballot = await _stored(app, recall)
    assert as_utc(ballot.opens_at) == chosen and ballot.state == "draft"
    opened = await admin.api("POST", f"/api/v1/ballots/{ballot.id}/actions/open", {})
    assert opened.status_code == 409 and "The recall's notice (7 days) runs until" in opened.text
    cast = await nora.api("POST", f"/api/v1/ballots/{ballot.id}/votes", {"choice": "yes"})
    assert cast.status_code == 409
    assert (await admin.api("POST", f"/api/v1/ballots/{ballot.id}/actions/close", {})).status_code == 409
    # a stored opening time before the end of notice does not open it by the timetable either
    async with app.state.sessions() as db:
        past = datetime.now(timezone.utc) - timedelta(hours=1)
        await db.execute(update(Ballot).where(Ballot.id == ballot.id).values(opens_at=past))
        await db.commit()
    assert (await nora.api("GET", f"/api/v1/ballots/{ballot.id}")).json()["state"] == "draft"
    assert (await nora.api("POST", f"/api/v1/ballots/{ballot.id}/votes", {"choice": "yes"})).status_code == 409
    # once the notice has run, whoever looks first opens it by its timetable, and members vote
    async with app.state.sessions() as db:
        await db.execute(update(RecallMotion).where(RecallMotion.id == recall)
                         .values(started_at=datetime.now(timezone.utc) - timedelta(days=8)))
        await db.commit()
    assert (await nora.api("GET", f"/api/v1/ballots/{ballot.id}")).json()["state"] == "open"
    assert (await nora.api("POST", f"/api/v1/ballots/{ballot.id}/votes", {"choice": "yes"})).status_code == 201


async def test_a_hand_counted_recall_takes_no_figures_before_the_notice_has_run(as_member, people, org, app):
    await _role(app, people["signer1"], org.bodies["north"], "member")
    recall, admin, nora = await _supported_recall(as_member, org, notice_days=7)
    assert (await admin.post(f"/recalls/{recall}/ballot", by_hand="on")).status_code == 303
    ballot = (await nora.api("GET", f"/api/v1/recalls/{recall}")).json()["ballot_id"]
    figures = {"for": 3, "against": 1, "abstain": 0, "present": 4, "declared": "carried"}
    entered = await admin.api("POST", f"/api/v1/ballots/{ballot}/actions/hand-count", figures)
    assert entered.status_code == 409 and "The recall's notice (7 days) runs until" in entered.text
