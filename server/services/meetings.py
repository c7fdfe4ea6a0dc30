"""Meetings of a body that take motions: created by its officers or site admins."""

from __future__ import annotations

from datetime import date, datetime, timezone

from sqlalchemy.ext.asyncio import AsyncSession

from server.db.models import Meeting, Member
from server.repositories import bodies as body_rows
from server.repositories import motions as rows
from server.services.bodies import body_for
from server.services.errors import Forbidden, Invalid, NotFound
from server.services.motion_access import can_arrange_meetings, can_see_meeting


def parse_moment(raw: str, field: str) -> datetime:
    """A deadline typed in a form (``2026-12-01T18:00``) or sent by the API, read as UTC."""
    try:
        moment = datetime.fromisoformat(raw.strip())
    except ValueError:
        raise Invalid(f"{raw!r} is not a date and time.", {field: "Use the form 2026-12-01T18:00 (UTC)."}) from None
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


async def create_meeting(db: AsyncSession, actor: Member, body_id: int, *, title: str, held_on: str,
                         motions_deadline: str, amendments_deadline: str, supporters_needed: int = 0,
                         cac_body_slug: str = "") -> Meeting:
    body = await body_for(db, actor, body_id=body_id)
    if not can_arrange_meetings(actor, body):
        raise Forbidden(f"Only officers of {body.name} and site admins can arrange its meetings.")
    problems: dict[str, str] = {}
    if not title.strip():
        problems["title"] = "A title is needed."
    try:
        day = date.fromisoformat(held_on.strip())
    except ValueError:
        problems["held_on"] = "Use the form 2026-12-01."
        day = None
    motions_by = parse_moment(motions_deadline, "motions_deadline")
    amendments_by = parse_moment(amendments_deadline, "amendments_deadline")
    if amendments_by < motions_by:
        problems["amendments_deadline"] = "The amendments deadline comes after the motions deadline."
    if supporters_needed < 0:
        problems["supporters_needed"] = "A number of 0 or more."
    cac_body = None
    if cac_body_slug.strip():
        cac_body = await body_rows.by_slug(db, cac_body_slug.strip())
        if cac_body is None:
            problems["cac_body"] = f"There is no body {cac_body_slug.strip()!r}."
        elif not cac_body.memberships:
            problems["cac_body"] = f"{cac_body.name} has no members to arrange the business."
    elif not any(m.role == "cac_member" for m in body.memberships):
        # with no CAC nobody could admit, schedule or rule on a motion (docs/motions.md)
        problems["cac_body"] = (f"{body.name} has no CAC member, so nobody could admit its motions. "
                                "Name a committee to arrange the business (the address of a body), "
                                f"or first make a member of {body.name} a CAC member.")
    if problems:
        raise Invalid("The meeting was not created: " + " ".join(problems.values()), problems)
    meeting = Meeting(body_id=body.id, title=title.strip(), held_on=day, motions_deadline=motions_by,
                      amendments_deadline=amendments_by, supporters_needed=supporters_needed,
                      cac_body_id=cac_body.id if cac_body else None)
    db.add(meeting)
    await db.commit()
    return await rows.meeting_by_id(db, meeting.id)


async def meeting_for(db: AsyncSession, actor: Member, meeting_id: int) -> Meeting:
    meeting = await rows.meeting_by_id(db, meeting_id)
    if meeting is None or not can_see_meeting(actor, meeting):
        raise NotFound("There is no such meeting, or you are not a member of its body.")
    return meeting


async def meetings_of(db: AsyncSession, actor: Member, body_id: int) -> list[Meeting]:
    body = await body_for(db, actor, body_id=body_id)
    return await rows.meetings_of_body(db, body.id)
