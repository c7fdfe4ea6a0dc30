"""The published ballot record: every ballot with its receipt, the digest, the result; and its recount.

When a ballot is published, its record lists every ballot's contents with
its receipt code (and, in an open ballot, the voter's name), in receipt
order. Three formats carry the same ballots:

* **JSON** (``write_record_json``): the spec, its fingerprint, the facts the
  count used beyond the spec (``count``: candidates withdrawn after opening,
  members present, a chair's casting vote, quota seats already filled by
  officers elected earlier, the seed for lots when it is derived at the count),
  the ballots, their digest and the result;
* **CSV** (``write_record_csv``): the verification CSV layout
  (``id,weight,rank1..``) with the receipt as id; a motion's answer is rank1;
* **BLT** (``write_record_blt``): ERS/OpenSTV ballots, ``(receipt) weight
  preferences 0``; a motion's candidates are yes, no and abstain.

The **ballots digest** is SHA-256 of the canonical JSON (``ballots.canonical``)
of the list of ``{"receipt", "weight", and the contents' fields}`` in receipt
order, without voters' names, so the three formats give the same digest. An
open ballot's names are covered by a second digest (``voters_digest``) over
``{"receipt", "voter"}``.

``recount`` counts a record again with the code that produced the result:
``voting.decision`` for motions, ``voting.slates`` for slates, and the
method registry for every other kind. ``verify_record`` says where the
recount, the digest, the spec fingerprint or the stated seed diverge from
what was published.

**Seed for lots.** A spec with ``seed_from_count`` (every ballot set up
online since R6) has no seed until the count: ``derived_seed`` is SHA-256 of
the spec fingerprint followed by the ballots digest, known only once voting is
over, so nobody can foresee a lot or redraw it by setting the ballot up again.
The count facts state it; a recount derives it again. A spec with its own
``seed`` (older ballots, the demo) uses that.
"""

from __future__ import annotations

import io
import json
from dataclasses import dataclass, replace
from fractions import Fraction
from pathlib import Path
from typing import Any, Mapping, Sequence, Union

from ballots.canonical import fingerprint, sha256_hex
from ballots.contents import BallotContents
from ballots.errors import FormatError
from ballots.formats.blt import format_blt, parse_blt
from ballots.formats.csv_ballots import parse_csv_ballots, to_csv_text
from ballots.kinds import ANSWERS, SLATE, SLATES, BallotSpec, SpecError
from ballots.receipts import ReceiptError, RecordEntry, normalise_receipt
from ballots.secrecy import publication_order
from ballots.validation import BallotRejected, validate
from voting.ballot import Ballot, BallotError, Contest
from voting.decision import Decision, decide, tally_weighted
from voting.methods.registry import count as count_by_method
from voting.record import Result, format_value
from voting.slates import IndividualComparison, Slate, SlateChoice, SlateDecision, SlatePaper, SlateVote
from voting.slates import choose_slate, vote_on_slate

RECORD_FORMAT = "plenary-ballot-record/1"

Outcome = Union[Result, Decision, SlateDecision, SlateChoice]


@dataclass(frozen=True)
class CountFacts:
    """What the count used besides the spec and the ballots, published with the record."""

    #: candidates withdrawn after the ballot opened (e.g. elected to an earlier office)
    withdrawn: tuple[str, ...] = ()
    #: members present, for a base or quorum of those present
    present: int | None = None
    #: the chair's casting vote on a tie, where the rules give one
    casting_vote: str | None = None
    #: per quota label, seats of the body already filled by its members (officers elected earlier)
    quota_credit: tuple[tuple[str, int], ...] = ()
    #: the seed the lots used, when the spec derives it at the count (``derived_seed``); stated, not chosen
    seed: str | None = None

    def as_dict(self) -> dict[str, Any]:
        data = {"withdrawn": list(self.withdrawn), "present": self.present, "casting_vote": self.casting_vote,
                "quota_credit": dict(self.quota_credit)}
        return data if self.seed is None else {**data, "seed": self.seed}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> "CountFacts":
        credit = tuple(sorted(dict(data.get("quota_credit") or {}).items()))
        return cls(tuple(data.get("withdrawn", ())), data.get("present"), data.get("casting_vote"), credit,
                   data.get("seed"))


@dataclass(frozen=True)
class PublishedRecord:
    spec: BallotSpec
    entries: tuple[RecordEntry, ...]
    count: CountFacts = CountFacts()
    #: the published result (``outcome_as_dict``); None when the format does not carry it
    result: dict[str, Any] | None = None
    #: the digests and fingerprint as published, to check against the ballots and spec
    ballots_digest: str | None = None
    voters_digest: str | None = None
    spec_fingerprint: str | None = None


def build_record(spec: BallotSpec, entries: Sequence[RecordEntry], count: CountFacts = CountFacts(),
                 *, result: Outcome | Mapping[str, Any] | None = None) -> PublishedRecord:
    """The record to publish: entries in receipt order, digests, fingerprint, and the result (counted if not given)."""
    _check_entries(spec, entries, "<record>")
    ordered = tuple(publication_order(entries))
    digest = ballots_digest(ordered)
    if spec.seed_from_count:
        count = replace(count, seed=derived_seed(spec.fingerprint(), digest))
    record = PublishedRecord(spec, ordered, count, None, digest,
                             None if spec.secret else voters_digest(ordered), spec.fingerprint())
    published = outcome_as_dict(recount(record) if result is None else result)
    return PublishedRecord(spec, ordered, count, published, record.ballots_digest, record.voters_digest,
                           record.spec_fingerprint)


def ballots_digest(entries: Sequence[RecordEntry]) -> str:
    return fingerprint([_without_voter(e) for e in publication_order(entries)])


def voters_digest(entries: Sequence[RecordEntry]) -> str:
    return fingerprint([{"receipt": e.receipt, "voter": e.voter} for e in publication_order(entries)])


def derived_seed(spec_fingerprint: str, digest: str) -> str:
    """The seed for lots of a ``seed_from_count`` spec: SHA-256 (hex) of the spec fingerprint followed by the
    ballots digest (128 hex digits as text), both fixed only once voting is over."""
    return sha256_hex(spec_fingerprint + digest)


def lot_seed(record: PublishedRecord) -> str | None:
    """The seed the count draws lots with: derived from the record's ballots digest (the one it states,
    which ``verify_record`` checks against its ballots, else computed), or the spec's own."""
    spec = record.spec
    if spec.seed_from_count:
        return derived_seed(spec.fingerprint(), record.ballots_digest or ballots_digest(record.entries))
    return spec.seed or None


def find_receipt(record: PublishedRecord, code: str) -> RecordEntry | None:
    """The ballot with this receipt, however the code was typed; ReceiptError for a mistyped code."""
    wanted = normalise_receipt(code)
    return next((e for e in record.entries if e.receipt == wanted), None)


# Recount ---------------------------------------------------------------------


def recount(record: PublishedRecord) -> Outcome:
    """Count the record's ballots under its spec, as the published result was counted."""
    spec, facts = record.spec, record.count
    if spec.answers_yes_no and spec.kind != SLATE:  # no lots: a tie is a tie (or the chair's casting vote)
        totals = tally_weighted((e.contents.choice, e.contents.weight) for e in record.entries)  # type: ignore[misc]
        return decide(totals["yes"], totals["no"], totals["abstain"], rule=spec.decision_rule(), base=spec.base,
                      present=facts.present, entitled=spec.entitled, quorum=spec.quorum(),
                      casting_vote=facts.casting_vote, unit=_unit(spec))  # type: ignore[arg-type]
    if spec.kind == SLATE:
        proposed = spec.slates[0]
        votes = [SlateVote(e.contents.choice, frozenset(e.contents.struck), e.contents.individuals,  # type: ignore[arg-type]
                           e.contents.weight) for e in record.entries]
        return vote_on_slate(Slate(proposed.name, proposed.members), votes, rule=spec.decision_rule(),
                             base=spec.base, present=facts.present, entitled=spec.entitled,
                             casting_vote=facts.casting_vote, strike_share=spec.strike_fraction(),  # type: ignore[arg-type]
                             individual_method=spec.individual_method, seed=lot_seed(record), unit=_unit(spec))
    if spec.kind == SLATES:
        papers = [SlatePaper(e.contents.ranking, e.contents.individuals, e.contents.weight) for e in record.entries]
        return choose_slate([Slate(s.name, s.members) for s in spec.slates], papers, method=spec.method,
                            seed=lot_seed(record), individual_method=spec.individual_method)
    options = spec.count_options(dict(facts.quota_credit))
    if spec.seed_from_count:
        options["seed"] = lot_seed(record)
    return count_by_method(spec.method, _contest(spec, facts), _ballots(record.entries), **options)


def _unit(spec: BallotSpec) -> str:
    """What a decision's turnout counts: the card votes of a weighted ballot, else members."""
    return "card votes" if spec.weighted else "members"


def _contest(spec: BallotSpec, facts: CountFacts) -> Contest:
    withdrawn = frozenset(spec.withdrawn) | frozenset(facts.withdrawn)
    return Contest(spec.choices, spec.seats, withdrawn, spec.title)


def _ballots(entries: Sequence[RecordEntry]) -> list[Ballot]:
    return [Ballot.ranking(e.contents.ranking, e.contents.weight, e.receipt) for e in entries]


def outcome_as_dict(outcome: Outcome | Mapping[str, Any]) -> dict[str, Any]:
    """The published form of a result: values as exact strings, no software version."""
    if isinstance(outcome, Mapping):
        return {k: v for k, v in outcome.items() if k != "software"}
    if isinstance(outcome, Result):
        return {"type": "count", **{k: v for k, v in outcome.as_dict().items() if k != "software"}}
    if isinstance(outcome, Decision):
        return {"type": "decision", **_decision(outcome)}
    if isinstance(outcome, SlateDecision):
        return {"type": "slate decision", "decision": _decision(outcome.decision),
                "strikes": {k: str(v) for k, v in outcome.strikes.items()}, "removed": list(outcome.removed),
                "elected": list(outcome.elected), "vacancies": outcome.vacancies, "words": outcome.words,
                "comparison": _comparison(outcome.comparison)}
    if isinstance(outcome, SlateChoice):
        return {"type": "slate choice", "count": outcome_as_dict(outcome.result),
                "slate": outcome.slate.name if outcome.slate else None, "elected": list(outcome.elected),
                "comparison": _comparison(outcome.comparison)}
    raise TypeError(f"not a result: {outcome!r}")


def _decision(d: Decision) -> dict[str, Any]:
    def exact(value: Fraction | int | None) -> str | None:
        return None if value is None else format_value(Fraction(value), None)

    return {"outcome": d.outcome, "rule": d.rule.name, "rule_share": exact(d.rule.share), "base": d.base_name,
            "yes": exact(d.yes), "no": exact(d.no), "abstain": exact(d.abstain), "base_value": exact(d.base),
            "share_of_base": exact(d.share_of_base), "needed": exact(d.needed), "turnout": exact(d.turnout),
            "present": d.present, "entitled": d.entitled, "tie": d.tie, "casting_vote": d.casting_vote,
            "quorum_needed": exact(d.quorum_needed), "words": d.words}


def _comparison(c: IndividualComparison | None) -> dict[str, Any] | None:
    if c is None:
        return None
    return {"count": outcome_as_dict(c.result), "both": list(c.both), "only_slate": list(c.only_slate),
            "only_individual": list(c.only_individual), "words": c.words}


# Verification ------------------------------------------------------------------


def verify_record(record: PublishedRecord, published_result: Outcome | Mapping[str, Any] | None = None, *,
                  published_digest: str | None = None) -> list[str]:
    """Every divergence between the record and what was published; empty when it reproduces exactly.

    Checks the spec against its published fingerprint, the ballots against
    the published digest (``published_digest``, else the record's own), the
    seed for lots the count facts state against the one the rules give, and
    the recount against ``published_result`` (else the record's result),
    round by round.
    """
    problems: list[str] = []
    if record.spec_fingerprint is not None and record.spec_fingerprint != record.spec.fingerprint():
        problems.append(f"the spec does not match its published fingerprint {record.spec_fingerprint[:16]}… "
                        f"(it hashes to {record.spec.fingerprint()[:16]}…)")
    digest = ballots_digest(record.entries)
    for label, wanted in (("published", published_digest), ("recorded", record.ballots_digest)):
        if wanted is not None and wanted != digest:
            problems.append(f"the ballots hash to {digest}, not the {label} digest {wanted}: "
                            "ballots were changed, added or removed")
            break
    record = replace(record, ballots_digest=record.ballots_digest or digest)  # computed once, for the lots
    seed = lot_seed(record)
    if record.count.seed is not None and record.count.seed != seed:
        source = "the spec fingerprint and the ballots give" if record.spec.seed_from_count else "the spec gives"
        problems.append(f"the count facts state the seed for lots {record.count.seed[:16]}…, but {source} "
                        f"{(seed or '(none)')[:16]}…: the lots were not drawn as the rules say")
    if not record.spec.secret and record.voters_digest is not None:
        if voters_digest(record.entries) != record.voters_digest:
            problems.append("the voters' names do not match the published voters digest")
    published = record.result if published_result is None else outcome_as_dict(published_result)
    if published is None:
        return problems + ["no published result to compare the recount with"]
    try:
        recounted = outcome_as_dict(recount(record))
    except (BallotError, ValueError) as exc:
        return problems + [f"the record cannot be recounted: {exc}"]
    _diff([], published, recounted, problems)
    return problems


def _diff(path: list[Any], published: Any, recounted: Any, out: list[str]) -> None:
    if isinstance(published, dict) and isinstance(recounted, dict):
        for key in list(published) + [k for k in recounted if k not in published]:
            if key not in recounted:
                out.append(f"{_where(path + [key])}: published but not in the recount")
            elif key not in published:
                out.append(f"{_where(path + [key])}: in the recount ({_show(recounted[key])}) but not published")
            else:
                _diff(path + [key], published[key], recounted[key], out)
    elif isinstance(published, list) and isinstance(recounted, list) and path and path[-1] in ("rounds", "ties"):
        for index in range(max(len(published), len(recounted))):
            if index >= len(published) or index >= len(recounted):
                side = "the recount" if index >= len(published) else "the published result"
                out.append(f"{_where(path + [index])}: only in {side}")
            else:
                _diff(path + [index], published[index], recounted[index], out)
    elif published != recounted:
        out.append(f"{_where(path)}: published {_show(published)}, recount gives {_show(recounted)}")


def _where(path: list[Any]) -> str:
    parts: list[str] = []
    for i, step in enumerate(path):
        if isinstance(step, int) and i > 0 and path[i - 1] == "rounds":
            parts[-1] = f"round {step + 1}"
        elif isinstance(step, int) and i > 0 and path[i - 1] == "ties":
            parts[-1] = f"tie {step + 1}"
        else:
            parts.append(str(step))
    return " / ".join(parts) or "result"


def _show(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


# JSON -------------------------------------------------------------------------


def record_as_dict(record: PublishedRecord) -> dict[str, Any]:
    data: dict[str, Any] = {
        "format": RECORD_FORMAT,
        "spec": record.spec.as_dict(),
        "spec_fingerprint": record.spec_fingerprint or record.spec.fingerprint(),
        "count": record.count.as_dict(),
        "ballots": [e.as_dict() for e in record.entries],
        "ballots_digest": record.ballots_digest or ballots_digest(record.entries),
        "result": record.result,
    }
    if not record.spec.secret:
        data["voters_digest"] = record.voters_digest or voters_digest(record.entries)
    return data


def write_record_json(record: PublishedRecord) -> str:
    return json.dumps(record_as_dict(record), indent=1, sort_keys=True, ensure_ascii=False) + "\n"


def read_record_json(text: str, path: str = "<json>") -> PublishedRecord:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise FormatError(path, exc.lineno, f"not JSON: {exc.msg}") from None
    if not isinstance(data, dict) or data.get("format") != RECORD_FORMAT:
        raise FormatError(path, None, f"not a ballot record: the format field must be {RECORD_FORMAT!r}")
    try:
        spec = BallotSpec.from_dict(data["spec"])
        count = CountFacts.from_dict(data.get("count") or {})
        entries = tuple(RecordEntry.from_dict(e) for e in data["ballots"])
    except KeyError as exc:
        raise FormatError(path, None, f"the record has no {exc.args[0]!r}") from None
    except (SpecError, ReceiptError, ValueError, TypeError) as exc:
        raise FormatError(path, None, str(exc)) from None
    _check_entries(spec, entries, path)
    return PublishedRecord(spec, entries, count, data.get("result"), data.get("ballots_digest"),
                           data.get("voters_digest"), data.get("spec_fingerprint"))


# CSV and BLT ------------------------------------------------------------------


def write_record_csv(record: PublishedRecord) -> str:
    ballots = [Ballot.ranking(_ranks(record.spec, e), e.contents.weight, e.receipt) for e in record.entries]
    width = max([1, *(len(b.ranks) for b in ballots)])
    return to_csv_text(ballots, width)


def read_record_csv(text: str, spec: BallotSpec, count: CountFacts = CountFacts(), path: str = "<csv>",
                    result: Mapping[str, Any] | None = None) -> PublishedRecord:
    _ranked_format(spec, "CSV")
    ballots = parse_csv_ballots(io.StringIO(text), path, _paper(spec), group=False)
    return _from_ballots(spec, ballots, count, path, result)


def write_record_blt(record: PublishedRecord) -> str:
    spec = record.spec
    contest = Contest(_paper(spec), spec.seats, frozenset(spec.withdrawn) | frozenset(record.count.withdrawn),
                      spec.title)
    return format_blt(contest, [Ballot.ranking(_ranks(spec, e), e.contents.weight, e.receipt)
                                for e in record.entries])


def read_record_blt(text: str, spec: BallotSpec, count: CountFacts = CountFacts(), path: str = "<blt>",
                    result: Mapping[str, Any] | None = None) -> PublishedRecord:
    """Ballots from BLT; its withdrawn line gives the candidates withdrawn after opening."""
    _ranked_format(spec, "BLT")
    blt = parse_blt(text, path)
    if blt.contest.candidates != _paper(spec) or blt.contest.seats != spec.seats:
        raise FormatError(path, 1, f"the file lists {len(blt.contest.candidates)} candidates for "
                          f"{blt.contest.seats} seat(s), not this ballot's {len(_paper(spec))} for {spec.seats}")
    late = tuple(c for c in blt.contest.candidates if c in blt.contest.withdrawn and c not in spec.withdrawn)
    count = replace(count, withdrawn=late)
    return _from_ballots(spec, list(blt.ballots), count, path, result)


def load_record(path: str | Path, spec: BallotSpec | None = None, count: CountFacts = CountFacts()) -> PublishedRecord:
    """Read a record by its file's suffix; CSV and BLT need the spec (from the JSON record or the ballot page)."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise FormatError(str(path), None, f"cannot read: {exc}") from None
    suffix = path.suffix.lower()
    if suffix == ".json":
        return read_record_json(text, str(path))
    if spec is None:
        raise FormatError(str(path), None, "a CSV or BLT record needs the ballot's spec (from its JSON record)")
    if suffix == ".csv":
        return read_record_csv(text, spec, count, str(path))
    if suffix == ".blt":
        return read_record_blt(text, spec, count, str(path))
    raise FormatError(str(path), None, "a ballot record is .json, .csv or .blt")


def _paper(spec: BallotSpec) -> tuple[str, ...]:
    """The names the CSV and BLT forms use: the choices, or yes/no/abstain for a motion."""
    return ANSWERS if spec.answers_yes_no else spec.choices


def _ranked_format(spec: BallotSpec, name: str) -> None:
    if spec.kind == SLATE or spec.individual_preferences:
        raise SpecError(f"a {'slate vote' if spec.kind == SLATE else 'paper ranking individuals'} "
                        f"is published as JSON only; {name} holds one ranking a ballot")


def _ranks(spec: BallotSpec, entry: RecordEntry) -> tuple[str, ...]:
    _ranked_format(spec, "CSV or BLT")
    if spec.answers_yes_no:
        return (entry.contents.choice,)  # type: ignore[return-value]
    return entry.contents.ranking


def _from_ballots(spec: BallotSpec, ballots: Sequence[Ballot], count: CountFacts, path: str,
                  result: Mapping[str, Any] | None) -> PublishedRecord:
    entries: list[RecordEntry] = []
    for number, ballot in enumerate(ballots, start=1):
        if ballot.id is None:
            raise FormatError(path, None, f"ballot {number} has no receipt code")
        try:
            receipt = normalise_receipt(ballot.id)
        except ReceiptError as exc:
            raise FormatError(path, None, f"ballot {ballot.id}: {exc}") from None
        ranks = list(ballot.ranks)
        while ranks and not ranks[-1]:
            ranks.pop()  # the CSV pads short rankings with empty cells
        if any(len(marks) != 1 for marks in ranks):
            raise FormatError(path, None, f"ballot {receipt}: a rank is blank or holds several names; "
                              "a published record holds one name a rank")
        weight = ballot.weight
        if weight != int(weight):
            raise FormatError(path, None, f"ballot {receipt}: weight {weight} is not a whole number")
        names = tuple(marks[0] for marks in ranks)
        if spec.answers_yes_no:
            if len(names) != 1:
                raise FormatError(path, None, f"ballot {receipt}: a motion ballot holds one answer")
            contents = BallotContents(choice=names[0], weight=int(weight))
        else:
            contents = BallotContents(ranking=names, weight=int(weight))
        entries.append(RecordEntry(receipt, contents))
    _check_entries(spec, entries, path)
    ordered = tuple(publication_order(entries))
    return PublishedRecord(spec, ordered, count, dict(result) if result is not None else None)


def _check_entries(spec: BallotSpec, entries: Sequence[RecordEntry], path: str) -> None:
    """Each ballot is one a voter could have cast, receipts are unique, and secret ballots name nobody."""
    roll = spec.electorate
    weight = sum(e.contents.weight for e in entries)
    if len(entries) > roll.voters or weight > roll.votes:
        raise FormatError(path, None, f"{len(entries)} ballots carrying {weight} votes, but the roll has "
                          f"{roll.voters} voters carrying {roll.votes} votes")
    seen: set[str] = set()
    for entry in entries:
        if entry.receipt in seen:
            raise FormatError(path, None, f"receipt {entry.receipt} appears twice")
        seen.add(entry.receipt)
        if spec.secret and entry.voter is not None:
            raise FormatError(path, None, f"ballot {entry.receipt} names a voter in a secret ballot")
        submitted = {k: v for k, v in entry.contents.as_dict().items() if k != "weight"}
        try:
            normal = validate(spec, submitted, entry.contents.weight)
        except BallotRejected as exc:
            raise FormatError(path, None, f"ballot {entry.receipt}: {exc.message}") from None
        if normal != entry.contents:
            raise FormatError(path, None, f"ballot {entry.receipt} is not in the normal form validation gives")


def _without_voter(entry: RecordEntry) -> dict[str, Any]:
    return {k: v for k, v in entry.as_dict().items() if k != "voter"}
