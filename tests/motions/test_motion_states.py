"""Every state change of a motion through the API, with its permission boundary:
deadlines, supporters, co-authors, the CAC's rulings, compositing and withdrawal."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta, timezone


async def test_late_motion_refused_with_the_deadline_unless_emergency_accepted(as_member, agenda, steps):
    nora, olive, sam = [await as_member(w) for w in ("nora", "olive", "sam")]
    late = await steps.draft(nora, agenda.closed_meeting)
    refused = await steps.act(nora, late, "submit", 409)
    message = refused.json()["error"]["message"]
    assert "deadline for motions to Special conference was" in message and "UTC" in message
    emergency = await steps.draft(nora, agenda.closed_meeting, is_emergency=True)
    await steps.act(nora, emergency, "submit")
    await steps.act(olive, emergency, "admit", 409)  # late: the CAC must accept the emergency first
    await steps.act(sam, emergency, "accept-emergency", 403)
    await steps.act(olive, emergency, "accept-emergency")
    admitted = await steps.act(olive, emergency, "admit")
    assert admitted.json()["state"] == "admitted" and admitted.json()["emergency_accepted"] is True


async def test_only_authors_edit_submit_and_withdraw(as_member, agenda, steps):
    nora, sam, admin = [await as_member(w) for w in ("nora", "sam", "admin")]
    motion = await steps.draft(nora)
    # nobody but the authors can even see a draft, site admins included
    for outsider in (sam, admin):
        assert (await outsider.get(f"/api/v1/motions/{motion}")).status_code == 404
        assert (await outsider.get(f"/motions/{motion}")).status_code == 404
        assert (await outsider.api("PUT", f"/api/v1/motions/{motion}",
                                   {"title": "x", "text": "y", "base_version": 1})).status_code == 404
    await steps.act(nora, motion, "invite", email="sam@example.org")
    seen = await sam.get(f"/api/v1/motions/{motion}")
    assert seen.status_code == 200  # invited: may read, to decide
    edit = await sam.api("PUT", f"/api/v1/motions/{motion}", {"title": "x", "text": "y", "base_version": 1})
    assert edit.status_code == 403  # not an author until accepted
    await steps.act(sam, motion, "submit", 403)
    await steps.act(sam, motion, "accept")
    saved = await sam.api("PUT", f"/api/v1/motions/{motion}", {"title": "Better", "text": "Text.", "base_version": 1})
    assert saved.status_code == 200 and saved.json()["current_version"]["number"] == 2
    await steps.act(nora, motion, "submit")
    after = await nora.api("PUT", f"/api/v1/motions/{motion}", {"title": "x", "text": "y", "base_version": 2})
    assert after.status_code == 409 and "only by amendment" in after.json()["error"]["message"]
    await steps.act(admin, motion, "withdraw", 403)
    withdrawn = await steps.act(nora, motion, "withdraw", reason="Merged with the branch's motion")
    assert withdrawn.json()["state"] == "withdrawn"
    # withdrawal is shown, to everyone, with its reason; nothing can delete the motion
    page = await admin.get(f"/motions/{motion}")
    assert "Withdrawn" in page.text and "Merged with the branch" in page.text
    assert (await admin.api("DELETE", f"/api/v1/motions/{motion}")).status_code == 405


async def test_a_stale_save_is_refused_with_a_human_message(as_member, agenda, steps):
    nora, wanda = await as_member("nora"), await as_member("wanda")
    motion = await steps.draft(nora)
    await steps.act(nora, motion, "invite", email="wanda@example.org")
    await steps.act(wanda, motion, "accept")
    first = await nora.api("PUT", f"/api/v1/motions/{motion}", {"title": "A", "text": "Nora's text", "base_version": 1})
    assert first.status_code == 200
    stale = await wanda.api("PUT", f"/api/v1/motions/{motion}", {"title": "A", "text": "Wanda's", "base_version": 1})
    assert stale.status_code == 409
    assert "version 2 was saved by Nora while you were editing version 1" in stale.json()["error"]["message"]
    page = await wanda.post(f"/motions/{motion}/edit", base_version="1", shape="text", title="A", text="Wanda's")
    assert page.status_code == 409 and "Your changes were not saved" in page.text and "Wanda&#39;s" in page.text


async def test_two_simultaneous_saves_keep_one_and_refuse_the_other(as_member, agenda, steps):
    nora, wanda = await as_member("nora"), await as_member("wanda")
    motion = await steps.draft(nora)
    await steps.act(nora, motion, "invite", email="wanda@example.org")
    await steps.act(wanda, motion, "accept")
    for round_number in range(1, 4):
        results = await asyncio.gather(*(
            who.api("PUT", f"/api/v1/motions/{motion}", {"title": "T", "text": f"{name} {round_number}",
                                                         "base_version": round_number})
            for name, who in (("nora", nora), ("wanda", wanda))))
        assert sorted(r.status_code for r in results) == [200, 409]
    versions = (await nora.get(f"/api/v1/motions/{motion}/versions")).json()["versions"]
    assert [v["number"] for v in versions] == [1, 2, 3, 4]


async def test_supporters_minimum_counts_the_faction_members_only(app, org, as_member, agenda, steps):
    from server.db.models import Body, Membership

    async with app.state.sessions() as db:
        faction = Body(slug="greens", name="Green faction", kind="faction", parent_id=org.bodies["nmm"])
        db.add(faction)
        await db.flush()
        db.add_all([Membership(member_id=org.members[w], body_id=faction.id) for w in ("nora", "wanda")])
        await db.commit()
    nora, olive, sam, wanda = [await as_member(w) for w in ("nora", "olive", "sam", "wanda")]
    motion = await steps.draft(nora, on_behalf_of="greens")
    await steps.act(nora, motion, "submit")
    await steps.act(sam, motion, "support", 403)  # not in the faction
    refused = await steps.act(olive, motion, "admit", 409)
    assert "0 of the 1 supporters" in refused.json()["error"]["message"]
    await steps.act(wanda, motion, "support")
    await steps.act(olive, motion, "admit")


async def test_a_branch_motion_needs_the_branch_vote(as_member, agenda, steps):
    nora = await as_member("nora")
    motion = await steps.draft(nora, on_behalf_of="north")
    refused = await steps.act(nora, motion, "submit", 400)
    assert "branch's vote" in refused.json()["error"]["message"]
    done = await steps.act(nora, motion, "submit", branch_vote="carried 12 to 3 on 2 November")
    assert done.json()["branch_vote"] == "carried 12 to 3 on 2 November"


async def test_submitted_motions_are_read_by_the_body_published_ones_by_all(as_member, agenda, steps):
    olive, nora, sam = [await as_member(w) for w in ("olive", "nora", "sam")]
    motion = await steps.draft(olive, agenda.north_meeting)
    await steps.act(olive, motion, "submit")
    assert (await nora.get(f"/api/v1/motions/{motion}")).status_code == 200  # in the north branch
    assert (await sam.get(f"/api/v1/motions/{motion}")).status_code == 404  # not yet published
    assert (await sam.get(f"/api/v1/meetings/{agenda.north_meeting}")).status_code == 404


async def test_ruled_out_of_order_needs_a_reason_every_member_reads(as_member, agenda, steps):
    nora, olive, sam, wanda = [await as_member(w) for w in ("nora", "olive", "sam", "wanda")]
    motion = await steps.submitted(nora, sam)
    await steps.act(sam, motion, "rule-out", 403, reason="no")
    await steps.act(olive, motion, "rule-out", 400, reason="  ")
    await steps.act(olive, motion, "rule-out", reason="It repeats motion 3, decided last year.")
    page = await wanda.get(f"/motions/{motion}")
    assert "Ruled out of order by the CAC:" in page.text and "It repeats motion 3" in page.text
    events = (await wanda.get(f"/api/v1/motions/{motion}")).json()["events"]
    assert [e["to_state"] for e in events if e["to_state"]] == ["draft", "submitted", "ruled_out_of_order"]
    await steps.act(olive, motion, "admit", 409)


async def test_compositing_needs_every_source_movers_agreement(as_member, agenda, steps):
    nora, olive, sam, wanda = [await as_member(w) for w in ("nora", "olive", "sam", "wanda")]
    first = await steps.admitted(nora, olive, sam)
    second = await steps.admitted(wanda, olive, sam, title="Rent controls now")
    made = await sam.api("POST", f"/api/v1/meetings/{agenda.meeting}/composites",
                         {"sources": [first, second], "title": "Composite", "text": "Both."})
    assert made.status_code == 403
    made = await olive.api("POST", f"/api/v1/meetings/{agenda.meeting}/composites",
                           {"sources": [first, second], "title": "Composite A: renters", "text": "Both, merged."})
    assert made.status_code == 201, made.text
    composite = made.json()["id"]
    refused = await steps.act(olive, composite, "admit", 409)
    assert "have not agreed" in refused.json()["error"]["message"]
    await steps.act(sam, composite, "agree", 403, source=first)
    await steps.act(nora, composite, "agree", source=first)
    await steps.act(wanda, composite, "agree", source=second)
    await steps.act(olive, composite, "admit")
    for source in (first, second):
        assert (await sam.get(f"/api/v1/motions/{source}")).json()["state"] == "composited"
    page = await sam.get(f"/motions/{composite}")
    assert f'href="/motions/{first}"' in page.text and "movers agreed (Nora" in page.text


async def test_cac_of_a_designated_committee(app, org, as_member, steps):
    from server.db.models import Meeting

    now = datetime.now(timezone.utc)
    async with app.state.sessions() as db:
        meeting = Meeting(body_id=org.bodies["nmm"], title="Policy conference", held_on=now.date(),
                          motions_deadline=now + timedelta(days=1), amendments_deadline=now + timedelta(days=2),
                          cac_body_id=org.bodies["south"])
        db.add(meeting)
        await db.commit()
    nora, sam = await as_member("nora"), await as_member("sam")
    motion = await steps.draft(nora, meeting.id)
    await steps.act(nora, motion, "submit")
    await steps.act(nora, motion, "admit", 403)
    await steps.act(sam, motion, "admit")  # sam is in the south branch, the designated committee


async def test_meetings_are_arranged_by_officers(as_member, org, agenda):
    olive, nora = await as_member("olive"), await as_member("nora")
    body = {"title": "Winter AGM", "held_on": "2027-01-20", "motions_deadline": "2027-01-01T18:00",
            "amendments_deadline": "2027-01-10T18:00", "supporters_needed": 2}
    assert (await nora.api("POST", f"/api/v1/bodies/{org.bodies['north']}/meetings", body)).status_code == 403
    # the North branch has no CAC member: a meeting without a committee could never admit a motion
    no_cac = await olive.api("POST", f"/api/v1/bodies/{org.bodies['north']}/meetings", body)
    assert no_cac.status_code == 400
    assert "has no CAC member" in no_cac.json()["error"]["message"] and "Name a committee" in no_cac.json()["error"]["message"]
    page = await olive.post("/bodies/north/meetings", title="Winter AGM", held_on="2027-01-20",
                            motions_deadline="2027-01-01T18:00", amendments_deadline="2027-01-10T18:00")
    assert page.status_code == 400 and "has no CAC member" in page.text and 'value="Winter AGM"' in page.text
    made = await olive.api("POST", f"/api/v1/bodies/{org.bodies['north']}/meetings", {**body, "cac_body": "south"})
    assert made.status_code == 201 and made.json()["motions_deadline"] == "2027-01-01T18:00:00+00:00"
    listed = await nora.get(f"/api/v1/bodies/{org.bodies['north']}/meetings")
    assert "Winter AGM" in [m["title"] for m in listed.json()["meetings"]]
    page = await olive.post("/bodies/north/meetings", title="Spring", held_on="2027-04-01", cac_body="south",
                            motions_deadline="2027-03-01T18:00", amendments_deadline="2027-02-01T18:00")
    assert page.status_code == 400 and "amendments deadline comes after" in page.text


async def test_cac_actions_are_refused_to_everyone_else(as_member, agenda, steps):
    nora, olive, sam, admin = [await as_member(w) for w in ("nora", "olive", "sam", "admin")]
    submitted = await steps.submitted(nora, sam)
    admitted = await steps.admitted(nora, olive, sam, title="Second")
    scheduled = await steps.admitted(nora, olive, sam, title="Third")
    amendment = (await steps.amend(sam, scheduled, operation="delete", passage="500 pounds"))["id"]
    await steps.act(olive, scheduled, "schedule")
    for member in (nora, sam, admin):  # the mover, a supporter, a site admin: none on the CAC
        await steps.act(member, submitted, "admit", 403)
        await steps.act(member, submitted, "rule-out", 403, reason="No.")
        await steps.act(member, admitted, "schedule", 403)
        await steps.act(member, scheduled, "outcome", 403, outcome="carried")
        await steps.act(member, scheduled, "order", 403, order=[1])
        await steps.amendment_act(member, amendment, "admit", 403)
        await steps.amendment_act(member, amendment, "rule-out", 403, reason="No.")
    # and the states stay as they were
    states = [(await nora.get(f"/api/v1/motions/{m}")).json()["state"] for m in (submitted, admitted, scheduled)]
    assert states == ["submitted", "admitted", "scheduled"]


async def test_state_order_is_enforced(as_member, agenda, steps):
    nora, olive, sam = [await as_member(w) for w in ("nora", "olive", "sam")]
    draft = await steps.draft(nora)
    await steps.act(olive, draft, "admit", 404)  # the CAC cannot even see a draft
    admitted = await steps.admitted(nora, olive, sam)
    await steps.act(olive, admitted, "admit", 409)
    await steps.act(olive, admitted, "outcome", 409, outcome="carried")  # not scheduled yet
    await steps.act(olive, admitted, "schedule")
    await steps.act(olive, admitted, "outcome", 400, outcome="adopted")
    await steps.act(olive, admitted, "outcome", outcome="fell")
    await steps.act(nora, admitted, "withdraw", 409)
    await steps.act(olive, admitted, "outcome", 409, outcome="carried")
