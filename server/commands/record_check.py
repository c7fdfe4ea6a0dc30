"""``plenary verify --record FILE``: recount a published ballot record and compare with its result.

FILE is the record as downloaded from a result page: ``.json`` (the whole
record, ``plenary-ballot-record/1``), or ``.csv`` / ``.blt`` with ``--spec``
naming the JSON record (for the spec, the count facts and the published
result). ``--digest`` is the ballots digest shown on the result page (the
recount is checked against it too); ``--receipt`` finds one ballot.

Exit status: 0 the record reproduces the published result exactly, 1 it does
not (each divergence printed), 2 bad input.
"""

from __future__ import annotations

import argparse
from pathlib import Path


def add_record_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--record", type=Path, help="a published ballot record (.json, or .csv/.blt with --spec)")
    parser.add_argument("--spec", type=Path, help="the JSON record, for a CSV or BLT record's spec and result")
    parser.add_argument("--digest", help="the ballots digest published on the result page")
    parser.add_argument("--receipt", help="a receipt code: print that ballot")


def verify_published_record(args: argparse.Namespace) -> int:
    from ballots.published_record import find_receipt, load_record, read_record_json, verify_record
    from ballots.receipts import ReceiptError
    from server.cli import UsageError

    path: Path = args.record
    if args.case is not None or args.expected is not None or args.method is not None:
        raise UsageError("--record takes no case, --expected or --method")
    if not path.is_file():
        raise UsageError(f"{path}: no such file")
    published = None
    if path.suffix.lower() == ".json":
        record = load_record(path)
    else:
        if args.spec is None:
            raise UsageError(f"{path}: a CSV or BLT record needs --spec RECORD.json for its spec and result")
        whole = read_record_json(args.spec.read_text(encoding="utf-8"), str(args.spec))
        record = load_record(path, whole.spec, whole.count)
        published = whole.result
    if args.receipt:
        try:
            entry = find_receipt(record, args.receipt)
        except ReceiptError as exc:
            raise UsageError(str(exc)) from None
        print(f"receipt {args.receipt}: " + ("not in the record" if entry is None else str(entry.as_dict())))
    problems = verify_record(record, published, published_digest=args.digest)
    label = f"{path} ({len(record.entries)} ballots, {record.spec.kind}: {record.spec.title})"
    if problems:
        print(f"DIVERGENT: {label}: {len(problems)} difference(s)")
        for line in problems:
            print(f"  {line}")
        return 1
    print(f"IDENTICAL: {label}: the recount reproduces the published result exactly")
    return 0
