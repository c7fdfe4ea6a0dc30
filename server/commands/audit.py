"""``plenary audit verify [--head HASH]``: check the stored audit log's hash chain.

Reads every entry of the configured database's audit log in order and runs
``ballots.audit_chain.verify_chain``: an altered entry, a broken link, removed
or reordered entries, and (given the head hash published with a result)
entries cut off the end. ``plenary audit show`` prints the entries as JSON lines.

Exit status: 0 intact, 1 broken (each break printed), 2 bad input.
"""

from __future__ import annotations

import argparse
import asyncio
import json


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("audit", help="check or show the hash-chained audit log of ballot actions")
    actions = parser.add_subparsers(dest="audit_action", metavar="ACTION")
    verify = actions.add_parser("verify", help="check every link of the chain")
    verify.add_argument("--head", help="the audit head hash published with a result: the chain must end there")
    verify.set_defaults(func=run_verify)
    show = actions.add_parser("show", help="print the entries as JSON lines")
    show.set_defaults(func=run_show)
    parser.set_defaults(func=lambda _args: parser.print_help() or 2)


async def _entries():
    from server.db.engine import make_engine, make_sessionmaker
    from server.services import audit
    from server.settings import Settings

    engine = make_engine(Settings.from_env())
    try:
        async with make_sessionmaker(engine)() as db:
            return await audit.entries(db)
    finally:
        await engine.dispose()


def run_verify(args: argparse.Namespace) -> int:
    from ballots.audit_chain import verify_chain
    from server.cli import UsageError

    if args.head is not None and (len(args.head) != 64 or any(c not in "0123456789abcdef" for c in args.head)):
        raise UsageError(f"--head {args.head!r} is not a SHA-256 hash (64 lower-case hex digits)")
    chain = asyncio.run(_entries())
    problems = verify_chain(chain, args.head)
    for problem in problems:
        print(problem)
    head = chain[-1].hash if chain else "(empty)"
    if problems:
        print(f"audit log: {len(problems)} problem(s) in {len(chain)} entries")
        return 1
    print(f"audit log intact: {len(chain)} entries, head {head}")
    return 0


def run_show(_args: argparse.Namespace) -> int:
    for entry in asyncio.run(_entries()):
        print(json.dumps(entry.as_dict(), sort_keys=True, ensure_ascii=False))
    return 0
