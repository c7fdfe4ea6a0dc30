"""The hash-chained audit log: an intact chain verifies; every kind of tampering is reported."""

from __future__ import annotations

import dataclasses
from datetime import datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ballots.audit_chain import GENESIS, AuditEntry, append, entries_after, entry_hash, head_positions, verify_chain

START = datetime(2026, 11, 1, 9, 0, tzinfo=timezone.utc)
ACTIONS = [("ballot.create", "cac1", {"ballot": "b1", "spec_fingerprint": "ab" * 32}),
           ("ballot.open", "cac1", {"ballot": "b1"}),
           ("vote.recorded", None, {"ballot": "b1"}),
           ("vote.recorded", None, {"ballot": "b1"}),
           ("ballot.close", None, {"ballot": "b1", "reason": "timetable"}),
           ("ballot.count", "cac2", {"ballot": "b1", "ballots_digest": "cd" * 32}),
           ("ballot.publish", "cac2", {"ballot": "b1", "result": "Carried: 2 for"})]


def chain(actions=ACTIONS) -> list[AuditEntry]:
    entries: list[AuditEntry] = []
    for n, (action, actor, payload) in enumerate(actions):
        entries.append(append(entries[-1] if entries else None, action, payload,
                              time=START + timedelta(minutes=n), actor=actor))
    return entries


def test_an_intact_chain_verifies() -> None:
    entries = chain()
    assert [e.seq for e in entries] == list(range(1, 8))
    assert entries[0].prev_hash == GENESIS and entries[1].prev_hash == entries[0].hash
    assert entries[0].time == "2026-11-01T09:00:00.000000Z"
    assert verify_chain(entries) == [] and verify_chain(entries, head=entries[-1].hash) == []
    assert verify_chain([]) == []
    assert [AuditEntry.from_dict(e.as_dict()) for e in entries] == entries


def test_altered_entry_is_reported() -> None:
    entries = chain()
    entries[3] = dataclasses.replace(entries[3], payload={"ballot": "b2"})
    assert verify_chain(entries) == ["entry seq 4: altered (its contents do not match its hash)"]


def test_altered_entry_with_recomputed_hash_breaks_the_next_link() -> None:
    entries = chain()
    e = entries[2]
    forged = dataclasses.replace(e, actor="someone", hash=entry_hash(e.seq, e.time, "someone", e.action, e.payload,
                                                                     e.prev_hash))
    entries[2] = forged
    problems = verify_chain(entries)
    assert problems == ["entry seq 4: link broken (prev_hash is not the hash of entry seq 3)"]


def test_removed_entry_is_reported() -> None:
    entries = chain()
    del entries[4]
    problems = verify_chain(entries)
    assert problems[0] == "entry 5: seq 6 where 5 was due: entries removed"
    assert "entry seq 6: link broken (prev_hash is not the hash of entry seq 4)" in problems


def test_reordered_entries_are_reported() -> None:
    entries = chain()
    entries[2], entries[3] = entries[3], entries[2]
    problems = verify_chain(entries)
    assert problems[0] == "entry 3: seq 4 where 3 was due: entries removed"
    assert any("reordered" in p for p in problems)


def test_entries_cut_off_the_end_need_the_published_head() -> None:
    entries = chain()
    head = entries[-1].hash
    assert verify_chain(entries[:-2]) == []
    assert verify_chain(entries[:-2], head=head) == [
        f"the published head {head[:16]}… is no entry's hash (the chain ends at seq 5): entries up to it were cut "
        "off, or entries before it altered and the chain re-hashed"]


def test_a_head_published_before_later_entries_still_verifies() -> None:
    """R6 #8: other ballots log entries after every publication; the head stays in the chain."""
    entries = chain()
    head = entries[3].hash
    assert verify_chain(entries, head=head) == [] and verify_chain(entries, heads=[head]) == []
    assert [e.seq for e in entries_after(entries, head)] == [5, 6, 7]
    assert entries_after(entries, entries[-1].hash) == []
    assert head_positions(entries, [head, entries[1].hash, "f" * 64]) == {head: 4, entries[1].hash: 2, "f" * 64: None}


def test_several_heads_each_must_be_in_the_chain() -> None:
    entries = chain()
    assert verify_chain(entries, entries[1].hash, heads=[entries[4].hash, entries[6].hash]) == []
    problems = verify_chain(entries, heads=[entries[4].hash, "e" * 64])
    assert problems == [f"the published head {'e' * 16}… is no entry's hash (the chain ends at seq 7): entries up to "
                        "it were cut off, or entries before it altered and the chain re-hashed"]


def rehashed_from(entries: list[AuditEntry], index: int, **change) -> list[AuditEntry]:
    """The attack only a published head catches: alter one entry, then recompute every hash after it."""
    out = entries[:index]
    for entry in entries[index:]:
        fields = {"actor": entry.actor, "action": entry.action, "payload": entry.payload}
        if entry is entries[index]:
            fields.update(change)
        prev = out[-1].hash if out else GENESIS
        out.append(AuditEntry(entry.seq, entry.time, fields["actor"], fields["action"], fields["payload"], prev,
                              entry_hash(entry.seq, entry.time, fields["actor"], fields["action"], fields["payload"],
                                         prev)))
    return out


def test_a_chain_altered_and_rehashed_from_before_a_head_fails_however_much_follows() -> None:
    entries = chain()
    head = entries[4].hash  # published after the close
    forged = rehashed_from(entries, 2, payload={"ballot": "b2"})  # a vote moved to another ballot
    assert verify_chain(forged) == []  # every link holds: only the head can tell
    assert len(verify_chain(forged, head=head)) == 1
    longer = forged + [append(forged[-1], "vote.recorded", {"ballot": "b9"}, time=START + timedelta(hours=1))]
    assert len(verify_chain(longer, head=head)) == 1 and len(verify_chain(longer, heads=[entries[1].hash, head])) == 1
    # altered after the head: that head still holds (it vouches for the entries up to it), a later one does not
    after = rehashed_from(entries, 5, actor="intruder")
    assert verify_chain(after, head=head) == [] and verify_chain(after, heads=[head, entries[6].hash]) != []


def test_rebuilt_chain_with_a_changed_history_does_not_reach_the_head() -> None:
    head = chain()[-1].hash
    changed = chain([*ACTIONS[:5], ("ballot.count", "cac2", {"ballot": "b1", "ballots_digest": "ef" * 32}),
                     ACTIONS[6]])
    assert verify_chain(changed) == [] and verify_chain(changed, head=head) != []


def test_entries_refuse_floats_and_naive_times() -> None:
    with pytest.raises(TypeError, match="float"):
        append(None, "ballot.count", {"share": 0.5}, time=START)
    with pytest.raises(ValueError, match="time zone"):
        append(None, "ballot.open", {}, time=datetime(2026, 11, 1))


@given(st.integers(0, 6), st.sampled_from(["seq", "time", "actor", "action", "payload", "prev_hash", "hash"]))
def test_any_change_to_any_field_is_detected(index: int, name: str) -> None:
    entries = chain()
    values = {"seq": entries[index].seq + 10, "time": "2026-11-01T09:00:00.000001Z", "actor": "intruder",
              "action": "ballot.delete", "payload": {"x": "y"}, "prev_hash": "1" * 64, "hash": "2" * 64}
    entries[index] = dataclasses.replace(entries[index], **{name: values[name]})
    assert verify_chain(entries, head=chain()[-1].hash) != []
