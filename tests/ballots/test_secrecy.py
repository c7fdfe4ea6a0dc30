"""Secret ballots: stored rows carry nothing that ties them to a voter or a moment."""

from __future__ import annotations

import dataclasses
import re

from ballots.contents import BallotContents
from ballots.receipts import RecordEntry, new_receipt
from ballots.secrecy import (audit_payload_for_vote, linking_columns, new_ballot_id, position_matches,
                             publication_order, shuffled, stored_ballot, StoredBallot)


def test_ballot_ids_are_random_128_bit_hex() -> None:
    ids = {new_ballot_id() for _ in range(1000)}
    assert len(ids) == 1000 and all(re.fullmatch(r"[0-9a-f]{32}", i) for i in ids)


def test_a_stored_ballot_has_no_voter_and_no_time() -> None:
    columns = [f.name for f in dataclasses.fields(StoredBallot)]
    assert linking_columns(columns) == []
    assert linking_columns(["id", "member_id", "Created_At", "contents"]) == ["Created_At", "member_id"]
    row = stored_ballot(BallotContents(choice="yes"), new_receipt())
    assert row.entry().contents == BallotContents(choice="yes")
    assert row.contents == '{"choice":"yes","weight":1}'


def test_publication_order_does_not_follow_the_order_of_voting() -> None:
    """Voters in roll order vote in that order; the published order pairs nobody with their position."""
    voters = [f"member{i}" for i in range(400)]
    receipts = [new_receipt() for _ in voters]
    truth = dict(zip(voters, receipts))
    entries = [RecordEntry(r, BallotContents(choice="yes")) for r in receipts]
    published = [e.receipt for e in publication_order(entries)]
    assert published == sorted(receipts)
    assert position_matches(voters, published, truth) < 10  # chance gives about one
    assert position_matches(voters, receipts, truth) == 400  # insertion order would give everyone away
    assert publication_order(shuffled(entries)) == publication_order(entries)


def test_shuffled_is_a_permutation() -> None:
    items = list(range(200))
    mixed = shuffled(items)
    assert sorted(mixed) == items and mixed != items and items == list(range(200))


def test_the_audit_log_says_nothing_that_finds_a_secret_ballot() -> None:
    assert audit_payload_for_vote("b1", True, "member7", "2222-3333-4444-5555") == {"ballot": "b1"}
    assert audit_payload_for_vote("b1", False, "member7", "R") == {"ballot": "b1", "voter": "member7", "receipt": "R"}
