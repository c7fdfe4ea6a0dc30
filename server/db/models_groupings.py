"""Groupings (issue 7; docs/groupings.md): proposals for factions and platforms with their
signatures, requests for caucuses and fractions with the decision on them, each body's
grouping rules, and groupings' versioned documents with their weekly circulation.

A formed or approved grouping is a ``Body`` of its kind, so it governs itself with the
foundation's memberships and roles; the proposal keeps how it came to be.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, ForeignKey, Integer, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from server.db.models import Base, Body, Holding, Meeting, Member, Position, _one_of, utcnow  # noqa: F401
from server.db.types import UTCDateTime

GROUPING_KINDS = ("faction", "platform", "caucus", "fraction")
#: factions and platforms form by signatures; caucuses and fractions are requested and decided
PROPOSAL_STATES = ("collecting", "formed", "requested", "approved", "refused")
CIRCULATION_KINDS = ("document", "article")


class GroupingRules(Base):
    """A body's rules for the groupings within it: the signatures a faction or platform
    needs (DOMAIN: ten) and the calendar week its allowances are counted in."""

    __tablename__ = "grouping_rules"
    __table_args__ = (CheckConstraint("minimum_signatures >= 1", name="minimum_signatures"),)

    body_id: Mapped[int] = mapped_column(ForeignKey("bodies.id", ondelete="CASCADE"), primary_key=True)
    minimum_signatures: Mapped[int] = mapped_column(Integer, default=10)
    time_zone: Mapped[str] = mapped_column(String(64), default="Europe/London")
    first_weekday: Mapped[str] = mapped_column(String(10), default="monday")
    #: a recall motion in this body: supporters it needs (the starter included) and days of notice
    recall_supporters: Mapped[int] = mapped_column(Integer, default=2)
    recall_notice_days: Mapped[int] = mapped_column(Integer, default=7)


class GroupingProposal(Base):
    """A proposed faction or platform (formed by signatures), or a requested caucus or
    fraction (decided with a reason). Visible to every member of the organisation."""

    __tablename__ = "grouping_proposals"
    __table_args__ = (
        CheckConstraint(_one_of("kind", GROUPING_KINDS), name="kind"),
        CheckConstraint(_one_of("state", PROPOSAL_STATES), name="state"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    name: Mapped[str] = mapped_column(String(200))
    #: the declared purpose: the motion or programme (markdown)
    purpose: Mapped[str] = mapped_column(Text)
    #: the body it belongs to (the organisation's NMM, usually)
    parent_id: Mapped[int] = mapped_column(ForeignKey("bodies.id", ondelete="CASCADE"), index=True)
    #: a faction's deciding meeting: it dissolves when that meeting has voted
    meeting_id: Mapped[int | None] = mapped_column(ForeignKey("meetings.id", ondelete="SET NULL"), index=True)
    #: the signatures needed, fixed from the parent's rules when proposed
    minimum: Mapped[int] = mapped_column(Integer, default=10)
    state: Mapped[str] = mapped_column(String(20))
    proposed_by_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="RESTRICT"), index=True)
    proposed_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    #: the grouping's own body, once formed or approved
    body_id: Mapped[int | None] = mapped_column(ForeignKey("bodies.id", ondelete="SET NULL"), index=True)
    formed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("members.id", ondelete="SET NULL"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: the recorded reason for approving or refusing a caucus or fraction
    decision_reason: Mapped[str] = mapped_column(Text, default="")

    parent: Mapped[Body] = relationship(foreign_keys=[parent_id])
    body: Mapped["Body | None"] = relationship(foreign_keys=[body_id])
    meeting: Mapped["Meeting | None"] = relationship()
    proposed_by: Mapped[Member] = relationship(foreign_keys=[proposed_by_id])
    decided_by: Mapped["Member | None"] = relationship(foreign_keys=[decided_by_id])
    signatures: Mapped[list["GroupingSignature"]] = relationship(
        order_by="GroupingSignature.id", cascade="all, delete-orphan")


class GroupingSignature(Base):
    __tablename__ = "grouping_signatures"
    __table_args__ = (UniqueConstraint("proposal_id", "member_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("grouping_proposals.id", ondelete="CASCADE"), index=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"), index=True)
    signed_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    member: Mapped[Member] = relationship()


class GroupingDocument(Base):
    """A grouping's document: markdown kept in versions, never overwritten."""

    __tablename__ = "grouping_documents"

    id: Mapped[int] = mapped_column(primary_key=True)
    body_id: Mapped[int] = mapped_column(ForeignKey("bodies.id", ondelete="CASCADE"), index=True)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="RESTRICT"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    body: Mapped[Body] = relationship()
    created_by: Mapped[Member] = relationship()
    versions: Mapped[list["GroupingDocumentVersion"]] = relationship(
        order_by="GroupingDocumentVersion.number", cascade="all, delete-orphan")
    circulations: Mapped[list["Circulation"]] = relationship(order_by="Circulation.id")
    attachments: Mapped[list["DocumentAttachment"]] = relationship(
        order_by="DocumentAttachment.id", cascade="all, delete-orphan")


class GroupingDocumentVersion(Base):
    __tablename__ = "grouping_document_versions"
    __table_args__ = (UniqueConstraint("document_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("grouping_documents.id", ondelete="CASCADE"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(300))
    text: Mapped[str] = mapped_column(Text)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="RESTRICT"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    created_by: Mapped[Member] = relationship()


class Circulation(Base):
    """A use of a faction's weekly allowance: one version of a document circulated to all
    members, or published as an article (DOMAIN: once a week each)."""

    __tablename__ = "circulations"
    __table_args__ = (
        CheckConstraint(_one_of("kind", CIRCULATION_KINDS), name="kind"),
        #: one use of each allowance a week, held by the database even for simultaneous requests
        UniqueConstraint("body_id", "kind", "week"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    body_id: Mapped[int] = mapped_column(ForeignKey("bodies.id", ondelete="CASCADE"), index=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("grouping_documents.id", ondelete="CASCADE"), index=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("grouping_document_versions.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(20))
    by_id: Mapped[int | None] = mapped_column(ForeignKey("members.id", ondelete="SET NULL"))
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    #: the local date its week began (``WeekRule.week_of``); empty only on a second use of one
    #: week recorded before migration 0006 made the week unique
    week: Mapped[date | None] = mapped_column(Date)

    body: Mapped[Body] = relationship()
    version: Mapped[GroupingDocumentVersion] = relationship()


class DocumentAttachment(Base):
    """A file attached to a grouping document: a PDF, PNG or JPEG, its type read from its
    first bytes (never trusted from the upload), within the size limit."""

    __tablename__ = "document_attachments"

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("grouping_documents.id", ondelete="CASCADE"), index=True)
    filename: Mapped[str] = mapped_column(String(200))
    content_type: Mapped[str] = mapped_column(String(40))
    size: Mapped[int] = mapped_column(Integer)
    data: Mapped[bytes] = mapped_column(LargeBinary)
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("members.id", ondelete="SET NULL"))
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


# --- the internal bulletin ------------------------------------------------------------------

ISSUE_STATES = ("open", "published")
SUBMISSION_STATES = ("submitted", "published", "refused", "withdrawn")


class BulletinIssue(Base):
    """One issue of a body's internal bulletin (year-round, or before a meeting), taking
    submissions until its deadline; its editors are the body's CAC members and, where named,
    every member of a bulletin committee."""

    __tablename__ = "bulletin_issues"
    __table_args__ = (CheckConstraint(_one_of("state", ISSUE_STATES), name="state"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    body_id: Mapped[int] = mapped_column(ForeignKey("bodies.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    meeting_id: Mapped[int | None] = mapped_column(ForeignKey("meetings.id", ondelete="SET NULL"), index=True)
    deadline: Mapped[datetime] = mapped_column(UTCDateTime())
    editors_body_id: Mapped[int | None] = mapped_column(ForeignKey("bodies.id", ondelete="SET NULL"), index=True)
    state: Mapped[str] = mapped_column(String(20), default="open")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("members.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    body: Mapped[Body] = relationship(foreign_keys=[body_id])
    editors_body: Mapped["Body | None"] = relationship(foreign_keys=[editors_body_id])
    submissions: Mapped[list["BulletinSubmission"]] = relationship(
        order_by="(BulletinSubmission.submitted_at, BulletinSubmission.id)", foreign_keys="BulletinSubmission.issue_id")


class BulletinSubmission(Base):
    """A document submitted to an issue. Editors may refuse it only with a written reason,
    published in the docket; a document naming a grouping or officer may be answered in a
    later issue, the reply linked from it."""

    __tablename__ = "bulletin_submissions"
    __table_args__ = (CheckConstraint(_one_of("state", SUBMISSION_STATES), name="state"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    issue_id: Mapped[int] = mapped_column(ForeignKey("bulletin_issues.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(300))
    text: Mapped[str] = mapped_column(Text)
    author_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="RESTRICT"), index=True)
    #: submitted on behalf of a grouping the author belongs to
    grouping_id: Mapped[int | None] = mapped_column(ForeignKey("bodies.id", ondelete="SET NULL"), index=True)
    #: the grouping or officer the document criticises by name: they have a right of reply
    names_body_id: Mapped[int | None] = mapped_column(ForeignKey("bodies.id", ondelete="SET NULL"))
    names_member_id: Mapped[int | None] = mapped_column(ForeignKey("members.id", ondelete="SET NULL"))
    reply_to_id: Mapped[int | None] = mapped_column(ForeignKey("bulletin_submissions.id", ondelete="SET NULL"),
                                                    index=True)
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    state: Mapped[str] = mapped_column(String(20), default="submitted")
    reason: Mapped[str] = mapped_column(Text, default="")
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("members.id", ondelete="SET NULL"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    issue: Mapped[BulletinIssue] = relationship(foreign_keys=[issue_id], back_populates="submissions")
    author: Mapped[Member] = relationship(foreign_keys=[author_id])
    grouping: Mapped["Body | None"] = relationship(foreign_keys=[grouping_id])
    names_body: Mapped["Body | None"] = relationship(foreign_keys=[names_body_id])
    names_member: Mapped["Member | None"] = relationship(foreign_keys=[names_member_id])
    decided_by: Mapped["Member | None"] = relationship(foreign_keys=[decided_by_id])
    reply_to: Mapped["BulletinSubmission | None"] = relationship(remote_side=[id], foreign_keys=[reply_to_id])
    appeals: Mapped[list["BulletinAppeal"]] = relationship(order_by="BulletinAppeal.id")


class BulletinAppeal(Base):
    """An author's appeal against a refusal, and its outcome once decided: in the docket."""

    __tablename__ = "bulletin_appeals"

    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[int] = mapped_column(ForeignKey("bulletin_submissions.id", ondelete="CASCADE"), index=True)
    by_id: Mapped[int | None] = mapped_column(ForeignKey("members.id", ondelete="SET NULL"))
    grounds: Mapped[str] = mapped_column(Text)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    outcome: Mapped[str] = mapped_column(Text, default="")
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    by: Mapped["Member | None"] = relationship()


# --- petitions ------------------------------------------------------------------------------

class Petition(Base):
    """A petition under a constitutional threshold ("10% of the branches or 20% of the
    membership"), its base frozen when it opened, and when it was met."""

    __tablename__ = "petitions"

    id: Mapped[int] = mapped_column(primary_key=True)
    body_id: Mapped[int] = mapped_column(ForeignKey("bodies.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(300))
    text: Mapped[str] = mapped_column(Text)
    #: the constitution's words, read by server/groupings/formation.py
    rule: Mapped[str] = mapped_column(String(300))
    convene_within: Mapped[str] = mapped_column(String(40))
    #: the membership and branches as they stood when the petition opened
    base_members: Mapped[int] = mapped_column(Integer)
    base_branches: Mapped[int] = mapped_column(Integer)
    opened_by_id: Mapped[int | None] = mapped_column(ForeignKey("members.id", ondelete="SET NULL"))
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    met_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    body: Mapped[Body] = relationship()
    opened_by: Mapped["Member | None"] = relationship()
    signatures: Mapped[list["PetitionSignature"]] = relationship(order_by="PetitionSignature.id")
    branch_requests: Mapped[list["PetitionBranchRequest"]] = relationship(order_by="PetitionBranchRequest.id")


class PetitionSignature(Base):
    __tablename__ = "petition_signatures"
    __table_args__ = (UniqueConstraint("petition_id", "member_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    petition_id: Mapped[int] = mapped_column(ForeignKey("petitions.id", ondelete="CASCADE"), index=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    member: Mapped[Member] = relationship()


class PetitionBranchRequest(Base):
    """A branch's request, made by one of its officers on its behalf."""

    __tablename__ = "petition_branch_requests"
    __table_args__ = (UniqueConstraint("petition_id", "branch_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    petition_id: Mapped[int] = mapped_column(ForeignKey("petitions.id", ondelete="CASCADE"), index=True)
    branch_id: Mapped[int] = mapped_column(ForeignKey("bodies.id", ondelete="CASCADE"), index=True)
    by_id: Mapped[int | None] = mapped_column(ForeignKey("members.id", ondelete="SET NULL"))
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    branch: Mapped[Body] = relationship()


# --- notices and how members hear of them ----------------------------------------------------

NOTICE_KINDS = ("document", "bulletin", "petition", "ballot")
DELIVERIES = ("in_app", "digest", "email")


class Notice(Base):
    """Something a member should hear of: a circulated document, a bulletin issue, a petition,
    a ballot. Shown in the app; emailed at once or in the daily digest by their choice."""

    __tablename__ = "notices"
    __table_args__ = (CheckConstraint(_one_of("kind", NOTICE_KINDS), name="kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    title: Mapped[str] = mapped_column(String(400))
    link: Mapped[str] = mapped_column(String(300))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: sent by email (at once, or in a digest); None while pending or when in-app only
    mailed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class NotificationPreference(Base):
    """How a member hears of one kind of notice; no row means in the app only."""

    __tablename__ = "notification_preferences"
    __table_args__ = (CheckConstraint(_one_of("delivery", DELIVERIES), name="delivery"),)

    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"), primary_key=True)
    kind: Mapped[str] = mapped_column(String(20), primary_key=True)
    delivery: Mapped[str] = mapped_column(String(10), default="in_app")


# --- recall ---------------------------------------------------------------------------------

RECALL_STATES = ("collecting", "ballot", "carried", "lost")


class RecallMotion(Base):
    """A motion to recall a holder, started by a member of the body that elected them
    (DOMAIN: immediate recall by the electing body); with enough supporters it goes to a
    ballot after notice, and if carried the post is vacated and a by-election opened."""

    __tablename__ = "recall_motions"
    __table_args__ = (CheckConstraint(_one_of("state", RECALL_STATES), name="state"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    holding_id: Mapped[int] = mapped_column(ForeignKey("holdings.id", ondelete="CASCADE"), index=True)
    body_id: Mapped[int] = mapped_column(ForeignKey("bodies.id", ondelete="CASCADE"), index=True)
    reason: Mapped[str] = mapped_column(Text)
    supporters_needed: Mapped[int] = mapped_column(Integer)
    notice_days: Mapped[int] = mapped_column(Integer)
    state: Mapped[str] = mapped_column(String(20), default="collecting")
    started_by_id: Mapped[int | None] = mapped_column(ForeignKey("members.id", ondelete="SET NULL"))
    started_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    ballot_id: Mapped[int | None] = mapped_column(ForeignKey("ballots.id", ondelete="SET NULL"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: when carried: the post is vacant from this moment and a by-election is open
    by_election_opened_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    body: Mapped[Body] = relationship()
    started_by: Mapped["Member | None"] = relationship()
    supporters: Mapped[list["RecallSupporter"]] = relationship(order_by="RecallSupporter.id")
    by_election: Mapped["ByElection | None"] = relationship(viewonly=True, uselist=False)


class RecallSupporter(Base):
    __tablename__ = "recall_supporters"
    __table_args__ = (UniqueConstraint("recall_id", "member_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    recall_id: Mapped[int] = mapped_column(ForeignKey("recall_motions.id", ondelete="CASCADE"), index=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    member: Mapped[Member] = relationship()


# --- by-elections ---------------------------------------------------------------------------

BY_ELECTION_CAUSES = ("recall", "resignation")
#: nominations, then the election ballot, then filled (a holder recorded) or unfilled
BY_ELECTION_STATES = ("nominations", "ballot", "filled", "unfilled")
NOMINATION_STATES = ("awaiting", "accepted", "withdrawn")


class ByElection(Base):
    """A vacated post refilled by the body that elected its holder (DOMAIN: every position
    is filled by election in the relevant body): nominations until ``nominations_close_at``,
    then an office ballot of the accepted nominees, whose winner becomes the new holder."""

    __tablename__ = "by_elections"
    __table_args__ = (
        CheckConstraint(_one_of("cause", BY_ELECTION_CAUSES), name="cause"),
        CheckConstraint(_one_of("state", BY_ELECTION_STATES), name="state"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    position_id: Mapped[int] = mapped_column(ForeignKey("positions.id", ondelete="CASCADE"), index=True)
    #: the electing body: its members nominate, stand and vote
    body_id: Mapped[int] = mapped_column(ForeignKey("bodies.id", ondelete="CASCADE"), index=True)
    #: the holding whose end vacated the post
    vacated_holding_id: Mapped[int | None] = mapped_column(ForeignKey("holdings.id", ondelete="SET NULL"), index=True)
    cause: Mapped[str] = mapped_column(String(20))
    recall_id: Mapped[int | None] = mapped_column(ForeignKey("recall_motions.id", ondelete="SET NULL"), index=True)
    state: Mapped[str] = mapped_column(String(20), default="nominations")
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    nominations_close_at: Mapped[datetime] = mapped_column(UTCDateTime())
    ballot_id: Mapped[int | None] = mapped_column(ForeignKey("ballots.id", ondelete="SET NULL"))
    #: the holding the election's winner was given
    holding_id: Mapped[int | None] = mapped_column(ForeignKey("holdings.id", ondelete="SET NULL"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    body: Mapped[Body] = relationship()
    position: Mapped["Position"] = relationship()
    vacated_holding: Mapped["Holding | None"] = relationship(foreign_keys=[vacated_holding_id])
    holding: Mapped["Holding | None"] = relationship(foreign_keys=[holding_id])
    nominations: Mapped[list["Nomination"]] = relationship(order_by="Nomination.id", back_populates="by_election")


class Nomination(Base):
    """A member nominated in a by-election. Self-nominations stand at once; a nomination of
    someone else stands once they accept. Withdrawn by the nominee or nominator while open."""

    __tablename__ = "by_election_nominations"
    __table_args__ = (
        UniqueConstraint("by_election_id", "nominee_id"),
        CheckConstraint(_one_of("state", NOMINATION_STATES), name="state"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    by_election_id: Mapped[int] = mapped_column(ForeignKey("by_elections.id", ondelete="CASCADE"), index=True)
    nominee_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"), index=True)
    nominated_by_id: Mapped[int | None] = mapped_column(ForeignKey("members.id", ondelete="SET NULL"))
    nominated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    state: Mapped[str] = mapped_column(String(20), default="awaiting")
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: the name on the ballot paper (the member's name, told apart from a namesake's)
    ballot_name: Mapped[str] = mapped_column(String(240), default="")

    by_election: Mapped[ByElection] = relationship(back_populates="nominations")
    nominee: Mapped[Member] = relationship(foreign_keys=[nominee_id])
    nominated_by: Mapped["Member | None"] = relationship(foreign_keys=[nominated_by_id])
