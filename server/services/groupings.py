"""Factions, platforms, caucuses and fractions (issue 7; docs/groupings.md).

A faction or platform is proposed with its declared purpose and formed once the parent
body's minimum of members have signed (``server/groupings/formation.py`` words the count);
a faction names the meeting that decides its question and dissolves once that meeting has
voted. A caucus or fraction is requested, and the decision on it is recorded with its
reason; both are visible to every member. A formed or approved grouping becomes a body of
its kind with its signatories (or requester) as members, the proposer its first officer.
Members join later by signing a formed faction's or platform's declaration, or by joining an
approved caucus or fraction.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timezone

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from server.db.models import Body, Meeting, Member, Membership, Motion
from server.db.models_groupings import GROUPING_KINDS, GroupingProposal, GroupingRules, GroupingSignature
from server.groupings.allowance import WeekRule
from server.dates import day_month_year
from server.groupings.formation import FormationStatus, Lifespan, formation_status, lifespan
from server.services.bodies import slugify
from server.services.errors import Conflict, Forbidden, Invalid, NotFound

SIGNED_KINDS = ("faction", "platform")
#: a motion in one of these states has been dealt with by its meeting
FINAL_MOTION_STATES = frozenset({"carried", "fell", "remitted", "withdrawn", "ruled_out_of_order", "composited"})
REQUESTED_KINDS = ("caucus", "fraction")


@dataclass(frozen=True)
class ProposalView:
    """A proposal with what its page says: the count against the minimum and its lifespan."""

    proposal: GroupingProposal
    status: FormationStatus | None
    life: Lifespan | None

    @property
    def dissolved(self) -> bool:
        return bool(self.life and self.life.dissolved)


def _now() -> datetime:
    return datetime.now(timezone.utc)


async def rules_for(db: AsyncSession, body_id: int) -> GroupingRules:
    """The body's grouping rules, or the defaults (ten signatures, London weeks from Monday)."""
    rules = await db.get(GroupingRules, body_id)
    return rules or GroupingRules(body_id=body_id, minimum_signatures=10, time_zone="Europe/London",
                                  first_weekday="monday", recall_supporters=2, recall_notice_days=7)


def week_rule(rules: GroupingRules) -> WeekRule:
    return WeekRule.named(rules.time_zone, rules.first_weekday)


async def set_rules(db: AsyncSession, actor: Member, body_id: int, *, minimum_signatures: int,
                    time_zone: str = "Europe/London", first_weekday: str = "monday",
                    recall_supporters: int = 2, recall_notice_days: int = 7) -> GroupingRules:
    """Site admins set a body's minimum and week (the constitution's numbers)."""
    if not actor.is_site_admin:
        raise Forbidden("Only site admins can change a body's rules for groupings.")
    if await db.get(Body, body_id) is None:
        raise NotFound("There is no such body.")
    if minimum_signatures < 1:
        raise Invalid("The minimum number of signatures must be at least 1.", {"minimum_signatures": "At least 1."})
    try:
        WeekRule.named(time_zone, first_weekday)
    except ValueError as problem:
        raise Invalid(f"{problem}.", {"time_zone": str(problem)}) from None
    rules = await db.get(GroupingRules, body_id)
    if rules is None:
        rules = GroupingRules(body_id=body_id)
        db.add(rules)
    if recall_supporters < 1 or recall_notice_days < 0:
        raise Invalid("A recall needs at least 1 supporter and 0 or more days of notice.")
    rules.minimum_signatures, rules.time_zone, rules.first_weekday = minimum_signatures, time_zone, first_weekday.lower()
    rules.recall_supporters, rules.recall_notice_days = recall_supporters, recall_notice_days
    await db.commit()
    return rules


async def _organisation(db: AsyncSession) -> Body:
    """The body groupings belong to by default: the national members' meeting."""
    found = (await db.execute(select(Body).where(Body.kind == "national_members_meeting").order_by(Body.id))).scalars().first()
    if found is None:
        raise NotFound("There is no national members' meeting to form groupings in.")
    return found


async def _member_of(db: AsyncSession, member_id: int, body: Body) -> bool:
    if body.kind == "national_members_meeting":
        return True  # DOMAIN: every member belongs to the NMM
    found = await db.execute(select(Membership.id).where(Membership.member_id == member_id,
                                                         Membership.body_id == body.id))
    return found.first() is not None


async def meeting_has_voted(db: AsyncSession, meeting: Meeting, today: date) -> bool:
    """The deciding meeting has voted once its day is over, or once every motion put to it
    has been decided (carried, fell, remitted, withdrawn, ruled out or composited)."""
    if today > meeting.held_on:
        return True
    states = (await db.execute(select(Motion.state).where(Motion.meeting_id == meeting.id,
                                                          Motion.state != "draft"))).scalars().all()
    return bool(states) and all(state in FINAL_MOTION_STATES for state in states)


async def describe(db: AsyncSession, proposal: GroupingProposal, now: datetime | None = None) -> ProposalView:
    now = now or _now()
    if proposal.kind not in SIGNED_KINDS:
        return ProposalView(proposal, None, None)
    status = formation_status([str(s.member_id) for s in proposal.signatures], proposal.minimum)
    if proposal.kind == "platform":
        return ProposalView(proposal, status, lifespan("platform"))
    meeting = proposal.meeting
    if meeting is None:  # its meeting was deleted (the key is SET NULL): nothing dates its end any more
        return ProposalView(proposal, status, Lifespan(
            "faction", None, False, "The meeting it named has been deleted, so no date of dissolution is known."))
    rules = await rules_for(db, proposal.parent_id)
    today = week_rule(rules).local_date(now)
    voted = await meeting_has_voted(db, meeting, today)
    words = f"{meeting.title} ({meeting.body.name})" if meeting.body else meeting.title
    return ProposalView(proposal, status, lifespan("faction", words, meeting.held_on, voted))


def _loaded():
    return (selectinload(GroupingProposal.signatures).selectinload(GroupingSignature.member),
            selectinload(GroupingProposal.meeting).selectinload(Meeting.body),
            selectinload(GroupingProposal.parent), selectinload(GroupingProposal.body),
            selectinload(GroupingProposal.proposed_by), selectinload(GroupingProposal.decided_by))


async def all_proposals(db: AsyncSession) -> list[GroupingProposal]:
    """Every proposal and request, newest first: visible to every member."""
    found = await db.execute(select(GroupingProposal).options(*_loaded()).order_by(GroupingProposal.id.desc()))
    return list(found.scalars().all())


async def proposal_by_id(db: AsyncSession, proposal_id: int) -> GroupingProposal:
    found = await db.execute(select(GroupingProposal).options(*_loaded()).where(GroupingProposal.id == proposal_id)
                             .execution_options(populate_existing=True))
    proposal = found.scalars().first()
    if proposal is None:
        raise NotFound("There is no such grouping.")
    return proposal


async def propose(db: AsyncSession, actor: Member, *, kind: str, name: str, purpose: str,
                  meeting_id: int | None = None) -> GroupingProposal:
    """Propose a faction or platform (the proposer signs first), or request a caucus or fraction."""
    name, purpose = name.strip(), purpose.strip()
    problems: dict[str, str] = {}
    if kind not in GROUPING_KINDS:
        problems["kind"] = "Choose a faction, a platform, a caucus or a fraction."
    if not name:
        problems["name"] = "A name is needed."
    if not purpose:
        problems["purpose"] = ("A faction or platform declares its purpose: the motion or programme it stands for."
                               if kind in SIGNED_KINDS else "Say who the caucus or fraction is for and why.")
    meeting = None
    if kind == "faction":
        meeting = await db.get(Meeting, meeting_id) if meeting_id else None
        if meeting is None:
            problems["meeting_id"] = "A faction names the meeting that decides its question."
    if problems:
        raise Invalid("The grouping was not proposed: " + " ".join(problems.values()), problems)
    parent = await _organisation(db)
    rules = await rules_for(db, parent.id)
    if meeting is not None:
        await _check_deciding_meeting(db, meeting, parent, week_rule(rules).local_date(_now()))
    proposal = GroupingProposal(kind=kind, name=name, purpose=purpose, parent_id=parent.id,
                                meeting_id=meeting.id if meeting else None, minimum=rules.minimum_signatures,
                                state="collecting" if kind in SIGNED_KINDS else "requested",
                                proposed_by_id=actor.id)
    db.add(proposal)
    await db.flush()
    if kind in SIGNED_KINDS:
        db.add(GroupingSignature(proposal_id=proposal.id, member_id=actor.id))
    await db.commit()
    proposal = await proposal_by_id(db, proposal.id)
    if kind in SIGNED_KINDS:
        await _form_if_enough(db, proposal)
    return proposal


async def _check_deciding_meeting(db: AsyncSession, meeting: Meeting, parent: Body, today: date) -> None:
    """A faction belongs to ``parent`` and presents its case to one of parent's meetings still to vote:
    another body's meeting could never decide its question, and one that has voted would leave it
    dissolved at birth (the form offers only ``meetings_to_name``; the API takes any id)."""
    if meeting.body_id != parent.id:
        body = await db.get(Body, meeting.body_id)
        raise Invalid(f"{meeting.title} is a meeting of {body.name if body else 'another body'}; a faction belongs to "
                      f"{parent.name} and names one of its meetings to decide its question.",
                      {"meeting_id": f"Choose a meeting of {parent.name}."})
    if await meeting_has_voted(db, meeting, today):
        raise Conflict(f"{meeting.title} ({day_month_year(meeting.held_on)}) has already voted, so a faction for it "
                       "would be dissolved as soon as it was proposed. Name a meeting still to come.",
                       {"meeting_id": "Choose a meeting that has not yet voted."})


async def sign(db: AsyncSession, actor: Member, proposal_id: int) -> ProposalView:
    """Add the actor's signature; at the minimum the grouping is formed as a body. Signing a
    grouping already formed joins it: its members are its signatories."""
    proposal = await proposal_by_id(db, proposal_id)
    if proposal.kind not in SIGNED_KINDS:
        raise Invalid("A caucus or fraction is requested and decided, not signed; once approved, members join it.")
    view = await describe(db, proposal)
    if view.dissolved:
        raise Conflict(f"{proposal.name} has dissolved: {view.life.words}")
    if not await _member_of(db, actor.id, proposal.parent):
        raise Forbidden(f"Only members of {proposal.parent.name} can sign.")
    # ids kept as plain values: a rolled-back transaction below expires the loaded objects
    proposal_id, member_id = proposal.id, actor.id
    if any(s.member_id == member_id for s in proposal.signatures):
        if not await _add_member(db, proposal_id, member_id):  # signed, but not yet in its body
            raise Conflict("You have already signed.")
        return await describe(db, await proposal_by_id(db, proposal_id))
    db.add(GroupingSignature(proposal_id=proposal_id, member_id=member_id))
    try:
        await db.commit()
    except IntegrityError:  # the same member's second request, signed at the same moment
        await db.rollback()
        raise Conflict("You have already signed.") from None
    await _form_if_enough(db, await proposal_by_id(db, proposal_id))
    await _add_member(db, proposal_id, member_id)
    return await describe(db, await proposal_by_id(db, proposal_id))


async def join(db: AsyncSession, actor: Member, proposal_id: int) -> ProposalView:
    """Join a grouping: a faction or platform by signing its declaration (see ``sign``); an
    approved caucus or fraction as a member (DOMAIN: caucus members self-identify; a
    fraction is the members working in its campaign or union)."""
    proposal = await proposal_by_id(db, proposal_id)
    if proposal.kind in SIGNED_KINDS:
        return await sign(db, actor, proposal_id)
    if proposal.state != "approved" or proposal.body_id is None:
        raise Conflict(f"{proposal.name} is not an approved {proposal.kind}, so it cannot be joined"
                       + (f": the request was refused ({proposal.decision_reason})." if proposal.state == "refused"
                          else " until the request is decided."))
    if not await _member_of(db, actor.id, proposal.parent):
        raise Forbidden(f"Only members of {proposal.parent.name} can join.")
    name, member_id = proposal.name, actor.id
    if not await _add_member(db, proposal_id, member_id):
        raise Conflict(f"You are already a member of {name}.")
    return await describe(db, await proposal_by_id(db, proposal_id))


async def is_member(db: AsyncSession, member_id: int, proposal: GroupingProposal) -> bool:
    """Whether the member belongs to the grouping's body (False while it has none)."""
    if proposal.body_id is None:
        return False
    found = await db.execute(select(Membership.id).where(Membership.member_id == member_id,
                                                         Membership.body_id == proposal.body_id))
    return found.first() is not None


async def _add_member(db: AsyncSession, proposal_id: int, member_id: int) -> bool:
    """Make the member a member of the grouping's body, once it has one; False when there is
    no body yet or they already belong (a concurrent request may have added them)."""
    body_id = (await db.execute(select(GroupingProposal.body_id).where(GroupingProposal.id == proposal_id)
                                .where(GroupingProposal.state.in_(("formed", "approved"))))).scalar_one_or_none()
    if body_id is None:
        return False
    if (await db.execute(select(Membership.id).where(Membership.member_id == member_id,
                                                     Membership.body_id == body_id))).first() is not None:
        return False
    db.add(Membership(member_id=member_id, body_id=body_id, role="member"))
    try:
        await db.commit()
    except IntegrityError:
        await db.rollback()
        return False
    return True


async def _form_if_enough(db: AsyncSession, proposal: GroupingProposal) -> None:
    """Form the grouping once enough have signed. Two signatures can arrive together at the
    minimum: only the request whose update moves the proposal out of ``collecting`` forms it
    (the row update serialises them on both databases); the other finds it formed."""
    status = formation_status([str(s.member_id) for s in proposal.signatures], proposal.minimum)
    if proposal.state != "collecting" or not status.formed:
        return
    proposal_id = proposal.id
    claimed = await db.execute(
        update(GroupingProposal).where(GroupingProposal.id == proposal_id, GroupingProposal.state == "collecting")
        .values(state="formed", formed_at=_now()).execution_options(synchronize_session=False))
    if claimed.rowcount != 1:
        await db.rollback()
        return
    body = await _new_body(db, proposal)
    signers = (await db.execute(select(GroupingSignature.member_id).where(GroupingSignature.proposal_id == proposal_id)
                                .order_by(GroupingSignature.id))).scalars().all()
    for member_id in signers:
        role = "officer" if member_id == proposal.proposed_by_id else "member"
        db.add(Membership(member_id=member_id, body_id=body.id, role=role))
    await db.execute(update(GroupingProposal).where(GroupingProposal.id == proposal_id).values(body_id=body.id)
                     .execution_options(synchronize_session=False))
    await db.commit()


async def _new_body(db: AsyncSession, proposal: GroupingProposal) -> Body:
    base = slugify(f"{proposal.kind}-{proposal.name}")[:70].strip("-") or proposal.kind
    slug, n = base, 1
    while (await db.execute(select(Body.id).where(Body.slug == slug))).first() is not None:
        n += 1
        slug = f"{base}-{n}"
    body = Body(slug=slug, name=proposal.name, kind=proposal.kind, description=proposal.purpose,
                parent_id=proposal.parent_id)
    db.add(body)
    await db.flush()
    return body


def may_decide(member: Member, proposal: GroupingProposal) -> bool:
    """Site admins and the parent body's officers decide caucus and fraction requests."""
    if member.is_site_admin:
        return True
    return any(m.body_id == proposal.parent_id and m.role == "officer" for m in member.memberships)


async def decide(db: AsyncSession, actor: Member, proposal_id: int, *, approve: bool, reason: str) -> GroupingProposal:
    """Approve or refuse a caucus or fraction request, always with a reason all members see."""
    proposal = await proposal_by_id(db, proposal_id)
    if proposal.kind not in REQUESTED_KINDS:
        raise Invalid("Factions and platforms are formed by signatures, not decided.")
    if not may_decide(actor, proposal):
        raise Forbidden(f"Only officers of {proposal.parent.name} and site admins decide requests.")
    if proposal.state != "requested":
        raise Conflict("This request has already been decided.")
    reason = reason.strip()
    if not reason:
        raise Invalid("A decision on a request needs a written reason, which every member can read.",
                      {"reason": "Write the reason for the decision."})
    # claimed by one conditional update, as formation is: two decisions at once record one
    claimed = await db.execute(
        update(GroupingProposal).where(GroupingProposal.id == proposal_id, GroupingProposal.state == "requested")
        .values(state="approved" if approve else "refused", decided_by_id=actor.id, decided_at=_now(),
                decision_reason=reason).execution_options(synchronize_session=False))
    if claimed.rowcount != 1:
        await db.rollback()
        raise Conflict("This request has already been decided.")
    if approve:
        body = await _new_body(db, proposal)
        db.add(Membership(member_id=proposal.proposed_by_id, body_id=body.id, role="officer"))
        await db.execute(update(GroupingProposal).where(GroupingProposal.id == proposal_id)
                         .values(body_id=body.id, formed_at=_now()).execution_options(synchronize_session=False))
    await db.commit()
    return await proposal_by_id(db, proposal_id)


async def meetings_to_name(db: AsyncSession, today: date) -> list[Meeting]:
    """Meetings a faction may name (``propose`` takes no other): the national members' meeting's,
    not yet past nor voted."""
    try:
        parent = await _organisation(db)
    except NotFound:
        return []
    found = await db.execute(select(Meeting).options(selectinload(Meeting.body))
                             .where(Meeting.held_on >= today, Meeting.body_id == parent.id)
                             .order_by(Meeting.held_on, Meeting.id))
    return [m for m in found.scalars().all() if not await meeting_has_voted(db, m, today)]


async def proposal_for_body(db: AsyncSession, body_id: int) -> GroupingProposal | None:
    found = await db.execute(select(GroupingProposal).options(*_loaded()).where(GroupingProposal.body_id == body_id))
    return found.scalars().first()
