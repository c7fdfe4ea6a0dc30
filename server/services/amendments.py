"""Every member action on an amendment: proposing it as a text operation, support,
withdrawal, the CAC's admission, ordering and recorded outcome, and what carrying one
does to the motion ("as amended", later amendments rebased or marked not applicable).

Standing orders (docs/motions.md): amendments are voted before the substantive motion,
in the CAC's order; an amendment that fell is never reapplied.
"""

from __future__ import annotations

import hashlib
from collections import OrderedDict
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from server.db.engine import as_utc
from server.db.models import AMENDMENT_OPERATIONS, Amendment, AmendmentSupporter, Member, Motion, MotionVersion, utcnow
from server.repositories import motions as rows
from server.services import amendment_text as textops
from server.services.errors import Conflict, Forbidden, Invalid, NotFound
from server.services.motion_access import OPEN_FOR_AMENDMENT, can_take_part, is_cac
from server.services.motions import current_version, motion_for, motion_to_decide, record, state_phrase
from server.services.notifications import ensure_following, notify_followers

STATE_LABELS = {
    "submitted": "Submitted",
    "admitted": "Admitted",
    "ruled_out_of_order": "Ruled out of order",
    "carried": "Carried",
    "fell": "Fell",
    "not_applicable": "No longer applicable",
    "withdrawn": "Withdrawn",
}
UNDECIDED = frozenset({"submitted", "admitted"})
OUTCOMES = ("carried", "fell")


#: how a sentence says an amendment is in a state ("Amendment 2 fell", never "is fell")
STATE_PHRASES = {
    "submitted": "is submitted", "admitted": "is admitted", "ruled_out_of_order": "was ruled out of order",
    "carried": "was carried", "fell": "fell", "not_applicable": "no longer applies", "withdrawn": "was withdrawn",
}


def _state_phrase(state: str, *, now: bool = False) -> str:
    return state_phrase(state, now=now, phrases=STATE_PHRASES)


def operation_of(amendment: Amendment) -> textops.TextOperation:
    return textops.TextOperation(amendment.operation, amendment.passage, amendment.occurrence,
                                 amendment.replacement, amendment.after_clause)


def voting_order(amendments: list[Amendment]) -> list[Amendment]:
    """The CAC's order: positioned amendments first by position, then the rest by number."""
    return sorted(amendments, key=lambda a: (a.position is None, a.position or 0, a.number))


@dataclass
class AmendmentView:
    """An amendment with what the page shows about it against the current text."""

    amendment: Amendment
    excerpt_html: str
    problem: str
    #: (number, reason) of each open amendment changing the same words
    conflicts: list[tuple[int, str]]

    @property
    def conflicts_with(self) -> list[int]:
        return [number for number, _ in self.conflicts]


#: (digest of the version's text, amendment number, operation) -> (excerpt HTML, problem)
_EXCERPTS: OrderedDict[tuple[bytes, int, textops.TextOperation], tuple[str, str]] = OrderedDict()
_EXCERPTS_KEPT = 4096


def _excerpt(version: MotionVersion, digest: bytes, number: int, op: textops.TextOperation) -> tuple[str, str]:
    """An amendment's change in context, or why it does not fit. The answer depends only
    on the text, its version number and the operation, so it is kept (the most recent
    few thousand), which a motion page with hundreds of amendments needs. The key is a
    digest of the text, not a row id: ids are reused when a database is reset."""
    key = (digest, number, op)
    if key in _EXCERPTS:
        _EXCERPTS.move_to_end(key)
        return _EXCERPTS[key]
    try:
        answer = textops.marked_up(version.number, version.text, op, textops.label_of(number), 80), ""
    except textops.NotApplicable as not_fitting:
        answer = "", str(not_fitting)
    _EXCERPTS[key] = answer
    if len(_EXCERPTS) > _EXCERPTS_KEPT:
        _EXCERPTS.popitem(last=False)
    return answer


def describe(version: MotionVersion, amendments: list[Amendment], *, excerpts: bool = True) -> list[AmendmentView]:
    """Each open amendment's change in context, and which open ones conflict."""
    open_ones = [(a.number, operation_of(a)) for a in amendments if a.state in UNDECIDED]
    found = textops.conflicts(version.number, version.text, open_ones)
    digest = hashlib.blake2b(f"{version.number}\n{version.text}".encode(), digest_size=20).digest()
    views: list[AmendmentView] = []
    for amendment in amendments:
        excerpt, problem = "", ""
        if amendment.state in UNDECIDED and excerpts:
            excerpt, problem = _excerpt(version, digest, amendment.number, operation_of(amendment))
        views.append(AmendmentView(amendment, excerpt, problem, found.get(amendment.number, [])))
    return views


async def amendment_for(db: AsyncSession, actor: Member, amendment_id: int) -> tuple[Amendment, Motion]:
    amendment = await rows.amendment_by_id(db, amendment_id)
    if amendment is None:
        raise NotFound("There is no such amendment.")
    motion = await motion_for(db, actor, amendment.motion_id)
    return amendment, motion


async def propose(db: AsyncSession, actor: Member, motion_id: int, *, operation: str, passage: str = "",
                  occurrence: int = 1, replacement: str = "", argument: str = "", after_clause: int | None = None,
                  now: datetime | None = None) -> Amendment:
    motion = await motion_for(db, actor, motion_id)
    meeting = motion.meeting
    if not can_take_part(actor, meeting):
        raise Forbidden(f"Only members of {meeting.body.name} can amend its motions.")
    if motion.state not in OPEN_FOR_AMENDMENT:
        raise Conflict("Amendments can be proposed to an admitted or scheduled motion.")
    if (now or utcnow()) > as_utc(meeting.amendments_deadline):
        raise Conflict(f"The deadline for amendments to {meeting.title} was "
                       f"{as_utc(meeting.amendments_deadline).strftime('%d %B %Y at %H:%M UTC')}.")
    if operation not in AMENDMENT_OPERATIONS:
        raise Invalid("Choose what the amendment does: delete, insert after, replace or add a clause.",
                      {"operation": "Unknown operation."})
    passage = passage.replace("\r\n", "\n")
    replacement = replacement.replace("\r\n", "\n")
    if operation == "add_clause":
        passage = ""
        occurrence = occurrence if after_clause is not None else 1
    else:
        after_clause = None
    if occurrence < 1:
        raise Invalid("The occurrence counts from 1.", {"occurrence": "1 or more."})
    version = await current_version(db, motion)
    op = textops.TextOperation(operation, passage, occurrence, replacement, after_clause)
    try:
        textops.check(version.number, version.text, op, "Your amendment")
    except textops.NotApplicable as problem:
        raise Invalid(str(problem), {"passage": str(problem)}) from None
    amendment = Amendment(motion_id=motion.id, number=await rows.next_amendment_number(db, motion.id),
                          target_version_id=version.id, operation=operation, passage=passage,
                          occurrence=occurrence, after_clause=after_clause, replacement=replacement,
                          argument=argument.strip(),
                          state="submitted", created_by_id=actor.id)
    db.add(amendment)
    await db.flush()
    record(db, motion, actor, "amendment_proposed", to_state="submitted", amendment_id=amendment.id,
           reason=f"Amendment {amendment.number}")
    await ensure_following(db, actor.id, motion.id)
    await notify_followers(db, motion, f"{actor.name} proposed amendment {amendment.number} to “{version.title}”.",
                           f"/amendments/{amendment.id}", actor_id=actor.id)
    await db.commit()
    return await rows.amendment_by_id(db, amendment.id)


async def _move(db: AsyncSession, motion: Motion, amendment: Amendment, actor: Member | None, to_state: str,
                action: str, reason: str = "") -> None:
    from_state = amendment.state
    amendment.state = to_state
    record(db, motion, actor, action, from_state=from_state, to_state=to_state, reason=reason,
           amendment_id=amendment.id)
    await notify_followers(db, motion, f"Amendment {amendment.number} {_state_phrase(to_state, now=True)}"
                           + (f": {reason}" if reason else "."), f"/amendments/{amendment.id}",
                           actor_id=actor.id if actor else None)


async def support(db: AsyncSession, actor: Member, amendment_id: int) -> None:
    amendment, motion = await amendment_for(db, actor, amendment_id)
    if amendment.state not in UNDECIDED:
        raise Conflict("Only an open amendment can be supported.")
    if amendment.created_by_id == actor.id:
        raise Conflict("You moved this amendment.")
    if not can_take_part(actor, motion.meeting):
        raise Forbidden(f"Only members of {motion.meeting.body.name} can support amendments.")
    if any(s.member_id == actor.id for s in amendment.supporters):
        raise Conflict("You already support this amendment.")
    db.add(AmendmentSupporter(amendment_id=amendment.id, member_id=actor.id))
    record(db, motion, actor, "amendment_supported", amendment_id=amendment.id)
    await db.commit()


async def withdraw(db: AsyncSession, actor: Member, amendment_id: int) -> None:
    amendment, motion = await amendment_for(db, actor, amendment_id)
    if amendment.created_by_id != actor.id:
        raise Forbidden("Only the amendment's mover can withdraw it.")
    if amendment.state not in UNDECIDED:
        raise Conflict("Only an open amendment can be withdrawn.")
    await _move(db, motion, amendment, actor, "withdrawn", "amendment_withdrawn")
    await db.commit()


def _require_cac(actor: Member, motion: Motion) -> None:
    if not is_cac(actor, motion.meeting):
        raise Forbidden(f"Only the Conference Arrangements Committee of {motion.meeting.title} can do that.")


async def supporters_counted(db: AsyncSession, amendment: Amendment, motion: Motion) -> int:
    """Supporters who count towards the meeting's minimum: members of the meeting's body
    (anyone, for a national members' meeting), as for a motion (docs/motions.md)."""
    ids = [s.member_id for s in amendment.supporters]
    body = motion.meeting.body
    if body.kind == "national_members_meeting":
        return len(ids)
    return len(await rows.member_ids_in_body(db, body.id, ids))


async def admit(db: AsyncSession, actor: Member, amendment_id: int) -> None:
    amendment, motion = await amendment_for(db, actor, amendment_id)
    _require_cac(actor, motion)
    if amendment.state != "submitted":
        raise Conflict("Only a submitted amendment can be admitted.")
    needed = motion.meeting.supporters_needed
    counted = await supporters_counted(db, amendment, motion)
    if counted < needed:
        raise Conflict(f"Amendment {amendment.number} has {counted} of the {needed} supporters the standing "
                       "orders require.")
    await _move(db, motion, amendment, actor, "admitted", "amendment_admitted")
    await db.commit()


async def rule_out_of_order(db: AsyncSession, actor: Member, amendment_id: int, reason: str) -> None:
    amendment, motion = await amendment_for(db, actor, amendment_id)
    _require_cac(actor, motion)
    if amendment.state != "submitted":
        raise Conflict("Only a submitted amendment can be ruled out of order.")
    if not reason.strip():
        raise Invalid("Give the reason the amendment is out of order; every member will read it.",
                      {"reason": "A reason is needed."})
    amendment.reason = reason.strip()
    await _move(db, motion, amendment, actor, "ruled_out_of_order", "amendment_ruled_out", reason.strip())
    await db.commit()


async def set_order(db: AsyncSession, actor: Member, motion_id: int, order: list[int]) -> None:
    """The CAC's voting order: amendment numbers, first voted first."""
    motion = await motion_for(db, actor, motion_id)
    _require_cac(actor, motion)
    amendments = {a.number: a for a in await rows.amendments_of(db, motion.id)}
    unknown = [n for n in order if n not in amendments]
    if unknown or len(set(order)) != len(order):
        raise Invalid("List each amendment number once, e.g. 3, 1, 2.", {"order": "Unknown or repeated number."})
    for position, number in enumerate(order, 1):
        amendments[number].position = position
    record(db, motion, actor, "amendments_ordered", reason=", ".join(f"amendment {n}" for n in order))
    await db.commit()


async def record_outcome(db: AsyncSession, actor: Member | None, amendment_id: int, outcome: str, *, note: str = "",
                         by_count: bool = False) -> MotionVersion | None:
    """Record the vote on an amendment, in the CAC's order. When it carries, the motion's
    text becomes a new "as amended" version and every later open amendment is restated
    against it, or marked not applicable with the reason. Returns the new version, if any.
    The CAC records it, or a ballot's count with ``by_count=True`` and ``actor`` None (the
    history shows Plenary; the new version is credited to the amendment's mover)."""
    amendment = await rows.amendment_by_id(db, amendment_id)
    if amendment is None:
        raise NotFound("There is no such amendment.")
    motion = await motion_to_decide(db, actor, amendment.motion_id, by_count)
    if outcome not in OUTCOMES:
        raise Invalid("The outcome of an amendment is carried or fell.", {"outcome": "Unknown outcome."})
    if motion.state != "scheduled":
        raise Conflict("Amendments are voted on when their motion is scheduled.")
    if amendment.state != "admitted":
        raise Conflict(f"Amendment {amendment.number} {_state_phrase(amendment.state)}; "
                       "only an admitted amendment is voted on.")
    all_amendments = await rows.amendments_of(db, motion.id)
    waiting = voting_order([a for a in all_amendments if a.state == "admitted"])
    if waiting and waiting[0].id != amendment.id:
        raise Conflict(f"Amendment {waiting[0].number} comes first in the CAC's order.")
    await _move(db, motion, amendment, actor, outcome, "amendment_outcome", note.strip())
    if outcome == "fell":
        await db.commit()
        return None
    version = await current_version(db, motion)
    later = [a for a in all_amendments if a.id != amendment.id and a.state in UNDECIDED]
    try:
        result = textops.carry(version.number, version.text, amendment.number, operation_of(amendment),
                               [(a.number, operation_of(a)) for a in later])
    except textops.NotApplicable as problem:
        raise Conflict(f"Amendment {amendment.number} no longer fits the motion: {problem}") from None
    if not await rows.claim_next_version(db, motion.id, motion.version_number):
        await db.rollback()
        raise Conflict("The motion changed while the outcome was recorded; reload and record it again.")
    new_version = MotionVersion(motion_id=motion.id, number=version.number + 1, title=version.title,
                                text=result.text, argument=version.argument,
                                created_by_id=actor.id if actor else amendment.created_by_id,
                                note=f"As amended by amendment {amendment.number}")
    db.add(new_version)
    await db.flush()
    for other in later:
        if other.number in result.not_applicable:
            other.reason = result.not_applicable[other.number]
            await _move(db, motion, other, actor, "not_applicable", "amendment_not_applicable", other.reason)
            continue
        moved = result.rebased[other.number]
        other.occurrence, other.after_clause = moved.occurrence, moved.after_clause
        other.target_version_id = new_version.id
    await db.commit()
    return new_version


async def amendments_of(db: AsyncSession, actor: Member, motion_id: int) -> list[Amendment]:
    motion = await motion_for(db, actor, motion_id)
    return await rows.amendments_of(db, motion.id)
