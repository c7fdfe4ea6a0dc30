"""A vote taken in the room: the CAC enters the tellers' figures (with "many for" when one side was not
counted), each is checked against the attendance and the rule (``ballots.hand_count.check_hand_count``,
flagged when inconsistent), two tellers confirm the same figures, and the CAC publishes them; the
outcome is then recorded on the motion as a count's is (``ballots.record_motion_outcome``)."""

from __future__ import annotations

import json

from sqlalchemy.ext.asyncio import AsyncSession

from ballots.canonical import fingerprint as digest_of
from ballots.hand_count import Confirmation, HandCount, check_hand_count, ready_to_publish
from server.db.models import Ballot, Member, TellerConfirmation
from server.repositories import ballots as rows
from server.services import audit, ballots
from server.services.errors import Conflict, Forbidden


def hand_count_of(ballot: Ballot) -> HandCount | None:
    if not ballot.hand_count:
        return None
    data = json.loads(ballot.hand_count)
    return HandCount(data["for"], data["against"], data["abstain"], data["present"], data["declared"],
                     data.get("casting_vote"))


async def enter_hand_count(db: AsyncSession, actor: Member, ballot_id: int, count: HandCount):
    ballot = await ballots.ballot_for(db, actor, ballot_id)
    if not await ballots.may_run(db, actor, ballot, "hand count"):
        raise Forbidden("The CAC enters the tellers' figures (never a recall's holder).")
    if not ballot.by_hand or ballot.state == "published":
        raise Conflict("Figures are entered for a hand count that is not yet published.")
    await ballots.refuse_before_notice(db, ballot.id)
    spec = ballots.spec_of(ballot)
    check = check_hand_count(spec, count)
    ballot.hand_count = json.dumps(count.as_dict(), sort_keys=True)
    ballot.state = "closed"
    await rows.clear_confirmations(db, ballot.id)
    await audit.record(db, "hand_count.enter", {"ballot": str(ballot.id), "figures": count.as_dict(),
                                                "flags": list(check.flags)}, actor=actor.name)
    await db.commit()
    return check


async def _entered(db: AsyncSession, actor: Member, ballot_id: int, action: str, forbidden: str,
                   none_entered: str) -> tuple[Ballot, HandCount]:
    """The ballot and the figures entered for it, for a teller's confirmation or the CAC's publication."""
    ballot = await ballots.ballot_for(db, actor, ballot_id)
    if not await ballots.may_run(db, actor, ballot, action):
        raise Forbidden(forbidden)
    count = hand_count_of(ballot)
    if count is None or ballot.state != "closed":
        raise Conflict(none_entered)
    return ballot, count


async def confirm_hand_count(db: AsyncSession, actor: Member, ballot_id: int) -> None:
    ballot, count = await _entered(db, actor, ballot_id, "confirm",
                                   "Only the body's tellers confirm a hand count (never a recall's holder).",
                                   "There are no figures waiting for confirmation.")
    existing = {c.teller_id: c for c in await rows.confirmations(db, ballot.id)}
    if actor.id in existing:
        existing[actor.id].fingerprint = count.fingerprint()
    else:
        db.add(TellerConfirmation(ballot_id=ballot.id, teller_id=actor.id, fingerprint=count.fingerprint()))
    await audit.record(db, "hand_count.confirm", {"ballot": str(ballot.id), "figures": count.fingerprint()},
                       actor=actor.name)
    await db.commit()


async def hand_count_status(db: AsyncSession, ballot: Ballot) -> tuple[bool, str]:
    count = hand_count_of(ballot)
    if count is None:
        return False, "no figures entered yet"
    confirmations = [Confirmation(c.teller.name, c.fingerprint) for c in await rows.confirmations(db, ballot.id)]
    return ready_to_publish(count, confirmations)


async def publish_hand_count(db: AsyncSession, actor: Member, ballot_id: int) -> str:
    ballot, count = await _entered(db, actor, ballot_id, "hand count",
                                   "The CAC publishes a hand count (never a recall's holder).",
                                   "There are no figures to publish.")
    ready, why = await hand_count_status(db, ballot)
    if not ready:
        raise Conflict(f"Not yet: this count {why}.")
    spec = ballots.spec_of(ballot)
    check = check_hand_count(spec, count)
    if not check.consistent:
        raise Conflict("The figures do not add up: " + "; ".join(check.flags))
    carried = None
    if check.check is not None and check.check.outcome in ("carried", "fell"):
        carried = check.check.outcome == "carried"
    elif count.declared in ("carried", "fell"):
        carried = count.declared == "carried"  # consistent with the figures: the chair's declaration stands
    result = {"type": "hand count", "figures": count.as_dict(), "words": check.words,
              "outcome": None if carried is None else ("carried" if carried else "fell")}
    ballot.record = json.dumps({"format": "plenary-hand-count/1", "spec": spec.as_dict(), "result": result,
                                "confirmed": why}, indent=1, sort_keys=True, ensure_ascii=False) + "\n"
    ballot.report = f"{count.text()}: {check.words} ({why})\n"
    ballot.state = "published"
    published = await audit.record(db, "ballot.publish", {"ballot": str(ballot.id), "result": digest_of(result)},
                                   actor=actor.name)
    ballot.audit_head = published.hash
    await db.commit()
    if carried is None:
        return "Published; the figures leave the outcome open, so no outcome was recorded on the motion."
    return await ballots.record_motion_outcome(db, ballot, {"type": "decision", "outcome": result["outcome"],
                                                     "words": check.words})
