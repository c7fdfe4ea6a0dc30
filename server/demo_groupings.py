"""The demo's groupings (issue 7): the demo's faction recorded as formed by its ten members'
signatures for the Annual Conference 2027, with a document in two versions circulated to all members;
and an open petition for an additional NMM under the constitution's threshold.
Deterministic, like the rest of the demo; written as stored rows."""

from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from server.db.models import Body, Meeting, Member, Membership
from server.db.models_groupings import (
    Circulation,
    GroupingDocument,
    GroupingDocumentVersion,
    GroupingProposal,
    GroupingSignature,
    Petition,
    PetitionSignature,
)
from server.groupings.allowance import WeekRule
from server.groupings.petition_kinds import ADDITIONAL_NMM

AT = datetime(2026, 11, 16, 10, 0, tzinfo=timezone.utc)
PURPOSE = ("We propose **individual elections, term limits and secret ballots** for the NSC, and ask the "
           "Annual Conference 2027 to adopt them.")
PETITION_SIGNERS = ("Nathan Green", "Olivia Bennett", "Priya Sharma", "Rory MacLeod", "Sophie Turner")

DOCUMENT_V1 = """## Why the NSC should be elected individually

A slate can only be opposed with a full rival slate. Individual elections let members choose each officer.
"""
DOCUMENT_V2 = """## Why the NSC should be elected individually

A slate can only be opposed with a full rival slate. Individual elections, by secret ballot and with
term limits, let members choose and replace each officer.
"""


async def load_demo_groupings(db: AsyncSession) -> None:
    people = {m.name: m for m in (await db.execute(select(Member))).scalars().all()}
    nmm = (await db.execute(select(Body).where(Body.kind == "national_members_meeting"))).scalars().first()
    meeting = (await db.execute(select(Meeting).where(Meeting.title == "Annual Conference 2027"))).scalars().first()
    # the demo organisation's faction (server/demo.py) with its ten members, recorded as formed by their
    # signatures in membership order; the first signatory proposed it and is its officer
    faction = (await db.execute(select(Body).where(Body.slug == "faction-democracy"))).scalars().one()
    memberships = (await db.execute(select(Membership).where(Membership.body_id == faction.id)
                                    .order_by(Membership.id))).scalars().all()
    proposal = GroupingProposal(kind="faction", name=faction.name, purpose=PURPOSE, parent_id=nmm.id,
                                meeting_id=meeting.id if meeting else None, minimum=10, state="formed",
                                proposed_by_id=memberships[0].member_id, proposed_at=AT, body_id=faction.id,
                                formed_at=AT)
    db.add(proposal)
    await db.flush()
    for number, membership in enumerate(memberships):
        db.add(GroupingSignature(proposal_id=proposal.id, member_id=membership.member_id, signed_at=AT))
        if number == 0:
            membership.role = "officer"
    author, editor = memberships[0].member_id, memberships[1].member_id
    document = GroupingDocument(body_id=faction.id, created_by_id=author, created_at=AT)
    db.add(document)
    await db.flush()
    first = GroupingDocumentVersion(document_id=document.id, number=1, title="Why elect the NSC individually",
                                    text=DOCUMENT_V1, created_by_id=author, created_at=AT)
    second = GroupingDocumentVersion(document_id=document.id, number=2, title="Why elect the NSC individually",
                                     text=DOCUMENT_V2, created_by_id=editor, created_at=AT)
    db.add_all([first, second])
    await db.flush()
    db.add(Circulation(body_id=faction.id, document_id=document.id, version_id=second.id, kind="document",
                       by_id=author, at=AT, week=WeekRule().week_of(AT)))
    members = (await db.execute(select(func.count(Member.id)))).scalar_one()
    branches = (await db.execute(select(func.count(Body.id)).where(Body.kind == "branch"))).scalar_one()
    petition = Petition(body_id=nmm.id, title="An additional NMM on the housing crisis",
                        text="We ask the steering committee to convene an additional national members' meeting "
                             "on the housing crisis.", rule=ADDITIONAL_NMM.rule,
                        convene_within=ADDITIONAL_NMM.convene_within, base_members=members, base_branches=branches,
                        opened_by_id=people[PETITION_SIGNERS[0]].id,
                        # opened as the demo loads: its base is the members as loaded, who may all sign
                        opened_at=datetime.now(timezone.utc))
    db.add(petition)
    await db.flush()
    for name in PETITION_SIGNERS:
        db.add(PetitionSignature(petition_id=petition.id, member_id=people[name].id, at=petition.opened_at))
