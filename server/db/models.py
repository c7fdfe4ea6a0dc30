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
