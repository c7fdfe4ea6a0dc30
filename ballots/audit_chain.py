"""An append-only, hash-chained audit log, as pure functions over its entries.

Each entry is ``(seq, time, actor, action, payload, prev_hash, hash)``:

* ``seq`` counts from 1 with no gaps;
* ``time`` is UTC, ``YYYY-MM-DDTHH:MM:SS.ffffffZ``;
* ``actor`` is who acted (None for the system, and for a voter in a secret ballot);
* ``action`` names what happened (``ballot.create``, ``ballot.open``,
  ``vote.recorded``, ``ballot.close``, ``ballot.count``, ``ballot.publish``);
* ``payload`` is a JSON object (no floats: see ``ballots.canonical``);
* ``prev_hash`` is the previous entry's hash (64 zeros for the first);
* ``hash`` is SHA-256 of the canonical JSON of the other six fields.

Changing any entry changes its hash; recomputing that hash breaks the next
entry's ``prev_hash``; removing or reordering entries breaks ``seq`` and the
links. Only cutting entries off the end, or altering an entry and re-hashing
every entry after it, leaves a valid chain, so the head hash (the hash of the
newest entry) is published with each result and ``verify_chain`` takes it: a
published head must still be the hash of an entry of an intact chain. Entries
after it are the organisation's later actions (``entries_after``), not a
fault; a chain rebuilt from before it can no longer reach it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any, Iterable, Mapping, Sequence

from ballots.canonical import canonical_json, sha256_hex

GENESIS = "0" * 64


@dataclass(frozen=True)
class AuditEntry:
    seq: int
    time: str
    actor: str | None
    action: str
    payload: Mapping[str, Any]
    prev_hash: str
    hash: str

    def as_dict(self) -> dict[str, Any]:
        return {"seq": self.seq, "time": self.time, "actor": self.actor, "action": self.action,
                "payload": dict(self.payload), "prev_hash": self.prev_hash, "hash": self.hash}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> "AuditEntry":
        return cls(data["seq"], data["time"], data["actor"], data["action"], data["payload"],
                   data["prev_hash"], data["hash"])


def entry_hash(seq: int, time: str, actor: str | None, action: str, payload: Mapping[str, Any],
               prev_hash: str) -> str:
    body = {"seq": seq, "time": time, "actor": actor, "action": action, "payload": dict(payload),
            "prev_hash": prev_hash}
    return sha256_hex(canonical_json(body))


def append(tail: AuditEntry | None, action: str, payload: Mapping[str, Any], *, time: datetime,
           actor: str | None = None) -> AuditEntry:
    """The entry that follows ``tail`` (None for the first); the caller stores it."""
    if not action:
        raise ValueError("an audit entry needs an action")
    if time.tzinfo is None:
        raise ValueError("an audit time needs its time zone (UTC)")
    stamp = time.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    seq = 1 if tail is None else tail.seq + 1
    prev = GENESIS if tail is None else tail.hash
    payload = dict(payload)
    return AuditEntry(seq, stamp, actor, action, payload, prev, entry_hash(seq, stamp, actor, action, payload, prev))


def verify_chain(entries: Sequence[AuditEntry], head: str | None = None, *,
                 heads: Iterable[str] = ()) -> list[str]:
    """Every break in the chain, first to last; empty when it is intact.

    Reports an entry whose contents no longer match its hash (altered), a
    ``prev_hash`` that is not the previous entry's hash (a link broken by an
    altered, removed or inserted entry), ``seq`` out of step (removed or
    reordered entries) and each published head (``head``, ``heads``) that is
    no entry's hash (entries up to it cut off, or the chain altered and
    re-hashed from before it). Entries after a head are later actions, not
    a break: ``entries_after`` counts them.
    """
    problems: list[str] = []
    previous: AuditEntry | None = None
    for position, entry in enumerate(entries, start=1):
        expected_seq = 1 if previous is None else previous.seq + 1
        if entry.seq != expected_seq:
            what = ("removed" if entry.seq > expected_seq else "reordered or repeated")
            problems.append(f"entry {position}: seq {entry.seq} where {expected_seq} was due: "
                            f"entries {what}")
        recomputed = _recompute(entry)
        if recomputed != entry.hash:
            problems.append(f"entry seq {entry.seq}: altered (its contents do not match its hash)")
        expected_prev = GENESIS if previous is None else previous.hash
        if entry.prev_hash != expected_prev:
            problems.append(f"entry seq {entry.seq}: link broken (prev_hash is not the hash of "
                            f"{'the start of the chain' if previous is None else f'entry seq {previous.seq}'})")
        previous = entry
    positions = head_positions(entries, [*([] if head is None else [head]), *heads])
    last = f"seq {entries[-1].seq}" if entries else "no entry"
    for wanted, seq in positions.items():
        if seq is None:
            problems.append(f"the published head {wanted[:16]}… is no entry's hash (the chain ends at {last}): "
                            "entries up to it were cut off, or entries before it altered and the chain re-hashed")
    return problems


def head_positions(entries: Sequence[AuditEntry], heads: Iterable[str]) -> dict[str, int | None]:
    """Each published head and the ``seq`` of the entry whose hash it is (None: no entry's)."""
    seq_of = {entry.hash: entry.seq for entry in entries}
    return {wanted: seq_of.get(wanted) for wanted in dict.fromkeys(heads)}


def entries_after(entries: Sequence[AuditEntry], head: str) -> list[AuditEntry]:
    """The entries logged after the one whose hash is ``head`` (all of them if it is none's)."""
    for index, entry in enumerate(entries):
        if entry.hash == head:
            return list(entries[index + 1:])
    return list(entries)


def _recompute(entry: AuditEntry) -> str | None:
    try:
        return entry_hash(entry.seq, entry.time, entry.actor, entry.action, entry.payload, entry.prev_hash)
    except (TypeError, ValueError):
        return None
