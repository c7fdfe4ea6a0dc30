"""Notices of new documents, bulletin issues, petitions and ballots, and how each member
chose to hear of them (issue 7): in the app only, in a daily digest, or each by email at once.
Email goes through server/mail (aiosmtplib); unsubscribe links carry signed tokens and work
without signing in.
"""

from __future__ import annotations

import logging
from datetime import date, datetime, timezone
from typing import Iterable

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from server.db.models import Member
from server.db.models_groupings import DELIVERIES, NOTICE_KINDS, Notice, NotificationPreference
from server.mail.digest import Notification, build_digest, build_event_message
from server.mail.message import Recipient
from server.mail.sender import MailError, send_message
from server.mail.settings import MailSettings
from server.mail.tokens import read_unsubscribe_token
from server.services.errors import Invalid, NotFound

log = logging.getLogger("plenary")

DELIVERY_LABELS = {"in_app": "In the app only", "digest": "In a daily email digest", "email": "By email, each one"}
KIND_LABELS = {"document": "New documents", "bulletin": "Bulletin issues", "petition": "Petitions",
               "ballot": "Ballots"}


def _now() -> datetime:
    return datetime.now(timezone.utc)


async def preferences(db: AsyncSession, member_id: int) -> dict[str, str]:
    """Each kind's delivery for the member; in the app unless they chose otherwise."""
    found = await db.execute(select(NotificationPreference).where(NotificationPreference.member_id == member_id))
    chosen = {row.kind: row.delivery for row in found.scalars().all()}
    return {kind: chosen.get(kind, "in_app") for kind in NOTICE_KINDS}


async def set_preferences(db: AsyncSession, member_id: int, choices: dict[str, str]) -> dict[str, str]:
    for kind, delivery in choices.items():
        if kind not in NOTICE_KINDS or delivery not in DELIVERIES:
            raise Invalid(f"Choose one of {', '.join(DELIVERY_LABELS.values())} for each kind of notice.")
        row = await db.get(NotificationPreference, (member_id, kind))
        if row is None:
            db.add(NotificationPreference(member_id=member_id, kind=kind, delivery=delivery))
        else:
            row.delivery = delivery
    await db.commit()
    return await preferences(db, member_id)


async def unsubscribe(db: AsyncSession, secret_key: str, token: str) -> tuple[Member, str]:
    """Stop the emails the token names (one kind, or the whole digest): back to in-app only."""
    claims = read_unsubscribe_token(secret_key, token)
    if claims is None:
        raise NotFound("This unsubscribe link is not valid. Change how you hear of things on your account page.")
    member = await db.get(Member, claims.member_id)
    if member is None:
        raise NotFound("This unsubscribe link is not valid. Change how you hear of things on your account page.")
    current = await preferences(db, member.id)
    if claims.kind == "digest":
        await set_preferences(db, member.id, {k: "in_app" for k, v in current.items() if v == "digest"})
    else:
        await set_preferences(db, member.id, {claims.kind: "in_app"})
    return member, claims.kind


def add_notices(db: AsyncSession, member_ids: Iterable[int], kind: str, title: str, link: str) -> None:
    """Queue a notice for each member (the caller commits, then calls ``send_due_emails``)."""
    for member_id in dict.fromkeys(member_ids):
        db.add(Notice(member_id=member_id, kind=kind, title=title[:400], link=link[:300]))


async def unread(db: AsyncSession, member_id: int) -> list[Notice]:
    found = await db.execute(select(Notice).where(Notice.member_id == member_id, Notice.read_at.is_(None))
                             .order_by(Notice.created_at.desc(), Notice.id.desc()))
    return list(found.scalars().all())


async def mark_read(db: AsyncSession, member_id: int, shown: list[Notice]) -> None:
    """The notices the member has now seen on their page."""
    for notice in shown:
        notice.read_at = _now()
    await db.commit()


async def _pending_for(db: AsyncSession, delivery: str) -> dict[int, list[Notice]]:
    found = await db.execute(
        select(Notice).join(NotificationPreference, (NotificationPreference.member_id == Notice.member_id)
                            & (NotificationPreference.kind == Notice.kind))
        .where(NotificationPreference.delivery == delivery, Notice.mailed_at.is_(None))
        .order_by(Notice.created_at, Notice.id))
    pending: dict[int, list[Notice]] = {}
    for notice in found.scalars().all():
        pending.setdefault(notice.member_id, []).append(notice)
    return pending


def _as_mail(mail: MailSettings, notice: Notice) -> Notification:
    return Notification(notice.kind, notice.title, mail.public_url + notice.link, notice.created_at)


async def send_due_emails(db: AsyncSession, mail: MailSettings | None, secret_key: str,
                          organisation: str = "Plenary") -> int:
    """Email each pending notice to members who chose "each by email"; returns how many went.
    A server that cannot be reached leaves them pending (logged), so a later run sends them."""
    if mail is None:
        return 0
    sent = 0
    for member_id, notices in (await _pending_for(db, "email")).items():
        member = await db.get(Member, member_id)
        recipient = Recipient(member.id, member.name, member.email)
        for notice in notices:
            try:
                await send_message(mail, build_event_message(mail, secret_key, recipient, _as_mail(mail, notice),
                                                             organisation))
            except MailError as error:
                log.warning("notice %s not emailed: %s", notice.id, error)
                await db.commit()
                return sent
            notice.mailed_at = _now()
            sent += 1
    await db.commit()
    return sent


async def send_digests(db: AsyncSession, mail: MailSettings, secret_key: str, day: date,
                       organisation: str = "Plenary") -> int:
    """The daily digest: one message per member who chose it, holding everything pending."""
    sent = 0
    for member_id, notices in (await _pending_for(db, "digest")).items():
        member = await db.get(Member, member_id)
        message = build_digest(mail, secret_key, Recipient(member.id, member.name, member.email),
                               [_as_mail(mail, n) for n in notices], day, organisation)
        if message is None:
            continue
        await send_message(mail, message)
        for notice in notices:
            notice.mailed_at = _now()
        await db.commit()
        sent += 1
    return sent
