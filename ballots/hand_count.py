"""Hand counts: a vote taken in the room, entered by the CAC, checked, and confirmed by two tellers.

The CAC enters the figures the tellers counted, including "many for" when
the for side was plainly the larger and was not counted. ``check_hand_count``
sets them against the ballot's rule and base and the attendance
(``voting.published.check_published``) and flags what does not add up:

* more votes counted than members present;
* a declared outcome that does not follow from the figures, or that the
  attendance makes impossible ("many for" can be at most those present less
  those who voted against or abstained);
* a "many for" count whose outcome depends on the uncounted figure, stated
  as the condition ("carried whenever for >= 7").

Nothing is published until two different tellers have confirmed the same
figures: a confirmation is of the entry's fingerprint, so editing the
figures voids every earlier confirmation.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Sequence

from ballots.canonical import fingerprint
from ballots.kinds import BallotSpec, SpecError
from voting.decision import DecisionError, decide
from voting.published import Check, PublishedCount, check_published

TELLERS_NEEDED = 2


@dataclass(frozen=True)
class HandCount:
    """Figures as the tellers gave them; ``for_`` None means "many for" (not counted)."""

    for_: int | None
    against: int
    abstain: int = 0
    present: int | None = None
    declared: str | None = None  # "carried" or "fell", as the chair declared
    casting_vote: str | None = None

    def __post_init__(self) -> None:
        for name in ("for_", "against", "abstain", "present"):
            value = getattr(self, name)
            if value is not None and value < 0:
                raise ValueError(f"{name.rstrip('_')} cannot be negative ({value})")
        if self.declared not in (None, "carried", "fell"):
            raise ValueError(f"declared outcome {self.declared!r}: carried or fell")

    def text(self) -> str:
        """The figures as an organisation publishes them: "many for, 6 against, 1 abstention"."""
        counted = "many" if self.for_ is None else str(self.for_)
        plural = "" if self.abstain == 1 else "s"
        return f"{counted} for, {self.against} against, {self.abstain} abstention{plural}"

    def as_dict(self) -> dict[str, Any]:
        return {"for": self.for_, "against": self.against, "abstain": self.abstain, "present": self.present,
                "declared": self.declared, "casting_vote": self.casting_vote}

    def fingerprint(self) -> str:
        return fingerprint(self.as_dict())


@dataclass
class HandCountCheck:
    count: HandCount
    check: Check | None
    flags: list[str] = field(default_factory=list)

    @property
    def consistent(self) -> bool:
        return not self.flags

    @property
    def words(self) -> str:
        if self.check is None:
            return "; ".join(self.flags)
        return self.check.condition


def check_hand_count(spec: BallotSpec, count: HandCount) -> HandCountCheck:
    """What the entered figures establish under the ballot's rule, and every inconsistency."""
    if not spec.answers_yes_no or spec.kind == "slate":
        raise SpecError(f"a hand count is entered for a motion or amendment, not a {spec.kind} ballot")
    flags: list[str] = []
    counted = count.against + count.abstain + (count.for_ or 0)
    if count.present is not None and counted > count.present:
        flags.append(f"{counted} votes counted but only {count.present} members present")
        return HandCountCheck(count, None, flags)
    claim = PublishedCount(count.text(), count.for_, count.against, count.abstain, many_for=count.for_ is None,
                           declared=count.declared)
    try:
        check = check_published(claim, rule=spec.decision_rule(), base=spec.base, present=count.present,
                                entitled=spec.entitled, declared=count.declared, casting_vote=count.casting_vote)
    except DecisionError as exc:
        return HandCountCheck(count, None, [str(exc)])
    flags.extend(check.flags)
    if check.declared_follows is False:
        flags.append(f"declared {count.declared}, but the figures give: {check.condition}")
    if count.for_ is None and count.present is not None and count.declared == "carried":
        most = count.present - count.against - count.abstain
        try:
            possible = decide(most, count.against, count.abstain, rule=spec.decision_rule(), base=spec.base,
                              present=count.present, entitled=spec.entitled).carried
        except DecisionError as exc:
            possible, flags = False, [*flags, str(exc)]
        if not possible:
            flags.append(f"declared carried, but with {count.present} present at most {most} could have voted "
                         f"for, and that does not carry: {check.condition}")
    return HandCountCheck(count, check, flags)


@dataclass(frozen=True)
class Confirmation:
    """A teller's confirmation of one version of the figures (its fingerprint)."""

    teller: str
    fingerprint: str


def ready_to_publish(count: HandCount, confirmations: Sequence[Confirmation]) -> tuple[bool, str]:
    """Whether two different tellers confirmed these very figures; the reason in words either way."""
    current = count.fingerprint()
    tellers = sorted({c.teller for c in confirmations if c.fingerprint == current})
    stale = sorted({c.teller for c in confirmations if c.fingerprint != current} - set(tellers))
    if len(tellers) >= TELLERS_NEEDED:
        return True, f"confirmed by {' and '.join(tellers)}"
    missing = TELLERS_NEEDED - len(tellers)
    words = f"needs {missing} more teller{'s' if missing > 1 else ''} to confirm these figures"
    if tellers:
        words += f" (confirmed by {', '.join(tellers)})"
    if stale:
        words += f"; {', '.join(stale)} confirmed earlier figures, since changed"
    return False, words
