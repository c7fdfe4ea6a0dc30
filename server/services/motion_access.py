"""Who may read and act on motions (docs/motions.md, "Access"). Pure rules on loaded rows.

- a draft: only its authors (the mover and invited co-authors, who must read it to accept);
- submitted, not yet published: members of the meeting's body and of its CAC;
- published (admitted or any later state): every member;
- the CAC of a meeting: the body's ``cac_member``s and every member of its designated
  committee. Site admins are not on it as such.
"""

from __future__ import annotations

from server.db.models import Meeting, Member, Motion
from server.services.permissions import can_see_body, role_in

UNPUBLISHED = frozenset({"draft", "submitted"})
#: a motion open to amendments, support and discussion
OPEN_FOR_AMENDMENT = frozenset({"admitted", "scheduled"})


def is_cac(member: Member, meeting: Meeting) -> bool:
    if role_in(member, meeting.body_id) == "cac_member":
        return True
    return meeting.cac_body_id is not None and role_in(member, meeting.cac_body_id) is not None


def is_author(member: Member, motion: Motion) -> bool:
    """An accepted author: the mover, or a co-author who accepted the invitation."""
    return any(a.member_id == member.id and a.accepted_at is not None for a in motion.authors)


def is_invited(member: Member, motion: Motion) -> bool:
    return any(a.member_id == member.id for a in motion.authors)


def can_see_meeting(member: Member, meeting: Meeting) -> bool:
    return can_see_body(member, meeting.body) or is_cac(member, meeting)


def can_read_motion(member: Member, motion: Motion) -> bool:
    if motion.state == "draft":
        return is_invited(member, motion)
    if motion.state == "submitted":
        return can_see_meeting(member, motion.meeting) or is_invited(member, motion)
    return True


def can_take_part(member: Member, meeting: Meeting) -> bool:
    """Propose motions and amendments to the meeting: a member of its body."""
    return meeting.body.kind == "national_members_meeting" or role_in(member, meeting.body_id) is not None


def can_moderate(member: Member, meeting: Meeting) -> bool:
    return member.is_site_admin or is_cac(member, meeting) or role_in(member, meeting.body_id) == "officer"


def can_arrange_meetings(member: Member, body) -> bool:
    return member.is_site_admin or role_in(member, body.id) == "officer"
