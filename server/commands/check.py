"""``plenary check``: what a published count supports, and what it leaves undetermined.

    plenary check "483 for, 133 against, 13 abstentions, 77 percent" --rule simple

prints the outcome under the rule on the base it is taken on (the rule's own,
or ``--base``), the outcome on every other base the rule can be taken on (or
the range of an unpublished figure under which it carries), each base the
published percentages are consistent with, the turnout, derived shares, what
stays undetermined, and flags. ``--json`` prints the same as one object
(shape in docs/decisions.md). Exit 0 when the
check ran, 1 when a declared outcome does not follow from the figures, 2 when
the text or an option cannot be read.
"""

from __future__ import annotations

import argparse
import json

from server.cli import UsageError
from voting.decision import BASES, DecisionError
from voting.published import PublishedCountError, check_published


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("check", help="check a published count (\"39 votes to eight\") against a rule")
    parser.add_argument("text", help="the count as published, in quotes")
    parser.add_argument("--rule", default="simple",
                        help="simple | two-thirds | absolute | a ratio like 3/5 or 60%% (default simple)")
    parser.add_argument("--base", choices=list(BASES),
                        help="the base the standing orders name for the rule (default: the rule's own; "
                             "cast-with-abstentions for absolute, cast otherwise)")
    parser.add_argument("--present", type=int, help="members present, if known")
    parser.add_argument("--entitled", type=int, help="members entitled to vote, if known")
    parser.add_argument("--declared", choices=["carried", "fell"], help="the outcome that was declared")
    parser.add_argument("--casting-vote", choices=["yes", "no"], help="the chair's casting vote on a tie")
    parser.add_argument("--restated", help="a later restatement to check, e.g. \"70 percent of members\"")
    parser.add_argument("--json", action="store_true", help="print the check as JSON")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    for name in ("present", "entitled"):
        value = getattr(args, name)
        if value is not None and value < 0:
            raise UsageError(f"--{name} cannot be negative")
    try:
        check = check_published(args.text, rule=args.rule, base=args.base, present=args.present,
                                entitled=args.entitled, declared=args.declared,
                                casting_vote=args.casting_vote, restatement=args.restated)
    except (PublishedCountError, DecisionError) as exc:
        raise UsageError(str(exc)) from None
    if args.json:
        print(json.dumps(check.as_dict(), indent=2, ensure_ascii=False))
    else:
        print("\n".join(check.lines()))
    return 1 if check.declared_follows is False else 0
