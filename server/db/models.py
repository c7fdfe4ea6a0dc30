"""The organisation as stored: members, bodies, memberships, positions and holdings,
plus the sign-in sessions and failures that identity needs.

Kinds and roles are short strings checked by named constraints rather than native
enums, so SQLite and PostgreSQL hold the same schema and new kinds need no type change.
"""

from __future__ import annotations

from datetime import date, datetime, timezone

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from server.db.types import UTCDateTime

BODY_KINDS = (
    "national_members_meeting",
    "steering_committee",
    "branch",
    "caucus",
    "fraction",
    "faction",
    "platform",
    "complaints_group",
)
ROLES = ("member", "officer", "cac_member", "teller")
FILLED_BY = ("individually", "group")

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


def _one_of(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class Member(Base):
    __tablename__ = "members"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str] = mapped_column(String(320))
    #: the email lower-cased: unique, so addresses differing only in case are one member
    email_key: Mapped[str] = mapped_column(String(320), unique=True)
    password_hash: Mapped[str] = mapped_column(String(200))
    is_site_admin: Mapped[bool] = mapped_column(Boolean, default=False)
    #: bumped on password change: every session token carrying an older number is refused
    session_version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    identities: Mapped[list["MemberIdentity"]] = relationship(
        back_populates="member", cascade="all, delete-orphan", order_by="MemberIdentity.tag"
    )
    memberships: Mapped[list["Membership"]] = relationship(
        back_populates="member", cascade="all, delete-orphan"
    )


class MemberIdentity(Base):
    """A self-identification ("woman", a liberation caucus): seen only by the member,
    site admins and the counts that apply quotas."""

    __tablename__ = "member_identities"
    __table_args__ = (UniqueConstraint("member_id", "tag"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"), index=True)
    tag: Mapped[str] = mapped_column(String(80))

    member: Mapped[Member] = relationship(back_populates="identities")


class Body(Base):
    __tablename__ = "bodies"
    __table_args__ = (CheckConstraint(_one_of("kind", BODY_KINDS), name="kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(40))
    description: Mapped[str] = mapped_column(Text, default="")
    #: the body this one belongs to or is affiliated with (a branch to the NMM, ...)
    parent_id: Mapped[int | None] = mapped_column(
        ForeignKey("bodies.id", ondelete="SET NULL"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    parent: Mapped["Body | None"] = relationship(remote_side=[id])
    memberships: Mapped[list["Membership"]] = relationship(
        back_populates="body", cascade="all, delete-orphan"
    )
    positions: Mapped[list["Position"]] = relationship(
        back_populates="body",
        cascade="all, delete-orphan",
        foreign_keys="Position.body_id",
        order_by="Position.id",
    )


class Membership(Base):
    __tablename__ = "memberships"
    __table_args__ = (
        UniqueConstraint("member_id", "body_id"),
        CheckConstraint(_one_of("role", ROLES), name="role"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"), index=True)
    body_id: Mapped[int] = mapped_column(ForeignKey("bodies.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(20), default="member")
    joined_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    member: Mapped[Member] = relationship(back_populates="memberships")
    body: Mapped[Body] = relationship(back_populates="memberships")


class Position(Base):
    """An office on a body, filled by election in ``elected_by`` (DOMAIN: every
    position is filled by election in the relevant body)."""

    __tablename__ = "positions"
    __table_args__ = (
        CheckConstraint(_one_of("filled_by", FILLED_BY), name="filled_by"),
        CheckConstraint("seats >= 1", name="seats"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    body_id: Mapped[int] = mapped_column(ForeignKey("bodies.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    filled_by: Mapped[str] = mapped_column(String(20))
    seats: Mapped[int] = mapped_column(Integer, default=1)
    term_months: Mapped[int | None] = mapped_column(Integer)
    elected_by_id: Mapped[int] = mapped_column(
        ForeignKey("bodies.id", ondelete="CASCADE"), index=True
    )

    body: Mapped[Body] = relationship(back_populates="positions", foreign_keys=[body_id])
    elected_by: Mapped[Body] = relationship(foreign_keys=[elected_by_id])
    holdings: Mapped[list["Holding"]] = relationship(
        back_populates="position", cascade="all, delete-orphan", order_by="Holding.id"
    )


class Holding(Base):
    """A member holding a position from one date to another, and the body that elected
    them: that body, and only it, may recall them."""

    __tablename__ = "holdings"

    id: Mapped[int] = mapped_column(primary_key=True)
    position_id: Mapped[int] = mapped_column(
        ForeignKey("positions.id", ondelete="CASCADE"), index=True
    )
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"), index=True)
    elected_by_id: Mapped[int] = mapped_column(
        ForeignKey("bodies.id", ondelete="CASCADE"), index=True
    )
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date | None] = mapped_column(Date)

    position: Mapped[Position] = relationship(back_populates="holdings")
    member: Mapped[Member] = relationship()
    elected_by: Mapped[Body] = relationship()


class SignInSession(Base):
    """One signed-in browser. The JWT names it; signing out marks it revoked."""

    __tablename__ = "sign_in_sessions"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class SignInFailure(Base):
    """A failed sign-in, kept in the database so every worker sees the same count."""

    __tablename__ = "sign_in_failures"
    __table_args__ = (
        Index("ix_sign_in_failures_account_at", "account_key", "failed_at"),
        Index("ix_sign_in_failures_address_at", "address", "failed_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    account_key: Mapped[str] = mapped_column(String(320))
    address: Mapped[str] = mapped_column(String(64))
    failed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


# --- Motions, amendments and their threads (issue 5; docs/motions.md) -------------------

MOTION_STATES = (
    "draft", "submitted", "admitted", "ruled_out_of_order", "composited", "scheduled",
    "carried", "fell", "remitted", "withdrawn",
)
MOTION_KINDS = ("motion", "composite")
AUTHOR_ROLES = ("mover", "co_author")
AMENDMENT_STATES = (
    "submitted", "admitted", "ruled_out_of_order", "carried", "fell", "not_applicable", "withdrawn",
)
AMENDMENT_OPERATIONS = ("delete", "insert_after", "replace", "add_clause")


class Meeting(Base):
    """A meeting of a body that takes motions: its deadlines, the committee that
    arranges its business (CAC) and how many supporters a motion needs."""

    __tablename__ = "meetings"
    __table_args__ = (CheckConstraint("supporters_needed >= 0", name="supporters_needed"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    body_id: Mapped[int] = mapped_column(ForeignKey("bodies.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    held_on: Mapped[date] = mapped_column(Date)
    motions_deadline: Mapped[datetime] = mapped_column(UTCDateTime())
    amendments_deadline: Mapped[datetime] = mapped_column(UTCDateTime())
    #: a designated committee whose every member is on the CAC, besides the body's cac_members
    cac_body_id: Mapped[int | None] = mapped_column(ForeignKey("bodies.id", ondelete="SET NULL"), index=True)
    #: the body's standing orders: co-signatures a motion needs besides its movers
    supporters_needed: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    body: Mapped[Body] = relationship(foreign_keys=[body_id])
    cac_body: Mapped["Body | None"] = relationship(foreign_keys=[cac_body_id])


class Motion(Base):
    """A motion (or a CAC composite of several) to a meeting. Its text lives in versions;
    it is never deleted once submitted (there is no delete path at all)."""

    __tablename__ = "motions"
    __table_args__ = (
        CheckConstraint(_one_of("state", MOTION_STATES), name="state"),
        CheckConstraint(_one_of("kind", MOTION_KINDS), name="kind"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(20), default="motion")
    state: Mapped[str] = mapped_column(String(30), default="draft")
    #: the latest version's number; a save must name it (optimistic concurrency)
    version_number: Mapped[int] = mapped_column(Integer, default=1)
    #: moved on behalf of a faction, branch, caucus...: supporters come from that body
    on_behalf_of_id: Mapped[int | None] = mapped_column(ForeignKey("bodies.id", ondelete="SET NULL"), index=True)
    #: for a branch motion, the branch's recorded vote ("carried 14-3 on 2 Nov")
    branch_vote: Mapped[str] = mapped_column(Text, default="")
    is_emergency: Mapped[bool] = mapped_column(Boolean, default=False)
    emergency_accepted: Mapped[bool] = mapped_column(Boolean, default=False)
    #: reason given by the CAC when ruling the motion out of order (visible to all)
    ruling_reason: Mapped[str] = mapped_column(Text, default="")
    created_by_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="RESTRICT"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    meeting: Mapped[Meeting] = relationship()
    on_behalf_of: Mapped["Body | None"] = relationship()
    created_by: Mapped[Member] = relationship()
    versions: Mapped[list["MotionVersion"]] = relationship(
        back_populates="motion", order_by="MotionVersion.number")
    authors: Mapped[list["MotionAuthor"]] = relationship(back_populates="motion", order_by="MotionAuthor.id")
    supporters: Mapped[list["MotionSupporter"]] = relationship(order_by="MotionSupporter.id")


class MotionVersion(Base):
    """One saved text of a motion. ``text`` is what is voted on (markdown);
    ``argument`` is the supporting argument, which is not."""

    __tablename__ = "motion_versions"
    __table_args__ = (UniqueConstraint("motion_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    motion_id: Mapped[int] = mapped_column(ForeignKey("motions.id", ondelete="CASCADE"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(300))
    text: Mapped[str] = mapped_column(Text)
    argument: Mapped[str] = mapped_column(Text, default="")
    #: why this version exists beyond an edit, e.g. "As amended by amendment 2"
    note: Mapped[str] = mapped_column(String(300), default="")
    created_by_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="RESTRICT"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    motion: Mapped[Motion] = relationship(back_populates="versions")
    created_by: Mapped[Member] = relationship()


class MotionAuthor(Base):
    """A mover or an invited co-author; a co-author is an author once they accept."""

    __tablename__ = "motion_authors"
    __table_args__ = (
        UniqueConstraint("motion_id", "member_id"),
        CheckConstraint(_one_of("role", AUTHOR_ROLES), name="role"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    motion_id: Mapped[int] = mapped_column(ForeignKey("motions.id", ondelete="CASCADE"), index=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(20), default="co_author")
    invited_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    motion: Mapped[Motion] = relationship(back_populates="authors")
    member: Mapped[Member] = relationship()


class MotionSupporter(Base):
    __tablename__ = "motion_supporters"
    __table_args__ = (UniqueConstraint("motion_id", "member_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    motion_id: Mapped[int] = mapped_column(ForeignKey("motions.id", ondelete="CASCADE"), index=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    member: Mapped[Member] = relationship()


class CompositeSource(Base):
    """A motion merged into a composite, and the recorded agreement of its movers."""

    __tablename__ = "composite_sources"
    __table_args__ = (UniqueConstraint("composite_id", "source_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    composite_id: Mapped[int] = mapped_column(ForeignKey("motions.id", ondelete="CASCADE"), index=True)
    source_id: Mapped[int] = mapped_column(ForeignKey("motions.id", ondelete="CASCADE"), index=True)
    agreed_by_id: Mapped[int | None] = mapped_column(ForeignKey("members.id", ondelete="SET NULL"))
    agreed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    composite: Mapped[Motion] = relationship(foreign_keys=[composite_id])
    source: Mapped[Motion] = relationship(foreign_keys=[source_id])
    agreed_by: Mapped["Member | None"] = relationship()


class Amendment(Base):
    """A change to a motion stated as a text operation on the version it targets."""

    __tablename__ = "amendments"
    __table_args__ = (
        UniqueConstraint("motion_id", "number"),
        CheckConstraint(_one_of("state", AMENDMENT_STATES), name="state"),
        CheckConstraint(_one_of("operation", AMENDMENT_OPERATIONS), name="operation"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    motion_id: Mapped[int] = mapped_column(ForeignKey("motions.id", ondelete="CASCADE"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    target_version_id: Mapped[int] = mapped_column(ForeignKey("motion_versions.id", ondelete="RESTRICT"), index=True)
    operation: Mapped[str] = mapped_column(String(20))
    #: the words acted on (empty for add_clause), and which occurrence of them (1 = first)
    passage: Mapped[str] = mapped_column(Text, default="")
    occurrence: Mapped[int] = mapped_column(Integer, default=1)
    #: add_clause: the numbered clause the new one follows (None: at the end of the motion)
    after_clause: Mapped[int | None] = mapped_column(Integer)
    #: the words inserted, put in place, or the new clause
    replacement: Mapped[str] = mapped_column(Text, default="")
    argument: Mapped[str] = mapped_column(Text, default="")
    state: Mapped[str] = mapped_column(String(30), default="submitted")
    #: the CAC's voting order (lower first); None until ordered
    position: Mapped[int | None] = mapped_column(Integer)
    #: ruled out of order, or no longer applicable: the reason everyone sees
    reason: Mapped[str] = mapped_column(Text, default="")
    created_by_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="RESTRICT"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    motion: Mapped[Motion] = relationship()
    target_version: Mapped[MotionVersion] = relationship()
    created_by: Mapped[Member] = relationship()
    supporters: Mapped[list["AmendmentSupporter"]] = relationship(order_by="AmendmentSupporter.id")


class AmendmentSupporter(Base):
    __tablename__ = "amendment_supporters"
    __table_args__ = (UniqueConstraint("amendment_id", "member_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    amendment_id: Mapped[int] = mapped_column(ForeignKey("amendments.id", ondelete="CASCADE"), index=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    member: Mapped[Member] = relationship()


class MotionEvent(Base):
    """The append-only audit trail of a motion and its amendments: every change of
    state, with who, when and why. Rows are only ever inserted."""

    __tablename__ = "motion_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    motion_id: Mapped[int] = mapped_column(ForeignKey("motions.id", ondelete="CASCADE"), index=True)
    amendment_id: Mapped[int | None] = mapped_column(ForeignKey("amendments.id", ondelete="CASCADE"), index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("members.id", ondelete="SET NULL"))
    action: Mapped[str] = mapped_column(String(40))
    from_state: Mapped[str] = mapped_column(String(30), default="")
    to_state: Mapped[str] = mapped_column(String(30), default="")
    reason: Mapped[str] = mapped_column(Text, default="")
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    actor: Mapped["Member | None"] = relationship()


class Post(Base):
    """A post in the thread of a motion or of one of its amendments. A reply names its
    parent (one level only). Edits keep the old text in PostRevision; moderation hides
    a post with a reason shown in its place; nothing is deleted."""

    __tablename__ = "posts"
    __table_args__ = (Index("ix_posts_motion_amendment", "motion_id", "amendment_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    motion_id: Mapped[int] = mapped_column(ForeignKey("motions.id", ondelete="CASCADE"))
    amendment_id: Mapped[int | None] = mapped_column(ForeignKey("amendments.id", ondelete="CASCADE"))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("posts.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="RESTRICT"), index=True)
    body: Mapped[str] = mapped_column(Text)
    #: ``body`` rendered and sanitised once when written, so a long thread costs no markdown work
    body_html: Mapped[str] = mapped_column(Text, default="")
    #: a passage of the motion the post quotes (selected on the page)
    quote: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    edited_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    hidden_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    hidden_by_id: Mapped[int | None] = mapped_column(ForeignKey("members.id", ondelete="SET NULL"))
    hidden_reason: Mapped[str] = mapped_column(Text, default="")

    author: Mapped[Member] = relationship(foreign_keys=[author_id])
    hidden_by: Mapped["Member | None"] = relationship(foreign_keys=[hidden_by_id])
    revisions: Mapped[list["PostRevision"]] = relationship(order_by="PostRevision.id")


class PostRevision(Base):
    """The text a post had before an edit."""

    __tablename__ = "post_revisions"

    id: Mapped[int] = mapped_column(primary_key=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("posts.id", ondelete="CASCADE"), index=True)
    body: Mapped[str] = mapped_column(Text)
    quote: Mapped[str] = mapped_column(Text, default="")
    written_at: Mapped[datetime] = mapped_column(UTCDateTime())
    replaced_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class Follow(Base):
    """A member following a motion: replies and changes of state notify them."""

    __tablename__ = "follows"
    __table_args__ = (UniqueConstraint("member_id", "motion_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"), index=True)
    motion_id: Mapped[int] = mapped_column(ForeignKey("motions.id", ondelete="CASCADE"), index=True)


class Notification(Base):
    """Stored and shown in the app (email delivery comes with a later issue)."""

    __tablename__ = "notifications"
    __table_args__ = (Index("ix_notifications_member_read", "member_id", "read_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"))
    motion_id: Mapped[int] = mapped_column(ForeignKey("motions.id", ondelete="CASCADE"), index=True)
    post_id: Mapped[int | None] = mapped_column(ForeignKey("posts.id", ondelete="CASCADE"))
    text: Mapped[str] = mapped_column(String(400))
    link: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


# --- ballots (issue 6; docs/voting-online.md) ------------------------------------------

BALLOT_STATES = ("draft", "open", "closed", "published")


class Ballot(Base):
    """A ballot of a body: its spec (``ballots.kinds.BallotSpec`` as canonical JSON) fixed by its
    fingerprint when it opens; the count's record once counted. Hand counts have no box."""

    __tablename__ = "ballots"
    __table_args__ = (CheckConstraint(_one_of("state", BALLOT_STATES), name="state"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    body_id: Mapped[int] = mapped_column(ForeignKey("bodies.id", ondelete="CASCADE"), index=True)
    motion_id: Mapped[int | None] = mapped_column(ForeignKey("motions.id", ondelete="SET NULL"), index=True)
    amendment_id: Mapped[int | None] = mapped_column(ForeignKey("amendments.id", ondelete="SET NULL"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    title: Mapped[str] = mapped_column(String(300))
    spec: Mapped[str] = mapped_column(Text)
    #: fixed when voting starts; every later action checks the spec still hashes to it
    fingerprint: Mapped[str | None] = mapped_column(String(64))
    state: Mapped[str] = mapped_column(String(20), default="draft")
    #: a hand count taken in the room: no online voting, figures entered by the CAC
    by_hand: Mapped[bool] = mapped_column(Boolean, default=False)
    opens_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    closes_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("members.id", ondelete="SET NULL"))
    close_reason: Mapped[str] = mapped_column(String(40), default="")
    #: when voting closed (by the timetable, or early by the CAC: the result page says when); the spec's
    #: timetable keeps the closing time fixed at opening
    closed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    voted: Mapped[int] = mapped_column(Integer, default=0)
    #: the published record (JSON) and the count's report, written at the count
    record: Mapped[str | None] = mapped_column(Text)
    report: Mapped[str | None] = mapped_column(Text)
    ballots_digest: Mapped[str | None] = mapped_column(String(64))
    #: the audit chain's head hash when the result was published
    audit_head: Mapped[str | None] = mapped_column(String(64))
    hand_count: Mapped[str | None] = mapped_column(Text)
    #: what the CAC recorded after opening without touching the spec (``ballots.late_facts``): candidates
    #: withdrawn, a tie held for the chair's casting vote and that vote; '' when nothing. The casting
    #: round compares it, so a withdrawal makes every process read the ballot again
    count_facts: Mapped[str] = mapped_column(Text, default="", server_default="")

    body: Mapped[Body] = relationship()


class BallotRollEntry(Base):
    """The voter roll, frozen when the ballot opens: each voter's weight (card votes) and proxy."""

    __tablename__ = "ballot_roll"

    ballot_id: Mapped[int] = mapped_column(ForeignKey("ballots.id", ondelete="CASCADE"), primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"), primary_key=True)
    weight: Mapped[int] = mapped_column(Integer, default=1)
    #: the member who casts this vote as proxy, where the ballot allows proxies
    proxy_id: Mapped[int | None] = mapped_column(ForeignKey("members.id", ondelete="SET NULL"), index=True)

    member: Mapped[Member] = relationship(foreign_keys=[member_id])
    proxy: Mapped["Member | None"] = relationship(foreign_keys=[proxy_id])


class BallotVoted(Base):
    """"This member has voted in this ballot": the one-vote-each guarantee (its primary key).

    No time, no reference to the ballot box. ``receipt`` is set only in an open
    (named) ballot, which publishes who voted what; a secret ballot leaves it empty.
    ``change_check`` (secret ballots, while open): the keyed hash of the voter's current receipt
    (``ballots.secrecy.change_check``), so only the voter's own receipt changes their vote, and
    without the server's key nobody can match it to a paper; cleared when the ballot closes.
    """

    __tablename__ = "ballot_voted"
    #: SQLite keeps it in key order (ballot, member), not the order of voting
    __table_args__ = ({"sqlite_with_rowid": False},)

    ballot_id: Mapped[int] = mapped_column(ForeignKey("ballots.id", ondelete="CASCADE"), primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"), primary_key=True)
    receipt: Mapped[str | None] = mapped_column(String(19))
    change_check: Mapped[str | None] = mapped_column(String(64))


class BallotBoxEntry(Base):
    """One ballot's contents under a random key: no voter, no time, no order (ballots/secrecy.py)."""

    __tablename__ = "ballot_box"
    __table_args__ = (UniqueConstraint("ballot_id", "receipt"), {"sqlite_with_rowid": False})

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    ballot_id: Mapped[int] = mapped_column(ForeignKey("ballots.id", ondelete="CASCADE"))
    receipt: Mapped[str] = mapped_column(String(19))
    contents: Mapped[str] = mapped_column(Text)


class TellerConfirmation(Base):
    """A teller's confirmation of one version of a hand count (its fingerprint)."""

    __tablename__ = "teller_confirmations"

    ballot_id: Mapped[int] = mapped_column(ForeignKey("ballots.id", ondelete="CASCADE"), primary_key=True)
    teller_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"), primary_key=True)
    fingerprint: Mapped[str] = mapped_column(String(64))

    teller: Mapped[Member] = relationship()


class AuditEntryRow(Base):
    """The append-only, hash-chained audit log of ballot actions (``ballots.audit_chain``).

    ``seq`` is the primary key, so two writers cannot both append the same
    link: the second's insert fails and it retries on the new tail.
    """

    __tablename__ = "audit_log"

    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    time: Mapped[str] = mapped_column(String(32))
    actor: Mapped[str | None] = mapped_column(String(200))
    action: Mapped[str] = mapped_column(String(40))
    payload: Mapped[str] = mapped_column(Text)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))


# issue 7 groupings live in their own module; imported here so Base.metadata holds them
from server.db import models_groupings  # noqa: E402,F401
