"""What is open for a member right now: the "Open for you" list on their home page.

Each kind of open thing has one provider: an async function ``(db, member, now) -> list[OpenItem]``
listed in ``PROVIDERS``. A new feature (ballots, consultations) adds its provider to that list;
nothing else changes. ``open_items_for`` runs them all and orders the result by deadline.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from server.dates import day_month_year
from server.db.engine import as_utc
from server.db.models import Meeting, Member, Motion, MotionAuthor, MotionSupporter, MotionVersion, utcnow
from server.repositories.ballots import open_ballots_for
from server.repositories.bodies import all_bodies
from server.services.notifications import unread_count
from server.services.permissions import OPEN_TO_ALL_MEMBERS


@dataclass(frozen=True)
class OpenItem:
    """One thing the member can act on: what it is, where to do it, and by when."""

    kind: str  # "meeting", "invitation", "support", "notifications", "ballot"
    text: str
    link: str
    due: datetime | None = None

    @property
    def due_words(self) -> str:
        if self.due is None:
            return ""
        due = as_utc(self.due)
        return f"{day_month_year(due.date())} {due:%H:%M} UTC"


Provider = Callable[[AsyncSession, Member, datetime], Awaitable[list[OpenItem]]]


async def _titles(db: AsyncSession, motions: list[Motion]) -> dict[int, str]:
    """The title of each motion's current version."""
    if not motions:
        return {}
    rows = await db.execute(select(MotionVersion.motion_id, MotionVersion.number, MotionVersion.title)
                            .where(MotionVersion.motion_id.in_([m.id for m in motions])))
    current = {m.id: m.version_number for m in motions}
    return {motion_id: title for motion_id, number, title in rows if current[motion_id] == number}


async def _body_ids(db: AsyncSession, member: Member) -> list[int]:
    """The bodies the member belongs to (the national members' meeting counts for everyone).
    Site admins see every body, but what is *open for them* is only what their bodies do."""
    own = {m.body_id for m in member.memberships}
    return [b.id for b in await all_bodies(db) if b.id in own or b.kind in OPEN_TO_ALL_MEMBERS]


async def open_meetings(db: AsyncSession, member: Member, now: datetime) -> list[OpenItem]:
    """Meetings of the member's bodies still taking motions or amendments, with the next deadline."""
    meetings = (await db.execute(
        select(Meeting).where(Meeting.body_id.in_(await _body_ids(db, member)))
        .options(selectinload(Meeting.body)).order_by(Meeting.held_on))).scalars()
    items = []
    for meeting in meetings:
        motions_due, amendments_due = as_utc(meeting.motions_deadline), as_utc(meeting.amendments_deadline)
        if motions_due > now:
            items.append(OpenItem("meeting", f"{meeting.title} ({meeting.body.name}) takes motions",
                                  f"/meetings/{meeting.id}", motions_due))
        elif amendments_due > now:
            items.append(OpenItem("meeting", f"{meeting.title} ({meeting.body.name}) takes amendments",
                                  f"/meetings/{meeting.id}", amendments_due))
    return items


async def co_author_invitations(db: AsyncSession, member: Member, now: datetime) -> list[OpenItem]:
    """Drafts the member was invited to co-author and has not yet accepted."""
    motions = list((await db.execute(
        select(Motion).join(MotionAuthor, MotionAuthor.motion_id == Motion.id)
        .where(MotionAuthor.member_id == member.id, MotionAuthor.role == "co_author",
               MotionAuthor.accepted_at.is_(None), Motion.state == "draft")
        .options(selectinload(Motion.meeting)).order_by(Motion.id))).scalars())
    titles = await _titles(db, motions)
    return [OpenItem("invitation", f"You are invited to co-author “{titles.get(m.id, 'a motion')}”",
                     f"/motions/{m.id}", as_utc(m.meeting.motions_deadline)) for m in motions]


async def motions_needing_support(db: AsyncSession, member: Member, now: datetime) -> list[OpenItem]:
    """Submitted motions in the member's bodies short of the supporters their meeting asks for,
    which the member has neither written nor supported yet."""
    supporters = (select(func.count(MotionSupporter.id)).where(MotionSupporter.motion_id == Motion.id)
                  .correlate(Motion).scalar_subquery())
    mine = select(MotionAuthor.motion_id).where(MotionAuthor.member_id == member.id)
    supported = select(MotionSupporter.motion_id).where(MotionSupporter.member_id == member.id)
    rows = list((await db.execute(
        select(Motion, supporters).join(Meeting, Motion.meeting_id == Meeting.id)
        .where(Motion.state == "submitted", Meeting.body_id.in_(await _body_ids(db, member)),
               Meeting.supporters_needed > 0, supporters < Meeting.supporters_needed,
               Motion.id.not_in(mine), Motion.id.not_in(supported))
        .options(selectinload(Motion.meeting)).order_by(Motion.id))).all())
    titles = await _titles(db, [motion for motion, _ in rows])
    return [OpenItem("support", f"“{titles.get(motion.id, 'A motion')}” needs supporters "
                                f"({count} of {motion.meeting.supporters_needed})", f"/motions/{motion.id}")
            for motion, count in rows]


async def unread_notifications(db: AsyncSession, member: Member, now: datetime) -> list[OpenItem]:
    count = await unread_count(db, member)
    if not count:
        return []
    return [OpenItem("notifications", f"{count} unread notification{'s' if count != 1 else ''}", "/notifications")]


async def open_ballots(db: AsyncSession, member: Member, now: datetime) -> list[OpenItem]:
    """Open ballots on whose roll the member is (for themself or as a proxy)."""
    return [OpenItem("ballot", f"Vote: {ballot.title}", f"/ballots/{ballot.id}", as_utc(ballot.closes_at))
            for ballot in await open_ballots_for(db, member.id)]


async def unread_notices(db: AsyncSession, member: Member, now: datetime) -> list[OpenItem]:
    """Issue 7: circulated documents, bulletin issues and petitions the member has not yet seen."""
    from server.db.models_groupings import Notice

    count = (await db.execute(select(func.count(Notice.id)).where(
        Notice.member_id == member.id, Notice.read_at.is_(None)))).scalar_one()
    if not count:
        return []
    return [OpenItem("notices", f"{count} new document{'s' if count != 1 else ''}, bulletin issues or petitions",
                     "/account/notices")]


PROVIDERS: list[Provider] = [
    open_ballots, open_meetings, co_author_invitations, motions_needing_support, unread_notifications,
    unread_notices,
]


async def open_items_for(db: AsyncSession, member: Member, now: datetime | None = None) -> list[OpenItem]:
    """Everything open for the member, soonest deadline first; items without one last."""
    now = as_utc(now or utcnow())
    items = [item for provider in PROVIDERS for item in await provider(db, member, now)]
    far = datetime.max.replace(tzinfo=now.tzinfo)
    return sorted(items, key=lambda item: as_utc(item.due) if item.due else far)
