"""Recall (issue 7; DOMAIN: every elected holder is subject to immediate recall by the body
that elected them). Any member of that body may start a recall motion
(``server/services/positions.py: can_start_recall``); it follows the body's rules
(``GroupingRules``: supporters needed, days of notice), goes to a yes/no ballot of the body
set up with the ballots service, and a carried recall ends the holding and opens a by-election.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from server.db.models import Ballot, Body, Holding, Member, Membership, Position
from server.db.models_groupings import RecallMotion, RecallSupporter
from server.services import ballots as ballot_actions
from server.services.errors import Conflict, Forbidden, Invalid, NotFound
from server.services.groupings import rules_for
from server.services.positions import can_start_recall, is_current

#: how long the recall ballot stays open once notice has run
BALLOT_DAYS = 7


def _now() -> datetime:
    return datetime.now(timezone.utc)


async def holding_by_id(db: AsyncSession, holding_id: int) -> Holding:
    found = await db.execute(select(Holding).options(
        selectinload(Holding.position).selectinload(Position.body), selectinload(Holding.member),
        selectinload(Holding.elected_by)).where(Holding.id == holding_id))
    holding = found.scalars().first()
    if holding is None:
        raise NotFound("There is no such holding.")
    return holding


async def member_with_roles(db: AsyncSession, member_id: int) -> Member:
    found = await db.execute(select(Member).options(selectinload(Member.memberships)).where(Member.id == member_id))
    return found.scalars().one()


def title_of(holding: Holding) -> str:
    return f"Recall {holding.member.name} as {holding.position.title} of {holding.position.body.name}"


async def recall_by_id(db: AsyncSession, viewer: Member, recall_id: int) -> tuple[RecallMotion, Holding]:
    """Seen by members of the electing body and site admins."""
    found = await db.execute(select(RecallMotion).options(
        selectinload(RecallMotion.supporters).selectinload(RecallSupporter.member),
        selectinload(RecallMotion.body), selectinload(RecallMotion.started_by))
        .where(RecallMotion.id == recall_id).execution_options(populate_existing=True))
    recall = found.scalars().first()
    member = await member_with_roles(db, viewer.id)
    if recall is None or not (member.is_site_admin or any(m.body_id == recall.body_id for m in member.memberships)):
        raise NotFound("There is no such recall motion.")
    return recall, await holding_by_id(db, recall.holding_id)


async def start(db: AsyncSession, actor: Member, holding_id: int, reason: str) -> RecallMotion:
    holding = await holding_by_id(db, holding_id)
    member = await member_with_roles(db, actor.id)
    if not is_current(holding):
        raise Conflict("That holding has ended; there is nothing to recall.")
    if not can_start_recall(member, holding):
        raise Forbidden(f"Only members of {holding.elected_by.name}, which elected "
                        f"{holding.member.name}, can start a recall.")
    if not reason.strip():
        raise Invalid("A recall motion states its reason.", {"reason": "Write the reason."})
    open_already = await db.execute(select(RecallMotion.id).where(RecallMotion.holding_id == holding.id,
                                                                  RecallMotion.state.in_(("collecting", "ballot"))))
    if open_already.first() is not None:
        raise Conflict("A recall of this holder is already under way.")
    rules = await rules_for(db, holding.elected_by_id)
    recall = RecallMotion(holding_id=holding.id, body_id=holding.elected_by_id, reason=reason.strip(),
                          supporters_needed=rules.recall_supporters, notice_days=rules.recall_notice_days,
                          started_by_id=actor.id)
    db.add(recall)
    await db.flush()
    db.add(RecallSupporter(recall_id=recall.id, member_id=actor.id))
    await db.commit()
    return recall


async def support(db: AsyncSession, actor: Member, recall_id: int) -> RecallMotion:
    recall, holding = await recall_by_id(db, actor, recall_id)
    if recall.state != "collecting":
        raise Conflict("This recall motion is no longer collecting supporters.")
    if not can_start_recall(await member_with_roles(db, actor.id), holding):
        raise Forbidden(f"Only members of {recall.body.name} can support the recall.")
    if any(s.member_id == actor.id for s in recall.supporters):
        raise Conflict("You already support this recall motion.")
    db.add(RecallSupporter(recall_id=recall.id, member_id=actor.id))
    await db.commit()
    return (await recall_by_id(db, actor, recall_id))[0]


async def arrange_ballot(db: AsyncSession, actor: Member, recall_id: int, now: datetime | None = None) -> Ballot:
    """With enough supporters, the body's officers (or site admins) set up the recall ballot,
    opening once the notice has run, through the ballots service (its rules and audit log)."""
    now = now or _now()
    recall, holding = await recall_by_id(db, actor, recall_id)
    if recall.state != "collecting":
        raise Conflict("The ballot for this recall has already been arranged.")
    if len(recall.supporters) < recall.supporters_needed:
        raise Conflict(f"The recall has {len(recall.supporters)} of the {recall.supporters_needed} supporters "
                       f"the rules of {recall.body.name} require.")
    opens = max(now, recall.started_at + timedelta(days=recall.notice_days))
    fields = ballot_actions.SpecFields(kind="motion", title=title_of(holding), opens=opens,
                                       closes=opens + timedelta(days=BALLOT_DAYS))
    ballot = await ballot_actions.create_ballot(db, await member_with_roles(db, actor.id), recall.body, fields)
    recall = (await recall_by_id(db, actor, recall_id))[0]
    recall.state, recall.ballot_id = "ballot", ballot.id
    await db.commit()
    return ballot


async def settle(db: AsyncSession, actor: Member, recall_id: int, now: datetime | None = None) -> RecallMotion:
    """Once the ballot's result is published: carried ends the holding today and opens a
    by-election; otherwise the holder stays."""
    now = now or _now()
    recall, holding = await recall_by_id(db, actor, recall_id)
    if recall.state != "ballot" or recall.ballot_id is None:
        raise Conflict("This recall has no ballot awaiting its result.")
    ballot, record = await ballot_actions.published(db, await member_with_roles(db, actor.id), recall.ballot_id)
    if record is None:
        raise Conflict("A hand-counted recall ballot is not yet read here; record the outcome on the body page.")
    carried = record.result.get("type") == "decision" and record.result.get("outcome") == "carried"
    recall = (await recall_by_id(db, actor, recall_id))[0]
    recall.state, recall.decided_at = ("carried" if carried else "lost"), now
    if carried:
        row = await db.get(Holding, holding.id)
        row.ends_on = now.date()
        recall.by_election_opened_at = now
    await db.commit()
    return recall


async def recalls_of_body(db: AsyncSession, body_id: int) -> list[RecallMotion]:
    found = await db.execute(select(RecallMotion).where(RecallMotion.body_id == body_id)
                             .order_by(RecallMotion.id.desc()))
    return list(found.scalars().all())


def may_arrange(member: Member, body: Body) -> bool:
    return member.is_site_admin or any(m.body_id == body.id and m.role == "officer" for m in member.memberships)


async def body_members(db: AsyncSession, body_id: int) -> int:
    found = await db.execute(select(Membership.id).where(Membership.body_id == body_id))
    return len(found.all())
