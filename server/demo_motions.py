"""The demo's motions: a conference of the national members' meeting with its deadlines
and arrangements committee, motions in different states, amendments (two of them
conflicting) and a discussion thread. Deterministic, like the rest of the demo.

Written as stored rows with their audit events rather than through the services, so
the demo can show states (scheduled, ruled out of order) without acting out each step.
"""

from __future__ import annotations

from datetime import date, datetime, timezone

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from server.db.models import (
    Amendment,
    AmendmentSupporter,
    Body,
    Follow,
    Meeting,
    Member,
    Membership,
    Motion,
    MotionAuthor,
    MotionEvent,
    MotionSupporter,
    MotionVersion,
    Post,
)
from server.drafting.markdown import render_markdown

CONFERENCE = "Annual Conference 2027"
#: NMM members who sit on the conference arrangements committee (role cac_member)
CAC = ("Grace Adeyemi", "Liam Walsh", "Owen Jones")
AT = datetime(2026, 11, 20, 12, 0, tzinfo=timezone.utc)

RENTERS = """**This conference notes:**

Rents in our cities rose by 9% last year while wages rose by 3%.

**This conference believes:**

Tenants organised together win repairs, fair rents and secure homes.

**This conference resolves:**

1. To build a national renters' union with branches in every city where we organise.
2. To fund the union with 5,000 pounds from the campaigns budget.
3. To report on its progress to the next conference.
"""
TERM_LIMITS = """**This conference resolves:**

1. That members of the National Steering Committee serve at most three consecutive terms.
2. That every NSC place is filled by secret ballot.
"""
CLIMATE = """**This conference resolves:**

To support the climate strike on 20 March, to call on every branch to join it, and to print 10,000 leaflets for it.
"""
FOOTBALL = "This conference resolves to affiliate to the Football League."
DRAFT = """**This conference resolves:**

To hold a members' school on political education every summer.
"""


async def load_demo_motions(db: AsyncSession) -> None:
    people = {m.name: m for m in (await db.execute(select(Member))).scalars()}
    bodies = {b.slug: b for b in (await db.execute(select(Body))).scalars()}
    nmm = bodies["nmm"]
    for name in CAC:
        membership = (await db.execute(select(Membership).where(
            Membership.member_id == people[name].id, Membership.body_id == nmm.id))).scalar_one()
        membership.role = "cac_member"
    meeting = Meeting(body_id=nmm.id, title=CONFERENCE, held_on=date(2027, 3, 13),
                      motions_deadline=datetime(2027, 2, 13, 18, 0, tzinfo=timezone.utc),
                      amendments_deadline=datetime(2027, 3, 6, 18, 0, tzinfo=timezone.utc), supporters_needed=2)
    db.add(meeting)
    await db.flush()
    cac = people[CAC[0]]

    async def motion(title: str, text: str, mover: str, states: list[str], *, co_author: str = "",
                     supporters: tuple[str, ...] = (), on_behalf_of: str = "", argument: str = "",
                     reason: str = "") -> Motion:
        made = Motion(meeting_id=meeting.id, kind="motion", state=states[-1], version_number=1,
                      created_by_id=people[mover].id, on_behalf_of_id=bodies[on_behalf_of].id if on_behalf_of else None,
                      ruling_reason=reason, submitted_at=AT if len(states) > 1 else None, created_at=AT)
        db.add(made)
        await db.flush()
        db.add(MotionVersion(motion_id=made.id, number=1, title=title, text=text, argument=argument,
                             created_by_id=people[mover].id, created_at=AT))
        db.add(MotionAuthor(motion_id=made.id, member_id=people[mover].id, role="mover", invited_at=AT,
                            accepted_at=AT))
        db.add(Follow(member_id=people[mover].id, motion_id=made.id))
        if co_author:
            db.add(MotionAuthor(motion_id=made.id, member_id=people[co_author].id, role="co_author", invited_at=AT,
                                accepted_at=AT))
            db.add(Follow(member_id=people[co_author].id, motion_id=made.id))
        for name in supporters:
            db.add(MotionSupporter(motion_id=made.id, member_id=people[name].id, at=AT))
        previous = ""
        for state in states:
            actor = people[mover] if state in ("draft", "submitted") else cac
            db.add(MotionEvent(motion_id=made.id, actor_id=actor.id, action="created" if state == "draft" else state,
                               from_state=previous, to_state=state, at=AT,
                               reason=reason if state == "ruled_out_of_order" else ""))
            previous = state
        return made

    renters = await motion(
        "Build a national renters' union", RENTERS, "Aisha Rahman", ["draft", "submitted", "admitted", "scheduled"],
        co_author="Ben Okafor", supporters=("Chloe Martin", "Daniel Kowalski", "Maya Patel"),
        argument="Where renters' unions exist, **evictions fall**. See the housing fraction's report.")
    await motion("Term limits and secret ballots for the NSC", TERM_LIMITS, "Harry Thompson",
                 ["draft", "submitted"], on_behalf_of="faction-democracy")
    await motion("Support the climate strike", CLIMATE, "Olivia Bennett", ["draft", "submitted", "admitted"],
                 supporters=("Priya Sharma", "Tom Fletcher"))
    await motion("Affiliate to the Football League", FOOTBALL, "Nathan Green",
                 ["draft", "submitted", "ruled_out_of_order"], supporters=("Rory MacLeod", "Xavier Dubois"),
                 reason="The Football League is not a labour-movement body; affiliation is outside the "
                        "conference's powers (standing order 12).")
    await motion("A summer school for members", DRAFT, "Aisha Rahman", ["draft"])

    version_id = (await db.execute(select(MotionVersion.id).where(MotionVersion.motion_id == renters.id))).scalar_one()
    # the meeting needs two supporters before the CAC may admit an amendment
    amendments = [
        ("replace", "5,000 pounds", "8,000 pounds", "Priya Sharma", "admitted", 1, ("Tom Fletcher", "Maya Patel")),
        ("replace", "5,000 pounds from the campaigns budget", "3,000 pounds from the campaigns budget and "
         "2,000 pounds raised by the branches", "Rory MacLeod", "admitted", 2, ("Xavier Dubois", "Chloe Martin")),
        ("insert_after", "every city", "and large town", "Wendy Li", "submitted", None, ()),
    ]
    made_amendments = []
    for number, (operation, passage, replacement, mover, state, position, backers) in enumerate(amendments, 1):
        amendment = Amendment(motion_id=renters.id, number=number, target_version_id=version_id, operation=operation,
                              passage=passage, occurrence=1, replacement=replacement, state=state,
                              position=position, created_by_id=people[mover].id, created_at=AT)
        db.add(amendment)
        await db.flush()
        made_amendments.append(amendment)
        for name in backers:
            db.add(AmendmentSupporter(amendment_id=amendment.id, member_id=people[name].id, at=AT))
        db.add(MotionEvent(motion_id=renters.id, amendment_id=amendment.id, actor_id=people[mover].id,
                           action="amendment_proposed", to_state="submitted", reason=f"Amendment {number}", at=AT))
        if state == "admitted":
            db.add(MotionEvent(motion_id=renters.id, amendment_id=amendment.id, actor_id=cac.id,
                               action="amendment_admitted", from_state="submitted", to_state="admitted", at=AT))

    def post(author: str, body: str, *, parent: Post | None = None, quote: str = "",
             amendment: Amendment | None = None) -> Post:
        made = Post(motion_id=renters.id, amendment_id=amendment.id if amendment else None,
                    parent_id=parent.id if parent else None, author_id=people[author].id, body=body,
                    body_html=render_markdown(body), quote=quote, created_at=AT)
        db.add(made)
        return made

    opening = post("Chloe Martin", "The Manchester tenants' group already has **200 members**; we can start there.")
    await db.flush()
    post("Ben Okafor", "Agreed. We should write to them this week.", parent=opening)
    post("Jamal Hussain", "Is 5,000 pounds enough for a national union?", quote="5,000 pounds")
    funding = post("Priya Sharma", "That is why amendment 1 raises it to 8,000 pounds.",
                   amendment=made_amendments[0])
    await db.flush()
    post("Rory MacLeod", "Amendment 2 splits the cost with the branches instead; the two conflict.",
         amendment=made_amendments[0], parent=funding)
