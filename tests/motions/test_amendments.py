"""Amendments through the API and pages: proposing, conflicts, the CAC's order, outcomes,
"as amended" versions and later amendments that no longer apply."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from server.db.models import Meeting


async def test_amendments_need_an_open_motion_and_a_fitting_passage(as_member, agenda, steps):
    nora, olive, sam = [await as_member(w) for w in ("nora", "olive", "sam")]
    motion = await steps.submitted(nora, sam)
    await steps.amend(sam, motion, 409, operation="delete", passage="500 pounds")  # not admitted yet
    await steps.act(olive, motion, "admit")
    wrong = await steps.amend(sam, motion, 400, operation="delete", passage="1,000,000 pounds")
    assert "are not in version 1 of the motion" in wrong["error"]["message"]
    await steps.amend(sam, motion, 400, operation="shred", passage="500 pounds")
    await steps.amend(sam, motion, 400, operation="replace", passage="500 pounds", replacement=" ")
    made = await steps.amend(sam, motion, operation="replace", passage="500 pounds", replacement="800 pounds")
    assert made["number"] == 1 and made["state"] == "submitted" and made["mover"]["name"] == "Sam"


async def test_amendments_deadline(app, org, as_member, steps):
    now = datetime.now(timezone.utc)
    async with app.state.sessions() as db:
        meeting = Meeting(body_id=org.bodies["nmm"], title="Past amendments", held_on=now.date(),
                          motions_deadline=now + timedelta(hours=1), amendments_deadline=now + timedelta(hours=1))
        db.add(meeting)
        await db.commit()
        meeting_id = meeting.id
    nora, olive, sam = [await as_member(w) for w in ("nora", "olive", "sam")]
    motion = await steps.draft(nora, meeting_id)
    await steps.act(nora, motion, "submit")
    await steps.act(olive, motion, "admit")
    async with app.state.sessions() as db:
        stored = await db.get(Meeting, meeting_id)
        stored.amendments_deadline = now - timedelta(minutes=1)
        await db.commit()
    late = await steps.amend(sam, motion, 409, operation="delete", passage="500 pounds")
    assert "deadline for amendments to Past amendments was" in late["error"]["message"]


async def test_conflicts_order_outcomes_and_as_amended(as_member, agenda, steps):
    nora, olive, sam, wanda = [await as_member(w) for w in ("nora", "olive", "sam", "wanda")]
    motion = await steps.admitted(nora, olive, sam)
    first = await steps.amend(sam, motion, operation="replace", passage="500 pounds", replacement="800 pounds")
    second = await steps.amend(wanda, motion, operation="delete", passage="with 500 pounds ")
    third = await steps.amend(wanda, motion, operation="insert_after", passage="campaign for",
                              replacement="strong")
    fourth = await steps.amend(sam, motion, operation="add_clause", replacement="To report back in June.")
    listed = (await sam.get(f"/api/v1/motions/{motion}/amendments")).json()["amendments"]
    assert {a["number"]: a["conflicts_with"] for a in listed} == {1: [2], 2: [1], 3: [], 4: []}
    page = await sam.get(f"/motions/{motion}")
    assert "Conflicts with amendment 2" in page.text and "Conflicts with amendment 1" in page.text

    for amendment in (first, second, third, fourth):
        await steps.admit_amendment(olive, nora, amendment["id"])
    await steps.amendment_act(sam, first["id"], "admit", 403)
    await steps.act(sam, motion, "order", 403, order=[2, 1])
    await steps.act(olive, motion, "order", order=[3, 1, 2, 4])
    await steps.act(olive, motion, "schedule")
    out_of_turn = await steps.amendment_act(olive, first["id"], "outcome", 409, outcome="carried")
    assert "Amendment 3 comes first" in out_of_turn.json()["error"]["message"]
    await steps.amendment_act(olive, third["id"], "outcome", outcome="fell")
    again = await steps.amendment_act(olive, third["id"], "outcome", 409, outcome="carried")
    assert "fell" in again.json()["error"]["message"]  # a fallen amendment is never reapplied
    await steps.amendment_act(olive, first["id"], "outcome", outcome="carried", note="For 40, against 12")
    second_now = (await sam.get(f"/api/v1/amendments/{second['id']}")).json()
    assert second_now["state"] == "not_applicable"
    assert second_now["reason"] == "Amendment 2 no longer applies: the words ‘500 pounds’ were changed by Amendment 1"
    await steps.amendment_act(olive, fourth["id"], "outcome", outcome="carried")
    motion_now = (await sam.get(f"/api/v1/motions/{motion}")).json()
    text = motion_now["current_version"]["text"]
    assert "800 pounds" in text and "500 pounds" not in text and text.rstrip().endswith("To report back in June.")
    assert motion_now["current_version"]["note"] == "As amended by amendment 4"
    assert motion_now["version_number"] == 3
    diff = (await sam.get(f"/api/v1/motions/{motion}/diff?from=1&to=3")).json()
    assert "<del>500</del><ins>800</ins>" in diff["inline_html"]
    page = await sam.get(f"/amendments/{second['id']}")
    assert "No longer applicable" in page.text and "were changed by Amendment 1" in page.text
    await steps.act(olive, motion, "outcome", outcome="carried")


async def test_amendment_support_withdraw_and_ruling(as_member, agenda, steps):
    nora, olive, sam, wanda = [await as_member(w) for w in ("nora", "olive", "sam", "wanda")]
    motion = await steps.admitted(nora, olive, sam)
    amendment = (await steps.amend(sam, motion, operation="delete", passage="and to campaign for rent controls"))["id"]
    await steps.amendment_act(sam, amendment, "support", 409)  # the mover
    await steps.amendment_act(wanda, amendment, "support")
    await steps.amendment_act(wanda, amendment, "withdraw", 403)
    other = (await steps.amend(wanda, motion, operation="delete", passage="Rents rose by 9% this year."))["id"]
    await steps.amendment_act(olive, other, "rule-out", 400, reason="")
    ruled = await steps.amendment_act(olive, other, "rule-out", reason="It would leave the motion without reasons.")
    assert ruled.json()["reason"] == "It would leave the motion without reasons."
    await steps.amendment_act(sam, amendment, "withdraw")
    states = {a["number"]: a["state"] for a in (await nora.get(f"/api/v1/motions/{motion}/amendments")).json()["amendments"]}
    assert states == {1: "withdrawn", 2: "ruled_out_of_order"}


async def test_amendment_form_works_without_javascript(as_member, agenda, steps):
    nora, olive, sam = [await as_member(w) for w in ("nora", "olive", "sam")]
    motion = await steps.admitted(nora, olive, sam)
    page = await sam.get(f"/motions/{motion}")
    assert 'name="passage"' in page.text and 'for="amendment-passage"' in page.text
    bad = await sam.post(f"/motions/{motion}/amendments", operation="delete", passage="not there")
    assert bad.status_code == 400 and "are not in version 1 of the motion" in bad.text
