"""``plenary digest``: send the daily digest to members who chose it (run once a day, e.g. from cron)."""

from __future__ import annotations

import argparse
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
    sent = asyncio.run(send_daily_digests(Settings.from_env(), mail, day))
    print(f"plenary digest: {sent} digest{'s' if sent != 1 else ''} sent")
    return 0


async def send_daily_digests(settings, mail, day: date | None = None) -> int:
    """Open the database, send every pending digest, close it; returns how many went."""
    from datetime import datetime, timezone

    from server.db.engine import make_engine, make_sessionmaker
    from server.services.notices import send_digests

    engine = make_engine(settings)
    try:
        async with make_sessionmaker(engine)() as db:
            return await send_digests(db, mail, settings.secret_key, day or datetime.now(timezone.utc).date())
    finally:
        await engine.dispose()
