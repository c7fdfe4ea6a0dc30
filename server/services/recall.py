"""Recall (issue 7; DOMAIN: every elected holder is subject to immediate recall by the body
that elected them). Any member of that body may start a recall motion
(``server/services/positions.py: can_start_recall``); it follows the body's rules
(``GroupingRules``: supporters needed, days of notice), goes to a yes/no ballot of the body
set up with the ballots service (online, or counted by hand in the room), and a carried recall
ends the holding and opens a by-election (``server/services/by_elections.py``).

The holder being recalled never runs their own recall (``may_run``): they may not set up,
open, close, count or settle its ballot, nor enter, confirm or publish its hand count, whatever
their roles; they vote in it as any member of the electing body. Its ballot never opens before
the notice has run (``notice_ends``): not at set-up, not by the CAC early, not by its timetable.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from server.db.models import Ballot, Body, Holding, Member, Membership, Position
from server.db.models_groupings import RecallMotion, RecallSupporter
from server.services import ballots as ballot_actions
from server.services import by_elections
from ballots.hand_count import TELLERS_NEEDED
from server.services.errors import Conflict, Forbidden, Invalid, NotFound
from server.services.groupings import rules_for
from server.repositories import by_elections as body_roll
from server.services import notices
from server.services.permissions import OPEN_TO_ALL_MEMBERS, role_in
from server.services.positions import can_start_recall, is_current

#: how long the recall ballot stays open once notice has run
BALLOT_DAYS = 7
#: who runs each part of a recall ballot: (roles in the electing body, the parent body's role that
#: stands in when too few others in the electing body hold them, how many are needed). "run": set up,
#: open, close, count, settle; "hand count": enter or publish the figures; "confirm": a teller's check.
RUNNERS = {"run": (ballot_actions.RUNNING_ROLES, "cac_member", 1),
           "hand count": (("cac_member",), "cac_member", 1),
           "confirm": (("teller",), "teller", TELLERS_NEEDED)}


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
    """Seen by members of the electing body, site admins, and the parent body's CAC (who may stand in)."""
    found = await db.execute(select(RecallMotion).options(
        selectinload(RecallMotion.supporters).selectinload(RecallSupporter.member),
        selectinload(RecallMotion.body), selectinload(RecallMotion.started_by),
        selectinload(RecallMotion.by_election))
        .where(RecallMotion.id == recall_id).execution_options(populate_existing=True))
    recall = found.scalars().first()
    member = await member_with_roles(db, viewer.id)
    if recall is None or not (member.is_site_admin or recall.body.kind in OPEN_TO_ALL_MEMBERS
                              or any(m.body_id == recall.body_id for m in member.memberships)
                              or _parent_cac(member, recall.body)):
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
    await _ask_for_supporters(db, recall, holding)
    return recall


async def _ask_for_supporters(db: AsyncSession, recall: RecallMotion, holding: Holding) -> int:
    """A recall that needs supporters besides the member who started it is made known to the rest of
    the electing body (every member, for the NMM), each as they chose to hear of petitions: it asks
    for support as a petition does (the notice kinds are fixed; its ballot is then told as a ballot).
    Called after the start is committed, so a notice or mail problem never undoes it."""
    more = recall.supporters_needed - 1
    if more < 1:
        return 0
    members = [m.id for m in await body_roll.members_of(db, holding.elected_by) if m.id != recall.started_by_id]
    title = (f"{title_of(holding)}: a recall motion needs {more} more supporter{'s' if more != 1 else ''} "
             f"from {holding.elected_by.name}")
    return await notices.notify(db, members, "petition", title, f"/recalls/{recall.id}")


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


def notice_ends(recall: RecallMotion) -> datetime:
    """The recall's notice runs from its start for the body's ``recall_notice_days``; its ballot opens no earlier."""
    return recall.started_at + timedelta(days=recall.notice_days)


def when(moment: datetime) -> str:
    moment = moment.astimezone(timezone.utc)
    return f"{moment.day} {moment:%B %Y at %H:%M} UTC"


async def arrange_ballot(db: AsyncSession, actor: Member, recall_id: int, now: datetime | None = None,
                         by_hand: bool = False, opens: datetime | None = None) -> Ballot:
    """With enough supporters, those who may run it (``may_run``: never the holder) set up the recall
    ballot through the ballots service (its rules and audit log), opening at ``opens`` (by default when
    the notice has run; earlier is refused) and open for ``BALLOT_DAYS``; ``by_hand``: a vote taken in
    the room, whose tellers' figures the CAC enters."""
    now = now or _now()
    recall, holding = await recall_by_id(db, actor, recall_id)
    member = await member_with_roles(db, actor.id)
    if not await may_run(db, member, recall, holding):
        raise Forbidden(_not_yours(member, recall, holding))
    if recall.state != "collecting":
        raise Conflict("The ballot for this recall has already been arranged.")
    if len(recall.supporters) < recall.supporters_needed:
        raise Conflict(f"The recall has {len(recall.supporters)} of the {recall.supporters_needed} supporters "
                       f"the rules of {recall.body.name} require.")
    ends = notice_ends(recall)
    if opens is not None and opens < ends:
        raise Invalid(f"The recall ballot cannot open before the notice has run: {recall.notice_days} days' notice "
                      f"ends on {when(ends)}. Choose that time or later.", {"opens": f"{when(ends)} or later."})
    opens = max(now, opens or ends)
    fields = ballot_actions.SpecFields(kind="motion", title=title_of(holding), opens=opens,
                                       closes=opens + timedelta(days=BALLOT_DAYS), by_hand=by_hand)
    ballot = await ballot_actions.create_ballot(db, member, recall.body, fields, runner_checked=True)
    recall = (await recall_by_id(db, actor, recall_id))[0]
    recall.state, recall.ballot_id = "ballot", ballot.id
    await db.commit()
    return ballot


def _parent_cac(member: Member, body: Body) -> bool:
    return body.parent_id is not None and role_in(member, body.parent_id) == "cac_member"


def _not_yours(member: Member, recall: RecallMotion, holding: Holding) -> str:
    if member.id == holding.member_id:
        return (f"This is the recall of {holding.member.name}: you vote in it as a member of {recall.body.name}, "
                "but others run its ballot.")
    return (f"The recall ballot is run by the officers and CAC members of {recall.body.name} (never the holder), "
            "site admins, or the parent body's CAC when nobody else in the body can.")


async def may_run(db: AsyncSession, member: Member, recall: RecallMotion, holding: Holding,
                  action: str = "run") -> bool:
    """Whether ``member`` (memberships loaded) may do ``action`` (a key of ``RUNNERS``) for this recall's
    ballot. Never the holder being recalled. Otherwise the electing body's holders of the roles, and
    site admins (but only tellers confirm); when too few others in the electing body hold them (the
    holder was its only officer, say), the parent body's CAC (its tellers, to confirm) stands in."""
    roles, stand_in, needed = RUNNERS[action]
    if member.id == holding.member_id:
        return False
    if (member.is_site_admin and action != "confirm") or role_in(member, recall.body_id) in roles:
        return True
    body = await db.get(Body, recall.body_id)
    if body.parent_id is None or role_in(member, body.parent_id) != stand_in:
        return False
    others = await db.execute(select(Membership.member_id).where(
        Membership.body_id == recall.body_id, Membership.role.in_(roles), Membership.member_id != holding.member_id))
    return len(others.all()) < needed


async def _recall_of(db: AsyncSession, ballot_id: int) -> RecallMotion | None:
    found = await db.execute(select(RecallMotion).where(RecallMotion.ballot_id == ballot_id))
    return found.scalars().first()


async def may_run_ballot(db: AsyncSession, member: Member, ballot: Ballot, action: str = "run") -> bool | None:
    """The ballots service's hook (``server/services/ballots.py: may_run``): for a recall's ballot, whether
    ``member`` may do ``action``; None for any other ballot, which keeps the usual rule."""
    recall = await _recall_of(db, ballot.id)
    if recall is None:
        return None
    return await may_run(db, member, recall, await db.get(Holding, recall.holding_id), action)


async def check_notice_run(db: AsyncSession, ballot_id: int, now: datetime) -> None:
    """The ballots service's hook before a ballot opens or takes a hand count: a recall's ballot waits
    until the recall's notice has run (Conflict saying until when)."""
    recall = await _recall_of(db, ballot_id)
    if recall is not None and now < notice_ends(recall):
        raise Conflict(f"The recall's notice ({recall.notice_days} days) runs until {when(notice_ends(recall))}; "
                       "its ballot cannot open, nor its vote be counted, before then.")


def _carried(ballot: Ballot, record) -> bool:
    """Whether the published result carried the recall: the count's decision online, or the
    outcome the published hand count records (the figures, or the chair's declaration)."""
    if record is not None:
        return record.result.get("type") == "decision" and record.result.get("outcome") == "carried"
    result = json.loads(ballot.record).get("result", {})
    if result.get("outcome") not in ("carried", "fell"):
        raise Conflict(f"The published hand count ({result.get('words', 'no outcome')}) does not say whether the "
                       "recall carried, so it cannot be settled from it.")
    return result["outcome"] == "carried"


async def settle(db: AsyncSession, actor: Member, recall_id: int, now: datetime | None = None) -> RecallMotion:
    """Once the ballot's result is published: carried ends the holding today and opens a
    by-election; otherwise the holder stays."""
    now = now or _now()
    recall, holding = await recall_by_id(db, actor, recall_id)
    if not await may_run(db, await member_with_roles(db, actor.id), recall, holding):
        raise Forbidden(_not_yours(await member_with_roles(db, actor.id), recall, holding))
    if recall.state != "ballot" or recall.ballot_id is None:
        raise Conflict("This recall has no ballot awaiting its result.")
    ballot, record = await ballot_actions.published(db, await member_with_roles(db, actor.id), recall.ballot_id)
    carried = _carried(ballot, record)
    recall = (await recall_by_id(db, actor, recall_id))[0]
    # one guarded update: of two settling at once, one vacates the post and opens the by-election
    moved = await db.execute(update(RecallMotion).where(RecallMotion.id == recall.id, RecallMotion.state == "ballot")
                             .values(state="carried" if carried else "lost", decided_at=now))
    if moved.rowcount != 1:
        await db.rollback()
        raise Conflict("This recall has already been settled.")
    if carried:
        await by_elections.vacate_post(db, await db.get(Holding, holding.id), "recall", now, recall_id=recall.id)
        recall.by_election_opened_at = now
    await db.commit()
    return (await recall_by_id(db, actor, recall_id))[0]


async def recalls_of_body(db: AsyncSession, body_id: int) -> list[RecallMotion]:
    found = await db.execute(select(RecallMotion).where(RecallMotion.body_id == body_id)
                             .order_by(RecallMotion.id.desc()))
    return list(found.scalars().all())


async def body_members(db: AsyncSession, body_id: int) -> int:
    found = await db.execute(select(Membership.id).where(Membership.body_id == body_id))
    return len(found.all())
