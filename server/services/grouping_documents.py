"""A grouping's documents: markdown in versions (sanitised when shown, diffed between
versions), and a faction's or platform's weekly circulation of one document to all members
and one article, enforced by ``server/groupings/allowance.py`` with its exact message and
held by the database's unique week of each circulation (simultaneous requests included).

Who reads what (docs/groupings.md): the grouping's members read every version and
attachment; everyone else, site admins included, reads a document only once it has been
circulated, and then only the circulated versions and the attachments it had when last
circulated, so the grouping's later drafts stay its own.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timezone

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload
from sqlalchemy.orm.attributes import set_committed_value

from server.db.models import Body, Member, Membership
from server.db.models_groupings import (
    CIRCULATION_KINDS,
    Circulation,
    DocumentAttachment,
    GroupingDocument,
    GroupingDocumentVersion,
)
from server.groupings.attachments import AttachmentRefused, check_attachment
from server.groupings.allowance import UsageRow, Use, WeekRule, check_allowance, usage_table
from server.services.errors import Conflict, Forbidden, Invalid, NotFound
from server.services.notices import add_notices, deliver_now
from server.services.groupings import describe, proposal_for_body, rules_for, week_rule

GROUPING_BODY_KINDS = ("faction", "platform", "caucus", "fraction")
#: DOMAIN gives factions (and platforms, their open-ended form) the weekly circulation
CIRCULATING_KINDS = ("faction", "platform")
MAX_TITLE = 300
MAX_TEXT = 200_000


def _now() -> datetime:
    return datetime.now(timezone.utc)


async def _role(db: AsyncSession, member: Member, body_id: int) -> str | None:
    found = await db.execute(select(Membership.role).where(Membership.member_id == member.id,
                                                           Membership.body_id == body_id))
    return found.scalars().first()


async def grouping_body(db: AsyncSession, slug: str | None = None, body_id: int | None = None) -> Body:
    query = select(Body).where(Body.slug == slug) if slug is not None else select(Body).where(Body.id == body_id)
    body = (await db.execute(query)).scalars().first()
    if body is None or body.kind not in GROUPING_BODY_KINDS:
        raise NotFound("There is no such grouping.")
    return body


def _check_text(title: str, text: str) -> tuple[str, str]:
    title, problems = title.strip(), {}
    if not title:
        problems["title"] = "A title is needed."
    elif len(title) > MAX_TITLE:
        problems["title"] = f"At most {MAX_TITLE} characters."
    if not text.strip():
        problems["text"] = "The document has no text."
    elif len(text) > MAX_TEXT:
        problems["text"] = f"At most {MAX_TEXT} characters."
    if problems:
        raise Invalid("The document was not saved: " + " ".join(problems.values()), problems)
    return title, text


def _as_circulated(document: GroupingDocument) -> GroupingDocument:
    """Narrow a loaded document to what members outside its grouping read: the circulated
    versions, and the attachments it had when it was last circulated.

    ``set_committed_value`` replaces the loaded lists without recording a change, so nothing
    is deleted when the session flushes; the next load of the document reads them in full.
    """
    circulated = {c.version_id for c in document.circulations}
    set_committed_value(document, "versions", [v for v in document.versions if v.id in circulated])
    if "attachments" in document.__dict__:
        last = max(c.at for c in document.circulations)
        set_committed_value(document, "attachments", [a for a in document.attachments if a.uploaded_at <= last])
    return document


async def documents_of(db: AsyncSession, body: Body, viewer: Member) -> list[GroupingDocument]:
    """The grouping's documents, newest first: all of them for its members; for everyone
    else the circulated ones, as circulated."""
    found = await db.execute(select(GroupingDocument).options(
        selectinload(GroupingDocument.versions), selectinload(GroupingDocument.circulations))
        .where(GroupingDocument.body_id == body.id).order_by(GroupingDocument.id.desc())
        .execution_options(populate_existing=True))
    listed = list(found.scalars().all())
    if await _role(db, viewer, body.id) is not None:
        return listed
    return [_as_circulated(d) for d in listed if d.circulations]


async def create_document(db: AsyncSession, actor: Member, body: Body, *, title: str, text: str) -> GroupingDocument:
    """Any member of the grouping may write its documents (it governs itself)."""
    if await _role(db, actor, body.id) is None:
        raise Forbidden(f"Only members of {body.name} can write its documents.")
    title, text = _check_text(title, text)
    document = GroupingDocument(body_id=body.id, created_by_id=actor.id)
    db.add(document)
    await db.flush()
    db.add(GroupingDocumentVersion(document_id=document.id, number=1, title=title, text=text, created_by_id=actor.id))
    await db.commit()
    return await document_by_id(db, actor, document.id)


async def document_by_id(db: AsyncSession, viewer: Member, document_id: int) -> GroupingDocument:
    """A document is read in full by its grouping's members; once circulated, everyone else
    reads what was circulated (``_as_circulated``). Before that it is 404 to everyone else,
    site admins included: the grouping's drafts are its own (docs/groupings.md)."""
    found = await db.execute(select(GroupingDocument).options(
        selectinload(GroupingDocument.versions).selectinload(GroupingDocumentVersion.created_by),
        selectinload(GroupingDocument.circulations), selectinload(GroupingDocument.body),
        selectinload(GroupingDocument.attachments))
        .where(GroupingDocument.id == document_id).execution_options(populate_existing=True))
    document = found.scalars().first()
    if document is None:
        raise NotFound("There is no such document.")
    if await _role(db, viewer, document.body_id) is not None:
        return document
    if not document.circulations:
        raise NotFound("There is no such document.")
    return _as_circulated(document)


async def save_version(db: AsyncSession, actor: Member, document_id: int, *, title: str, text: str,
                       base_number: int | None = None) -> GroupingDocument:
    """A new version; the old ones stay. ``base_number`` guards against overwriting an edit."""
    document = await document_by_id(db, actor, document_id)
    if await _role(db, actor, document.body_id) is None:
        raise Forbidden(f"Only members of {document.body.name} can edit its documents.")
    latest = document.versions[-1]
    if base_number is not None and base_number != latest.number:
        raise Conflict(f"Version {latest.number} was saved since you started editing; reload and edit it again.")
    title, text = _check_text(title, text)
    db.add(GroupingDocumentVersion(document_id=document.id, number=latest.number + 1, title=title, text=text,
                                   created_by_id=actor.id))
    await db.commit()
    return await document_by_id(db, actor, document.id)


async def _uses(db: AsyncSession) -> tuple[list[Use], list[Body]]:
    circulations = (await db.execute(select(Circulation))).scalars().all()
    uses = [Use(str(c.body_id), c.kind, c.at) for c in circulations]
    bodies = (await db.execute(select(Body).where(Body.kind.in_(CIRCULATING_KINDS)).order_by(Body.name))).scalars().all()
    return uses, list(bodies)


async def circulate(db: AsyncSession, actor: Member, document_id: int, kind: str,
                    now: datetime | None = None) -> Circulation:
    """Circulate the latest version to all members (``document``) or publish it as the
    week's article (``article``): the grouping's officers decide, once a week each."""
    now = now or _now()
    if kind not in CIRCULATION_KINDS:
        raise Invalid("Circulate it as the week's document or publish it as the week's article.")
    document = await document_by_id(db, actor, document_id)
    body = document.body
    if body.kind not in CIRCULATING_KINDS:
        raise Forbidden("Only factions and platforms circulate documents to all members.")
    if await _role(db, actor, body.id) != "officer":
        raise Forbidden(f"Only officers of {body.name} circulate its documents.")
    proposal = await proposal_for_body(db, body.id)
    if proposal is not None:
        view = await describe(db, proposal, now)
        if view.dissolved:
            raise Conflict(f"{body.name} has dissolved: {view.life.words}")
    rules = await rules_for(db, body.parent_id) if body.parent_id else None
    rule = week_rule(rules) if rules else week_rule(await rules_for(db, body.id))
    body_id, grouping, name, title = body.id, body.kind, body.name, document.versions[-1].title
    uses, _ = await _uses(db)
    decision = check_allowance(uses, str(body_id), kind, now, rule, grouping)
    if not decision.allowed:
        raise Conflict(decision.message)
    circulation = Circulation(body_id=body_id, document_id=document.id, version_id=document.versions[-1].id,
                              kind=kind, by_id=actor.id, at=now, week=decision.week)
    db.add(circulation)
    try:
        await db.flush()
    except IntegrityError:
        # another request used this week's allowance between our check and our insert: the
        # unique (body, kind, week) refused ours, so refuse with the sentence that one earns
        await db.rollback()
        uses, _ = await _uses(db)
        again = check_allowance(uses, str(body_id), kind, now, rule, grouping)
        raise Conflict(again.message if not again.allowed
                       else f"Another {kind} of {name} was recorded at the same moment; try again.") from None
    everyone = (await db.execute(select(Member.id))).scalars().all()
    words = "circulated" if kind == "document" else "published an article"
    add_notices(db, everyone, "document", f"{name} {words}: {title}", f"/documents/{document.id}")
    await db.commit()
    await deliver_now(db)  # members who chose each by email hear of it at once (page and API alike)
    return circulation


async def allowance_usage(db: AsyncSession, now: datetime | None = None) -> list[tuple[Body, UsageRow]]:
    """Every faction's and platform's use of its allowances this week (shown to all)."""
    now = now or _now()
    uses, bodies = await _uses(db)
    if not bodies:
        return []
    parent = bodies[0].parent_id
    rule = week_rule(await rules_for(db, parent)) if parent else week_rule(await rules_for(db, bodies[0].id))
    rows = usage_table(uses, [str(b.id) for b in bodies], now, rule)
    return list(zip(bodies, rows))


async def circulated(db: AsyncSession) -> list[Circulation]:
    """Everything circulated or published, newest first: every member reads these."""
    found = await db.execute(select(Circulation).options(selectinload(Circulation.body),
                                                         selectinload(Circulation.version))
                             .order_by(Circulation.at.desc(), Circulation.id.desc()))
    return list(found.scalars().all())


@dataclass(frozen=True)
class QueuedArticle:
    """One article in the organisation's publication queue: its place in submission order,
    the week whose allowance it used, and the circulation that records it."""

    position: int
    week: date
    #: when it was submitted, in the organisation's time zone
    submitted_at: datetime
    article: Circulation


async def publication_queue(db: AsyncSession) -> list[QueuedArticle]:
    """Every faction's and platform's weekly article, in the order submitted (issue 7: "one
    article a week in the organisation's publication queue"); every member reads these.

    Read only: the queue is the article circulations themselves, so nothing can be queued
    without the allowance's check. A row stored without its week (before migration 0006) is
    placed by its time under its organisation's week rule."""
    found = await db.execute(select(Circulation).options(selectinload(Circulation.body),
                                                         selectinload(Circulation.version))
                             .where(Circulation.kind == "article")
                             .order_by(Circulation.at, Circulation.id))
    articles = list(found.scalars().all())
    rules: dict[int, WeekRule] = {}
    queue = []
    for position, article in enumerate(articles, start=1):
        owner = article.body.parent_id or article.body_id  # whose rule set the week, as in circulate
        if owner not in rules:
            rules[owner] = week_rule(await rules_for(db, owner))
        rule = rules[owner]
        queue.append(QueuedArticle(position, article.week or rule.week_of(article.at),
                                   article.at.astimezone(rule.zone), article))
    return queue


async def attach(db: AsyncSession, actor: Member, document_id: int, filename: str, data: bytes) -> DocumentAttachment:
    """Attach a PDF, PNG or JPEG (``server/groupings/attachments.py`` decides) to a document."""
    document = await document_by_id(db, actor, document_id)
    if await _role(db, actor, document.body_id) is None:
        raise Forbidden(f"Only members of {document.body.name} can attach files to its documents.")
    try:
        accepted = check_attachment(filename, data)
    except AttachmentRefused as refused:
        raise Invalid(str(refused), {"file": str(refused)}) from None
    attachment = DocumentAttachment(document_id=document.id, filename=accepted.filename,
                                    content_type=accepted.content_type, size=accepted.size, data=data,
                                    uploaded_by_id=actor.id)
    db.add(attachment)
    await db.commit()
    return attachment


async def attachment_by_id(db: AsyncSession, viewer: Member, attachment_id: int) -> DocumentAttachment:
    """An attachment is read by whoever may read its document."""
    attachment = await db.get(DocumentAttachment, attachment_id)
    if attachment is None:
        raise NotFound("There is no such attachment.")
    document = await document_by_id(db, viewer, attachment.document_id)
    if attachment not in document.attachments:  # added after the document was last circulated
        raise NotFound("There is no such attachment.")
    return attachment
