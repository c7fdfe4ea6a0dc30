"""The seed for lots is derived at the count (R6 #13): unknown before the close, stated in the count facts,
derived again by every recount, and a record stating another seed is refused. Specs with their own seed
count exactly as before."""

from __future__ import annotations

import dataclasses
import json

import ballot_specs as S
from ballots import kinds as K
from ballots.canonical import sha256_hex
from ballots.published_record import (CountFacts, build_record, derived_seed, lot_seed, read_record_csv,
                                      read_record_json, recount, verify_record, write_record_csv, write_record_json)
from ballots.receipts import RecordEntry, new_receipt
from ballots.validation import validate
from voting.ballot import Ballot, Contest
from voting.methods.registry import count


def tied_choice() -> tuple[K.BallotSpec, list[RecordEntry]]:
    """Leeds and Glasgow two each, Cardiff one: plurality breaks the tie for first by lot."""
    spec = K.choice("Venue", ("Leeds", "Glasgow", "Cardiff"), S.ELECTORATE, S.TIMETABLE)
    taken: set[str] = set()
    entries = []
    for name in ("Leeds", "Glasgow", "Leeds", "Glasgow", "Cardiff"):
        receipt = new_receipt(taken)
        taken.add(receipt)
        entries.append(RecordEntry(receipt, validate(spec, {"ranking": [name]}, 1)))
    return spec, entries


def count_with(spec: K.BallotSpec, entries: list[RecordEntry], seed: str) -> tuple[str, ...]:
    contest = Contest(spec.choices, spec.seats, frozenset(), spec.title)
    ballots = [Ballot.ranking(e.contents.ranking, 1, e.receipt) for e in entries]
    return count("plurality", contest, ballots, seed=seed).elected


def test_the_seed_is_derived_from_the_fingerprint_and_the_ballots_and_stated() -> None:
    spec, entries = tied_choice()
    assert spec.seed == "" and spec.seed_from_count
    record = build_record(spec, entries)
    expected = sha256_hex(spec.fingerprint() + record.ballots_digest)
    assert derived_seed(spec.fingerprint(), record.ballots_digest) == expected
    assert record.count.seed == expected == lot_seed(record)
    assert record.result["elected"] == list(count_with(spec, entries, expected))
    assert verify_record(record) == []
    # the lot really follows the seed: some other seed elects the other tied option
    others = {tuple(count_with(spec, entries, f"other {n}")) for n in range(40)}
    assert others == {("Leeds",), ("Glasgow",)}


def test_the_recount_derives_the_seed_again_in_every_format() -> None:
    spec, entries = tied_choice()
    record = build_record(spec, entries)
    text = write_record_json(record)
    assert json.loads(text)["count"]["seed"] == record.count.seed
    again = read_record_json(text)
    assert again.count.seed == record.count.seed and verify_record(again) == []
    from_csv = read_record_csv(write_record_csv(record), spec, again.count, result=again.result)
    assert verify_record(from_csv, published_digest=record.ballots_digest) == []
    # the recount does not take the stated seed: it derives it from the ballots it has
    stated_nothing = dataclasses.replace(again, count=CountFacts())
    assert recount(stated_nothing) == recount(again) and verify_record(stated_nothing) == []


def test_a_record_stating_another_seed_is_refused() -> None:
    spec, entries = tied_choice()
    data = json.loads(write_record_json(build_record(spec, entries)))
    data["count"]["seed"] = "0" * 64
    problems = verify_record(read_record_json(json.dumps(data)))
    assert any(p.startswith("the count facts state the seed for lots 0000000000000000…, but the spec "
                            "fingerprint and the ballots give") for p in problems), problems


def test_changing_one_ballot_changes_the_seed() -> None:
    spec, entries = tied_choice()
    first = build_record(spec, entries).count.seed
    swapped = entries[:-1] + [RecordEntry(entries[-1].receipt, validate(spec, {"ranking": ["Leeds"]}, 1))]
    assert build_record(spec, swapped).count.seed != first


def test_a_spec_with_its_own_seed_counts_as_before() -> None:
    spec = S.plurality_choice()  # seed "s1", as ballots set up before R6 carry
    entries = [RecordEntry(new_receipt(), validate(spec, {"ranking": [name]}, 1)) for name in ("Leeds", "Glasgow")]
    record = build_record(spec, entries)
    assert record.count.seed is None and "seed" not in json.loads(write_record_json(record))["count"]
    assert lot_seed(record) == "s1" and record.result["elected"] == list(count_with(spec, entries, "s1"))
    data = json.loads(write_record_json(record))
    data["count"]["seed"] = "s2"
    assert any("but the spec gives s1" in p for p in verify_record(read_record_json(json.dumps(data))))
