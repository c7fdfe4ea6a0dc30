"""``plenary tally FILE``: count a ballot file and print the round-by-round result.

FILE is BLT (``.blt``, or content starting with the ``candidates seats`` line)
or the corpus CSV (``id,weight,rank1..``). A CSV carries no candidate list:
``--rules rules.json`` (RCTab's contest layout) supplies it, else the names
marked on the ballots are the candidates, in order of first appearance.
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
import time
from pathlib import Path
from typing import Any

from voting.methods.registry import METHODS

STV_ARITHMETIC = ("wigm", "meek")


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("tally", help="count a ballot file (BLT or CSV) and print the rounds")
    parser.add_argument("file", type=Path, help="ballot file: .blt or .csv")
    parser.add_argument("--method", required=True, choices=sorted(METHODS), help="counting method")
    parser.add_argument("--seats", type=int, help="seats to fill (a BLT file states its own)")
    parser.add_argument("--json", action="store_true", help="print the result record as JSON")
    parser.add_argument("--seed", help="published seed for any lot")
    parser.add_argument("--rules", type=Path, help="RCTab-style rules.json: candidates and RCTab settings")
    parser.add_argument("--arithmetic", help="wigm/meek arithmetic, e.g. rational-d12, guarded-p18-g9-d18")
    parser.add_argument("--omega", type=int, help="meek: iterate until surplus <= 1/10^OMEGA")
    parser.add_argument("--lot", choices=("seeded", "ballot-order"),
                        help="STV lots: seeded (default) or ballot-paper order (Droop's)")
    parser.add_argument("--timing", action="store_true", help="print read/count/report times to stderr")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from voting.methods.registry import count

    started = time.perf_counter()
    contest, ballots, rctab_rules = load(args.file, args.rules, args.seats)
    read_done = time.perf_counter()
    options = method_options(args, contest, rctab_rules)
    if args.method == "rctab" and rctab_rules is None:
        from voting.methods.rctab_rules import RctabRules

        options["rules"] = RctabRules(number_of_winners=contest.seats)
    result = count(args.method, contest, ballots, **options)
    count_done = time.perf_counter()
    sys.stdout.write(result.to_json() + "\n" if args.json else result.to_text())
    sys.stdout.flush()
    if args.timing:
        done = time.perf_counter()
        print(
            f"timing: read {read_done - started:.3f}s count {count_done - read_done:.3f}s "
            f"report {done - count_done:.3f}s",
            file=sys.stderr,
        )
    return 0


def method_options(args: argparse.Namespace, contest: Any, rctab_rules: Any) -> dict[str, Any]:
    from server.cli import UsageError

    options: dict[str, Any] = {}
    if args.seed is not None:
        if args.method == "rctab":
            raise UsageError("--seed does not apply to rctab: its rules.json sets how ties are broken")
        options["seed"] = args.seed
    if args.lot is not None:
        if args.method not in ("scotland", "wigm", "meek"):
            raise UsageError("--lot applies to scotland, wigm and meek")
        options["lot"] = args.lot
    if args.arithmetic is not None:
        if args.method not in STV_ARITHMETIC:
            raise UsageError("--arithmetic applies to wigm and meek (scotland is fixed at 5 places by its Order)")
        from voting.arithmetic import parse_arithmetic

        try:
            parse_arithmetic(args.arithmetic)
        except ValueError as exc:
            raise UsageError(str(exc)) from None
        options["arithmetic"] = args.arithmetic
    if args.omega is not None:
        if args.method != "meek":
            raise UsageError("--omega applies to meek")
        options["omega"] = args.omega
    if args.method == "rctab" and rctab_rules is not None:
        options["rules"] = dataclasses.replace(rctab_rules, number_of_winners=contest.seats) \
            if hasattr(rctab_rules, "number_of_winners") else rctab_rules
    return options


def load(path: Path, rules_path: Path | None, seats: int | None) -> tuple[Any, list[Any], Any]:
    """The contest and ballots in ``path``; ``--seats`` overrides the file's seats."""
    from server.cli import UsageError
    from voting.ballot import BallotError, Contest

    if seats is not None and seats < 1:
        raise UsageError("--seats must be at least 1")
    if not path.is_file():
        raise UsageError(f"{path}: no such file")
    rctab_rules = None
    if is_blt(path):
        from ballots.formats.blt import read_blt

        blt = read_blt(path)
        contest, ballots = blt.contest, blt.ballots
        if rules_path is not None:
            raise UsageError("--rules is for CSV ballots; a BLT file names its own candidates")
    else:
        from ballots.formats.csv_ballots import read_csv_ballots

        if rules_path is not None:
            from ballots.formats.rctab_rules import read_rctab_rules

            contest, rctab_rules = read_rctab_rules(rules_path)
            ballots = read_csv_ballots(path, contest.candidates)
        else:
            ballots = read_csv_ballots(path)
            if seats is None:
                raise UsageError("--seats is needed for a CSV file without --rules")
            contest = Contest(tuple(_names_marked(ballots)), seats)
    if seats is not None and seats != contest.seats:
        try:
            contest = dataclasses.replace(contest, seats=seats)
        except BallotError as exc:
            raise UsageError(str(exc)) from None
    return contest, ballots, rctab_rules


def is_blt(path: Path) -> bool:
    """BLT by extension, or by a first content line of two whole numbers."""
    suffix = path.suffix.lower()
    if suffix == ".blt":
        return True
    if suffix == ".csv":
        return False
    with path.open(encoding="utf-8-sig", errors="replace") as handle:
        for line in handle:
            text = line.split("#", 1)[0].strip()
            if text:
                fields = text.split()
                return len(fields) == 2 and all(f.isdigit() for f in fields)
    return False


def _names_marked(ballots: list[Any]) -> list[str]:
    from voting.ballot import OVERVOTE, UNDECLARED_WRITE_IN

    seen: dict[str, None] = {}
    for ballot in ballots:
        for marks in ballot.ranks:
            for name in marks:
                if name not in (OVERVOTE, UNDECLARED_WRITE_IN):
                    seen.setdefault(name, None)
    return list(seen)
