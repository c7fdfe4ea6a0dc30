"""Discussion threads on motions and amendments: posting, replying one level deep,
editing with history kept, and moderation that hides a post with a visible reason.
Nothing is deleted: a hidden post's text stays stored, and its author and the
moderators can still read it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy.ext.asyncio import AsyncSession

from server.db.models import Member, Motion, Post, PostRevision, utcnow
from server.drafting.markdown import render_markdown
from server.repositories import motions as rows
from server.repositories.motions import PostRow
from server.services.amendments import amendment_for
from server.services.errors import Conflict, Forbidden, Invalid, NotFound
from server.services.motion_access import can_moderate, can_take_part, is_invited
from server.services.motions import current_title, motion_for
from server.services.notifications import ensure_following, notify_followers

MAX_POST = 20_000
MAX_QUOTE = 2_000


@dataclass
class ThreadEntry:
    post: Post | PostRow
    replies: list[Post | PostRow] = field(default_factory=list)


def arrange(posts: list[Post] | list[PostRow]) -> list[ThreadEntry]:
    """Top-level posts in order, each with its replies in order."""
    entries: dict[int, ThreadEntry] = {}
    ordered: list[ThreadEntry] = []
    for post in posts:
        if post.parent_id is None:
            entries[post.id] = ThreadEntry(post)
            ordered.append(entries[post.id])
    for post in posts:
        if post.parent_id is not None and post.parent_id in entries:
            entries[post.parent_id].replies.append(post)
    return ordered


def _may_post(actor: Member, motion: Motion) -> bool:
    if motion.state == "draft":
        return is_invited(actor, motion)
    return can_take_part(actor, motion.meeting) or is_invited(actor, motion)


def _clean(body: str, quote: str) -> tuple[str, str]:
    body, quote = body.replace("\r\n", "\n").strip(), " ".join(quote.split())
    if not body:
        raise Invalid("The post is empty.", {"body": "Write something."})
    if len(body) > MAX_POST:
        raise Invalid(f"A post is at most {MAX_POST:,} characters.", {"body": "Too long."})
    return body, quote[:MAX_QUOTE]


async def thread_of(db: AsyncSession, actor: Member, *, motion_id: int | None = None,
                    amendment_id: int | None = None) -> tuple[Motion, list[ThreadEntry]]:
    """The thread of a motion, or of one of its amendments when ``amendment_id`` is given."""
    if amendment_id is not None:
        _amendment, motion = await amendment_for(db, actor, amendment_id)
    else:
        motion = await motion_for(db, actor, motion_id or 0)
    return motion, arrange(await rows.posts_of(db, motion.id, amendment_id))


async def thread_for_page(db: AsyncSession, actor: Member, *, motion_id: int | None = None,
                          amendment_id: int | None = None) -> tuple[Motion, list[ThreadEntry]]:
    """The same thread as ``thread_of``, as plain rows for a page to write out."""
    if amendment_id is not None:
        _amendment, motion = await amendment_for(db, actor, amendment_id)
    else:
        motion = await motion_for(db, actor, motion_id or 0)
    return motion, arrange(await rows.thread_rows(db, motion.id, amendment_id))


async def thread_stamp(db: AsyncSession, actor: Member, *, motion_id: int | None = None,
                       amendment_id: int | None = None) -> tuple[Motion, tuple]:
    """A thread's motion (access checked) and a stamp that changes whenever its posts do."""
    if amendment_id is not None:
        _amendment, motion = await amendment_for(db, actor, amendment_id)
    else:
        motion = await motion_for(db, actor, motion_id or 0)
    return motion, await rows.thread_stamp(db, motion.id, amendment_id)


async def write_post(db: AsyncSession, actor: Member, motion_id: int, body: str, *, quote: str = "",
                     parent_id: int | None = None, amendment_id: int | None = None) -> Post:
    amendment = None
    if amendment_id is not None:
        amendment, motion = await amendment_for(db, actor, amendment_id)
    else:
        motion = await motion_for(db, actor, motion_id)
    if not _may_post(actor, motion):
        raise Forbidden(f"Only members of {motion.meeting.body.name} can take part in this discussion.")
    body, quote = _clean(body, quote)
    if parent_id is not None:
        parent = await rows.post_by_id(db, parent_id)
        if parent is None or parent.motion_id != motion.id or parent.amendment_id != amendment_id:
            raise Invalid("The post you reply to is not in this thread.")
        # replies nest one level: a reply to a reply joins its parent's replies
        parent_id = parent.parent_id or parent.id
    post = Post(motion_id=motion.id, amendment_id=amendment_id, parent_id=parent_id, author_id=actor.id,
                body=body, body_html=render_markdown(body), quote=quote)
    db.add(post)
    await db.flush()
    await ensure_following(db, actor.id, motion.id)
    where = f"amendment {amendment.number} to " if amendment is not None else ""
    link = (f"/amendments/{amendment_id}" if amendment_id is not None else f"/motions/{motion.id}") + f"#post-{post.id}"
    verb = "replied" if parent_id else "posted"
    await notify_followers(db, motion, f"{actor.name} {verb} in the discussion of {where}“{await current_title(db, motion)}”.",
                           link, actor_id=actor.id, post_id=post.id)
    await db.commit()
    return await rows.post_by_id(db, post.id)


async def post_for(db: AsyncSession, actor: Member, post_id: int) -> tuple[Post, Motion]:
    post = await rows.post_by_id(db, post_id)
    if post is None:
        raise NotFound("There is no such post.")
    motion = await motion_for(db, actor, post.motion_id)
    return post, motion


async def edit_post(db: AsyncSession, actor: Member, post_id: int, body: str, quote: str | None = None) -> Post:
    post, _motion = await post_for(db, actor, post_id)
    if post.author_id != actor.id:
        raise Forbidden("Only the author of a post can edit it.")
    if post.hidden_at is not None:
        raise Conflict("A hidden post cannot be edited.")
    body, quote = _clean(body, post.quote if quote is None else quote)
    if body == post.body and quote == post.quote:
        return post
    db.add(PostRevision(post_id=post.id, body=post.body, quote=post.quote,
                        written_at=post.edited_at or post.created_at))
    post.body, post.body_html, post.quote, post.edited_at = body, render_markdown(body), quote, utcnow()
    await db.commit()
    await db.refresh(post, ["revisions"])
    return post


async def hide_post(db: AsyncSession, actor: Member, post_id: int, reason: str) -> Post:
    post, motion = await post_for(db, actor, post_id)
    if not can_moderate(actor, motion.meeting):
        raise Forbidden("Only moderators (the CAC, the body's officers, site admins) can hide posts.")
    if post.hidden_at is not None:
        raise Conflict("This post is already hidden.")
    if not reason.strip():
        raise Invalid("Give the reason the post is hidden; it stays visible in its place.",
                      {"reason": "A reason is needed."})
    post.hidden_at, post.hidden_by_id, post.hidden_reason = utcnow(), actor.id, reason.strip()
    await db.commit()
    await db.refresh(post, ["hidden_by"])
    return post


def can_read_hidden(actor: Member, post: Post, motion: Motion) -> bool:
    return post.author_id == actor.id or can_moderate(actor, motion.meeting)
