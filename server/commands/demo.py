"""``plenary demo``: create (or reset) the demo organisation and print its passwords."""

from __future__ import annotations

import argparse


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("demo", help="create or reset the demo organisation")
    parser.add_argument("--if-missing", action="store_true",
                        help="do nothing when the database already holds members")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    import asyncio

    from server.demo import DEMO_ADMIN_EMAIL, DEMO_ADMIN_PASSWORD, DEMO_MEMBER_PASSWORD, load_demo
    from server.settings import Settings

    summary = asyncio.run(load_demo(Settings.from_env(), if_missing=args.if_missing))
    if summary is None:
        print("plenary demo: the database already holds members; left as it is")
        return 0
    print(f"plenary demo: {summary}")
    print(f"  site admin:   {DEMO_ADMIN_EMAIL} / {DEMO_ADMIN_PASSWORD}")
    print(f"  every member: <their email> / {DEMO_MEMBER_PASSWORD}  (e.g. {summary.sample_email})")
    return 0
