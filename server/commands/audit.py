"""``plenary audit verify [--head HASH ...]``: check the stored audit log's hash chain.

Reads every entry of the configured database's audit log in order and runs
``ballots.audit_chain.verify_chain``: an altered entry, a broken link, removed
or reordered entries, and, for each audit head published with a result
(``--head``, as often as you have heads), that it is still the hash of an entry:
otherwise entries up to it were cut off, or the chain was altered before it and
re-hashed. Entries logged after a head (later ballots' actions) are listed as
information, not as a fault. ``plenary audit show`` prints the entries as JSON lines.

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
    verify.add_argument("--head", action="append", default=[],
                        help="an audit head published with a result (give it once for each): the chain must still "
                             "hold it; entries after it are listed")
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
    from ballots.audit_chain import entries_after, head_positions, verify_chain
    from server.cli import UsageError

    heads = [h.strip().lower() for h in args.head]
    for given, wanted in zip(args.head, heads):
        if len(wanted) != 64 or any(c not in "0123456789abcdef" for c in wanted):
            raise UsageError(f"--head {given!r} is not a SHA-256 hash (64 hex digits)")
    chain = asyncio.run(_entries())
    problems = verify_chain(chain, heads=heads)
    for problem in problems:
        print(problem)
    for wanted, seq in head_positions(chain, heads).items():
        if seq is not None:
            later = entries_after(chain, wanted)
            actions = sorted({e.action for e in later})
            print(f"head {wanted[:16]}… is entry seq {seq}; {len(later)} entr{'y' if len(later) == 1 else 'ies'} "
                  f"logged after it" + (f" ({', '.join(actions)})" if actions else ""))
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
