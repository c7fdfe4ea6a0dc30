"""Petitions (issue 7): a constitutional threshold ("10% of the branches or 20% of the
membership") and convening period, taken from the petition kind the petitioner chooses
(server/groupings/petition_kinds.py), never typed by them; the base frozen when the petition
opens, the live count in words ("83 of 412 members = 20.1%, threshold 20% = 82.4 members"),
who signed (visible to members), and once met the steering committee notified with the date
the meeting must be convened by.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from server.db.models import Body, Member, Membership
from server.db.models_groupings import Petition, PetitionBranchRequest, PetitionSignature
from server.groupings.formation import (
    ConveningDeadline,
    PetitionBase,
    PetitionStatus,
    convening_deadline,
    parse_petition_rule,
    petition_status,
)
from server.groupings.petition_kinds import PetitionKind, kinds_for
from server.services.errors import Conflict, Forbidden, Invalid, NotFound
from server.services.notices import add_notices


@dataclass(frozen=True)
class PetitionView:
    petition: Petition
    status: PetitionStatus
    deadline: ConveningDeadline | None


def _now() -> datetime:
    return datetime.now(timezone.utc)


def _aware(moment: datetime) -> datetime:
    """SQLite hands back the foundation's plain DateTime columns without a zone; they hold UTC."""
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def _loaded():
    return (selectinload(Petition.signatures).selectinload(PetitionSignature.member),
            selectinload(Petition.branch_requests).selectinload(PetitionBranchRequest.branch),
            selectinload(Petition.body), selectinload(Petition.opened_by))


def describe(petition: Petition) -> PetitionView:
    rule = parse_petition_rule(petition.rule, petition.convene_within or None)
    base = PetitionBase(petition.base_members, petition.base_branches)
    status = petition_status(rule, base, {"members": len(petition.signatures),
                                          "branches": len(petition.branch_requests)})
    deadline = None
    if petition.met_at is not None and rule.convene_within is not None:
        deadline = convening_deadline(rule, petition.met_at.date(), meeting=f"an additional {petition.body.name}")
    return PetitionView(petition, status, deadline)


async def all_petitions(db: AsyncSession) -> list[Petition]:
    found = await db.execute(select(Petition).options(*_loaded()).order_by(Petition.id.desc()))
    return list(found.scalars().all())


async def petition_by_id(db: AsyncSession, petition_id: int) -> Petition:
    found = await db.execute(select(Petition).options(*_loaded()).where(Petition.id == petition_id)
                             .execution_options(populate_existing=True))
    petition = found.scalars().first()
    if petition is None:
        raise NotFound("There is no such petition.")
    return petition


async def petition_kinds(db: AsyncSession, body: Body) -> tuple[PetitionKind, ...]:
    """The petitions the constitution lets members address to ``body``, with their thresholds
    and convening periods: the only rules a petition can be opened under."""
    return kinds_for(body.kind)


async def petitioned_body(db: AsyncSession) -> Body:
    """Petitions go to the national members' meeting."""
    body = (await db.execute(select(Body).where(Body.kind == "national_members_meeting").order_by(Body.id))).scalars().first()
    if body is None:
        raise NotFound("There is no national members' meeting to petition.")
    return body


async def offered_kinds(db: AsyncSession) -> tuple[PetitionKind, ...]:
    """The petitions the form offers: those the national members' meeting can receive."""
    try:
        return await petition_kinds(db, await petitioned_body(db))
    except NotFound:
        return ()


async def open_petition(db: AsyncSession, actor: Member, *, title: str, text: str, kind: str) -> Petition:
    """Any member opens a petition to the national members' meeting under one of the
    constitution's petition kinds, whose threshold and period it keeps; the base is frozen now."""
    body = await petitioned_body(db)
    kinds = await petition_kinds(db, body)
    chosen = next((k for k in kinds if k.key == kind.strip()), None)
    problems = {}
    if not title.strip():
        problems["title"] = "A title is needed."
    if not text.strip():
        problems["text"] = "Say what the petition asks for."
    if chosen is None:
        offered = "; ".join(k.words() for k in kinds) or "none"
        problems["kind"] = (f"Choose which of the constitution's petitions this is (its threshold and period are "
                            f"the constitution's): {offered}.")
    if problems:
        raise Invalid("The petition was not opened: " + " ".join(problems.values()), problems)
    members = (await db.execute(select(func.count(Member.id)))).scalar_one()
    branches = (await db.execute(select(func.count(Body.id)).where(Body.kind == "branch"))).scalar_one()
    petition = Petition(body_id=body.id, title=title.strip(), text=text.strip(), rule=chosen.rule,
                        convene_within=chosen.convene_within, base_members=members, base_branches=branches,
                        opened_by_id=actor.id)
    db.add(petition)
    await db.flush()
    add_notices(db, (await db.execute(select(Member.id))).scalars().all(), "petition",
                f"Petition opened: {petition.title}", f"/petitions/{petition.id}")
    await db.commit()
    return await petition_by_id(db, petition.id)


async def sign(db: AsyncSession, actor: Member, petition_id: int, branch_id: int | None = None) -> PetitionView:
    """A member signs for themself; a branch officer may also request it for the branch.
    Only members as they stood at opening count, so the count never exceeds the base."""
    petition = await petition_by_id(db, petition_id)
    if branch_id is None:
        member = await db.get(Member, actor.id)
        if member.created_at and _aware(member.created_at) > petition.opened_at:
            raise Forbidden("Only members who belonged when the petition opened can sign it; its base is "
                            f"the {petition.base_members} members of that day.")
        if any(s.member_id == actor.id for s in petition.signatures):
            raise Conflict("You have already signed.")
        db.add(PetitionSignature(petition_id=petition.id, member_id=actor.id))
    else:
        branch = await db.get(Body, branch_id)
        role = (await db.execute(select(Membership.role).where(Membership.member_id == actor.id,
                                                               Membership.body_id == branch_id))).scalars().first()
        if branch is None or branch.kind != "branch" or role != "officer":
            raise Forbidden("Only a branch's officers can request it for the branch.")
        if branch.created_at and _aware(branch.created_at) > petition.opened_at:
            raise Forbidden("Only branches that existed when the petition opened count towards it.")
        if any(r.branch_id == branch_id for r in petition.branch_requests):
            raise Conflict(f"{branch.name} has already requested it.")
        db.add(PetitionBranchRequest(petition_id=petition.id, branch_id=branch_id, by_id=actor.id))
    await db.commit()
    petition = await petition_by_id(db, petition.id)
    view = describe(petition)
    if view.status.met and petition.met_at is None:
        petition.met_at = _now()
        steering = select(Membership.member_id).join(Body, Body.id == Membership.body_id).where(
            Body.kind == "steering_committee")
        add_notices(db, (await db.execute(steering)).scalars().all(), "petition",
                    f"Petition met: {petition.title}. The meeting must be convened.", f"/petitions/{petition.id}")
        await db.commit()
        view = describe(await petition_by_id(db, petition.id))
    return view
