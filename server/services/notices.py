"""Notices of new documents, bulletin issues, petitions and ballots, and how each member
chose to hear of them (issue 7): in the app only, in a daily digest, or each by email at once.
Email goes through server/mail (aiosmtplib); unsubscribe links carry signed tokens and work
without signing in.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from typing import Callable, Iterable

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from server.db.models import Member
from server.db.models_groupings import DELIVERIES, NOTICE_KINDS, Notice, NotificationPreference
from server.mail.digest import Notification, build_digest, build_event_message
from server.mail.message import Recipient, one_line
from server.mail.sender import MailError, MailSession, MessageRefused
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
        db.add(Notice(member_id=member_id, kind=kind, title=one_line(title)[:400], link=link[:300]))


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


@dataclass
class MailRun:
    """What one sending did. A failed message stays pending and is tried again by the next
    sending (the next action that makes notices, and ``plenary digest`` each day); ``stopped``
    says why the run ended early (the server could not be reached), leaving the rest pending."""

    sent: int = 0
    failed: list[str] = field(default_factory=list)
    stopped: str = ""


async def _claim(db: AsyncSession, ids: list[int]) -> set[int]:
    """Mark these notices mailed before sending, and commit: a sending running at the same time
    (another request) skips them, so nobody gets a message twice. Returns the ids this run took."""
    taken = await db.execute(update(Notice).where(Notice.id.in_(ids), Notice.mailed_at.is_(None))
                             .values(mailed_at=_now()).returning(Notice.id))
    claimed = set(taken.scalars().all())
    await db.commit()
    return claimed


async def _release(db: AsyncSession, ids: Iterable[int]) -> None:
    """Not sent after all: pending again, for the next sending."""
    await db.execute(update(Notice).where(Notice.id.in_(list(ids))).values(mailed_at=None))
    await db.commit()


async def _failed(db: AsyncSession, run: MailRun, ids: list[int], what: str, error: Exception) -> None:
    await _release(db, ids)
    run.failed.append(f"{what}: {error}")
    log.warning("not emailed (kept pending, tried again at the next sending): %s: %s", what, error)


async def _recipient(db: AsyncSession, member_id: int) -> Recipient:
    member = await db.get(Member, member_id)
    return Recipient(member.id, member.name, member.email)


async def email_each(db: AsyncSession, mail: MailSettings | None, secret_key: str,
                     organisation: str = "Plenary") -> MailRun:
    """Email each pending notice, one message each, to members who chose "each by email",
    through one connection. A message the server refuses (a recipient it answers 550 to) or
    that cannot be built fails alone: it stays pending and the others go on."""
    run = MailRun()
    if mail is None:
        return run
    pending = await _pending_for(db, "email")
    if not pending:
        return run
    try:
        async with MailSession(mail) as smtp:
            for member_id, waiting in pending.items():
                recipient = await _recipient(db, member_id)
                for notice in waiting:
                    if not await _claim(db, [notice.id]):
                        continue  # another sending took it
                    what = f"notice {notice.id} to {recipient.email}"
                    try:
                        message = build_event_message(mail, secret_key, recipient, _as_mail(mail, notice),
                                                      organisation)
                        await smtp.send(message)
                    except MessageRefused as refused:
                        await _failed(db, run, [notice.id], what, refused)
                        continue
                    except MailError:
                        await _release(db, [notice.id])
                        raise
                    except Exception as error:  # noqa: BLE001 - a message that cannot be built
                        await _failed(db, run, [notice.id], what, error)
                        continue
                    run.sent += 1
    except MailError as error:
        run.stopped = str(error)
        log.warning("emailing notices stopped, the rest stay pending: %s", error)
    return run


async def send_due_emails(db: AsyncSession, mail: MailSettings | None, secret_key: str,
                          organisation: str = "Plenary") -> int:
    """``email_each``, answering how many went."""
    return (await email_each(db, mail, secret_key, organisation)).sent


#: the key in a database session's ``info`` holding how to mail at once (set by ``attach_mail``)
MAIL_INFO = "plenary.mail"


def attach_mail(sessions, mail_and_key: Callable[[], tuple[MailSettings | None, str]]) -> None:
    """Let services that only hold a database session (the ballots service) email at once:
    every session the factory makes carries ``mail_and_key``, asked at sending time so tests
    and the environment can change the SMTP server after the app is built."""
    sessions.configure(info={MAIL_INFO: mail_and_key})


def attach_app_mail(app) -> None:
    """``attach_mail`` for the web app: its ``state.mail_settings`` (tests set it), else the
    environment's ``PLENARY_SMTP_*``; the app's secret key signs the unsubscribe links."""
    def mail_and_key() -> tuple[MailSettings | None, str]:
        configured = getattr(app.state, "mail_settings", None)
        return (configured if configured is not None else MailSettings.from_env()), app.state.settings.secret_key
    attach_mail(app.state.sessions, mail_and_key)


async def deliver_now(db: AsyncSession) -> int:
    """Email what is pending for members who chose "each by email", through the mail the
    session carries (none: they stay pending for the next sending). Never raises: a mail
    problem must not undo the action that made the notices."""
    mail_and_key = db.info.get(MAIL_INFO)
    if mail_and_key is None:
        return 0
    try:
        mail, secret_key = mail_and_key()
        return await send_due_emails(db, mail, secret_key)
    except Exception:  # noqa: BLE001 - logged; the notices stay pending
        log.exception("sending notices by email failed")
        await db.rollback()
        return 0


async def mail_digests(db: AsyncSession, mail: MailSettings, secret_key: str, day: date,
                       organisation: str = "Plenary") -> MailRun:
    """The daily digest: one message per member who chose it, holding everything pending,
    through one connection. A digest the server refuses fails for that member alone: their
    notices stay pending for tomorrow's, and the members after them still get theirs."""
    run = MailRun()
    pending = await _pending_for(db, "digest")
    if not pending:
        return run
    try:
        async with MailSession(mail) as smtp:
            for member_id, waiting in pending.items():
                claimed = await _claim(db, [notice.id for notice in waiting])
                items = [notice for notice in waiting if notice.id in claimed]
                if not items:
                    continue
                recipient = await _recipient(db, member_id)
                what = f"digest to {recipient.email}"
                try:
                    message = build_digest(mail, secret_key, recipient, [_as_mail(mail, n) for n in items],
                                           day, organisation)
                    await smtp.send(message)
                except MessageRefused as refused:
                    await _failed(db, run, sorted(claimed), what, refused)
                    continue
                except MailError:
                    await _release(db, claimed)
                    raise
                except Exception as error:  # noqa: BLE001 - a message that cannot be built
                    await _failed(db, run, sorted(claimed), what, error)
                    continue
                run.sent += 1
    except MailError as error:
        run.stopped = str(error)
        log.warning("sending digests stopped, the rest stay pending: %s", error)
    return run


async def send_digests(db: AsyncSession, mail: MailSettings, secret_key: str, day: date,
                       organisation: str = "Plenary") -> int:
    """``mail_digests``, answering how many went."""
    return (await mail_digests(db, mail, secret_key, day, organisation)).sent


async def notify(db: AsyncSession, member_ids: Iterable[int], kind: str, title: str, link: str) -> int:
    """Queue a notice of ``kind`` for each member, commit, and email at once those who chose
    "each by email" (the rest see it in the app or their next digest). For a service whose
    action is already committed: a mail problem never undoes it. Returns how many were told."""
    members = list(dict.fromkeys(member_ids))
    if not members:
        return 0
    add_notices(db, members, kind, title, link)
    await db.commit()
    await deliver_now(db)
    return len(members)
