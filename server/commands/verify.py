"""``plenary verify CASE``: re-count published ballots and compare with the published count.

CASE is either a directory laid out like ``verification/rctab/<case>/``
(``ballots.csv``, ``rules.json``, ``expected.json``), compared with RCTab's
result, or a BLT file with ``--expected REPORT``, a Droop report, compared
stage by stage (the Droop rule and arithmetic are read from the report's header,
so ``--method`` may be left out).

Exit status: 0 identical, 1 divergent (each divergence printed), 2 bad input.
"""

from __future__ import annotations

import argparse
from pathlib import Path


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("verify", help="re-count a published case and compare round by round")
    parser.add_argument("case", type=Path, nargs="?", help="an rctab case directory, or a BLT file with --expected")
    parser.add_argument("--expected", type=Path, help="Droop report (text or JSON) for a BLT file")
    parser.add_argument("--method", choices=("scotland", "meek", "wigm"),
                        help="STV rule of the report (default: read from the report)")
    from server.commands.record_check import add_record_arguments

    add_record_arguments(parser)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from server.cli import UsageError

    if args.record is not None:
        from server.commands.record_check import verify_published_record

        return verify_published_record(args)
    case: Path = args.case
    if case is None:
        raise UsageError("give a case directory, a BLT file with --expected, or --record FILE")
    if case.is_dir():
        if args.expected is not None or args.method is not None:
            raise UsageError("--expected and --method are for a BLT file, not a case directory")
        try:
            from ballots.verification.rctab_case import compare_rctab_case
        except ModuleNotFoundError as exc:
            raise UsageError(f"rctab case comparison is not available ({exc.name})") from None
        divergences = list(compare_rctab_case(case))
        label = f"{case} (RCTab)"
    elif case.is_file():
        if args.expected is None:
            raise UsageError(f"{case}: a ballot file needs --expected REPORT to compare with")
        if not args.expected.is_file():
            raise UsageError(f"{args.expected}: no such file")
        from ballots.formats.droop_report import read_droop_report
        from ballots.verification.droop_case import compare_droop_case

        report = read_droop_report(args.expected)
        method = args.method or report.method
        if not method:
            raise UsageError(f"{args.expected}: rule {report.rule!r} is not one we count; give --method")
        if report.method and report.method != method:
            raise UsageError(f"{args.expected}: the report counts by {report.rule!r}, not {method}")
        divergences = compare_droop_case(case, args.expected, method)
        label = f"{case} against {args.expected.name} ({report.rule}; {report.arithmetic})"
    else:
        raise UsageError(f"{case}: no such file or directory")
    if divergences:
        print(f"DIVERGENT: {label}: {len(divergences)} difference(s)")
        for line in divergences:
            print(f"  {line}")
        return 1
    print(f"IDENTICAL: {label}: every round agrees")
    return 0
