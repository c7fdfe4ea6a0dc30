"""Keeping a secret ballot unlinkable to its voter.

The rule the database layer must follow for a secret ballot
------------------------------------------------------------
1. **Two tables.** "Member M has voted in ballot B" (the voter roll mark,
   with the receipt nothing) and "ballot B holds these contents with this
   receipt" (the ballot box) are separate tables. No column of one refers to
   a row of the other, and no column in the ballot box names, hashes or
   numbers a voter.
2. **Random keys, no order.** A ballot-box row's key is ``new_ballot_id()``
   (random, 128 bits), never an autoincrement, sequence or rowid. In SQLite
   the ballot box is a ``WITHOUT ROWID`` table keyed by that id, so its
   storage order is the random order of the ids. Neither table has a
   column that grows with time (sequence, serial, ``created_at``), and
   neither is ever read without ``ORDER BY`` its random key.
3. **No timestamps.** ``stored_ballot`` builds the ballot-box row; it has no
   time, no session, no IP, no user agent. The roll mark has no time
   either: live turnout is a count of roll marks, not a list of them.
   Logs and the audit chain record "a vote was recorded in ballot B" with
   no voter, receipt or paper id for a secret ballot (``audit_payload_for_vote``).
4. **One transaction.** The roll mark (under its unique constraint on
   ballot and member: one vote each) and the ballot-box row are written in
   the same transaction, so neither exists without the other.
5. **A change of vote is bound to the voter, not to a paper.** Where the
   spec allows a change, the roll mark holds ``change_check``: an HMAC
   under the server's secret key of the ballot and the voter's current
   receipt (``change_check``), never the receipt or a plain hash of it
   (receipts are published). To change a vote the voter gives their
   receipt; its check must equal the one on *this voter's* mark, then the
   paper with that receipt is deleted, a new paper with a new id and
   receipt inserted and the mark given the new receipt's check, all in one
   transaction under the ballot row's lock. Anyone else's receipt, or an
   old one of the voter's, is refused and changes nothing. Without the
   key the checks match no paper; the close clears them, so once receipts
   are published not even the key links a mark to a paper.
6. **Publication shuffles.** The record lists ballots in receipt order
   (``publication_order``), which is random and unrelated to when anyone
   voted. While the ballot is open, storage still groups each round's marks
   and papers (PostgreSQL's ``xmin`` and heap order, SQLite's page bytes);
   so at the close, in the closing transaction, the ballot's roll marks and
   papers are deleted and inserted again in key order, and after it the old
   versions are vacuumed away (the WAL checkpointed on SQLite): neither the
   storage pages nor any system column then keeps the order of voting.

An open (named) ballot has no such rule: its record publishes each voter's
name beside their ballot. Its roll mark holds the voter's receipt, which
binds a change of vote the same way (only the paper with that receipt).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import random
import secrets
from dataclasses import dataclass
from typing import Iterable, Mapping, Sequence, TypeVar

from ballots.contents import BallotContents
from ballots.receipts import RecordEntry

T = TypeVar("T")

#: column names that would tie a ballot-box row to a voter or to a moment
LINKING_COLUMNS = frozenset({
    "voter", "voter_id", "member", "member_id", "user", "user_id", "person_id", "session_id",
    "created_at", "updated_at", "cast_at", "voted_at", "timestamp", "time", "ip", "user_agent", "seq", "rowid",
})


def new_ballot_id() -> str:
    """A ballot-box key: 128 random bits, so keys carry no order."""
    return secrets.token_hex(16)


@dataclass(frozen=True)
class StoredBallot:
    """A ballot-box row: random id, receipt and contents; no voter, no time."""

    id: str
    receipt: str
    contents: str  # the canonical JSON of BallotContents

    def entry(self) -> RecordEntry:
        return RecordEntry(self.receipt, BallotContents.from_dict(json.loads(self.contents)))


def stored_ballot(contents: BallotContents, receipt: str) -> StoredBallot:
    return StoredBallot(new_ballot_id(), receipt, contents.canonical_json())


def change_check(key: bytes, ballot: int | str, receipt: str) -> str:
    """What a secret ballot's roll mark keeps of the voter's receipt (rule 5): HMAC-SHA256 under the
    server's secret ``key`` of ``change:<ballot>:<receipt>``, in hex. Keyed, because receipts are
    published: a plain hash of every published receipt would match each mark to its paper."""
    return hmac.new(key, f"change:{ballot}:{receipt}".encode(), hashlib.sha256).hexdigest()


def linking_columns(columns: Iterable[str]) -> list[str]:
    """Columns of a ballot-box table that break rule 1 or 3; empty when the table is clean."""
    return sorted(c for c in columns if c.lower() in LINKING_COLUMNS)


def publication_order(entries: Iterable[RecordEntry]) -> list[RecordEntry]:
    """The record's order: by receipt code, random and unrelated to the order of voting."""
    return sorted(entries, key=lambda e: e.receipt)


def shuffled(items: Iterable[T]) -> list[T]:
    """A copy in an order drawn from the operating system's randomness."""
    copy = list(items)
    random.SystemRandom().shuffle(copy)
    return copy


def audit_payload_for_vote(ballot: str, secret: bool, voter: str | None, receipt: str) -> dict[str, str]:
    """What the audit log says about a vote in ``ballot``: in a secret ballot, nothing that names or finds the paper."""
    return {"ballot": ballot} if secret else {"ballot": ballot, "voter": voter or "", "receipt": receipt}


def position_matches(voted_order: Sequence[str], ballot_order: Sequence[str], truth: Mapping[str, str]) -> int:
    """How many positions pair a voter with their own ballot, reading both tables in storage order.

    For secrecy tests: ``voted_order`` lists voters as the roll-mark table
    returns them, ``ballot_order`` receipts as the ballot box returns them,
    ``truth`` maps voter to receipt (known only to the test). Storage order
    leaking the order of voting shows up as far more matches than chance
    (about one).
    """
    return sum(1 for voter, receipt in zip(voted_order, ballot_order) if truth.get(voter) == receipt)
