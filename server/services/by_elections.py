"""By-elections (issue 7; DOMAIN: every position is filled by election in the relevant body,
and a carried recall vacates the post). Vacating a post (``vacate_post``: a carried recall,
a resignation) opens a by-election in the body that elected the holder:

1. nominations for ``NOMINATION_DAYS``: a member of that body nominates themself (standing
   at once) or another member (standing once that member accepts); the nominee or the
   nominator may withdraw it while nominations are open;
2. once they close, the body's officers or CAC open the election: an ``office`` ballot of
   the accepted nominees, set up and opened by ``server/services/ballots.py``;
3. once that ballot's result is published, ``bring_up_to_date`` (run whenever the
   by-election is looked at) records the winner as the post's new holder.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from ballots import kinds
from server.dates import day_month_year
from server.db.engine import as_utc
from server.db.models import Body, Holding, Member
from server.db.models_groupings import ByElection, Nomination
from server.repositories import by_elections as rows
from server.services import ballots as ballot_actions
from server.services.errors import ActionRefused, Conflict, Forbidden, Invalid, NotFound
from server.services.permissions import can_see_body

#: days nominations stay open once a post is vacated. No body setting holds this (the
#: grouping rules hold the recall's); change it here for every body.
NOMINATION_DAYS = 14
#: days the election ballot stays open once opened (the CAC may close it earlier)
ELECTION_DAYS = 7
#: how a single office may be counted (``ballots.kinds``); exhaustive is the ballots service's default
OFFICE_METHODS = kinds.METHODS_FOR_KIND[kinds.OFFICE]
METHOD_LABELS = {"exhaustive": "Exhaustive ballot (ranked; lowest out each round)",
                 "irv": "Instant runoff (ranked)", "plurality": "First past the post (one mark)"}
STATE_LABELS = {"nominations": "Nominations", "ballot": "Election ballot", "filled": "Filled", "unfilled": "Not filled"}


def _now() -> datetime:
    return datetime.now(timezone.utc)


def when(moment: datetime) -> str:
    """'14 December 2026 at 09:30 UTC': a deadline members can act on."""
    moment = as_utc(moment)
    return f"{day_month_year(moment.date())} at {moment:%H:%M} UTC"


def title_of(by_election: ByElection) -> str:
    return f"By-election for {by_election.position.title} of {by_election.position.body.name}"


def nominations_open(by_election: ByElection, now: datetime | None = None) -> bool:
    return by_election.state == "nominations" and (now or _now()) < as_utc(by_election.nominations_close_at)


def standing(by_election: ByElection) -> list[Nomination]:
    """The accepted nominees, in the order nominated: the candidates."""
    return [n for n in by_election.nominations if n.state == "accepted"]


# --- vacating a post ---------------------------------------------------------------------------

async def vacate_post(db: AsyncSession, holding: Holding, cause: str, now: datetime,
                      recall_id: int | None = None) -> ByElection:
    """End the holding today and open the by-election for its post, in the caller's
    transaction (the caller commits), so a post is never vacated without one."""
    holding.ends_on = now.date()
    by_election = ByElection(position_id=holding.position_id, body_id=holding.elected_by_id,
                             vacated_holding_id=holding.id, cause=cause, recall_id=recall_id, state="nominations",
                             opened_at=now, nominations_close_at=now + timedelta(days=NOMINATION_DAYS))
    db.add(by_election)
    await db.flush()
    return by_election


async def resign(db: AsyncSession, actor: Member, holding_id: int, now: datetime | None = None) -> ByElection:
    """The holder gives up their post; it is vacated as a carried recall would vacate it."""
    from server.services.positions import is_current

    now = now or _now()
    holding = await db.get(Holding, holding_id)
    if holding is None or holding.member_id != actor.id:
        raise NotFound("There is no such post of yours.")
    if not is_current(holding, now.date()):
        raise Conflict("You no longer hold this post.")
    by_election = await vacate_post(db, holding, "resignation", now)
    await db.commit()
    return by_election


# --- reading -------------------------------------------------------------------------------------

async def by_election_for(db: AsyncSession, viewer: Member, by_election_id: int) -> ByElection:
    """Seen by those who may see the electing body (its members; site admins). Actors and
    viewers are the signed-in member with their memberships (``Viewer.member``), kept out of
    this session: the ballots service rolls the session back between its reads and writes."""
    by_election = await rows.by_id(db, by_election_id)
    if by_election is None or not can_see_body(viewer, by_election.body):
        raise NotFound("There is no such by-election.")
    return by_election


async def by_elections_of(db: AsyncSession, viewer: Member, body: Body) -> list[ByElection]:
    """The by-elections a body holds or that fill its posts, those the viewer may see."""
    return [b for b in await rows.of_body(db, body.id) if can_see_body(viewer, b.body)]


async def may_run(db: AsyncSession, viewer: Member, by_election: ByElection) -> bool:
    return ballot_actions.can_run(viewer, by_election.body)


# --- nominations ---------------------------------------------------------------------------------

def _closed_message(by_election: ByElection) -> str:
    if by_election.state != "nominations":
        return "Nominations have closed: the election is under way or over."
    return f"Nominations closed on {when(by_election.nominations_close_at)}."


async def nominate(db: AsyncSession, actor: Member, by_election_id: int, nominee_id: int | None,
                   now: datetime | None = None) -> Nomination:
    now = now or _now()
    by_election = await by_election_for(db, actor, by_election_id)
    body = by_election.body
    if not await rows.belongs(db, actor.id, body):
        raise Forbidden(f"Only members of {body.name}, which elects this post, nominate.")
    if not nominations_open(by_election, now):
        raise Conflict(_closed_message(by_election))
    nominee = await db.get(Member, nominee_id) if nominee_id is not None else None
    if nominee is None:
        raise Invalid("Choose the member you nominate.", {"nominee_id": "No such member."})
    if not await rows.belongs(db, nominee.id, body):
        raise Invalid(f"{nominee.name} is not a member of {body.name}, so cannot be nominated.",
                      {"nominee_id": "Not a member of the electing body."})
    own, name = nominee.id == actor.id, nominee.name
    nomination = next((n for n in by_election.nominations if n.nominee_id == nominee.id), None)
    if nomination is not None and nomination.state != "withdrawn":
        raise Conflict(f"{nominee.name} is already nominated.")
    if nomination is None:
        nomination = Nomination(by_election_id=by_election.id, nominee_id=nominee.id)
        db.add(nomination)
    nomination.nominated_by_id, nomination.nominated_at, nomination.withdrawn_at = actor.id, now, None
    nomination.state, nomination.accepted_at = ("accepted", now) if own else ("awaiting", None)
    try:
        await db.commit()
    except IntegrityError:  # the same member nominated by someone else at the same moment
        await db.rollback()
        raise Conflict(f"{name} is already nominated.") from None
    return nomination


async def _nomination_for(db: AsyncSession, actor: Member, nomination_id: int) -> tuple[Nomination, ByElection]:
    nomination = await rows.nomination_by_id(db, nomination_id)
    if nomination is None:
        raise NotFound("There is no such nomination.")
    try:
        return nomination, await by_election_for(db, actor, nomination.by_election_id)
    except NotFound:
        raise NotFound("There is no such nomination.") from None


async def accept(db: AsyncSession, actor: Member, nomination_id: int, now: datetime | None = None) -> Nomination:
    now = now or _now()
    nomination, by_election = await _nomination_for(db, actor, nomination_id)
    if nomination.nominee_id != actor.id:
        raise Forbidden(f"Only {nomination.nominee.name} can accept their own nomination.")
    if not nominations_open(by_election, now):
        raise Conflict(_closed_message(by_election))
    if nomination.state != "awaiting":
        raise Conflict("This nomination is not awaiting acceptance"
                       + (": you already stand." if nomination.state == "accepted" else ": it was withdrawn."))
    nomination.state, nomination.accepted_at = "accepted", now
    await db.commit()
    return nomination


async def withdraw(db: AsyncSession, actor: Member, nomination_id: int, now: datetime | None = None) -> Nomination:
    """The nominee (declining, or standing down) or whoever nominated them."""
    now = now or _now()
    nomination, by_election = await _nomination_for(db, actor, nomination_id)
    if actor.id not in (nomination.nominee_id, nomination.nominated_by_id):
        raise Forbidden(f"Only {nomination.nominee.name} or whoever nominated them can withdraw this nomination.")
    if not nominations_open(by_election, now):
        raise Conflict(_closed_message(by_election) + " A nomination can no longer be withdrawn.")
    if nomination.state == "withdrawn":
        raise Conflict("This nomination is already withdrawn.")
    nomination.state, nomination.withdrawn_at = "withdrawn", now
    await db.commit()
    return nomination


# --- the election --------------------------------------------------------------------------------

def ballot_names(nominees: list[Nomination]) -> list[str]:
    """Each candidate's name on the paper; namesakes are told apart by member number, since a
    ballot names each candidate once."""
    names = [" ".join(n.nominee.name.replace("|", "/").split()) for n in nominees]
    return [f"{name} (member {n.nominee_id})" if names.count(name) > 1 else name for name, n in zip(names, nominees)]


async def open_election(db: AsyncSession, actor: Member, by_election_id: int, method: str = "exhaustive",
                        now: datetime | None = None):
    """After nominations close, the body's officers or CAC open the election: an office
    ballot of the accepted nominees, through the ballots service (its checks, roll and audit)."""
    now = now or _now()
    by_election = await by_election_for(db, actor, by_election_id)
    if not ballot_actions.can_run(actor, by_election.body):
        raise Forbidden(f"Only the officers and CAC members of {by_election.body.name} open the election.")
    if by_election.state != "nominations":
        raise Conflict("The election ballot is already set up.")
    if nominations_open(by_election, now):
        raise Conflict(f"Nominations are open until {when(by_election.nominations_close_at)}; "
                       "the election opens once they close.")
    candidates = standing(by_election)
    if not candidates:
        raise Conflict("Nobody has accepted a nomination, so there is nobody to elect. "
                       "Re-open nominations to find candidates.")
    if method not in OFFICE_METHODS:
        raise Invalid(f"Count the election by {', '.join(OFFICE_METHODS)}, not {method!r}.", {"method": "Unknown."})
    names = ballot_names(candidates)
    fields = ballot_actions.SpecFields(kind=kinds.OFFICE, title=title_of(by_election), opens=now,
                                       closes=now + timedelta(days=ELECTION_DAYS), candidates=names, method=method)
    body = by_election.body
    if not await rows.move(db, by_election_id, "nominations", "ballot"):
        raise Conflict("The election ballot is already set up.")
    await db.commit()
    try:
        ballot = await ballot_actions.create_ballot(db, actor, body, fields)
    except ActionRefused:
        await db.rollback()
        await rows.move(db, by_election_id, "ballot", "nominations")
        await db.commit()
        raise
    by_election = await rows.by_id(db, by_election_id)
    for nomination, name in zip(standing(by_election), names):
        nomination.ballot_name = name
    by_election.ballot_id = ballot.id
    await db.commit()
    return await ballot_actions.open_ballot(db, actor, ballot.id)


async def reopen_nominations(db: AsyncSession, actor: Member, by_election_id: int,
                             now: datetime | None = None) -> ByElection:
    """Nominations closed with nobody standing: the officers give members another period."""
    now = now or _now()
    by_election = await by_election_for(db, actor, by_election_id)
    if not ballot_actions.can_run(actor, by_election.body):
        raise Forbidden(f"Only the officers and CAC members of {by_election.body.name} re-open nominations.")
    if by_election.state != "nominations" or nominations_open(by_election, now) or standing(by_election):
        raise Conflict("Nominations are re-opened only when they have closed with nobody standing.")
    by_election.nominations_close_at = now + timedelta(days=NOMINATION_DAYS)
    await db.commit()
    return by_election


async def bring_up_to_date(db: AsyncSession, viewer: Member, by_election_id: int, now: datetime | None = None) -> None:
    """Once the election ballot's result is published, record its winner as the new holder
    (whoever looks first; exactly once). The ballots service closes a ballot whose time is
    up when it is looked at, so looking here may also close and count it."""
    now = now or _now()
    by_election = await by_election_for(db, viewer, by_election_id)
    if by_election.state != "ballot" or by_election.ballot_id is None:
        return
    ballot = await ballot_actions.ballot_for(db, viewer, by_election.ballot_id)
    await ballot_actions.settle(db, viewer, ballot)
    if ballot.state != "published":
        return
    _ballot, record = await ballot_actions.published(db, viewer, ballot.id)
    elected = list(record.result.get("elected", [])) if record is not None else []
    by_election = await rows.by_id(db, by_election_id)
    winner = next((n for n in standing(by_election) if elected and n.ballot_name == elected[0]), None)
    if not await rows.move(db, by_election.id, "ballot", "filled" if winner else "unfilled", now):
        await db.rollback()
        return
    if winner is not None:
        holding = Holding(position_id=by_election.position_id, member_id=winner.nominee_id,
                          elected_by_id=by_election.body_id, starts_on=now.date())
        db.add(holding)
        await db.flush()
        by_election.holding_id = holding.id
    await db.commit()
