"""``plenary tally FILE``: count a ballot file and print the round-by-round result.

FILE is BLT (``.blt``, or content starting with the ``candidates seats`` line)
or the corpus CSV (``id,weight,rank1..``). A CSV carries no candidate list:
``--rules rules.json`` (RCTab's contest layout) supplies it, else the names
marked on the ballots are the candidates, in order of first appearance.
With a method other than rctab, rules.json's ballot-reading settings still
apply (``ballots.rctab_reading``); its counting settings are named as not applied.
``--seats`` overriding the seats a file states is noted in the result.
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
#: methods with the lot modes of voting.methods.stv_ties
STV_LOTS = ("scotland", "wigm", "meek", "ers97")
#: the STV rules that leave the tie rule open (stv_ties ``ties``)
STV_TIE_RULES = ("wigm", "meek")
#: methods that count whole ballot papers: the Scottish Order and ERS97 by their rules, WIGM and Meek
#: because their papers are read whole (voting.methods.stv_papers.read_papers)
WHOLE_PAPERS = ("scotland", "ers97", "wigm", "meek")


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "tally", help="count a ballot file (BLT or CSV) and print the rounds",
        description="Count a ballot file and print the round-by-round result (or its JSON record).")
    parser.add_argument("file", type=Path, metavar="FILE", help="ballot file: BLT (.blt) or the corpus CSV (.csv)")
    parser.add_argument("--method", required=True, choices=sorted(METHODS), metavar="METHOD",
                        help=f"counting method: {', '.join(sorted(METHODS))}")
    parser.add_argument("--seats", type=int, metavar="N",
                        help="seats to fill; overrides a BLT header's or rules.json's count (the report says so)")
    parser.add_argument("--json", action="store_true", help="print the result record as JSON")
    parser.add_argument("--seed", help="seed published before the count, for any lot")
    parser.add_argument("--rules", type=Path, metavar="RULES.JSON",
                        help="RCTab rules.json for a CSV: the candidates and RCTab's settings; with a method "
                             "other than rctab its ballot-reading settings (overvotes, skipped ranks, "
                             "duplicates) still apply")
    parser.add_argument("--ron", metavar="NAME",
                        help="the re-open nominations candidate (default RON if one stands; '' for none)")
    parser.add_argument("--arithmetic", metavar="SPEC", help="wigm/meek arithmetic, e.g. rational-d12, guarded-p18-g9-d18")
    parser.add_argument("--omega", type=int, metavar="N", help="meek: iterate until surplus <= 1/10^OMEGA")
    parser.add_argument("--lot", choices=("seeded", "ballot-order"),
                        help="STV lots (scotland, wigm, meek, ers97): seeded from --seed (default) "
                             "or ballot-paper order (Droop's)")
    parser.add_argument("--ties", choices=("plenary", "droop"),
                        help="wigm/meek tie rule: plenary (default: earlier rounds, then a lot) "
                             "or droop (the lot order directly, to reproduce Droop's reports)")
    parser.add_argument("--timing", action="store_true", help="print read/count/report times to stderr")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from voting.methods.registry import count

    started = time.perf_counter()
    whole_papers_for = args.method if args.method in WHOLE_PAPERS else None
    contest, ballots, rctab_rules, seats_note = load(args.file, args.rules, args.seats, whole_papers_for)
    reading = None
    if rctab_rules is not None and args.method != "rctab":
        from ballots.rctab_reading import read_as_rctab

        reading = read_as_rctab(contest, ballots, rctab_rules)
        contest, ballots = reading.contest, reading.ballots
    read_done = time.perf_counter()
    options = method_options(args, contest, rctab_rules)
    if args.method == "rctab" and rctab_rules is None:
        from voting.methods.rctab_rules import RctabRules

        options["rules"] = RctabRules(number_of_winners=contest.seats)
    result = count(args.method, contest, ballots, **options)
    if reading is not None:
        reading.record(result)
    if seats_note is not None:
        result.rules["seats given on the command line"] = contest.seats
        result.notes.append(seats_note)
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
        if args.method not in STV_LOTS:
            raise UsageError(f"--lot applies to {', '.join(STV_LOTS)}")
        options["lot"] = args.lot
    if args.ties is not None:
        if args.method not in STV_TIE_RULES:
            raise UsageError(f"--ties applies to {' and '.join(STV_TIE_RULES)}")
        options["ties"] = args.ties
    if args.ron is not None:
        options["ron"] = args.ron
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


def load(
    path: Path, rules_path: Path | None, seats: int | None, whole_papers_for: str | None = None
) -> tuple[Any, list[Any], Any, str | None]:
    """The contest, ballots and RCTab rules (or None) in ``path``, and a note when ``--seats``
    overrides the seats the file (or rules.json) states. ``whole_papers_for``: see ``read_blt``."""
    from server.cli import UsageError
    from voting.ballot import BallotError, Contest

    if seats is not None and seats < 1:
        raise UsageError("--seats must be at least 1")
    if not path.is_file():
        raise UsageError(f"{path}: no such file")
    rctab_rules = None
    if is_blt(path):
        from ballots.formats.blt import read_blt

        blt = read_blt(path, whole_papers_for)
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
        if whole_papers_for:
            _refuse_fractional_csv_weight(path, whole_papers_for)
    seats_note = None
    if seats is not None and seats != contest.seats:
        stated_in = f"{rules_path}'s numberOfWinners" if rctab_rules is not None else f"the header of {path}"
        if rctab_rules is not None or is_blt(path):
            seats_note = f"--seats {seats} overrides the {contest.seats} seat(s) stated in {stated_in}"
        try:
            contest = dataclasses.replace(contest, seats=seats)
        except BallotError as exc:
            raise UsageError(f"{path}: --seats {seats}: {exc}") from None
    return contest, ballots, rctab_rules, seats_note


def _refuse_fractional_csv_weight(path: Path, method: str) -> None:
    """Stop at the first row whose weight is not whole, naming its line. The rows themselves are
    checked: the reader merges identical rows, and two halves make a whole."""
    import csv
    from decimal import Decimal, InvalidOperation

    from ballots.errors import FormatError

    with path.open(encoding="utf-8-sig", newline="") as stream:
        reader = csv.reader(stream)
        next(reader, None)
        for row in reader:
            try:
                weight = Decimal(row[1].strip()) if len(row) > 1 else Decimal(0)
            except InvalidOperation:
                continue
            if weight != weight.to_integral_value():
                raise FormatError(str(path), reader.line_num, f"ballot weight {row[1].strip()} is not a whole "
                                                             f"number of ballot papers; {method} counts whole papers")


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
