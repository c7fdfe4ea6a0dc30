"""Meetings, motions, their versions, amendments, audit trail, threads and notifications.

A row already in the session is returned as it is (collections included): read in a
new session after an action to see its effects (the API does)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.orm import aliased
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from server.db.models import (
    Amendment,
    CompositeSource,
    Follow,
    Meeting,
    Motion,
    MotionAuthor,
    MotionEvent,
    MotionSupporter,
    MotionVersion,
    Member,
    Membership,
    Notification,
    Post,
    AmendmentSupporter,
)


def _meeting_detail():
    return (selectinload(Meeting.body), selectinload(Meeting.cac_body))


def _motion_detail():
    return (
        selectinload(Motion.meeting).selectinload(Meeting.body),
        selectinload(Motion.meeting).selectinload(Meeting.cac_body),
        selectinload(Motion.on_behalf_of),
        selectinload(Motion.created_by),
        selectinload(Motion.authors).selectinload(MotionAuthor.member),
        selectinload(Motion.supporters).selectinload(MotionSupporter.member),
    )


async def meeting_by_id(db: AsyncSession, meeting_id: int) -> Meeting | None:
    result = await db.execute(select(Meeting).where(Meeting.id == meeting_id).options(*_meeting_detail()))
    return result.scalar_one_or_none()


async def meetings_of_body(db: AsyncSession, body_id: int) -> list[Meeting]:
    result = await db.execute(select(Meeting).where(Meeting.body_id == body_id)
                              .options(*_meeting_detail()).order_by(Meeting.held_on.desc(), Meeting.id))
    return list(result.scalars())


async def all_meetings(db: AsyncSession) -> list[Meeting]:
    result = await db.execute(select(Meeting).options(*_meeting_detail()).order_by(Meeting.held_on.desc()))
    return list(result.scalars())


async def motion_by_id(db: AsyncSession, motion_id: int) -> Motion | None:
    result = await db.execute(select(Motion).where(Motion.id == motion_id).options(*_motion_detail()))
    return result.scalar_one_or_none()


async def motions_of_meeting(db: AsyncSession, meeting_id: int) -> list[Motion]:
    result = await db.execute(select(Motion).where(Motion.meeting_id == meeting_id)
                              .options(*_motion_detail()).order_by(Motion.id))
    return list(result.scalars())


async def version(db: AsyncSession, motion_id: int, number: int) -> MotionVersion | None:
    result = await db.execute(select(MotionVersion).options(selectinload(MotionVersion.created_by))
                              .where(MotionVersion.motion_id == motion_id, MotionVersion.number == number))
    return result.scalar_one_or_none()


async def version_by_id(db: AsyncSession, version_id: int) -> MotionVersion | None:
    return await db.get(MotionVersion, version_id)


async def titles_of_current_versions(db: AsyncSession, motions: list[Motion]) -> dict[int, str]:
    if not motions:
        return {}
    pairs = [(m.id, m.version_number) for m in motions]
    result = await db.execute(select(MotionVersion.motion_id, MotionVersion.number, MotionVersion.title)
                              .where(MotionVersion.motion_id.in_([m for m, _ in pairs])))
    wanted = set(pairs)
    return {motion_id: title for motion_id, number, title in result if (motion_id, number) in wanted}


async def version_list(db: AsyncSession, motion_id: int) -> list[MotionVersion]:
    result = await db.execute(select(MotionVersion).where(MotionVersion.motion_id == motion_id)
                              .options(selectinload(MotionVersion.created_by)).order_by(MotionVersion.number))
    return list(result.scalars())


async def claim_next_version(db: AsyncSession, motion_id: int, expected: int) -> bool:
    """Compare-and-set the motion's version number: False when someone saved first."""
    result = await db.execute(update(Motion).where(Motion.id == motion_id, Motion.version_number == expected)
                              .values(version_number=expected + 1))
    return result.rowcount == 1


async def events_of(db: AsyncSession, motion_id: int) -> list[MotionEvent]:
    result = await db.execute(select(MotionEvent).where(MotionEvent.motion_id == motion_id)
                              .options(selectinload(MotionEvent.actor)).order_by(MotionEvent.id))
    return list(result.scalars())


async def sources_of(db: AsyncSession, composite_id: int) -> list[CompositeSource]:
    result = await db.execute(
        select(CompositeSource).where(CompositeSource.composite_id == composite_id)
        .options(selectinload(CompositeSource.source).selectinload(Motion.authors).selectinload(MotionAuthor.member),
                 selectinload(CompositeSource.agreed_by))
        .order_by(CompositeSource.id))
    return list(result.scalars())


async def composites_including(db: AsyncSession, source_id: int) -> list[CompositeSource]:
    result = await db.execute(select(CompositeSource).where(CompositeSource.source_id == source_id)
                              .options(selectinload(CompositeSource.composite)))
    return list(result.scalars())


def _amendment_detail():
    return (selectinload(Amendment.created_by),
            selectinload(Amendment.supporters).selectinload(AmendmentSupporter.member))


async def amendments_of(db: AsyncSession, motion_id: int) -> list[Amendment]:
    result = await db.execute(select(Amendment).where(Amendment.motion_id == motion_id)
                              .options(*_amendment_detail()).order_by(Amendment.number))
    return list(result.scalars())


async def amendment_by_id(db: AsyncSession, amendment_id: int) -> Amendment | None:
    result = await db.execute(select(Amendment).where(Amendment.id == amendment_id).options(*_amendment_detail()))
    return result.scalar_one_or_none()


async def next_amendment_number(db: AsyncSession, motion_id: int) -> int:
    result = await db.execute(select(func.max(Amendment.number)).where(Amendment.motion_id == motion_id))
    return (result.scalar_one() or 0) + 1


async def posts_of(db: AsyncSession, motion_id: int, amendment_id: int | None) -> list[Post]:
    where = Post.amendment_id.is_(None) if amendment_id is None else Post.amendment_id == amendment_id
    result = await db.execute(select(Post).where(Post.motion_id == motion_id, where)
                              .options(selectinload(Post.author), selectinload(Post.hidden_by)).order_by(Post.id))
    return list(result.scalars())


@dataclass(frozen=True, slots=True)
class PostRow:
    """A post as a thread page shows it: plain values, no ORM object (a thread may
    hold thousands of posts, and building entities costs several times a plain row)."""

    id: int
    parent_id: int | None
    author_id: int
    author_name: str
    body_html: str
    quote: str
    created_at: datetime
    edited_at: datetime | None
    hidden_at: datetime | None
    hidden_by_name: str | None
    hidden_reason: str


async def thread_rows(db: AsyncSession, motion_id: int, amendment_id: int | None) -> list[PostRow]:
    author, moderator = aliased(Member), aliased(Member)
    where = Post.amendment_id.is_(None) if amendment_id is None else Post.amendment_id == amendment_id
    result = await db.execute(
        select(Post.id, Post.parent_id, Post.author_id, author.name, Post.body_html, Post.quote, Post.created_at,
               Post.edited_at, Post.hidden_at, moderator.name, Post.hidden_reason)
        .join(author, author.id == Post.author_id)
        .outerjoin(moderator, moderator.id == Post.hidden_by_id)
        .where(Post.motion_id == motion_id, where).order_by(Post.id))
    return [PostRow(*row) for row in result]


async def thread_stamp(db: AsyncSession, motion_id: int, amendment_id: int | None) -> tuple:
    """What changes whenever a thread's posts do: their number, the newest post, the
    latest edit and the latest hiding (posts are never deleted)."""
    where = Post.amendment_id.is_(None) if amendment_id is None else Post.amendment_id == amendment_id
    result = await db.execute(select(func.count(Post.id), func.max(Post.id), func.max(Post.edited_at),
                                     func.max(Post.hidden_at)).where(Post.motion_id == motion_id, where))
    return tuple(result.one())


async def post_counts(db: AsyncSession, motion_id: int) -> dict[int | None, int]:
    result = await db.execute(select(Post.amendment_id, func.count(Post.id)).where(Post.motion_id == motion_id)
                              .group_by(Post.amendment_id))
    return {amendment_id: count for amendment_id, count in result}


async def post_by_id(db: AsyncSession, post_id: int) -> Post | None:
    result = await db.execute(select(Post).where(Post.id == post_id)
                              .options(selectinload(Post.author), selectinload(Post.hidden_by),
                                       selectinload(Post.revisions)))
    return result.scalar_one_or_none()


async def follower_ids(db: AsyncSession, motion_id: int) -> list[int]:
    result = await db.execute(select(Follow.member_id).where(Follow.motion_id == motion_id))
    return list(result.scalars())


async def follow(db: AsyncSession, member_id: int, motion_id: int) -> Follow | None:
    result = await db.execute(select(Follow).where(Follow.member_id == member_id, Follow.motion_id == motion_id))
    return result.scalar_one_or_none()


async def notifications_of(db: AsyncSession, member_id: int, limit: int = 200) -> list[Notification]:
    result = await db.execute(select(Notification).where(Notification.member_id == member_id)
                              .order_by(Notification.id.desc()).limit(limit))
    return list(result.scalars())


async def unread_count(db: AsyncSession, member_id: int) -> int:
    result = await db.execute(select(func.count(Notification.id))
                              .where(Notification.member_id == member_id, Notification.read_at.is_(None)))
    return result.scalar_one()


async def mark_read(db: AsyncSession, member_id: int, at) -> None:
    await db.execute(update(Notification).where(Notification.member_id == member_id,
                                                Notification.read_at.is_(None)).values(read_at=at))


async def member_ids_in_body(db: AsyncSession, body_id: int, member_ids: list[int]) -> set[int]:
    if not member_ids:
        return set()
    result = await db.execute(select(Membership.member_id).where(Membership.body_id == body_id,
                                                                 Membership.member_id.in_(member_ids)))
    return set(result.scalars())
