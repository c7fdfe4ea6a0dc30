"""Following motions and the notifications followers get (stored, shown in the app)."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from server.db.models import Follow, Member, Motion, Notification, utcnow
from server.repositories import motions as rows


async def ensure_following(db: AsyncSession, member_id: int, motion_id: int) -> None:
    if await rows.follow(db, member_id, motion_id) is None:
        db.add(Follow(member_id=member_id, motion_id=motion_id))
        await db.flush()


async def set_following(db: AsyncSession, actor: Member, motion: Motion, following: bool) -> bool:
    """Follow or stop following a motion the actor may read (the caller checked)."""
    existing = await rows.follow(db, actor.id, motion.id)
    if following and existing is None:
        db.add(Follow(member_id=actor.id, motion_id=motion.id))
    elif not following and existing is not None:
        await db.delete(existing)
    await db.commit()
    return following


async def notify_followers(db: AsyncSession, motion: Motion, text: str, link: str, *,
                           actor_id: int | None, post_id: int | None = None) -> int:
    """One notification for each follower but the actor; the caller commits."""
    count = 0
    for member_id in await rows.follower_ids(db, motion.id):
        if member_id == actor_id:
            continue
        db.add(Notification(member_id=member_id, motion_id=motion.id, post_id=post_id,
                            text=text[:400], link=link[:200]))
        count += 1
    return count


async def notifications_for(db: AsyncSession, actor: Member) -> list[Notification]:
    return await rows.notifications_of(db, actor.id)


async def unread_count(db: AsyncSession, actor: Member) -> int:
    return await rows.unread_count(db, actor.id)


async def mark_all_read(db: AsyncSession, actor: Member) -> None:
    await rows.mark_read(db, actor.id, utcnow())
    await db.commit()
