"""The internal bulletin (issue 7; docs/groupings.md): issues with a submission deadline,
documents in submission order, refusals only with a written reason published in the docket,
appeals recorded there too, the published issue as a page and as one PDF with contents, and
the right of reply of a grouping or officer named in a document.
"""

from __future__ import annotations

from datetime import date, datetime, timezone
from pathlib import Path
from typing import Callable
from zoneinfo import ZoneInfo

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from server.bulletin.pdf import (BulletinDocument, BulletinIssue as PdfIssue, DocketEntry, local_moment,
                                 render_bulletin_pdf)
from server.bulletin.store import stored_pdf
from server.db.models import Body, Holding, Member, Membership
from server.db.models_groupings import (GROUPING_KINDS, BulletinAppeal, BulletinIssue, BulletinSubmission,
                                        GroupingRules)
from server.services.errors import Conflict, Forbidden, Invalid, NotFound
from server.services.groupings import describe, proposal_for_body
from server.services.meetings import parse_moment
from server.services.notices import add_notices

MAX_TEXT = 200_000
DEFAULT_TIME_ZONE = "Europe/London"


def _now() -> datetime:
    return datetime.now(timezone.utc)


async def time_zone_for(db: AsyncSession, body_id: int | None = None) -> str:
    """The zone the bulletin's times are shown in: the one configured for the weekly allowance
    (GroupingRules) of the issue's body if it has its own, otherwise the organisation's (its
    national members' meeting's), otherwise Europe/London."""
    if body_id is not None and (rules := await db.get(GroupingRules, body_id)) is not None:
        return rules.time_zone
    configured = await db.execute(select(GroupingRules.time_zone).join(Body, Body.id == GroupingRules.body_id)
                                  .where(Body.kind == "national_members_meeting").order_by(Body.id))
    return configured.scalars().first() or DEFAULT_TIME_ZONE


def clock(time_zone: str) -> Callable[[datetime], str]:
    """For templates: a UTC moment as ``9 March 2026 at 14:05 GMT`` in the organisation's zone."""
    return lambda moment: local_moment(moment, time_zone)


async def nameable_officers(db: AsyncSession, today: date | None = None) -> list[tuple[int, str]]:
    """Members a document may name as an officer (they get a right of reply): the officers of
    any body and the current holders of positions, as (member id, "Name, what they hold")."""
    today = today or _now().date()
    offices: dict[int, list[str]] = {}
    names: dict[int, str] = {}
    officers = await db.execute(select(Member.id, Member.name, Body.name)
                                .join(Membership, Membership.member_id == Member.id)
                                .join(Body, Body.id == Membership.body_id).where(Membership.role == "officer"))
    for member_id, name, body in officers.all():
        names[member_id] = name
        offices.setdefault(member_id, []).append(f"officer of {body}")
    holders = await db.execute(select(Holding).options(selectinload(Holding.member), selectinload(Holding.position))
                               .where(Holding.starts_on <= today,
                                      or_(Holding.ends_on.is_(None), Holding.ends_on > today)))
    for holding in holders.scalars().all():
        names[holding.member_id] = holding.member.name
        offices.setdefault(holding.member_id, []).append(holding.position.title)
    return sorted(((member_id, f"{names[member_id]}, {', '.join(offices[member_id])}") for member_id in names),
                  key=lambda pair: pair[1].casefold())


async def _roles(db: AsyncSession, member: Member) -> dict[int, str]:
    found = await db.execute(select(Membership.body_id, Membership.role).where(Membership.member_id == member.id))
    return dict(found.all())


async def is_editor(db: AsyncSession, member: Member, issue: BulletinIssue) -> bool:
    """The issue's editors: site admins, the body's CAC members, every member of its bulletin committee."""
    if member.is_site_admin:
        return True
    roles = await _roles(db, member)
    return roles.get(issue.body_id) == "cac_member" or (
        issue.editors_body_id is not None and issue.editors_body_id in roles)


def _loaded():
    return (selectinload(BulletinIssue.body), selectinload(BulletinIssue.editors_body),
            selectinload(BulletinIssue.submissions).selectinload(BulletinSubmission.author),
            selectinload(BulletinIssue.submissions).selectinload(BulletinSubmission.grouping),
            selectinload(BulletinIssue.submissions).selectinload(BulletinSubmission.names_body),
            selectinload(BulletinIssue.submissions).selectinload(BulletinSubmission.names_member),
            selectinload(BulletinIssue.submissions).selectinload(BulletinSubmission.decided_by),
            selectinload(BulletinIssue.submissions).selectinload(BulletinSubmission.appeals),
            selectinload(BulletinIssue.submissions).selectinload(BulletinSubmission.reply_to))


async def issues(db: AsyncSession) -> list[BulletinIssue]:
    found = await db.execute(select(BulletinIssue).options(selectinload(BulletinIssue.body))
                             .order_by(BulletinIssue.deadline.desc(), BulletinIssue.id.desc()))
    return list(found.scalars().all())


async def issue_by_id(db: AsyncSession, issue_id: int) -> BulletinIssue:
    """Every member reads every issue and its docket (the bulletin goes to all members)."""
    found = await db.execute(select(BulletinIssue).options(*_loaded()).where(BulletinIssue.id == issue_id)
                             .execution_options(populate_existing=True))
    issue = found.scalars().first()
    if issue is None:
        raise NotFound("There is no such bulletin issue.")
    return issue


async def create_issue(db: AsyncSession, actor: Member, *, body_slug: str, title: str, deadline: str,
                       editors_slug: str = "", deadline_in_local_time: bool = False) -> BulletinIssue:
    """Site admins and the body's officers open an issue for submissions. The pages type the
    deadline in the organisation's time zone (``deadline_in_local_time``); the API sends UTC."""
    body = (await db.execute(select(Body).where(Body.slug == body_slug.strip()))).scalars().first()
    if body is None:
        raise Invalid(f"There is no body {body_slug!r}.", {"body": "Unknown body."})
    if not actor.is_site_admin and (await _roles(db, actor)).get(body.id) != "officer":
        raise Forbidden(f"Only officers of {body.name} and site admins open bulletin issues.")
    if not title.strip():
        raise Invalid("An issue needs a title.", {"title": "A title is needed."})
    editors = None
    if editors_slug.strip():
        editors = (await db.execute(select(Body).where(Body.slug == editors_slug.strip()))).scalars().first()
        if editors is None:
            raise Invalid(f"There is no body {editors_slug!r} to edit the bulletin.", {"editors": "Unknown body."})
    closes = parse_moment(deadline, "deadline")
    if deadline_in_local_time and datetime.fromisoformat(deadline.strip()).tzinfo is None:
        closes = closes.replace(tzinfo=ZoneInfo(await time_zone_for(db, body.id))).astimezone(timezone.utc)
    issue = BulletinIssue(body_id=body.id, title=title.strip(), deadline=closes,
                          editors_body_id=editors.id if editors else None, created_by_id=actor.id)
    db.add(issue)
    await db.commit()
    return await issue_by_id(db, issue.id)


async def submit(db: AsyncSession, actor: Member, issue_id: int, *, title: str, text: str,
                 grouping_id: int | None = None, names_body_id: int | None = None,
                 names_member_id: int | None = None, reply_to_id: int | None = None,
                 now: datetime | None = None) -> BulletinSubmission:
    """Any member submits before the deadline, as themselves or for a grouping they belong to."""
    now = now or _now()
    issue = await issue_by_id(db, issue_id)
    if issue.state != "open" or now > issue.deadline:
        closed = local_moment(issue.deadline, await time_zone_for(db, issue.body_id))
        raise Conflict(f"Submissions to {issue.title} closed on {closed}.")
    problems = {}
    if not title.strip():
        problems["title"] = "A title is needed."
    if not text.strip():
        problems["text"] = "The document has no text."
    elif len(text) > MAX_TEXT:
        problems["text"] = f"At most {MAX_TEXT} characters."
    if problems:
        raise Invalid("The document was not submitted: " + " ".join(problems.values()), problems)
    roles = await _roles(db, actor)
    if grouping_id is not None and grouping_id not in roles:
        raise Forbidden("You can submit only for a grouping you belong to.")
    if grouping_id is not None:
        await _check_live_grouping(db, grouping_id, now)
    if names_body_id is not None and await db.get(Body, names_body_id) is None:
        raise Invalid(f"There is no body number {names_body_id} to name; leave it empty or give the number of "
                      "the grouping the document criticises.", {"names_body_id": "Unknown body."})
    if names_member_id is not None and names_member_id not in dict(await nameable_officers(db, now.date())):
        raise Invalid(f"Member number {names_member_id} holds no office; a right of reply is given to a named "
                      "officer or grouping.", {"names_member_id": "Not an officer."})
    if reply_to_id is not None:
        original = await db.get(BulletinSubmission, reply_to_id)
        if original is None or original.state != "published":
            raise Invalid("A reply answers a document published in an earlier issue.")
        earlier = await db.get(BulletinIssue, original.issue_id)
        if earlier.id == issue.id or earlier.deadline >= issue.deadline:
            raise Invalid("A reply goes in a later issue than the document it answers.")
        named = original.names_member_id == actor.id or (original.names_body_id is not None
                                                         and original.names_body_id in roles)
        if not named:
            raise Forbidden("The right of reply belongs to the grouping or officer the document names.")
    submission = BulletinSubmission(issue_id=issue.id, title=title.strip(), text=text, author_id=actor.id,
                                    grouping_id=grouping_id, names_body_id=names_body_id,
                                    names_member_id=names_member_id, reply_to_id=reply_to_id, submitted_at=now)
    db.add(submission)
    await db.commit()
    return submission


async def _check_live_grouping(db: AsyncSession, grouping_id: int, now: datetime) -> None:
    """Only a faction, platform, caucus or fraction that has not dissolved submits in its own name."""
    body = await db.get(Body, grouping_id)
    if body.kind not in GROUPING_KINDS:
        raise Invalid(f"{body.name} is not a faction, platform, caucus or fraction, so it does not submit to the "
                      "bulletin in its own name; submit as yourself.", {"grouping_id": "Not a grouping."})
    proposal = await proposal_for_body(db, body.id)
    if proposal is not None:
        view = await describe(db, proposal, now)
        if view.dissolved:
            raise Conflict(f"{body.name} has dissolved, so it no longer submits in its own name; submit as "
                           f"yourself. {view.life.words}")


async def submission_by_id(db: AsyncSession, submission_id: int) -> BulletinSubmission:
    submission = await db.get(BulletinSubmission, submission_id)
    if submission is None:
        raise NotFound("There is no such submission.")
    return submission


async def refuse(db: AsyncSession, actor: Member, submission_id: int, reason: str) -> BulletinSubmission:
    """Editors refuse only with a written reason, which the docket publishes."""
    submission = await submission_by_id(db, submission_id)
    issue = await issue_by_id(db, submission.issue_id)
    if not await is_editor(db, actor, issue):
        raise Forbidden("Only the bulletin's editors can refuse a document.")
    if issue.state != "open" or submission.state != "submitted":
        raise Conflict("Only a submitted document of an unpublished issue can be refused.")
    if not reason.strip():
        raise Invalid("A document can be refused only with a written reason; it is published in the docket.",
                      {"reason": "Write the reason."})
    submission.state, submission.reason = "refused", reason.strip()
    submission.decided_by_id, submission.decided_at = actor.id, _now()
    await db.commit()
    return submission


async def withdraw(db: AsyncSession, actor: Member, submission_id: int) -> BulletinSubmission:
    submission = await submission_by_id(db, submission_id)
    if submission.author_id != actor.id:
        raise Forbidden("Only the author can withdraw a submission.")
    if submission.state != "submitted":
        raise Conflict("Only a submitted document can be withdrawn.")
    submission.state, submission.decided_at = "withdrawn", _now()
    await db.commit()
    return submission


async def appeal(db: AsyncSession, actor: Member, submission_id: int, grounds: str) -> BulletinAppeal:
    """The author appeals a refusal; the appeal goes in the docket."""
    submission = await submission_by_id(db, submission_id)
    if submission.author_id != actor.id:
        raise Forbidden("Only the author can appeal a refusal.")
    if submission.state != "refused":
        raise Conflict("Only a refused document can be appealed.")
    if not grounds.strip():
        raise Invalid("Say why the refusal should be overturned.", {"grounds": "Write the grounds."})
    row = BulletinAppeal(submission_id=submission.id, by_id=actor.id, grounds=grounds.strip())
    db.add(row)
    await db.commit()
    return row


async def decide_appeal(db: AsyncSession, actor: Member, appeal_id: int, *, upheld: bool, outcome: str) -> BulletinAppeal:
    """Site admins record the outcome (as the body hearing appeals decided); an upheld appeal
    puts the document back for publication while the issue is open."""
    if not actor.is_site_admin:
        raise Forbidden("Only site admins record the outcome of an appeal.")
    row = await db.get(BulletinAppeal, appeal_id)
    if row is None:
        raise NotFound("There is no such appeal.")
    if row.decided_at is not None:
        raise Conflict("This appeal has already been decided.")
    if not outcome.strip():
        raise Invalid("Record the outcome with its reason.", {"outcome": "Write the outcome."})
    row.outcome = ("Upheld: " if upheld else "Dismissed: ") + outcome.strip()
    row.decided_at = _now()
    submission = await submission_by_id(db, row.submission_id)
    issue = await db.get(BulletinIssue, submission.issue_id)
    if upheld and issue.state == "open":
        submission.state = "submitted"
    await db.commit()
    return row


async def publish(db: AsyncSession, actor: Member, issue_id: int, now: datetime | None = None) -> BulletinIssue:
    """Editors publish the issue after its deadline: every submission not refused or withdrawn."""
    now = now or _now()
    issue = await issue_by_id(db, issue_id)
    if not await is_editor(db, actor, issue):
        raise Forbidden("Only the bulletin's editors publish an issue.")
    if issue.state != "open":
        raise Conflict("This issue is already published.")
    if now < issue.deadline:
        until = local_moment(issue.deadline, await time_zone_for(db, issue.body_id))
        raise Conflict(f"{issue.title} takes submissions until {until}; it can be published only after that, "
                       "so that no one is shut out.")
    for submission in issue.submissions:
        if submission.state == "submitted":
            submission.state = "published"
    issue.state, issue.published_at = "published", now
    add_notices(db, (await db.execute(select(Member.id))).scalars().all(), "bulletin",
                f"Bulletin published: {issue.title}", f"/bulletin/{issue.id}")
    await db.commit()
    return await issue_by_id(db, issue.id)


async def replies_to(db: AsyncSession, submission_ids: list[int]) -> dict[int, list[BulletinSubmission]]:
    """Published replies to each document, so the original links to them."""
    if not submission_ids:
        return {}
    found = await db.execute(select(BulletinSubmission).where(BulletinSubmission.reply_to_id.in_(submission_ids),
                                                              BulletinSubmission.state == "published"))
    answers: dict[int, list[BulletinSubmission]] = {}
    for reply in found.scalars().all():
        answers.setdefault(reply.reply_to_id, []).append(reply)
    return answers


def _byline(submission: BulletinSubmission) -> str:
    return submission.author.name + (f" for {submission.grouping.name}" if submission.grouping else "")


def pdf_issue(issue: BulletinIssue, organisation: str, time_zone: str = DEFAULT_TIME_ZONE) -> PdfIssue:
    """What the issue's PDF shows (server/bulletin/pdf.py: contents, documents, docket), times
    in the organisation's zone and each refusal with the editor who made it."""
    documents = [BulletinDocument(s.title, (s.author.name,), s.submitted_at, s.text,
                                  s.grouping.name if s.grouping else None)
                 for s in issue.submissions if s.state == "published"]
    docket = []
    for s in issue.submissions:
        latest = s.appeals[-1] if s.appeals else None
        docket.append(DocketEntry(s.title, _byline(s), s.submitted_at,
                                  "published" if s.state in ("published", "submitted") else s.state,
                                  s.reason or None, latest.grounds if latest else None,
                                  (latest.outcome or "pending") if latest else None,
                                  s.decided_by.name if s.state == "refused" and s.decided_by else None,
                                  s.decided_at if s.state == "refused" else None))
    editors = issue.editors_body.name if issue.editors_body else f"the CAC of {issue.body.name}"
    published = (issue.published_at or _now()).astimezone(ZoneInfo(time_zone)).date()
    return PdfIssue(organisation, issue.title, published, documents, docket, time_zone=time_zone, editors=editors)


def issue_pdf(issue: BulletinIssue, organisation: str, time_zone: str = DEFAULT_TIME_ZONE) -> bytes:
    """The issue as one PDF, built now (blocking: prefer ``kept_issue_pdf`` in a request)."""
    return render_bulletin_pdf(pdf_issue(issue, organisation, time_zone))


async def kept_issue_pdf(db: AsyncSession, issue: BulletinIssue, data_dir: Path,
                         organisation: str | None = None) -> bytes:
    """The published issue's PDF, built once per version of the issue and kept in the data
    directory (server/bulletin/store.py); the build runs off the event loop."""
    if issue.state != "published":
        raise Conflict("The PDF is made when the issue is published.")
    spec = pdf_issue(issue, organisation or issue.body.name, await time_zone_for(db, issue.body_id))
    return await stored_pdf(data_dir, issue.id, spec)
