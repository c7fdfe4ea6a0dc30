"""A secret ballot from spec to published record with the pure parts alone, as the server will chain them."""

from __future__ import annotations

import dataclasses
import json
from datetime import datetime, timedelta, timezone

import ballot_specs as S
from ballots import kinds as K
from ballots.audit_chain import append, verify_chain
from ballots.canonical import fingerprint
from ballots.published_record import build_record, read_record_json, verify_record, write_record_json
from ballots.receipts import new_receipt
from ballots.secrecy import audit_payload_for_vote, publication_order, stored_ballot
from ballots.validation import validate

CLOCK = datetime(2026, 11, 1, 9, 0, tzinfo=timezone.utc)


def run_ballot():
    roll = [(f"member{i}", 1) for i in range(30)]
    spec = K.with_flags(S.ranked_choice(), electorate=K.Electorate(30, 30, K.roll_digest(roll)))
    log = [append(None, "ballot.create", {"ballot": "b1", "spec_fingerprint": spec.fingerprint()}, time=CLOCK,
                  actor="cac1")]
    log.append(append(log[-1], "ballot.open", {"ballot": "b1", "spec_fingerprint": spec.fingerprint(),
                                               "roll_digest": spec.electorate.roll_digest},
                      time=CLOCK + timedelta(minutes=1), actor="cac1"))
    box, receipts = [], {}
    for n, (member, weight) in enumerate(roll[:24]):
        K.check_unchanged(spec, log[1].payload["spec_fingerprint"])
        contents = validate(spec, {"ranking": list(spec.candidates[n % 4:])}, weight)
        receipt = new_receipt(receipts.values())
        receipts[member] = receipt
        box.append(stored_ballot(contents, receipt))
        log.append(append(log[-1], "vote.recorded", audit_payload_for_vote("b1", spec.secret, member, receipt),
                          time=CLOCK + timedelta(minutes=2 + n)))
    entries = [row.entry() for row in box]
    record = build_record(spec, entries)
    log.append(append(log[-1], "ballot.count", {"ballot": "b1", "ballots_digest": record.ballots_digest},
                      time=CLOCK + timedelta(hours=2), actor="cac2"))
    log.append(append(log[-1], "ballot.publish", {"ballot": "b1", "result": fingerprint(record.result)},
                      time=CLOCK + timedelta(hours=3), actor="cac2"))
    return spec, box, receipts, record, log


def test_an_untouched_ballot_verifies_end_to_end() -> None:
    spec, box, receipts, record, log = run_ballot()
    assert verify_chain(log, head=log[-1].hash) == []
    published = read_record_json(write_record_json(record))
    assert verify_record(published, published_digest=log[-2].payload["ballots_digest"]) == []
    assert fingerprint(published.result) == log[-1].payload["result"]
    assert all("member" not in json.dumps(e.payload) for e in log)
    assert [e.receipt for e in published.entries] == [e.receipt for e in publication_order(r.entry() for r in box)]


def test_a_stored_ballot_altered_after_the_close_is_detected() -> None:
    spec, box, receipts, record, log = run_ballot()
    box[5] = dataclasses.replace(box[5], contents='{"ranking":["Transport"],"weight":1}')
    tampered = build_record(spec, [row.entry() for row in box])
    problems = verify_record(tampered, record.result, published_digest=log[-2].payload["ballots_digest"])
    assert "published digest" in problems[0]


def test_an_altered_audit_entry_is_detected() -> None:
    spec, box, receipts, record, log = run_ballot()
    log[-2] = dataclasses.replace(log[-2], payload={"ballot": "b1", "ballots_digest": "0" * 64})
    assert verify_chain(log, head=log[-1].hash) == ["entry seq 27: altered (its contents do not match its hash)"]
