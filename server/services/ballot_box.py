"""The ballot box of a running server: the fixed specs of open ballots, and the writing of first votes
in rounds (group commit, server/batches.py).

A round holds every first vote that arrived while the previous round was being written. In one
transaction it takes each ballot's row (still open, spec unchanged, closing time not passed: on
PostgreSQL that row lock is what a close or another worker's round waits on), reads the roll lines
of the round's voters in one query, refuses each vote that is not on the roll, not this proxy's or
a second vote, then writes the roll marks, the papers (each table in its own key order, so not
even the order within a round is kept), the audit entries and the ballot's count of voters, and
commits once. The roll mark's primary key still refuses a second vote if anything slipped past.
Lock order, everywhere a ballot is written: the ballot row, then the audit chain.
The round is one synchronous function (``write_round``), run in the async session with
``run_sync``.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, replace
from typing import Protocol, Sequence

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm import Session

from ballots.contents import BallotContents
from ballots.kinds import BallotSpec, check_unchanged
from ballots.receipts import new_receipt
from ballots.secrecy import audit_payload_for_vote, change_check, stored_ballot
from server.batches import Batcher
from server.db.models import utcnow
from server.repositories import ballots as rows
from server.services import audit
from server.services.errors import Conflict

#: open ballots whose specs a process keeps; past this many the oldest are read again when next used
KEPT_SPECS = 256


class Voter(Protocol):
    """Who casts: a ``Member`` or a session's ``Identity``."""

    id: int
    name: str


@dataclass(frozen=True)
class OpenBallot:
    """An open ballot's spec, fixed by its fingerprint when it opened, so a process may keep it."""

    id: int
    fingerprint: str
    spec: BallotSpec
    #: the count facts on the ballot row when read (ballots/late_facts.py: candidates withdrawn since it
    #: opened); each round compares them, so a withdrawal makes the box read the ballot again
    facts: str | None = None


@dataclass(frozen=True)
class FirstVote:
    ballot: OpenBallot
    #: whose vote: the caster's own, or the member they are proxy for
    voter_id: int
    caster_id: int
    #: checked against the spec already; its weight is set from the roll in the round
    contents: BallotContents


@dataclass(frozen=True)
class Recorded:
    receipt: str
    contents: BallotContents


@dataclass(frozen=True)
class AlreadyVoted:
    """The voter has a roll mark: what changing the vote needs (an open ballot keeps the receipt)."""

    receipt: str | None
    name: str
    weight: int


@dataclass(frozen=True)
class Refused:
    """Not on the roll, not this caster's proxy vote, or the ballot no longer open: the service
    says which, with the reason the voter is given."""

    why: str


NOT_ON_ROLL = Refused("not on the roll")
NOT_PROXY = Refused("not this caster's proxy")
NOT_OPEN = Refused("not open")

Outcome = Recorded | AlreadyVoted | Refused


class BallotBox:
    """One per server process (``app.state.ballot_box``)."""

    def __init__(self, sessions: async_sessionmaker[AsyncSession], change_key: bytes) -> None:
        self._sessions = sessions
        #: the server's secret key, for the change checks on roll marks (ballots/secrecy.py rule 5)
        self.change_key = change_key
        self._open: dict[int, OpenBallot] = {}
        self._reading: dict[int, asyncio.Future[OpenBallot | None]] = {}
        self._rounds: Batcher[FirstVote, Outcome] = Batcher(self._write_round)

    async def open_ballot(self, ballot_id: int) -> OpenBallot | None:
        """The ballot if it is open for voting online; its spec read once per process (voters who
        arrive while it is being read wait for that one reading, not a reading each)."""
        kept = self._open.get(ballot_id)
        if kept is not None:
            return kept
        reading = self._reading.get(ballot_id)
        if reading is None or reading.get_loop() is not asyncio.get_running_loop():  # (a test's ended loop)
            reading = self._reading[ballot_id] = asyncio.ensure_future(self._read(ballot_id))
            reading.add_done_callback(lambda _: self._reading.pop(ballot_id, None))
        return await asyncio.shield(reading)

    async def _read(self, ballot_id: int) -> OpenBallot | None:
        async with self._sessions() as db:
            ballot = await rows.ballot_by_id(db, ballot_id)
            if ballot is None or ballot.state != "open" or ballot.by_hand or not ballot.fingerprint:
                return None
            spec = BallotSpec.from_json(ballot.spec)
            check_unchanged(spec, ballot.fingerprint)
            kept = OpenBallot(ballot.id, ballot.fingerprint, spec, ballot.count_facts)
        if len(self._open) >= KEPT_SPECS:
            self._open.pop(next(iter(self._open)))
        self._open[ballot_id] = kept
        return kept

    def forget(self, ballot_id: int) -> None:
        """The ballot was found closed (or changed): read it again next time."""
        self._open.pop(ballot_id, None)

    async def cast(self, vote: FirstVote) -> Outcome:
        return await self._rounds.submit(vote)

    async def _write_round(self, votes: list[FirstVote]) -> list[Outcome | Exception]:
        try:
            async with self._sessions() as db, rows.one_writer(db):
                return await db.run_sync(write_round, votes, self.change_key)
        except IntegrityError:
            pass
        if len(votes) == 1:
            return [Conflict("Your vote could not be recorded; please try again.")]
        # a constraint refused the round (a receipt drawn twice, a mark written by another path):
        # write each vote alone, so one cannot sink the others
        return [(await self._write_round([vote]))[0] for vote in votes]


def write_round(session: Session, votes: Sequence[FirstVote], change_key: bytes) -> list[Outcome]:
    """Write a round of first votes in one transaction and commit it; an outcome for each vote, in order.
    ``change_key``: what the change checks of a secret ballot that allows changes are keyed with."""
    now = utcnow()
    outcomes: list[Outcome | None] = [None] * len(votes)
    by_ballot: dict[int, list[int]] = {}
    for index, vote in enumerate(votes):
        by_ballot.setdefault(vote.ballot.id, []).append(index)
    entries: list[tuple[str, dict[str, str], str | None]] = []
    for ballot_id in sorted(by_ballot):  # rows locked in one order: two rounds cannot deadlock
        indexes = by_ballot[ballot_id]
        opened = votes[indexes[0]].ballot
        if not rows.lock_open_ballot(session, ballot_id, opened.fingerprint, now, opened.facts):
            for index in indexes:
                outcomes[index] = NOT_OPEN
            continue
        lines = rows.roll_lines(session, ballot_id, {votes[i].voter_id for i in indexes})
        secret, key = opened.spec.secret, str(ballot_id)
        marks, papers, voted = [], [], set()
        for index in indexes:
            vote = votes[index]
            line = lines.get(vote.voter_id)
            if line is None:
                outcomes[index] = NOT_ON_ROLL
            elif vote.voter_id != vote.caster_id and line.proxy_id != vote.caster_id:
                outcomes[index] = NOT_PROXY
            elif line.voted or vote.voter_id in voted:
                outcomes[index] = AlreadyVoted(line.receipt, line.name, line.weight)
            else:
                voted.add(vote.voter_id)
                receipt = new_receipt()
                contents = vote.contents if line.weight == vote.contents.weight else replace(
                    vote.contents, weight=line.weight)
                paper = stored_ballot(contents, receipt)
                check = change_check(change_key, key, receipt) if secret and opened.spec.may_change_vote else None
                marks.append((vote.voter_id, None if secret else receipt, check))
                papers.append((paper.id, paper.receipt, paper.contents))
                entries.append(("vote.recorded", audit_payload_for_vote(key, secret, line.name, receipt),
                                None if secret else line.name))
                outcomes[index] = Recorded(receipt, contents)
        if marks:
            rows.record_votes(session, ballot_id, marks, papers)
    if entries:
        audit.append_entries(session, entries)
    session.commit()
    return outcomes  # type: ignore[return-value]
