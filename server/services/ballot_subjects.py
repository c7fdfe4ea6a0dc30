"""What a motion or amendment ballot decides, and on which words.

A ballot of a body may decide a motion on the agenda of one of that body's meetings, or one of
the motion's amendments (``Ballot.motion_id``, ``Ballot.amendment_id``). The link is checked when
the ballot is set up and again when it opens: whoever sets it up can read the motion, the meeting
is this body's, the motion (or amendment) is waiting for a vote, and a motion's amendments are
all decided first, because they change its text. The version of the text is then pinned in the
spec (``BallotSpec.subject_version``), so the fingerprint covers the words members vote on, and
the count records its outcome only while the text is still that version (docs/voting-online.md).
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from ballots import kinds
from ballots.canonical import fingerprint
from ballots.kinds import BallotSpec
from server.db.models import Amendment, Ballot, Body, Member, Motion, MotionVersion
from server.repositories import ballots as ballot_rows
from server.repositories import motions as rows
from server.services import amendments as amendment_rules
from server.services.errors import Conflict, Invalid
from server.services.motion_access import can_read_motion
from server.services.motions import current_version, state_phrase

#: motion states that take a ballot: published and not yet decided
VOTABLE = frozenset({"admitted", "scheduled"})
_PINNED_VERSION = re.compile(r"\bmotion \d+ version (\d+)\b")


@dataclass(frozen=True)
class Subject:
    """The motion a ballot decides, the amendment if it decides one, and the motion's current text."""

    motion: Motion
    amendment: Amendment | None
    version: MotionVersion

    @property
    def title(self) -> str:
        """The ballot's title when the person setting it up gives none."""
        if self.amendment is None:
            return self.version.title
        return f"Amendment {self.amendment.number} to “{self.version.title}”"

    @property
    def pin(self) -> str:
        """``subject_version``: the motion's version number and a SHA-256 of its text, and for an
        amendment its number and a digest of what it does (its words, and where in that text)."""
        text = hashlib.sha256(self.version.text.encode("utf-8")).hexdigest()
        pin = f"motion {self.motion.id} version {self.version.number} text sha256:{text}"
        if self.amendment is None:
            return pin
        a = self.amendment
        change = fingerprint({"operation": a.operation, "passage": a.passage, "occurrence": a.occurrence,
                              "after_clause": a.after_clause, "replacement": a.replacement})
        return f"amendment {a.number} sha256:{change} to {pin}"


async def for_set_up(db: AsyncSession, actor: Member, body: Body, kind: str, motion_id: int | None,
                     amendment_id: int | None) -> Subject | None:
    """The motion or amendment a ballot being set up is to decide (None: it decides neither), checked
    before anything is stored: a refusal says what to change."""
    if motion_id is None and amendment_id is None:
        return None
    named = "amendment_id" if amendment_id is not None else "motion_id"
    if kind not in (kinds.MOTION, kinds.AMENDMENT):
        raise Invalid("Only a motion or amendment ballot decides a motion: choose that kind, or leave the "
                      "motion and amendment out.", {named: "Only for a motion or amendment ballot."})
    if kind == kinds.AMENDMENT and amendment_id is None:
        raise Invalid("An amendment ballot names the amendment it decides (amendment_id), not only its motion.",
                      {"amendment_id": "Name the amendment."})
    if amendment_id is not None:
        amendment = await rows.amendment_by_id(db, amendment_id) if _row_id(amendment_id) else None
        motion = await rows.motion_by_id(db, amendment.motion_id) if amendment else None
        if amendment is None or motion is None or not can_read_motion(actor, motion):
            raise Invalid(f"There is no amendment {amendment_id}, or you may not read it.",
                          {"amendment_id": "No such amendment."})
        if motion_id is not None and motion_id != motion.id:
            raise Invalid(f"Amendment {amendment.number} (id {amendment_id}) is to motion {motion.id}, "
                          f"not motion {motion_id}.", {"motion_id": f"Motion {motion.id}, or leave it out."})
    else:
        amendment, motion = None, await rows.motion_by_id(db, motion_id) if _row_id(motion_id) else None
        if motion is None or not can_read_motion(actor, motion):
            raise Invalid(f"There is no motion {motion_id}, or you may not read it.", {"motion_id": "No such motion."})
    subject = Subject(motion, amendment, await current_version(db, motion))
    meeting = motion.meeting
    if meeting.body_id != body.id:
        raise Invalid(f"“{subject.version.title}” is on the agenda of {meeting.title}, a meeting of "
                      f"{meeting.body.name}: only a ballot of {meeting.body.name} decides it, not one of {body.name}.",
                      {named: f"A motion to a meeting of {body.name}."})
    await _check_waiting(db, subject, "set up")
    await _refuse_a_second_ballot(db, subject, "set up")
    return subject


async def _refuse_a_second_ballot(db: AsyncSession, subject: Subject, doing: str, ballot_id: int | None = None) -> None:
    """One ballot at a time decides a question: with two open, whichever closed first would decide it (and a
    tie held for the chair's casting vote could be overtaken by a re-run)."""
    amendment = subject.amendment
    already = await ballot_rows.deciding(db, subject.motion.id, amendment.id if amendment else None, ballot_id)
    if already is not None:
        what = f"amendment {amendment.number}" if amendment else "this motion"
        state = "open for voting" if already.state == "open" else "closed and being counted"
        raise Conflict(f"The ballot cannot be {doing}: ballot {already.id} (“{already.title}”) already decides "
                       f"{what}, and it is {state}. One ballot at a time decides a question.")


def _row_id(value: int | None) -> bool:
    """An id a row can have (a bigger number would overflow PostgreSQL's integer, not just miss)."""
    return isinstance(value, int) and 0 < value < 2**31


async def pinned_for_opening(db: AsyncSession, ballot: Ballot, spec: BallotSpec) -> BallotSpec:
    """The spec to open with: refused (Conflict) when the motion or amendment no longer waits for this
    vote, a motion's amendment is undecided, or the text changed since set-up. A draft set up before
    specs pinned their text is pinned now."""
    if ballot.motion_id is None:
        return spec
    subject = await _stored(db, ballot)
    if subject is None:
        raise Conflict("The ballot cannot open: the motion or amendment it decides is no longer there.")
    if subject.motion.meeting.body_id != ballot.body_id:
        raise Conflict(f"The ballot cannot open: “{subject.version.title}” is not on the agenda of a meeting of "
                       f"{ballot.body.name}.")
    await _check_waiting(db, subject, "open")
    await _refuse_a_second_ballot(db, subject, "opened", ballot.id)
    if spec.subject_version and spec.subject_version != subject.pin:
        raise Conflict(f"The ballot cannot open: {_changed(spec.subject_version, subject)} Set up a new ballot on "
                       "the text as it stands.")
    return spec if spec.subject_version else kinds.with_flags(spec, subject_version=subject.pin)


async def outcome_refusal(db: AsyncSession, ballot: Ballot, spec: BallotSpec) -> str:
    """Why the count may not record its outcome on the motion or amendment ('' when it may): the motion
    is not this body's (a ballot set up before the link was checked), or the text pinned in the spec is
    no longer the motion's. A ballot opened before specs pinned their text has no version to compare
    (the motion's own rules are still checked when recording)."""
    if ballot.motion_id is None:
        return ""
    subject = await _stored(db, ballot)
    if subject is None:
        return "the motion or amendment it decided is no longer there."
    meeting = subject.motion.meeting
    if meeting.body_id != ballot.body_id:
        return (f"“{subject.version.title}” is on the agenda of {meeting.title}, a meeting of {meeting.body.name}, "
                "which this ballot's body does not decide for.")
    if spec.subject_version and subject.pin != spec.subject_version:
        return _changed(spec.subject_version, subject) + (" The CAC decides what the vote means and records the "
                                                         "outcome, or a new ballot is held.")
    return ""


async def _stored(db: AsyncSession, ballot: Ballot) -> Subject | None:
    motion = await rows.motion_by_id(db, ballot.motion_id)
    amendment = await rows.amendment_by_id(db, ballot.amendment_id) if ballot.amendment_id is not None else None
    if motion is None or (ballot.amendment_id is not None and (amendment is None or amendment.motion_id != motion.id)):
        return None
    return Subject(motion, amendment, await current_version(db, motion))


async def _check_waiting(db: AsyncSession, subject: Subject, doing: str) -> None:
    """The motion takes a vote now: admitted or scheduled; an amendment admitted; a motion's amendments
    all decided (each carried one changes the text, so members vote on the text as amended)."""
    motion, title = subject.motion, subject.version.title
    if motion.state not in VOTABLE:
        raise Conflict(f"The ballot cannot be {_done(doing)}: “{title}” {state_phrase(motion.state)}; only an "
                       "admitted or scheduled motion is put to a ballot.")
    if subject.amendment is not None:
        amendment = subject.amendment
        if amendment.state != "admitted":
            raise Conflict(f"The ballot cannot be {_done(doing)}: amendment {amendment.number} to “{title}” "
                           f"{amendment_rules.STATE_PHRASES[amendment.state]}; only an admitted amendment is put "
                           "to a ballot.")
        return
    undecided = [a for a in await rows.amendments_of(db, motion.id) if a.state in amendment_rules.UNDECIDED]
    if undecided:
        named = ", ".join(f"amendment {a.number} ({amendment_rules.STATE_LABELS[a.state].lower()})"
                          for a in undecided)
        raise Conflict(f"The ballot cannot be {_done(doing)}: amendments to “{title}” are decided before it, and "
                       f"{named} {'is' if len(undecided) == 1 else 'are'} still undecided. Once each is carried, "
                       f"fallen, withdrawn or ruled out, {doing} the motion's ballot on the text as amended.")


def _done(doing: str) -> str:
    return {"set up": "set up", "open": "opened"}[doing]


def _changed(pinned: str, subject: Subject) -> str:
    """In words: the text changed since the pin (a carried amendment: the version's note says which)."""
    found = _PINNED_VERSION.search(pinned)
    was = f"version {found.group(1)}" if found else "an earlier version"
    now = subject.version
    why = f" ({now.note[0].lower()}{now.note[1:]})" if now.note else ""
    on = f"amendment {subject.amendment.number} to " if subject.amendment is not None else ""
    return f"this ballot is on {on}{was} of “{now.title}”, but the motion now reads as version {now.number}{why}."
