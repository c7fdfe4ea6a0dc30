"""What the CAC records about a ballot after it opens, leaving its fixed spec alone: candidates withdrawn
(each with its reason) and, when the count is a tie the chair's casting vote decides, that vote.

The spec's fingerprint is fixed when voting starts (``kinds.check_unchanged``), so these facts live
beside it, on the ballot row as canonical JSON (``LateFacts.to_text``; empty text when there are none).
The count reads them as ``CountFacts`` (``count_facts``), so the published record carries them and
``plenary verify --record`` recounts with them. Votes cast before a withdrawal that rank the
candidate stay valid (the count skips withdrawn candidates); later votes are checked against
``paper_spec``, which marks the candidate withdrawn, so naming them is refused as any withdrawn
candidate is ("'Cal' has withdrawn: take them off your ballot.").

A casting vote (standing orders, ``voting.decision``): equal yes and no under a simple majority is a
tie that the chair may decide. The count holds such a result back (``tie``) instead of publishing
"fell"; the chair then gives a casting vote (yes or no), or none, when the tie stands and the status
quo with it, and the count is published once, with the vote in its count facts.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Any

from ballots.canonical import canonical_json
from ballots.kinds import SLATE, SLATES, BallotSpec, SpecError
from ballots.published_record import CountFacts
from voting.decision import Decision
from voting.slates import SlateDecision

#: what the chair may give on a tie: for, against, or no casting vote (the tie stands)
CASTING_CHOICES = ("yes", "no", "none")


class LateFactRefused(ValueError):
    """A withdrawal or casting vote that cannot be recorded; the message says what is wrong, and ``field``
    which part of the request ("reason" for a missing reason, else None: the name or the vote itself)."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class Withdrawal:
    name: str
    reason: str
    by: str
    at: str


@dataclass(frozen=True)
class CastingVote:
    #: "yes" or "no"; None when the chair gave no casting vote and the tie stands
    vote: str | None
    reason: str
    by: str
    at: str


@dataclass(frozen=True)
class LateFacts:
    withdrawals: tuple[Withdrawal, ...] = ()
    #: the words of a tied result held back for the chair's casting vote (None: no tie waiting)
    tie: str | None = None
    casting: CastingVote | None = None

    @property
    def withdrawn(self) -> tuple[str, ...]:
        return tuple(w.name for w in self.withdrawals)

    @property
    def awaiting_casting_vote(self) -> bool:
        return self.tie is not None and self.casting is None

    def count_facts(self) -> CountFacts:
        """The facts the count uses and the record publishes."""
        return CountFacts(withdrawn=self.withdrawn, casting_vote=self.casting.vote if self.casting else None)

    # Storage -----------------------------------------------------------------

    def as_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {}
        if self.withdrawals:
            data["withdrawn"] = [{"name": w.name, "reason": w.reason, "by": w.by, "at": w.at}
                                 for w in self.withdrawals]
        if self.tie is not None:
            data["tie"] = self.tie
        if self.casting is not None:
            data["casting_vote"] = {"vote": self.casting.vote, "reason": self.casting.reason, "by": self.casting.by,
                                    "at": self.casting.at}
        return data

    def to_text(self) -> str:
        """Canonical JSON, or '' when nothing was recorded (the column's default)."""
        data = self.as_dict()
        return canonical_json(data) if data else ""

    @classmethod
    def from_text(cls, text: str | None) -> "LateFacts":
        return _parsed(text or "")

    # Recording -----------------------------------------------------------------

    def withdraw(self, spec: BallotSpec, name: str, reason: str, by: str, at: str) -> "LateFacts":
        """These facts with ``name`` withdrawn; LateFactRefused says why not."""
        name, reason = name.strip(), reason.strip()
        if spec.answers_yes_no or spec.kind in (SLATE, SLATES):
            raise LateFactRefused(f"A {_kind_words(spec)} has no candidates to withdraw: only an election's "
                                  "candidates or a choice's options withdraw.")
        what = "option" if spec.kind == "choice" else "candidate"
        if not name:
            raise LateFactRefused(f"Name the {what} who withdraws.")
        if name not in spec.choices:
            raise LateFactRefused(f"{name!r} is not a {what} on this ballot.")
        if name in spec.withdrawn or name in self.withdrawn:
            raise LateFactRefused(f"{name!r} has already withdrawn.")
        if not reason:
            raise LateFactRefused("Give the reason for the withdrawal; every voter sees it.", "reason")
        remaining = [c for c in spec.standing if c not in self.withdrawn and c != name]
        if len(remaining) < spec.seats:
            left = f"{len(remaining)} {what}{'' if len(remaining) == 1 else 's'}"
            raise LateFactRefused(f"Withdrawing {name!r} would leave {left} for {spec.seats} "
                                  f"seat{'' if spec.seats == 1 else 's'}: a ballot needs at least as many "
                                  f"{what}s standing as seats to fill.")
        facts = replace(self, withdrawals=self.withdrawals + (Withdrawal(name, reason, by, at),))
        try:
            facts.paper_spec(spec)
        except SpecError as exc:
            raise LateFactRefused(f"Withdrawing {name!r} is not possible: {exc}.") from None
        return facts

    def paper_spec(self, spec: BallotSpec) -> BallotSpec:
        """What a paper may hold now: the fixed spec with the late withdrawals marked withdrawn (for
        checking new votes and showing the form; never stored, and its fingerprint is not the ballot's)."""
        if not self.withdrawals:
            return spec
        return _paper_spec(spec, self.withdrawn)

    def held_for_casting_vote(self, words: str) -> "LateFacts":
        return replace(self, tie=words)

    def with_casting_vote(self, choice: str, reason: str, by: str, at: str) -> "LateFacts":
        if self.tie is None:
            raise LateFactRefused("A casting vote is given only on a tied result that waits for it.")
        if self.casting is not None:
            raise LateFactRefused("The chair has already decided this tie; a casting vote is given once.")
        if choice not in CASTING_CHOICES:
            raise LateFactRefused("The casting vote is yes (for), no (against) or none (the tie stands).")
        if not reason.strip():
            raise LateFactRefused("Give the reason for the casting vote; it is published with the result.", "reason")
        return replace(self, casting=CastingVote(None if choice == "none" else choice, reason.strip(), by, at))


@lru_cache(maxsize=64)
def _parsed(text: str) -> LateFacts:
    if not text:
        return LateFacts()
    data = json.loads(text)
    casting = data.get("casting_vote")
    return LateFacts(tuple(Withdrawal(w["name"], w["reason"], w["by"], w["at"]) for w in data.get("withdrawn", ())),
                     data.get("tie"),
                     None if casting is None else CastingVote(casting["vote"], casting["reason"], casting["by"],
                                                              casting["at"]))


@lru_cache(maxsize=64)
def _paper_spec(spec: BallotSpec, late: tuple[str, ...]) -> BallotSpec:
    return replace(spec, withdrawn=spec.withdrawn + tuple(n for n in late if n not in spec.withdrawn))


def _kind_words(spec: BallotSpec) -> str:
    return {"motion": "motion", "amendment": "vote on an amendment", SLATE: "slate vote",
            SLATES: "choice between slates"}.get(spec.kind, spec.kind)


# Ties the chair decides ------------------------------------------------------------


def tie_for_chair(outcome: object) -> Decision | None:
    """The decision when the count is a tie the chair's casting vote decides (equal yes and no under a
    simple majority, quorate, no casting vote given yet); None otherwise."""
    decision = outcome.decision if isinstance(outcome, SlateDecision) else outcome
    if not isinstance(decision, Decision):
        return None
    if decision.tie and decision.rule.share is None and decision.outcome != "inquorate" \
            and decision.casting_vote is None:
        return decision
    return None


def tied_words(decision: Decision) -> str:
    """"Tied: 5 for, 5 against, …: the chair may give a casting vote" (the result held back)."""
    parts = [p for p in decision.words.split("; ") if not p.startswith("tie")]
    _head, _, figures = parts[0].partition(": ")
    body = "; ".join([figures, *parts[1:]])
    return (f"Tied: {body}. The chair may give a casting vote (for or against), or none, leaving the tie, "
            "when it falls; the result is published then.")
