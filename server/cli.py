"""The ``plenary`` command: one subcommand module per job under ``server/commands``.

Each module exposes ``register(subparsers)`` that adds its parser and sets
``func``; ``func(args)`` returns the process exit code. Modules that need the
database import it lazily so the counting commands run without one.
"""

from __future__ import annotations

import argparse
import importlib
import sys

from ballots.errors import FormatError
from voting.ballot import BallotError

#: subcommand module names, in the order ``plenary --help`` lists them
COMMAND_MODULES = (
    "serve",
    "migrate",
    "demo",
    "tally",
    "verify",
    "check",
    "audit",
    "digest",
)


class UsageError(Exception):
    """Bad input from the command line or a file: exit 2 with the reason."""


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    """The parser for every subcommand, or only for ``only`` (importing no other command's module)."""
    parser = argparse.ArgumentParser(prog="plenary", description=__doc__.splitlines()[0])
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMAND_MODULES:
        if only is not None and name != only:
            continue
        importlib.import_module(f"server.commands.{name}").register(subparsers)
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    # a named subcommand needs only its own module: `plenary tally` starts without the web stack
    parser = build_parser(argv[0] if argv and argv[0] in COMMAND_MODULES else None)
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    try:
        return int(args.func(args) or 0)
    except (UsageError, BallotError, FormatError) as exc:
        print(f"plenary {args.command}: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    # Run the imported module's main, not this __main__ copy, so the command
    # modules and this dispatcher share one UsageError class.
    from server.cli import main as imported_main

    sys.exit(imported_main())
