"""Every member action on a motion: drafting, co-authors, support, submission, the CAC's
rulings, compositing, scheduling, withdrawal and the recorded outcome.

Each function checks permission itself (the pages and the API share it), writes an
audit event for every change of state, and never deletes: the only way a submitted motion
leaves the agenda is a state everyone can see (withdrawn, ruled out of order, ...).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from server.db.engine import as_utc
from server.db.models import (
    CompositeSource,
    Meeting,
    Member,
    Motion,
    MotionAuthor,
    MotionEvent,
    MotionSupporter,
    MotionVersion,
    Notification,
    utcnow,
)
from server.drafting.diff import diff_words, render_inline, render_side_by_side
from server.drafting.marked_markdown import render_marked
from server.repositories import bodies as body_rows
from server.repositories import members as member_rows
from server.repositories import motions as rows
from server.services.errors import Conflict, Forbidden, Invalid, NotFound
from server.services.meetings import meeting_for
from server.services.motion_access import (
    can_read_motion,
    can_take_part,
    is_author,
    is_cac,
    is_invited,
)
from server.services.notifications import ensure_following, notify_followers
from server.services.permissions import role_in

STATE_LABELS = {
    "draft": "Draft",
    "submitted": "Submitted",
    "admitted": "Admitted",
    "ruled_out_of_order": "Ruled out of order",
    "composited": "Composited",
    "scheduled": "Scheduled",
    "carried": "Carried",
    "fell": "Fell",
    "remitted": "Remitted",
    "withdrawn": "Withdrawn",
}
OUTCOMES = ("carried", "fell", "remitted")
#: how a sentence says a motion is in a state ("the motion fell", never "is fell")
STATE_PHRASES = {
    "draft": "is a draft", "submitted": "is submitted", "admitted": "is admitted",
    "ruled_out_of_order": "was ruled out of order", "composited": "was composited", "scheduled": "is scheduled",
    "carried": "was carried", "fell": "fell", "remitted": "was remitted", "withdrawn": "was withdrawn",
}


def state_phrase(state: str, *, now: bool = False, phrases: dict[str, str] = STATE_PHRASES) -> str:
    """The verb phrase for a state; ``now`` says a change ("is now admitted")."""
    phrase = phrases[state]
    return phrase.replace("is ", "is now ", 1) if now and phrase.startswith("is ") else phrase
WITHDRAWABLE = frozenset({"draft", "submitted", "admitted", "scheduled"})
MAX_TITLE = 300
MAX_TEXT = 1_000_000
PART_HEADINGS = (("notes", "This body notes:"), ("believes", "This body believes:"),
                 ("resolves", "This body resolves:"))


def compose_parts(notes: str, believes: str, resolves: str) -> str:
    """The voted text from the usual parts, each under its heading (docs/motions.md)."""
    parts = {"notes": notes, "believes": believes, "resolves": resolves}
    return "\n\n".join(f"**{heading}**\n\n{parts[key].strip()}" for key, heading in PART_HEADINGS
                       if parts[key].strip())


@dataclass(frozen=True)
class Draft:
    title: str
    text: str
    argument: str = ""


def _check_draft(draft: Draft) -> Draft:
    title, text = " ".join(draft.title.split()), draft.text.replace("\r\n", "\n").strip()
    problems: dict[str, str] = {}
    if not title:
        problems["title"] = "A title is needed."
    elif len(title) > MAX_TITLE:
        problems["title"] = f"At most {MAX_TITLE} characters."
    if not text:
        problems["text"] = "The motion needs a text."
    elif len(text) > MAX_TEXT:
        problems["text"] = "The text is too long (at most a million characters)."
    if problems:
        raise Invalid("The motion was not saved: " + " ".join(problems.values()), problems)
    return Draft(title, text + "\n", draft.argument.replace("\r\n", "\n").strip())


def record(db: AsyncSession, motion: Motion, actor: Member | None, action: str, *, to_state: str = "",
           from_state: str = "", reason: str = "", amendment_id: int | None = None) -> None:
    """Append one audit event (never updated or removed)."""
    db.add(MotionEvent(motion_id=motion.id, amendment_id=amendment_id, actor_id=actor.id if actor else None,
                       action=action, from_state=from_state, to_state=to_state, reason=reason))


async def _move(db: AsyncSession, motion: Motion, actor: Member | None, to_state: str, action: str,
                reason: str = "") -> None:
    """``actor`` None: Plenary itself (a count), so every follower is told."""
    from_state = motion.state
    motion.state = to_state
    record(db, motion, actor, action, from_state=from_state, to_state=to_state, reason=reason)
    title = await current_title(db, motion)
    await notify_followers(db, motion, f"“{title}” {state_phrase(to_state, now=True)}"
                           + (f": {reason}" if reason else "."), f"/motions/{motion.id}",
                           actor_id=actor.id if actor else None)


async def current_title(db: AsyncSession, motion: Motion) -> str:
    version = await rows.version(db, motion.id, motion.version_number)
    return version.title if version else ""


# --- reading -----------------------------------------------------------------------

async def motion_for(db: AsyncSession, actor: Member, motion_id: int) -> Motion:
    """The motion if the actor may read it; otherwise NotFound (its existence stays hidden)."""
    motion = await rows.motion_by_id(db, motion_id)
    if motion is None or not can_read_motion(actor, motion):
        raise NotFound("There is no such motion, or you may not read it yet.")
    return motion


async def current_version(db: AsyncSession, motion: Motion) -> MotionVersion:
    version = await rows.version(db, motion.id, motion.version_number)
    assert version is not None, "every motion has its current version"
    return version


async def motions_of_meeting(db: AsyncSession, actor: Member, meeting_id: int) -> list[Motion]:
    meeting = await meeting_for(db, actor, meeting_id)
    return [m for m in await rows.motions_of_meeting(db, meeting.id) if can_read_motion(actor, m)]


async def versions_of(db: AsyncSession, actor: Member, motion_id: int) -> list[MotionVersion]:
    motion = await motion_for(db, actor, motion_id)
    return await rows.version_list(db, motion.id)


@dataclass(frozen=True)
class Comparison:
    old: MotionVersion
    new: MotionVersion
    inline_html: str
    side_by_side_html: str


async def compare(db: AsyncSession, actor: Member, motion_id: int, old_number: int, new_number: int) -> Comparison:
    """A word-level diff of any two versions, inline and side by side."""
    motion = await motion_for(db, actor, motion_id)
    old, new = await rows.version(db, motion.id, old_number), await rows.version(db, motion.id, new_number)
    if old is None or new is None:
        raise NotFound(f"This motion has versions 1 to {motion.version_number}.")
    ops = diff_words(f"{old.title}\n\n{old.text}", f"{new.title}\n\n{new.text}")
    return Comparison(old, new, render_inline(ops, render_marked),
                      render_side_by_side(ops, f"Version {old.number}", f"Version {new.number}", render_marked))


# --- drafting ------------------------------------------------------------------------

async def create_draft(db: AsyncSession, actor: Member, meeting_id: int, draft: Draft, *,
                       on_behalf_of_slug: str = "", is_emergency: bool = False) -> Motion:
    meeting = await meeting_for(db, actor, meeting_id)
    if not can_take_part(actor, meeting):
        raise Forbidden(f"Only members of {meeting.body.name} can propose motions to its meetings.")
    draft = _check_draft(draft)
    on_behalf_of = None
    if on_behalf_of_slug.strip():
        on_behalf_of = await body_rows.by_slug(db, on_behalf_of_slug.strip())
        if on_behalf_of is None or role_in(actor, on_behalf_of.id) is None:
            raise Invalid("You can only move a motion on behalf of a body you belong to.",
                          {"on_behalf_of": "Not one of your bodies."})
    motion = Motion(meeting_id=meeting.id, kind="motion", state="draft", version_number=1,
                    on_behalf_of_id=on_behalf_of.id if on_behalf_of else None, is_emergency=is_emergency,
                    created_by_id=actor.id)
    db.add(motion)
    await db.flush()
    db.add(MotionVersion(motion_id=motion.id, number=1, title=draft.title, text=draft.text,
                         argument=draft.argument, created_by_id=actor.id))
    db.add(MotionAuthor(motion_id=motion.id, member_id=actor.id, role="mover", accepted_at=utcnow()))
    record(db, motion, actor, "created", to_state="draft")
    await ensure_following(db, actor.id, motion.id)
    await db.commit()
    return await rows.motion_by_id(db, motion.id)


async def save_version(db: AsyncSession, actor: Member, motion_id: int, draft: Draft, base_version: int) -> MotionVersion:
    """Save a new version of a draft. ``base_version`` is the version the author was
    editing: if someone saved since, nothing is saved and the refusal says so (409)."""
    motion = await motion_for(db, actor, motion_id)
    if not is_author(actor, motion):
        raise Forbidden("Only the motion's authors can edit it.")
    if motion.state != "draft":
        raise Conflict("Only a draft can be edited; once submitted, the text changes only by amendment.")
    draft = _check_draft(draft)
    if base_version != motion.version_number or not await rows.claim_next_version(db, motion.id, base_version):
        await db.rollback()  # expires the loaded rows: read the latest afresh by id
        fresh = await rows.motion_by_id(db, motion_id)
        latest = await rows.version(db, motion_id, fresh.version_number)
        by = f" by {latest.created_by.name}" if latest else ""
        raise Conflict(
            f"Your changes were not saved: version {latest.number if latest else '?'} was saved{by} while you "
            f"were editing version {base_version}. Copy your text, reload the draft, and apply your changes again.",
            {"base_version": "Out of date."})
    version = MotionVersion(motion_id=motion.id, number=base_version + 1, title=draft.title, text=draft.text,
                            argument=draft.argument, created_by_id=actor.id)
    db.add(version)
    try:
        await db.commit()
    except IntegrityError:
        await db.rollback()
        raise Conflict("Your changes were not saved: someone saved this draft at the same moment. "
                       "Reload the draft and apply your changes again.") from None
    return version


async def invite_co_author(db: AsyncSession, actor: Member, motion_id: int, email: str) -> MotionAuthor:
    motion = await motion_for(db, actor, motion_id)
    if not is_author(actor, motion):
        raise Forbidden("Only the motion's authors can invite co-authors.")
    if motion.state != "draft":
        raise Conflict("Co-authors can only be invited while the motion is a draft.")
    invitee = await member_rows.by_email(db, email)
    if invitee is None:
        raise Invalid(f"There is no member with the email {email.strip()!r}.", {"email": "No such member."})
    if is_invited(invitee, motion):
        raise Conflict(f"{invitee.name} is already an author or invited.")
    author = MotionAuthor(motion_id=motion.id, member_id=invitee.id, role="co_author")
    db.add(author)
    record(db, motion, actor, "invited_co_author", reason=invitee.name)
    db.add(Notification(member_id=invitee.id, motion_id=motion.id,
                        text=f"{actor.name} invited you to co-author “{await current_title(db, motion)}”.",
                        link=f"/motions/{motion.id}"))
    await db.commit()
    return author


async def accept_invitation(db: AsyncSession, actor: Member, motion_id: int) -> None:
    motion = await motion_for(db, actor, motion_id)
    invitation = next((a for a in motion.authors if a.member_id == actor.id), None)
    if invitation is None:
        raise Forbidden("You have not been invited to co-author this motion.")
    if invitation.accepted_at is not None:
        raise Conflict("You are already a co-author of this motion.")
    invitation.accepted_at = utcnow()
    record(db, motion, actor, "accepted_co_authorship")
    await ensure_following(db, actor.id, motion.id)
    await db.commit()


# --- support and submission ------------------------------------------------------------

async def supporters_counted(db: AsyncSession, motion: Motion) -> int:
    """Supporters who count towards the minimum: for a motion moved on behalf of a body
    (a faction, a caucus), only that body's members count."""
    ids = [s.member_id for s in motion.supporters]
    if motion.on_behalf_of_id is None:
        return len(ids)
    return len(await rows.member_ids_in_body(db, motion.on_behalf_of_id, ids))


async def support(db: AsyncSession, actor: Member, motion_id: int) -> None:
    motion = await motion_for(db, actor, motion_id)
    if motion.state not in ("submitted", "admitted"):
        raise Conflict("Support is gathered between submission and scheduling.")
    if is_author(actor, motion):
        raise Conflict("Authors move the motion; they do not also support it.")
    if not can_take_part(actor, motion.meeting):
        raise Forbidden(f"Only members of {motion.meeting.body.name} can support its motions.")
    if motion.on_behalf_of_id is not None and role_in(actor, motion.on_behalf_of_id) is None:
        raise Forbidden(f"This motion is moved on behalf of {motion.on_behalf_of.name}; only its members can "
                        "support it.")
    if any(s.member_id == actor.id for s in motion.supporters):
        raise Conflict("You already support this motion.")
    db.add(MotionSupporter(motion_id=motion.id, member_id=actor.id))
    record(db, motion, actor, "supported")
    await ensure_following(db, actor.id, motion.id)
    await db.commit()


def _deadline_text(moment: datetime) -> str:
    return as_utc(moment).strftime("%d %B %Y at %H:%M UTC")


async def submit(db: AsyncSession, actor: Member, motion_id: int, *, branch_vote: str = "",
                 now: datetime | None = None) -> Motion:
    motion = await motion_for(db, actor, motion_id)
    if not is_author(actor, motion):
        raise Forbidden("Only the motion's authors can submit it.")
    if motion.state != "draft":
        raise Conflict(f"This motion is no longer a draft: it {state_phrase(motion.state)}.")
    meeting = motion.meeting
    now = now or utcnow()
    if now > as_utc(meeting.motions_deadline) and not motion.is_emergency:
        raise Conflict(f"The deadline for motions to {meeting.title} was {_deadline_text(meeting.motions_deadline)}. "
                       "A late motion can only be submitted as an emergency motion, which the CAC must accept.")
    if motion.on_behalf_of is not None and motion.on_behalf_of.kind == "branch":
        if not (branch_vote.strip() or motion.branch_vote):
            raise Invalid(f"A motion from {motion.on_behalf_of.name} needs the branch's vote recorded "
                          "(for example “carried 14 for, 3 against on 2 November”).",
                          {"branch_vote": "Record the branch's vote."})
        motion.branch_vote = branch_vote.strip() or motion.branch_vote
    motion.submitted_at = now
    pending = [a for a in motion.authors if a.accepted_at is None]
    await _move(db, motion, actor, "submitted", "submitted",
                reason=f"{len(pending)} invitation(s) to co-author lapsed" if pending else "")
    await db.commit()
    return motion


# --- the CAC's decisions ------------------------------------------------------------

def _require_cac(actor: Member, meeting: Meeting) -> None:
    if not is_cac(actor, meeting):
        raise Forbidden(f"Only the Conference Arrangements Committee of {meeting.title} can do that.")


async def accept_emergency(db: AsyncSession, actor: Member, motion_id: int) -> None:
    motion = await motion_for(db, actor, motion_id)
    _require_cac(actor, motion.meeting)
    if not motion.is_emergency or motion.emergency_accepted:
        raise Conflict("This is not an emergency motion awaiting acceptance.")
    motion.emergency_accepted = True
    record(db, motion, actor, "emergency_accepted")
    await db.commit()


def _late(motion: Motion) -> bool:
    return motion.submitted_at is not None and as_utc(motion.submitted_at) > as_utc(motion.meeting.motions_deadline)


async def admit(db: AsyncSession, actor: Member, motion_id: int) -> None:
    motion = await motion_for(db, actor, motion_id)
    _require_cac(actor, motion.meeting)
    if motion.state != "submitted":
        raise Conflict(f"Only a submitted motion can be admitted; this one {state_phrase(motion.state)}.")
    if _late(motion) and not motion.emergency_accepted:
        raise Conflict("This motion came after the deadline; accept it as an emergency motion first.")
    needed = motion.meeting.supporters_needed
    counted = await supporters_counted(db, motion)
    if motion.kind == "motion" and counted < needed:
        raise Conflict(f"This motion has {counted} of the {needed} supporters the standing "
                       "orders require.")
    if motion.kind == "composite":
        sources = await rows.sources_of(db, motion.id)
        waiting = [s.source for s in sources if s.agreed_at is None]
        if waiting:
            raise Conflict(f"The movers of {len(waiting)} source motion(s) have not agreed to this composite yet.")
        for source in sources:
            await _move(db, source.source, actor, "composited", "composited",
                        reason=f"Merged into composite motion {motion.id}.")
    await _move(db, motion, actor, "admitted", "admitted")
    await db.commit()


async def rule_out_of_order(db: AsyncSession, actor: Member, motion_id: int, reason: str) -> None:
    motion = await motion_for(db, actor, motion_id)
    _require_cac(actor, motion.meeting)
    if motion.state != "submitted":
        raise Conflict("Only a submitted motion can be ruled out of order.")
    if not reason.strip():
        raise Invalid("Give the reason the motion is out of order; every member will read it.",
                      {"reason": "A reason is needed."})
    motion.ruling_reason = reason.strip()
    await _move(db, motion, actor, "ruled_out_of_order", "ruled_out_of_order", reason=reason.strip())
    await db.commit()


async def schedule(db: AsyncSession, actor: Member, motion_id: int) -> None:
    motion = await motion_for(db, actor, motion_id)
    _require_cac(actor, motion.meeting)
    if motion.state != "admitted":
        raise Conflict("Only an admitted motion can be scheduled.")
    await _move(db, motion, actor, "scheduled", "scheduled")
    await db.commit()


async def withdraw(db: AsyncSession, actor: Member, motion_id: int, reason: str = "") -> None:
    motion = await motion_for(db, actor, motion_id)
    if not is_author(actor, motion):
        raise Forbidden("Only the motion's movers can withdraw it.")
    if motion.state not in WITHDRAWABLE:
        raise Conflict(f"A motion that {state_phrase(motion.state)} cannot be withdrawn.")
    await _move(db, motion, actor, "withdrawn", "withdrawn", reason=reason.strip())
    await db.commit()


async def motion_to_decide(db: AsyncSession, actor: Member | None, motion_id: int, by_count: bool) -> Motion:
    """The motion an outcome is recorded on: by the CAC, or ``by_count`` (the count is its own
    authority, so no CAC check) by a count, which has no actor (None: nobody's reading rights apply)."""
    if actor is None:
        if not by_count:
            raise Forbidden("Only the CAC or a count records an outcome.")
        motion = await rows.motion_by_id(db, motion_id)
        if motion is None:
            raise NotFound("There is no such motion.")
        return motion
    motion = await motion_for(db, actor, motion_id)
    if not by_count:
        _require_cac(actor, motion.meeting)
    return motion


async def record_outcome(db: AsyncSession, actor: Member | None, motion_id: int, outcome: str, *, note: str = "",
                         by_count: bool = False) -> None:
    """Record how the meeting decided the motion: the CAC, or a ballot's count with ``by_count=True``,
    ``actor`` None and the count's summary as ``note`` (the history shows Plenary, every follower is
    told). Every other rule holds either way: scheduled, amendments decided first."""
    motion = await motion_to_decide(db, actor, motion_id, by_count)
    if outcome not in OUTCOMES:
        raise Invalid(f"The outcome is one of: {', '.join(OUTCOMES)}.", {"outcome": "Unknown outcome."})
    if motion.state != "scheduled":
        raise Conflict("An outcome is recorded for a scheduled motion.")
    undecided = [a.number for a in await rows.amendments_of(db, motion.id) if a.state in ("submitted", "admitted")]
    if undecided:
        raise Conflict("Amendments are decided before the substantive motion; still open: "
                       + ", ".join(f"amendment {n}" for n in undecided) + ".")
    await _move(db, motion, actor, outcome, "outcome", reason=note.strip())
    await db.commit()


# --- compositing --------------------------------------------------------------------

async def create_composite(db: AsyncSession, actor: Member, meeting_id: int, source_ids: list[int],
                           draft: Draft) -> Motion:
    meeting = await meeting_for(db, actor, meeting_id)
    _require_cac(actor, meeting)
    draft = _check_draft(draft)
    if len(set(source_ids)) < 2:
        raise Invalid("A composite merges two or more motions.", {"sources": "Choose at least two."})
    sources = []
    for source_id in sorted(set(source_ids)):
        source = await rows.motion_by_id(db, source_id)
        if source is None or source.meeting_id != meeting.id:
            raise Invalid(f"Motion {source_id} is not on the agenda of {meeting.title}.")
        if source.state not in ("submitted", "admitted"):
            raise Conflict(f"Motion {source_id} {state_phrase(source.state)} and cannot be composited.")
        sources.append(source)
    composite = Motion(meeting_id=meeting.id, kind="composite", state="submitted", version_number=1,
                       created_by_id=actor.id, submitted_at=utcnow())
    db.add(composite)
    await db.flush()
    db.add(MotionVersion(motion_id=composite.id, number=1, title=draft.title, text=draft.text,
                         argument=draft.argument, created_by_id=actor.id, note="Composite drafted by the CAC"))
    record(db, composite, actor, "composite_created", to_state="submitted",
           reason="Sources: " + ", ".join(f"motion {s.id}" for s in sources))
    for source in sources:
        db.add(CompositeSource(composite_id=composite.id, source_id=source.id))
        record(db, source, actor, "proposed_for_composite", reason=f"Composite motion {composite.id}")
        for author in source.authors:
            if author.accepted_at is not None:
                await ensure_following(db, author.member_id, composite.id)
        await notify_followers(db, source, f"The CAC proposes to merge your motion into composite “{draft.title}”; "
                               "its movers must agree.", f"/motions/{composite.id}", actor_id=actor.id)
    await db.commit()
    return await rows.motion_by_id(db, composite.id)


async def agree_to_composite(db: AsyncSession, actor: Member, composite_id: int, source_id: int) -> None:
    composite = await motion_for(db, actor, composite_id)
    link = next((s for s in await rows.sources_of(db, composite.id) if s.source_id == source_id), None)
    if link is None:
        raise NotFound("That motion is not a source of this composite.")
    if not is_author(actor, link.source):
        raise Forbidden("Only the movers of the source motion can agree for it.")
    if link.agreed_at is not None:
        raise Conflict("The movers of that motion have already agreed.")
    link.agreed_by_id, link.agreed_at = actor.id, utcnow()
    record(db, composite, actor, "movers_agreed", reason=f"For motion {source_id}")
    await db.commit()
