"""A close and another ballot's round of votes never deadlock (PostgreSQL only: SQLite lets one transaction
write at a time, so there a round and a close cannot interleave)."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import insert, select, update

from ballots.contents import BallotContents
from ballots.receipts import new_receipt
from ballots.secrecy import stored_ballot
from server.app import create_app
from server.db.models import Ballot, BallotBoxEntry, BallotVoted, Member, utcnow
from server.repositories import ballots as rows
from server.services import audit

pytestmark = pytest.mark.parametrize("migrated", ["postgres"], indirect=True)


async def test_a_close_and_another_ballots_round_never_deadlock(app, settings, as_member, setup):
    """The close takes its ballot's row, then the roll marks, then the box, then the audit chain: the
    order a round of votes takes them in. Here a round of ballot B, on a second app instance (as a
    second worker), has taken B's row, read the roll and written its roll mark when ballot A closes;
    then it writes its paper. The close must not wait on the round (a whole-table CLUSTER did, and
    PostgreSQL then broke the cycle by failing one of them), and the vote must count. SQLite has one
    writer, so there a close and a round never interleave."""
    olive, wanda, sam = await as_member("olive"), await as_member("wanda"), await as_member("sam")
    closing = await setup(olive, kind="motion", title="Closing")
    other = await setup(olive, kind="motion", title="Still open")
    assert (await wanda.api("POST", f"/api/v1/ballots/{closing}/votes", {"choice": "yes"})).status_code == 201
    second = create_app(settings)
    try:
        async with second.state.sessions() as db:
            fingerprint = (await db.execute(select(Ballot.fingerprint).where(Ballot.id == other))).scalar_one()
            await db.run_sync(_round_up_to_the_mark, other, fingerprint, (await _member_id(db, "Sam")))
            close = asyncio.create_task(olive.api("POST", f"/api/v1/ballots/{closing}/actions/close", {}))
            await asyncio.sleep(0.5)  # the close is under way: with a table lock, it now waits for the round
            await asyncio.wait_for(db.run_sync(_rest_of_the_round, other), 10)
        closed = await asyncio.wait_for(close, 10)
    finally:
        await second.state.engine.dispose()
    assert closed.status_code == 200 and closed.json()["state"] == "published", closed.text
    assert (await sam.api("GET", f"/api/v1/ballots/{other}/turnout")).json()["voted"] == 1
    assert (await olive.api("POST", f"/api/v1/ballots/{other}/actions/close", {})).json()["state"] == "published"
    assert "Carried: 1 for, 0 against" in (await sam.get(f"/ballots/{other}/result")).text


async def _member_id(db, name: str) -> int:
    return (await db.execute(select(Member.id).where(Member.name == name))).scalar_one()


def _round_up_to_the_mark(session, ballot: int, fingerprint: str, member: int) -> None:
    """The first statements of a round of votes (``write_round``): the ballot row, the roll, the mark."""
    assert rows.lock_open_ballot(session, ballot, fingerprint, utcnow())
    assert member in rows.roll_lines(session, ballot, {member})
    session.execute(insert(BallotVoted.__table__).values(ballot_id=ballot, member_id=member))


def _rest_of_the_round(session, ballot: int) -> None:
    """The rest of ``write_round`` for that one vote: the paper, the count of voters, the audit entry."""
    paper = stored_ballot(BallotContents(choice="yes"), new_receipt())
    session.execute(insert(BallotBoxEntry.__table__).values(id=paper.id, ballot_id=ballot, receipt=paper.receipt,
                                                            contents=paper.contents))
    session.execute(update(Ballot).where(Ballot.id == ballot).values(voted=Ballot.voted + 1))
    audit.append_entries(session, [("vote.recorded", {"ballot": str(ballot)}, None)])
    session.commit()
