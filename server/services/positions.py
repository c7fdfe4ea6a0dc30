"""Positions on bodies, their holders, and the recall rule."""

from __future__ import annotations

from datetime import date

from sqlalchemy import inspect
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm.base import NO_VALUE

from server.db.models import FILLED_BY, Holding, Member, Position
from server.repositories import bodies as body_rows
from server.repositories import members as member_rows
from server.services.errors import Invalid, NotFound
from server.services.members import require_admin
from server.services.permissions import OPEN_TO_ALL_MEMBERS, can_see_body, role_in


async def create_position(db: AsyncSession, actor: Member, *, body_id: int, title: str, filled_by: str,
                          seats: int = 1, term_months: int | None = None,
                          elected_by_id: int | None = None) -> Position:
    """An office on a body. Unless said otherwise, the body itself elects it."""
    require_admin(actor)
    body = await body_rows.by_id(db, body_id)
    elected_by = await body_rows.by_id(db, elected_by_id) if elected_by_id else body
    problems: dict[str, str] = {}
    if body is None:
        problems["body"] = "There is no such body."
    if elected_by is None:
        problems["elected_by"] = "There is no such electing body."
    if not title.strip():
        problems["title"] = "A title is needed."
    if filled_by not in FILLED_BY:
        problems["filled_by"] = "Filled individually or as a group."
    if seats < 1 or (filled_by == "individually" and seats != 1):
        problems["seats"] = "An individually filled position has one seat; a group has one or more."
    if term_months is not None and term_months < 1:
        problems["term_months"] = "A term is at least one month."
    if problems:
        raise Invalid("The position was not created: " + " ".join(problems.values()), problems)
    position = Position(body_id=body.id, title=title.strip(), filled_by=filled_by, seats=seats,
                        term_months=term_months, elected_by_id=elected_by.id)
    db.add(position)
    await db.commit()
    return position


async def record_holding(db: AsyncSession, actor: Member, *, position_id: int, member_email: str,
                         starts_on: date, ends_on: date | None = None) -> Holding:
    """Record the result of an election: the holder, elected by the position's electing body."""
    require_admin(actor)
    position = await db.get(Position, position_id)
    if position is None:
        raise NotFound("There is no such position.")
    member = await member_rows.by_email(db, member_email)
    if member is None:
        raise Invalid(f"There is no member with the email {member_email.strip()!r}.", {"email": "No such member."})
    if ends_on is not None and ends_on <= starts_on:
        raise Invalid("A holding ends after it starts.", {"ends_on": "Must be after the start."})
    holdings = await body_rows.holdings_of_position(db, position_id)
    if sum(is_current(h, starts_on) for h in holdings) >= position.seats:
        raise Invalid(f"{position.title} already has its {position.seats} holder(s).")
    holding = Holding(position_id=position.id, member_id=member.id, elected_by_id=position.elected_by_id,
                      starts_on=starts_on, ends_on=ends_on)
    db.add(holding)
    await db.commit()
    return holding


def is_current(holding: Holding, today: date | None = None) -> bool:
    today = today or date.today()
    return holding.starts_on <= today and (holding.ends_on is None or holding.ends_on > today)


def can_start_recall(member: Member, holding: Holding, today: date | None = None) -> bool:
    """DOMAIN: every elected holder is subject to immediate recall by the body that
    elected them. So a member may start a recall of a current holding exactly when they
    belong to the electing body (with ``member.memberships`` and ``holding.elected_by`` loaded):
    every member belongs to the NMM (``OPEN_TO_ALL_MEMBERS``, as groupings, petitions, its ballot
    roll and by-elections have it), whether or not they hold a membership row."""
    return is_current(holding, today) and (_open_to_all(holding)
                                           or role_in(member, holding.elected_by_id) is not None)


def _open_to_all(holding: Holding) -> bool:
    """Whether the electing body is one every member belongs to; read only when ``elected_by`` is
    loaded (a lazy load cannot run here), as every page and service that asks loads it."""
    elected_by = inspect(holding).attrs.elected_by.loaded_value
    return elected_by is not NO_VALUE and elected_by is not None and elected_by.kind in OPEN_TO_ALL_MEMBERS


async def positions_for(db: AsyncSession, member: Member, body_id: int | None = None) -> list[Position]:
    """Positions on the bodies the member may see (or on one of them)."""
    bodies = await body_rows.all_bodies(db)
    visible = [b.id for b in bodies if can_see_body(member, b) and (body_id is None or b.id == body_id)]
    if body_id is not None and not visible:
        raise NotFound("There is no such body, or you are not a member of it.")
    return await body_rows.positions_in(db, visible)
