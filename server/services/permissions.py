"""Who may see and do what. Rules (docs/foundation.md, "Roles and permissions"):

- a site admin may see every body and manage members, bodies and memberships;
- a member sees the bodies they belong to; the national members' meeting is open to
  every member, since DOMAIN makes every member a member of it;
- a body's officers manage its memberships;
- nobody else learns that a body's page exists (404, not 403).
"""

from __future__ import annotations

from server.db.models import Body, Member

#: bodies every signed-in member may see, whether or not they hold a membership row
OPEN_TO_ALL_MEMBERS = frozenset({"national_members_meeting"})


def role_in(member: Member, body_id: int) -> str | None:
    for membership in member.memberships:
        if membership.body_id == body_id:
            return membership.role
    return None


def can_see_body(member: Member, body: Body) -> bool:
    return member.is_site_admin or body.kind in OPEN_TO_ALL_MEMBERS or role_in(member, body.id) is not None


def can_manage_body(member: Member, body: Body) -> bool:
    return member.is_site_admin or role_in(member, body.id) == "officer"


def can_administer(member: Member) -> bool:
    return member.is_site_admin
