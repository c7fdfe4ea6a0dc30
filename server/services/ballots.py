"""Every action on a ballot: set it up, open it (freezing the roll), appoint a proxy, cast and
change a vote, close it (by timetable or by the CAC), count and publish, hand counts and
tellers' confirmations, and what members may read (the roll, turnout, result, record).

Each function checks permission itself, so the pages and the API share one check. The
counting, validation, receipts, secrecy rule and audit chain are the pure code in
``ballots/`` (docs/ballots.md); this module stores what they produce. Secrecy
(ballots/secrecy.py): the roll mark and the ballot-box row are written in one
transaction, the box row has a random key and no voter or time, and the audit entry of a
vote in a secret ballot names only the ballot.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, datetime, timezone
from typing import Any, Mapping

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from ballots import kinds
from ballots.canonical import fingerprint as digest_of
from ballots.kinds import BallotSpec, SpecError, check_unchanged
from ballots.late_facts import LateFacts, tie_for_chair, tied_words
from ballots.published_record import (
    PublishedRecord,
    build_record,
    find_receipt,
    read_record_json,
    recount,
    write_record_blt,
    write_record_csv,
    write_record_json,
)
from ballots.receipts import ReceiptError, RecordEntry, new_receipt, normalise_receipt
from ballots.secrecy import StoredBallot, audit_payload_for_vote, change_check, stored_ballot
from ballots.validation import BallotRejected, parse_numbered_form, parse_numbered_people, validate
from server.db.engine import as_utc
from server.db.models import Ballot, Body, Member, Membership, utcnow
from server.repositories import ballots as rows
from server.repositories import members as member_rows
from server.services import audit, ballot_notices, ballot_subjects
from server.services.ballot_box import NOT_OPEN, AlreadyVoted, BallotBox, FirstVote, OpenBallot, Recorded, Voter
from server.services.errors import ActionRefused, Conflict, Forbidden, Invalid, NotFound
from server.services.permissions import can_see_body, role_in
from voting.ballot import BallotError
from voting.decision import Decision
from voting.record import Result
from voting.report import render_text
from voting.slates import SlateChoice, SlateDecision

STATE_LABELS = {"draft": "Not yet open", "open": "Open", "closed": "Closed, being counted", "published": "Result published"}
KIND_LABELS = {"motion": "Motion", "amendment": "Amendment", "choice": "Choice among options",
               "office": "Election to an office", "seats": "Election to a group of seats",
               "slate": "Slate: accept or reject", "slates": "Choice between slates"}
#: who may set up ballots of a body and open or close them at their times: its officers and CAC members, and
#: site admins. Opening before the timetable's time or closing before it is the CAC's alone (``may_act_early``)
RUNNING_ROLES = ("officer", "cac_member")
#: the base no online ballot can have: nobody is "present" at a vote taken over days (review R6 #6)
NO_PRESENT_ONLINE = "An online ballot has no members present: choose votes cast or members entitled."


@dataclass
class SpecFields:
    """What a person setting up a ballot fills in; ``build_spec`` checks it with ``ballots.kinds``."""

    kind: str
    title: str
    opens: datetime
    closes: datetime
    candidates: list[str] = field(default_factory=list)
    seats: int = 1
    method: str = ""
    quotas: list[tuple[str, int, list[str]]] = field(default_factory=list)
    rule: str = "simple"
    base: str = "cast"
    slates: list[tuple[str, list[str]]] = field(default_factory=list)
    strike_share: str | None = None
    secret: bool = True
    may_change_vote: bool = False
    proxies_allowed: bool = False
    weighted: bool = False
    by_hand: bool = False
    motion_id: int | None = None
    amendment_id: int | None = None
    #: card votes: member email -> votes carried (weighted ballots only)
    weights: dict[str, int] = field(default_factory=dict)
    #: who is on the roll: the body's members, or the delegates to it (``kinds.ROLL_SOURCES``)
    roll_source: str = kinds.ROLL_MEMBERS
    #: slate papers also rank people, counted by ``individual_method`` beside the slate result
    individual_preferences: bool = False
    individual_method: str = ""


def can_run(member: Member, body: Body) -> bool:
    return member.is_site_admin or role_in(member, body.id) in RUNNING_ROLES


async def may_run(db: AsyncSession, member: Member, ballot: Ballot, action: str = "run") -> bool:
    """``can_run`` for this ballot ("hand count": the CAC enters and publishes figures; "confirm": a
    teller), except a recall's ballot: server/services/recall.py decides, so the holder being
    recalled never runs it and the parent body's CAC stands in when nobody else can."""
    from server.services import recall  # it imports this module

    decided = await recall.may_run_ballot(db, member, ballot, action)
    if decided is not None:
        return decided
    if action == "confirm":
        return role_in(member, ballot.body_id) == "teller"
    if action == "hand count":
        return role_in(member, ballot.body_id) == "cac_member" or member.is_site_admin
    return can_run(member, ballot.body)


async def may_act_early(db: AsyncSession, member: Member, ballot: Ballot) -> bool:
    """Whether ``member`` may open voting before the timetable's opening time or close it before its closing
    time: "closing is by timetable or by the CAC". Someone who may run the ballot (``may_run``: never a
    recall's holder) and is on the body's CAC, or stands in for it (a recall's parent-body CAC), or is a site
    admin (as for hand counts); a body with no CAC member, such as a branch, has its officers act as its CAC."""
    if not await may_run(db, member, ballot):
        return False
    role = role_in(member, ballot.body_id)
    if member.is_site_admin or role in ("cac_member", None):  # None: standing in for the body (a recall's)
        return True
    return role == "officer" and not await rows.has_role(db, ballot.body_id, "cac_member")


def _timetable(spec: BallotSpec) -> tuple[datetime, datetime]:
    """When the fixed spec says voting opens and closes (the columns ``opens_at``/``closes_at`` copy it)."""
    return _moment(spec.timetable.opens), _moment(spec.timetable.closes)


def _moment(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def _when(moment: datetime) -> str:
    return f"{moment.day} {moment:%B %Y at %H:%M} UTC"


async def refuse_before_notice(db: AsyncSession, ballot_id: int) -> None:
    """A recall's ballot is opened (or its hand count entered) only once the recall's notice has run."""
    from server.services import recall  # a recall's ballot opens only once the recall's notice has run

    await recall.check_notice_run(db, ballot_id, _now())


def spec_of(ballot: Ballot) -> BallotSpec:
    return BallotSpec.from_json(ballot.spec)


def _now() -> datetime:
    return utcnow()


# --- reading -------------------------------------------------------------------------------

async def ballot_for(db: AsyncSession, actor: Member, ballot_id: int) -> Ballot:
    """The ballot if the actor may see it (a member of its body, on its roll, or a site admin)."""
    ballot = await rows.ballot_by_id(db, ballot_id)
    if ballot is None:
        raise NotFound("There is no such ballot, or you may not see it.")
    if can_see_body(actor, ballot.body):
        return ballot
    entry = await rows.roll_entry(db, ballot.id, actor.id)
    if entry is None and not (await may_run(db, actor, ballot) or await may_run(db, actor, ballot, "confirm")):
        raise NotFound("There is no such ballot, or you may not see it.")
    return ballot


async def ballots_of(db: AsyncSession, actor: Member, body: Body) -> list[Ballot]:
    if not can_see_body(actor, body):
        raise NotFound("There is no such body, or you may not see it.")
    return await rows.ballots_of_body(db, body.id)


async def roll_of(db: AsyncSession, actor: Member, ballot_id: int):
    """The roll, visible to its members (and to whoever runs the ballot): names, card votes, proxies,
    and who has voted only in an open ballot."""
    ballot = await ballot_for(db, actor, ballot_id)
    entries = await rows.roll(db, ballot.id)
    if not (can_run(actor, ballot.body) or any(e.member_id == actor.id for e in entries)):
        raise Forbidden("The roll is shown to the members on it and to those running the ballot.")
    return ballot, sorted(entries, key=lambda e: (e.member.name, e.member_id))


@dataclass(frozen=True)
class Turnout:
    voted: int
    eligible: int
    state: str

    @property
    def percent(self) -> str:
        return f"{100 * self.voted / self.eligible:.1f}%" if self.eligible else "0.0%"

    @property
    def words(self) -> str:
        return f"{self.voted} of {self.eligible} have voted ({self.percent})"


async def turnout(db: AsyncSession, actor: Member, ballot_id: int) -> Turnout:
    ballot = await ballot_for(db, actor, ballot_id)
    await settle(db, actor, ballot)
    voted, eligible, state = await rows.turnout(db, ballot.id)
    return Turnout(voted, eligible, state)


@dataclass(frozen=True)
class MyStatus:
    on_roll: bool
    weight: int
    voted: bool
    proxy_name: str | None
    #: members who appointed this member their proxy and have not voted yet: (id, name)
    proxy_for: list[tuple[int, str]]


async def my_status(db: AsyncSession, actor: Member, ballot: Ballot) -> MyStatus:
    entry = await rows.roll_entry(db, ballot.id, actor.id)
    voted = await rows.has_voted(db, ballot.id, actor.id) is not None
    proxy_name = None
    if entry is not None and entry.proxy_id is not None:
        proxy = await member_rows.by_id(db, entry.proxy_id)
        proxy_name = proxy.name if proxy else None
    represented = [e for e in await rows.roll(db, ballot.id) if e.proxy_id == actor.id]
    done = await rows.voted_member_ids(db, ballot.id) if represented else set()
    return MyStatus(entry is not None, entry.weight if entry else 0, voted, proxy_name,
                    [(e.member_id, e.member.name) for e in represented if e.member_id not in done])


# --- setting up ------------------------------------------------------------------------------

async def _body_members(db: AsyncSession, body: Body) -> list[Member]:
    if body.kind == "national_members_meeting":
        return await member_rows.all_members(db)
    found = await db.execute(select(Member).join(Membership, Membership.member_id == Member.id)
                             .where(Membership.body_id == body.id))
    return list(found.scalars())


async def _roll_members(db: AsyncSession, body: Body, roll_source: str, day: date) -> list[Member]:
    """Who the roll holds: the body's members, or the members holding one of its delegate seats on ``day``
    (a seat on the body filled by election in another body: docs/voting-online.md, "The roll")."""
    if roll_source == kinds.ROLL_MEMBERS:
        return await _body_members(db, body)
    if roll_source == kinds.ROLL_DELEGATES:
        return await rows.delegates_on(db, body.id, body.parent_id, day)
    raise Invalid(f"The roll is the body's members or its delegates, not {roll_source!r}.",
                  {"roll_source": "members or delegates"})


def _roll_words(roll_source: str, body: Body) -> str:
    return f"delegate to {body.name}" if roll_source == kinds.ROLL_DELEGATES else f"member of {body.name}"


def build_spec(fields: SpecFields, electorate: kinds.Electorate, seed: str = "") -> BallotSpec:
    """The spec for these fields; SpecError says what to change."""
    timetable = kinds.Timetable(kinds.utc_text(fields.opens), kinds.utc_text(fields.closes))
    flags: dict[str, Any] = {"secret": fields.secret, "may_change_vote": fields.may_change_vote,
                             "proxies_allowed": fields.proxies_allowed, "weighted": fields.weighted,
                             "roll_source": fields.roll_source}
    if fields.individual_preferences:
        if fields.kind not in ("slate", "slates"):
            raise SpecError("only slate papers rank people individually: choose a slate or slates ballot")
        flags["individual_preferences"] = True
        flags["individual_method"] = fields.individual_method or "scotland"
    elif fields.individual_method:
        raise SpecError("an individual count method needs papers that rank people: tick individual preferences")
    if seed:
        flags["seed"] = seed
    title = fields.title.strip()
    kind = fields.kind
    if kind in ("motion", "amendment"):
        return kinds.motion(title, electorate, timetable, rule=fields.rule, base=fields.base,
                            amendment=kind == "amendment", **flags)
    if kind == "slate":
        if len(fields.slates) != 1:
            raise SpecError("A slate vote is on exactly one proposed slate: give one line, the slate's name, "
                            "a colon and its people.")
        name, people = fields.slates[0]
        return kinds.slate(title, kinds.SlateList(name, tuple(people)), electorate, timetable, rule=fields.rule,
                           base=fields.base, strike_share=fields.strike_share or None, **flags)
    if kind == "slates":
        return kinds.slates(title, [kinds.SlateList(n, tuple(p)) for n, p in fields.slates], electorate, timetable,
                            method=fields.method or "plurality", **flags)
    if kind == "choice":
        return kinds.choice(title, fields.candidates, electorate, timetable, method=fields.method or "plurality",
                            **flags)
    if kind == "office":
        return kinds.office(title, fields.candidates, electorate, timetable, method=fields.method or "exhaustive",
                            **flags)
    if kind == "seats":
        quotas = [kinds.QuotaRule(label, tuple(people), minimum) for label, minimum, people in fields.quotas]
        return kinds.seats(title, fields.candidates, fields.seats, electorate, timetable,
                           method=fields.method or "scotland", quotas=quotas, **flags)
    raise SpecError(f"Unknown kind of ballot {kind!r}; choose one of {', '.join(kinds.KINDS)}.")


def _roll_electorate(weights: Mapping[int, int]) -> kinds.Electorate:
    return kinds.Electorate(len(weights), sum(weights.values()),
                            kinds.roll_digest((str(m), w) for m, w in weights.items()))


async def _weights(db: AsyncSession, body: Body, fields_weights: Mapping[str, int], weighted: bool,
                   roll_source: str = kinds.ROLL_MEMBERS, day: date | None = None) -> dict[int, int]:
    """The roll at set-up (delegates as they will stand on ``day``, the opening day) with its card votes."""
    members = await _roll_members(db, body, roll_source, day or _now().date())
    by_email = {m.email_key: m for m in members}
    weights = {m.id: 1 for m in members}
    if fields_weights and not weighted:
        raise Invalid("Card votes need a weighted ballot: tick “Card votes”.", {"weights": "Not a weighted ballot."})
    for email, weight in fields_weights.items():
        member = by_email.get(email.strip().lower())
        if member is None:
            raise Invalid(f"{email} is not a {_roll_words(roll_source, body)}, so cannot carry a card vote.",
                          {"weights": "Not on the roll."})
        if weight < 1:
            raise Invalid(f"A card vote carries at least one vote ({email}: {weight}).", {"weights": "At least 1."})
        weights[member.id] = weight
    return weights


async def create_ballot(db: AsyncSession, actor: Member, body: Body, fields: SpecFields, *,
                        runner_checked: bool = False) -> Ballot:
    """``runner_checked``: the caller has decided who sets this ballot up (a recall's, server/services/recall.py)."""
    if not runner_checked and not can_see_body(actor, body):
        raise NotFound("There is no such body, or you may not see it.")
    if not runner_checked and not can_run(actor, body):
        raise Forbidden("Only the body's officers and CAC members set up its ballots.")
    subject = await ballot_subjects.for_set_up(db, actor, body, fields.kind, fields.motion_id, fields.amendment_id)
    if subject is not None:  # stored only as checked: this body's motion, waiting for this vote
        fields.motion_id = subject.motion.id
        fields.kind = "amendment" if subject.amendment is not None else fields.kind
        fields.title = fields.title if fields.title.strip() else subject.title
    elif fields.kind in ("motion", "amendment") and not fields.title.strip():
        raise Invalid("A ballot needs a title.", {"title": "Required."})
    if fields.by_hand and fields.kind not in ("motion", "amendment"):
        raise Invalid("A hand count is entered for a motion or amendment.", {"by_hand": "Motions only."})
    if fields.base.strip().lower() == "present" and not fields.by_hand and fields.kind in ("motion", "amendment",
                                                                                           "slate"):
        # the count would wait for an attendance nobody can enter: only tellers in a room count those present
        raise Invalid(NO_PRESENT_ONLINE, {"base": "Votes cast or members entitled."})
    weights = await _weights(db, body, fields.weights, fields.weighted, fields.roll_source,
                             as_utc(fields.opens).astimezone(timezone.utc).date())
    try:
        spec = build_spec(fields, _roll_electorate(weights))
        if subject is not None:
            spec = kinds.with_flags(spec, subject_version=subject.pin)
    except SpecError as exc:
        raise Invalid(f"The ballot was not set up: {exc}", {"spec": str(exc)}) from None
    opens_at, closes_at = _timetable(spec)
    ballot = Ballot(body_id=body.id, motion_id=fields.motion_id, amendment_id=fields.amendment_id, kind=spec.kind,
                    title=spec.title, spec=spec.canonical_json(), state="draft", by_hand=fields.by_hand,
                    opens_at=opens_at, closes_at=closes_at, created_by_id=actor.id,
                    close_reason="", voted=0)
    db.add(ballot)
    await db.flush()
    await rows.replace_roll(db, ballot.id, weights)
    await audit.record(db, "ballot.create", {"ballot": str(ballot.id), "spec_fingerprint": spec.fingerprint()},
                       actor=actor.name)
    await db.commit()
    return ballot


async def open_ballot(db: AsyncSession, actor: Member, ballot_id: int) -> Ballot:
    """"Open voting now": early, before the timetable's opening time, by the CAC only (``may_act_early``; the
    spec's opening time becomes this moment before its fingerprint is fixed, see ``_open``); or once that
    time has come and nobody has looked yet, by whoever runs the ballot, as the timetable would."""
    ballot = await ballot_for(db, actor, ballot_id)
    if not await may_run(db, actor, ballot):
        raise Forbidden("Only the body's officers and CAC members open its ballots (never a recall's holder).")
    if ballot.state != "draft":
        raise Conflict("This ballot has already opened.")
    if ballot.by_hand:
        raise Conflict("A hand count is not voted online: enter the tellers' figures instead.")
    opens, closes = _timetable(spec_of(ballot))
    if closes <= _now():
        raise Conflict("Its closing time has passed: set up a new ballot with a later closing time.")
    early = _now() < opens
    if early and not await may_act_early(db, actor, ballot):
        raise Forbidden(f"Voting opens by its timetable on {_when(opens)}; only the CAC opens it earlier.")
    if not await _open(db, actor, ballot, "opened by the CAC" if early else "timetable"):
        raise Conflict("This ballot has already opened.")
    return ballot


async def _open(db: AsyncSession, actor: Member | None, ballot: Ballot, reason: str) -> bool:
    """Freeze the roll as it stands today (with the card votes set at set-up) and fix the spec's fingerprint:
    from now on nothing about the ballot changes. The state moves from draft to open in one guarded update,
    so only one opening wins: False when another request opened it first."""
    ballot_id, spec, now = ballot.id, spec_of(ballot), _now()
    await refuse_before_notice(db, ballot_id)
    scheduled = spec.timetable.opens
    if now < _timetable(spec)[0]:  # early: the fixed spec says when voting really opened (review R6 #11)
        spec = kinds.with_flags(spec, timetable=kinds.Timetable(kinds.utc_text(now), spec.timetable.closes))
    spec = await ballot_subjects.pinned_for_opening(db, ballot, spec)  # its motion still waits, on the same text
    members = await _roll_members(db, ballot.body, spec.roll_source, _now().date())
    if not members:
        who = "holds a delegate seat on" if spec.roll_source == kinds.ROLL_DELEGATES else "is a member of"
        raise Conflict(f"The ballot cannot open: nobody {who} {ballot.body.name} today, so its roll would be empty.")
    previous = {e.member_id: e.weight for e in await rows.roll(db, ballot_id)}
    weights = {m.id: previous.get(m.id, 1) for m in members}
    try:
        spec = kinds.with_flags(spec, electorate=_roll_electorate(weights))
    except SpecError as exc:
        raise Conflict(f"The ballot cannot open: {exc}") from None
    fixed = spec.fingerprint()
    await db.rollback()  # reads done: the writing transaction starts with the guarded update
    async with rows.one_writer(db):
        # the columns the casting statement and the timetable read are copied from the spec being fixed
        opened = await rows.open_draft(db, ballot_id, spec.canonical_json(), fixed, *_timetable(spec))
        if opened:
            await rows.replace_roll(db, ballot_id, weights)
            cleared = await rows.drop_proxies_off_roll(db, ballot_id)
            moved = {} if spec.timetable.opens == scheduled else {"opens": spec.timetable.opens,
                                                                   "timetable_opens": scheduled}
            await audit.record(db, "ballot.open", {"ballot": str(ballot_id), "spec_fingerprint": fixed,
                                                   "roll_digest": spec.electorate.roll_digest, "reason": reason,
                                                   **moved},
                               actor=actor.name if actor and reason != "timetable" else None)
            for member_id, proxy_id in cleared:  # appointed to someone the frozen roll does not hold
                member, gone = await member_rows.by_id(db, member_id), await member_rows.by_id(db, proxy_id)
                await audit.record(db, "proxy.clear", {**await _proxy_payload(
                    db, ballot_id, member.name if member else str(member_id), gone.name if gone else str(proxy_id)),
                    "reason": "the proxy is not on the roll frozen at opening"})
            await db.commit()
        else:
            await db.rollback()
    await rows.ballot_by_id(db, ballot_id)  # reloads the caller's ballot (and its body) as stored now
    if opened:
        await ballot_notices.ballot_opened(db, ballot)
    return opened


async def appoint_proxy(db: AsyncSession, actor: Member, ballot_id: int, proxy_email: str) -> Member:
    ballot = await ballot_for(db, actor, ballot_id)
    spec = spec_of(ballot)
    if not spec.proxies_allowed:
        raise Forbidden("This ballot does not allow proxies.")
    if ballot.state not in ("draft", "open"):
        raise Conflict("This ballot has closed.")
    entry = await rows.roll_entry(db, ballot.id, actor.id)
    if entry is None:
        raise Forbidden("You are not on this ballot's roll.")
    if await rows.has_voted(db, ballot.id, actor.id):
        raise Conflict("You have already voted, so there is nothing left for a proxy to do.")
    proxy = await member_rows.by_email(db, proxy_email)
    if proxy is None or proxy.id == actor.id or await rows.roll_entry(db, ballot.id, proxy.id) is None:
        raise Invalid("Your proxy must be another member on this ballot's roll: check the address.",
                      {"proxy": "Not on the roll."})
    ballot_id, member_id, proxy_id, member_name, proxy_name = ballot.id, actor.id, proxy.id, actor.name, proxy.name
    await db.rollback()  # reads done: the appointment is one guarded update under the ballot row's lock
    async with rows.one_writer(db):
        await rows.lock_ballot(db, ballot_id)  # the ballot row, then the audit chain: the order of every ballot write
        previous = await rows.proxy_of(db, ballot_id, member_id)
        appointed = await rows.appoint_proxy(db, ballot_id, member_id, proxy_id)
        if appointed:
            await audit.record(db, "proxy.appoint", await _proxy_payload(db, ballot_id, member_name, proxy_name,
                                                                         previous), actor=member_name)
            await db.commit()
        else:
            await db.rollback()
    if not appointed:
        if await rows.has_voted(db, ballot_id, member_id):
            raise Conflict("You have already voted, so there is nothing left for a proxy to do.")
        raise Conflict("This ballot has closed.")
    return proxy


async def _proxy_payload(db: AsyncSession, ballot_id: int, member: str, proxy: str,
                         replaced: int | None = None) -> dict[str, str]:
    """What the audit log says about a proxy appointment, withdrawal or clearing: the ballot, the member and
    the proxy (and the proxy an appointment replaces), never whether or how either has voted, so a secret
    ballot's entry says nothing the roll does not already show its members."""
    payload = {"ballot": str(ballot_id), "member": member, "proxy": proxy}
    if replaced is not None:
        former = await member_rows.by_id(db, replaced)
        payload["replaces"] = former.name if former else str(replaced)
    return payload


async def withdraw_proxy(db: AsyncSession, actor: Member, ballot_id: int) -> None:
    """The member takes back their proxy's appointment, to vote themselves. A vote the proxy has already
    cast stands: the withdrawal is refused once the member's roll mark exists."""
    ballot = await ballot_for(db, actor, ballot_id)
    if ballot.state not in ("draft", "open"):
        raise Conflict("This ballot has closed.")
    ballot_id = ballot.id
    entry = await rows.roll_entry(db, ballot_id, actor.id)
    if entry is None:
        raise Forbidden("You are not on this ballot's roll.")
    if entry.proxy_id is None:
        raise Conflict("You have not appointed a proxy in this ballot.")
    member_id, member_name = actor.id, actor.name
    await db.rollback()  # reads done: the withdrawal is one guarded update
    async with rows.one_writer(db):
        await rows.lock_ballot(db, ballot_id)  # a round of votes holds it while it checks proxies and writes
        proxy_id = await rows.proxy_of(db, ballot_id, member_id)
        withdrawn = await rows.withdraw_proxy(db, ballot_id, member_id)
        if withdrawn:
            proxy = await member_rows.by_id(db, proxy_id) if proxy_id is not None else None
            await audit.record(db, "proxy.withdraw", await _proxy_payload(
                db, ballot_id, member_name, proxy.name if proxy else str(proxy_id)), actor=member_name)
        await db.commit()
    if not withdrawn:
        if await rows.has_voted(db, ballot_id, actor.id):
            raise Conflict("Your vote has already been cast (by your proxy, or by you), and it stands: "
                           "there is no appointment left to withdraw.")
        raise Conflict("You have not appointed a proxy in this ballot.")


# --- casting ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class Cast:
    receipt: str
    contents: dict[str, Any]
    changed: bool


def contents_from(spec: BallotSpec, submitted: Mapping[str, Any], numbers: Mapping[str, str] | None,
                  weight: int, people_numbers: Mapping[str, str] | None = None):
    """The ballot in normal form, or Invalid saying what to fix (the no-JavaScript form sends ``numbers``,
    and on a slate paper that ranks people ``people_numbers``, person -> the number in their box)."""
    try:
        if numbers is not None:
            submitted = {**submitted, "ranking": list(parse_numbered_form(spec, numbers))}
        if people_numbers is not None:
            submitted = {**submitted, "individuals": list(parse_numbered_people(spec, people_numbers))}
        return validate(spec, submitted, weight)
    except BallotRejected as exc:
        raise Invalid(exc.message, {exc.field or "ballot": exc.message}) from None


async def cast_vote(sessions: async_sessionmaker[AsyncSession], box: BallotBox, voter: Voter, ballot_id: int,
                    submitted: Mapping[str, Any], *, numbers: Mapping[str, str] | None = None,
                    people_numbers: Mapping[str, str] | None = None,
                    on_behalf_of: int | None = None, previous_receipt: str = "") -> Cast:
    """Record one vote. A first vote goes into the ballot box's next round (server/services/ballot_box.py:
    the roll mark, one per voter by its primary key, and the paper in one transaction with the audit
    entry); it opens no database session of its own. A second vote is refused unless the ballot allows
    a change, which replaces the voter's own paper given its receipt (``_change_vote``); a proxy never
    changes a vote. Refusals are worked out again in full, so they read as they always have."""
    voter_id = voter.id if on_behalf_of is None else on_behalf_of
    for _ in range(2):  # a second pass when the ballot changed under the first
        opened = await box.open_ballot(ballot_id)
        if opened is None:
            # closed, not open yet, or unseen; or opened by its timetable on this look (then vote)
            refusal = await _why_not(sessions, voter, ballot_id, voter_id)
            opened = await box.open_ballot(ballot_id) if refusal is None else None
            if opened is None:
                raise refusal or Conflict("Voting has not opened yet.")
        try:
            contents = contents_from(_paper(opened), submitted, numbers, 1, people_numbers)
        except Invalid as invalid:  # who may not vote here hears that, not what is wrong with the paper
            raise (await _why_not(sessions, voter, ballot_id, voter_id)) or invalid from None
        outcome = await box.cast(FirstVote(opened, voter_id, voter.id, contents))
        if isinstance(outcome, Recorded):
            return Cast(outcome.receipt, outcome.contents.as_dict(), False)
        if isinstance(outcome, AlreadyVoted):
            if voter_id != voter.id:  # a proxy never changes a vote: the member's own vote, or their first
                raise Conflict("This member's vote has already been cast.")
            weighted = contents if outcome.weight == contents.weight else replace(contents, weight=outcome.weight)
            try:
                async with sessions() as db:
                    return await _change_vote(db, opened, box.change_key, voter_id, outcome.name, weighted,
                                              previous_receipt or outcome.receipt or "")
            except _BallotChanged:
                outcome = NOT_OPEN
        if outcome is NOT_OPEN:
            box.forget(opened.id)
        refusal = await _why_not(sessions, voter, ballot_id, voter_id)
        if refusal is not None:
            raise refusal
        if outcome is not NOT_OPEN:
            break
        # still open, so its count facts changed since the box read them (a candidate withdrew): the
        # paper is checked again against the ballot as it is now
    raise Conflict("Your vote could not be recorded; please try again.")


class _BallotChanged(Exception):
    """A changed vote found the ballot row no longer as the box read it (closed, or a candidate withdrew)."""


def _paper(opened: OpenBallot) -> BallotSpec:
    """What a paper may hold now: the fixed spec, less the candidates withdrawn since opening (the count
    facts the box read with the ballot's row, which its round's lock compares)."""
    return LateFacts.from_text(opened.facts).paper_spec(opened.spec)


async def _why_not(sessions: async_sessionmaker[AsyncSession], voter: Voter, ballot_id: int,
                   voter_id: int) -> ActionRefused | None:
    """What stops this vote, worked out in full: the ballot unseen, closed (closing it if its time has
    passed) or not yet open, the voter not on the roll, not the caster's proxy vote. None: nothing."""
    async with sessions() as db:
        member = await member_rows.by_id(db, voter.id)
        if member is None:
            return NotFound("There is no such ballot, or you may not see it.")
        ballot = await ballot_for(db, member, ballot_id)
        await settle(db, member, ballot)
        if ballot.state != "open":
            return Conflict("Voting has closed." if ballot.state in ("closed", "published")
                            else "Voting has not opened yet.")
        entry = await rows.roll_entry(db, ballot.id, voter_id)
        if entry is None:
            return Forbidden("You are not on this ballot's roll." if voter_id == voter.id
                             else "That member is not on this ballot's roll.")
        if voter_id != voter.id and entry.proxy_id != voter.id:
            return Forbidden("You are not that member's proxy in this ballot.")
        return None


async def _change_vote(db: AsyncSession, opened: OpenBallot, change_key: bytes, voter_id: int, voter_name: str,
                       contents, previous: str) -> Cast:
    """Replace the voter's paper with a new one, if ``previous`` is the receipt of *this voter's* current
    vote (ballots/secrecy.py rule 5): the roll mark holds its change check (secret) or the receipt itself
    (open), and is moved to the new receipt in the same transaction, under the ballot row's lock."""
    ballot_id, ballot_key, spec = opened.id, str(opened.id), opened.spec
    if not spec.may_change_vote:
        raise Conflict("You have already voted in this ballot; each member votes once.")
    try:
        previous = normalise_receipt(previous)
    except ReceiptError as exc:
        raise Invalid(f"To change your vote, give the receipt code of your vote. {exc.args[0]}",
                      {"previous_receipt": exc.args[0]}) from None
    receipt = new_receipt()
    paper = stored_ballot(contents, receipt)
    was, now = previous, receipt  # what binds the roll mark to the paper, before and after
    if spec.secret:
        was, now = change_check(change_key, ballot_key, previous), change_check(change_key, ballot_key, receipt)
    async with rows.one_writer(db):
        # the ballot row first, as a round of first votes takes it (the same lock order everywhere)
        if not await db.run_sync(rows.lock_open_ballot, ballot_id, opened.fingerprint, _now(), opened.facts):
            await db.rollback()
            raise _BallotChanged()
        if not await rows.rebind_mark(db, ballot_id, voter_id, secret=spec.secret, was=was, now=now):
            await db.rollback()
            raise Invalid("That receipt is not the one you were given for your vote in this ballot (after a "
                          "change, only the newest receipt counts).",
                          {"previous_receipt": "Not the receipt of your vote."})
        if not await rows.take_from_box(db, ballot_id, previous):
            await db.rollback()
            raise Conflict("Your vote could not be changed; please try again.")
        await rows.put_in_box(db, ballot_id, paper.id, paper.receipt, paper.contents)
        await audit.record(db, "vote.changed", audit_payload_for_vote(ballot_key, spec.secret, voter_name, receipt),
                           actor=None if spec.secret else voter_name)
        await db.commit()
    return Cast(receipt, contents.as_dict(), True)


# --- closing, counting, publishing -------------------------------------------------------------

async def settle(db: AsyncSession, actor: Member | None, ballot: Ballot) -> None:
    """Follow the timetable, whoever looks first: open a draft whose opening time has come (freezing the
    roll then), and close and count an open ballot whose closing time has passed."""
    now = _now()
    if ballot.state == "draft" and not ballot.by_hand and as_utc(ballot.opens_at) <= now < as_utc(ballot.closes_at):
        try:
            await _open(db, None, ballot, "timetable")
        except Conflict:
            pass  # an empty roll: the draft waits for the CAC, who is told why when opening it
    if ballot.state == "open" and as_utc(ballot.closes_at) <= _now():
        await _close_and_count(db, actor, ballot, "timetable")
        await db.refresh(ballot)


async def settled(db: AsyncSession, actor: Member, ballot_id: int) -> Ballot:
    """The ballot as its timetable says it is now (``ballot_for`` then ``settle``)."""
    ballot = await ballot_for(db, actor, ballot_id)
    await settle(db, actor, ballot)
    return ballot


async def close_ballot(db: AsyncSession, actor: Member, ballot_id: int) -> str:
    """The CAC closes voting early ("closing is by timetable or by the CAC": ``may_act_early``, so not an
    officer who may be a candidate watching the turnout); the count runs and the result is published.
    Past the closing time the timetable has closed it already. Returns a note."""
    ballot = await ballot_for(db, actor, ballot_id)
    if not await may_run(db, actor, ballot):
        raise Forbidden("Only the body's officers and CAC members close its ballots (never a recall's holder).")
    if ballot.state == "open":
        await settle(db, actor, ballot)  # its closing time has passed: closed by the timetable, not early
    if ballot.state != "open":
        raise Conflict("Only an open ballot can be closed.")
    if not await may_act_early(db, actor, ballot):
        raise Forbidden(f"Voting closes by its timetable on {_when(_timetable(spec_of(ballot))[1])}; only the "
                        "CAC closes it earlier.")
    return await _close_and_count(db, actor, ballot, "closed by the CAC")


async def _close_and_count(db: AsyncSession, actor: Member | None, ballot: Ballot, reason: str) -> str:
    ballot_id, now = ballot.id, _now()
    await db.rollback()
    async with rows.one_writer(db):
        if not await rows.close(db, ballot_id, reason, now):
            await db.rollback()
            return ""
        # the ballot row, then the marks and the box, then the audit chain: the order a round of votes
        # takes them in, so the close never deadlocks with another ballot's round
        await rows.rewrite_in_key_order(db, ballot_id)
        voted, eligible, _ = await rows.turnout(db, ballot_id)
        early = {} if reason == "timetable" else {"closed_at": kinds.utc_text(now)}  # before the spec's closes
        await audit.record(db, "ballot.close", {"ballot": str(ballot_id), "reason": reason,
                                                "turnout": f"{voted} of {eligible}", **early},
                           actor=actor.name if actor and reason != "timetable" else None)
        await db.commit()
    await rows.purge_old_versions(db)
    return await count_and_publish(db, actor, ballot_id)


async def count_again(db: AsyncSession, actor: Member, ballot_id: int) -> str:
    """Run the count of a closed ballot again (after a count that could not complete)."""
    ballot = await ballot_for(db, actor, ballot_id)
    if not await may_run(db, actor, ballot):
        raise Forbidden("Only the body's officers and CAC members run its count (never a recall's holder).")
    if ballot.state != "closed" or ballot.by_hand:
        raise Conflict("Only a closed ballot waiting for its count can be counted.")
    return await count_and_publish(db, actor, ballot.id)


def report_text(outcome) -> str:
    if isinstance(outcome, Result):
        return render_text(outcome)
    if isinstance(outcome, Decision):
        return outcome.words + "\n"
    if isinstance(outcome, SlateDecision):
        return outcome.words + "\n" + (f"\n{outcome.comparison.words}\n" if outcome.comparison else "")
    if isinstance(outcome, SlateChoice):
        text = render_text(outcome.result)
        return text + (f"\n{outcome.comparison.words}\n" if outcome.comparison else "")
    return ""


async def _record_of_box(db: AsyncSession, ballot: Ballot, spec: BallotSpec) -> list[RecordEntry]:
    papers = await rows.box(db, ballot.id)
    names = {} if spec.secret else await rows.open_voters(db, ballot.id)
    return [RecordEntry(p.receipt, StoredBallot(p.id, p.receipt, p.contents).entry().contents, names.get(p.receipt))
            for p in papers]


async def count_and_publish(db: AsyncSession, actor: Member | None, ballot_id: int) -> str:
    """Count the closed ballot, publish its record and result, and record a motion's outcome. The count
    is worked out from what was read, then written by one guarded update (``rows.update_unchanged``): if
    another count (or a casting vote) wrote first, this one writes nothing and says nothing."""
    ballot = await rows.ballot_by_id(db, ballot_id)
    if ballot is None or ballot.state != "closed":
        return ""
    spec = spec_of(ballot)
    check_unchanged(spec, ballot.fingerprint or "")
    entries = await _record_of_box(db, ballot, spec)
    facts, facts_read = late_facts_of(ballot), ballot.count_facts or ""
    key = str(ballot.id)
    try:
        draft = PublishedRecord(spec, tuple(entries), facts.count_facts())
        outcome = recount(draft)
        tie = tie_for_chair(outcome) if facts.casting is None else None
        record = build_record(spec, entries, facts.count_facts(), result=outcome)
    except (BallotError, ValueError) as exc:
        report = f"The count could not be completed: {exc}"
        await db.rollback()
        async with rows.one_writer(db):
            written = await rows.update_unchanged(db, ballot_id, ("closed",), facts_read, report=report)
            await db.commit()
        return report if written else ""
    await db.rollback()  # reads done: what the count found is written in one guarded update
    if tie is not None:
        # standing orders: equal votes leave the decision to the chair's casting vote, so the result
        # waits for it (give_casting_vote) rather than being published as fallen
        held = facts.held_for_casting_vote(tied_words(tie))
        async with rows.one_writer(db):
            if not await rows.update_unchanged(db, ballot_id, ("closed",), facts_read, count_facts=held.to_text(),
                                               report=held.tie):
                await db.rollback()
                return ""
            await audit.record(db, "ballot.count", {"ballot": key, "ballots_digest": record.ballots_digest,
                                                    "tie": "held for the chair's casting vote"})
            await db.commit()
        return held.tie or ""
    async with rows.one_writer(db):
        if not await rows.update_unchanged(db, ballot_id, ("closed",), facts_read, state="published",
                                           record=write_record_json(record),
                                           report=report_text(outcome) + facts_text(facts),
                                           ballots_digest=record.ballots_digest):
            await db.rollback()
            return ""
        await audit.record(db, "ballot.count", {"ballot": key, "ballots_digest": record.ballots_digest})
        published = await audit.record(db, "ballot.publish", {"ballot": key, "ballots_digest": record.ballots_digest,
                                                              "result": digest_of(record.result)})
        await rows.set_audit_head(db, ballot_id, published.hash)
        await db.commit()
    ballot = await rows.ballot_by_id(db, ballot_id)
    await ballot_notices.result_published(db, ballot)
    return await record_motion_outcome(db, ballot, record.result)


def _carried(result: Mapping[str, Any]) -> bool | None:
    if result.get("type") == "decision":
        return result.get("outcome") == "carried"
    return None


async def record_motion_outcome(db: AsyncSession, ballot: Ballot, result: Mapping[str, Any]) -> str:
    """The count records its outcome on the motion or amendment the ballot decides, as the count itself
    (no actor: never whoever closed the ballot or first looked after its closing time; every follower
    is told), and only on the text pinned in the spec (ballot_subjects). A refusal records nothing and
    is added to the ballot's report, so everyone reading the result sees it. Returns a note."""
    carried = _carried(result)
    if carried is None or ballot.motion_id is None:
        return ""
    from server.services import amendments as amendment_actions
    from server.services import motions as motion_actions

    ballot_id, motion_id, amendment_id = ballot.id, ballot.motion_id, ballot.amendment_id
    outcome, what = ("carried" if carried else "fell"), ("amendment" if amendment_id is not None else "motion")
    note = f"recorded by the count of ballot {ballot_id}: {result.get('words', '')}"
    refusal = await ballot_subjects.outcome_refusal(db, ballot, spec_of(ballot))
    if not refusal:
        try:
            if amendment_id is not None:
                await amendment_actions.record_outcome(db, None, amendment_id, outcome, note=note, by_count=True)
            else:
                await motion_actions.record_outcome(db, None, motion_id, outcome, note=note, by_count=True)
            return f"The outcome ({outcome}) is recorded on the {what}."
        except ActionRefused as refused:
            refusal = refused.message
    await db.rollback()
    words = f"The outcome ({outcome}) was not recorded on the {what}: {refusal}"
    async with rows.one_writer(db):
        ballot = await rows.ballot_by_id(db, ballot_id)
        ballot.report = (ballot.report or "") + words + "\n"
        await db.commit()
    return words


# --- facts recorded after opening: a candidate withdraws; the chair's casting vote on a tie ---------

def late_facts_of(ballot: Ballot) -> LateFacts:
    """Candidates withdrawn since opening, a tie waiting for the chair, the casting vote (ballots/late_facts.py)."""
    return LateFacts.from_text(ballot.count_facts)


def paper_spec_of(ballot: Ballot) -> BallotSpec:
    """What a paper may hold now (the voting form): the spec less the candidates withdrawn since opening."""
    return late_facts_of(ballot).paper_spec(spec_of(ballot))


def facts_text(facts: LateFacts) -> str:
    """The report's lines for the facts the count used besides the spec."""
    lines = [f"Withdrawn after voting opened: {w.name} ({w.reason})." for w in facts.withdrawals]
    if facts.casting is not None:
        given = {"yes": "for", "no": "against"}.get(facts.casting.vote or "", "none: the tie stands")
        lines.append(f"The chair's casting vote: {given} ({facts.casting.reason}).")
    return "".join(line + "\n" for line in lines)


# --- the published record ------------------------------------------------------------------------

async def published(db: AsyncSession, actor: Member, ballot_id: int) -> tuple[Ballot, PublishedRecord | None]:
    ballot = await ballot_for(db, actor, ballot_id)
    await settle(db, actor, ballot)
    if ballot.state != "published" or not ballot.record:
        raise Conflict("The result is not published yet.")
    if ballot.by_hand:
        return ballot, None
    return ballot, read_record_json(ballot.record, f"ballot {ballot.id}")


def record_file(ballot: Ballot, record: PublishedRecord, suffix: str) -> str:
    if suffix == "json":
        return ballot.record or write_record_json(record)
    try:
        if suffix == "csv":
            return write_record_csv(record)
        if suffix == "blt":
            return write_record_blt(record)
    except SpecError as exc:
        raise Invalid(str(exc)) from None
    raise NotFound("The record is published as .json, .csv or .blt.")


async def look_up_receipt(db: AsyncSession, actor: Member, ballot_id: int, code: str) -> RecordEntry | None:
    _ballot, record = await published(db, actor, ballot_id)
    if record is None:
        raise Conflict("A hand count has no ballot papers to look up.")
    try:
        return find_receipt(record, code)
    except ReceiptError as exc:
        raise Invalid(exc.args[0], {"receipt": exc.args[0]}) from None
