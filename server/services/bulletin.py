"""The internal bulletin (issue 7; docs/groupings.md): issues with a submission deadline,
documents in submission order, refusals only with a written reason published in the docket,
appeals recorded there too, the published issue as a page and as one PDF with contents, and
the right of reply of a grouping or officer named in a document.
"""

from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from server.bulletin.pdf import BulletinDocument, BulletinIssue as PdfIssue, DocketEntry, render_bulletin_pdf
from server.db.models import Body, Member, Membership
from server.db.models_groupings import BulletinAppeal, BulletinIssue, BulletinSubmission
from server.services.errors import Conflict, Forbidden, Invalid, NotFound
from server.services.meetings import parse_moment
from server.services.notices import add_notices

MAX_TEXT = 200_000


def _now() -> datetime:
    return datetime.now(timezone.utc)


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
                       editors_slug: str = "") -> BulletinIssue:
    """Site admins and the body's officers open an issue for submissions."""
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
    issue = BulletinIssue(body_id=body.id, title=title.strip(), deadline=parse_moment(deadline, "deadline"),
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
        raise Conflict(f"Submissions to {issue.title} closed on {issue.deadline:%d %B %Y %H:%M} UTC.")
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


def issue_pdf(issue: BulletinIssue, organisation: str) -> bytes:
    """The published issue as one PDF (server/bulletin/pdf.py: contents, documents, docket)."""
    documents = [BulletinDocument(s.title, (s.author.name,), s.submitted_at, s.text,
                                  s.grouping.name if s.grouping else None)
                 for s in issue.submissions if s.state == "published"]
    docket = []
    for s in issue.submissions:
        latest = s.appeals[-1] if s.appeals else None
        docket.append(DocketEntry(s.title, _byline(s), s.submitted_at,
                                  "published" if s.state in ("published", "submitted") else s.state,
                                  s.reason or None, latest.grounds if latest else None,
                                  (latest.outcome or "pending") if latest else None))
    editors = issue.editors_body.name if issue.editors_body else f"the CAC of {issue.body.name}"
    published = (issue.published_at or _now()).date()
    return render_bulletin_pdf(PdfIssue(organisation, issue.title, published, documents, docket, editors=editors))
