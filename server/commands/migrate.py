"""``plenary migrate``: bring the database schema up to date (alembic upgrade head)."""

from __future__ import annotations

import argparse


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("migrate", help="create or upgrade the database schema")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from server.db.migrate import upgrade_to_head
    from server.settings import Settings

    settings = Settings.from_env()
    upgrade_to_head(settings)
    print(f"plenary migrate: schema up to date ({_safe_url(settings.database_url)})")
    return 0


def _safe_url(url: str) -> str:
    """The URL without its password, for printing."""
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)
