"""What the CAC records about a ballot after voting opens, beside its fixed spec: a candidate's withdrawal
and the chair's casting vote on a tied count (the rules: ballots/late_facts.py; storage: the ballot row's
``count_facts``, written by one guarded update; the count reads them in ``ballots.count_and_publish``)."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from ballots import kinds
from ballots.late_facts import LateFactRefused
from server.db.models import Member, utcnow
from server.repositories import ballots as rows
from server.services import audit, ballots
from server.services.errors import Conflict, Forbidden, Invalid


async def withdraw_candidate(db: AsyncSession, actor: Member, ballot_id: int, name: str, reason: str) -> str:
    """A candidate (or option) withdraws after voting opened, e.g. elected to an earlier office. The spec
    and its fingerprint stay as fixed; the withdrawal is a count fact: votes already cast that rank the
    candidate stay valid (the count passes over them), new votes naming them are refused. Returns a note.
    The CAC's alone (as an early close is: an officer may be standing), never a candidate's on their own
    ballot, and only while voting is open: once it has closed the papers are as they will be counted."""
    ballot = await ballots.ballot_for(db, actor, ballot_id)
    if not await ballots.may_act_early(db, actor, ballot):
        raise Forbidden("Only the body's CAC withdraws a candidate after voting has opened (never a recall's holder).")
    spec = ballots.spec_of(ballot)
    if actor.name in spec.choices:
        raise Forbidden("You stand in this ballot: another member of the CAC records a withdrawal.")
    facts = ballots.late_facts_of(ballot)
    if ballot.by_hand:
        raise Conflict("A hand count is taken in the room: there is no ballot paper online to withdraw from.")
    if ballot.state == "draft":
        raise Conflict("A candidate is withdrawn once voting has opened; before it opens, set the ballot up "
                       "again without them.")
    if ballot.state != "open":
        raise Conflict("Voting has closed: the papers are counted as they were cast, and a candidate can no "
                       "longer withdraw from this ballot.")
    was = ballot.count_facts or ""
    try:
        updated = facts.withdraw(spec, name, reason, actor.name, kinds.utc_text(utcnow()))
    except LateFactRefused as refused:
        raise Invalid(str(refused), {refused.field or "candidate": str(refused)}) from None
    withdrawal, actor_name = updated.withdrawals[-1], actor.name
    await db.rollback()  # reads done: the write is one guarded update
    async with rows.one_writer(db):
        if not await rows.update_unchanged(db, ballot_id, ("open",), was, count_facts=updated.to_text()):
            await db.rollback()
            raise Conflict("The ballot changed meanwhile (voting closed, or another withdrawal was recorded): "
                           "look at it again.")
        await audit.record(db, "ballot.withdraw_candidate", {"ballot": str(ballot_id), "candidate": withdrawal.name,
                                                             "reason": withdrawal.reason}, actor=actor_name)
        await db.commit()
    return f"{withdrawal.name} has withdrawn; votes already cast for them pass to the next preference."


async def give_casting_vote(db: AsyncSession, actor: Member, ballot_id: int, choice: str, reason: str) -> str:
    """The chair's casting vote on a count held as a tie: yes, no, or none (the tie stands, the motion
    falls). Given once; the count then runs with it and the result is published. Returns a note."""
    ballot = await ballots.ballot_for(db, actor, ballot_id)
    if not await ballots.may_act_early(db, actor, ballot):  # for the chair: the CAC (or a branch's officers) records it
        raise Forbidden("Only the body's CAC records the chair's casting vote (never a recall's holder).")
    facts = ballots.late_facts_of(ballot)
    if facts.casting is not None:
        raise Conflict("The chair has already decided this tie; a casting vote is given once.")
    if ballot.state != "closed" or facts.tie is None:
        raise Conflict("A casting vote is given only when the count is a tie waiting for the chair's vote; "
                       "this ballot's count is not.")
    was = ballot.count_facts or ""
    try:
        updated = facts.with_casting_vote(choice.strip().lower(), reason, actor.name, kinds.utc_text(utcnow()))
    except LateFactRefused as refused:
        raise Invalid(str(refused), {refused.field or "casting_vote": str(refused)}) from None
    actor_name = actor.name
    await db.rollback()
    async with rows.one_writer(db):
        if not await rows.update_unchanged(db, ballot_id, ("closed",), was, count_facts=updated.to_text()):
            await db.rollback()
            raise Conflict("The chair has already decided this tie; a casting vote is given once.")
        await audit.record(db, "ballot.casting_vote", {"ballot": str(ballot_id), "casting_vote": choice.strip().lower(),
                                                       "reason": reason.strip()}, actor=actor_name)
        await db.commit()
    note = await ballots.count_and_publish(db, actor, ballot_id)
    return " ".join(part for part in ("The casting vote is recorded and the result published.", note) if part)
