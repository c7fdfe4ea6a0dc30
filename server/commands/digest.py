"""``plenary digest``: send the daily digest to members who chose it (run once a day, e.g. from cron).

It also retries the "each by email" notices still pending (the server was down, or refused a
recipient), so a failure is never left to wait for the next action that makes notices. What
failed is printed to stderr (cron mails it to the host's administrator) and stays pending.
"""

from __future__ import annotations

import argparse
import sys
from datetime import date


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("digest", help="email the daily digest of pending notices")
    parser.add_argument("--day", help="the date the digest is for, YYYY-MM-DD (default: today, UTC)")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    import asyncio

    from server.cli import UsageError
    from server.mail.settings import MailSettings
    from server.settings import Settings

    try:
        day = date.fromisoformat(args.day) if args.day else None
    except ValueError:
        raise UsageError(f"--day {args.day!r} is not a date: use YYYY-MM-DD") from None
    mail = MailSettings.from_env()
    if mail is None:
        raise UsageError("PLENARY_SMTP_HOST is not set, so there is no mail server to send the digest through")
    digests, emails = asyncio.run(daily_sending(Settings.from_env(), mail, day))
    print(f"plenary digest: {digests.sent} digest{'s' if digests.sent != 1 else ''} sent"
          + (f"; {emails.sent} waiting email{'s' if emails.sent != 1 else ''} sent" if emails.sent else ""))
    for failure in digests.failed + emails.failed:
        print(f"plenary digest: not sent, kept for the next run: {failure}", file=sys.stderr)
    stopped = digests.stopped or emails.stopped
    if stopped:
        print(f"plenary digest: stopped, the rest kept for the next run: {stopped}", file=sys.stderr)
        return 1
    return 0


async def daily_sending(settings, mail, day: date | None = None):
    """Open the database, send every pending digest and retry the pending "each by email"
    notices, close it; returns the two ``MailRun``s (digests, emails)."""
    from datetime import datetime, timezone

    from server.db.engine import make_engine, make_sessionmaker
    from server.services.notices import MailRun, email_each, mail_digests

    engine = make_engine(settings)
    try:
        async with make_sessionmaker(engine)() as db:
            digests = await mail_digests(db, mail, settings.secret_key, day or datetime.now(timezone.utc).date())
            # a server that could not be reached for the digests is not tried again at once
            emails = MailRun() if digests.stopped else await email_each(db, mail, settings.secret_key)
            return digests, emails
    finally:
        await engine.dispose()


async def send_daily_digests(settings, mail, day: date | None = None) -> int:
    """``daily_sending``, answering how many digests went."""
    digests, _ = await daily_sending(settings, mail, day)
    return digests.sent
