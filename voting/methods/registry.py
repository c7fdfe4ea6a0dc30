"""Counting methods by the name the CLI and ballots use.

Every method is ``count(contest, ballots, **options) -> Result``; the map names
the module and function so a method's module is imported only when used.
"""

from __future__ import annotations

import importlib
from typing import Any, Callable, Sequence

from voting.ballot import Ballot, BallotError, Contest
from voting.record import Result

METHODS: dict[str, str] = {
    "scotland": "voting.methods.stv_scottish:count",
    "wigm": "voting.methods.stv_wigm:count",
    "meek": "voting.methods.stv_meek:count",
    "ers97": "voting.methods.stv_ers97:count",
    "irv": "voting.methods.irv:count",
    "rctab": "voting.methods.rctab:count",
    "plurality": "voting.methods.plurality:count",
    "exhaustive": "voting.methods.exhaustive_ballot:count",
    "block": "voting.methods.block_vote:count",
}


def method(name: str) -> Callable[..., Result]:
    try:
        target = METHODS[name]
    except KeyError:
        raise BallotError(f"unknown method {name!r}; choose one of {', '.join(sorted(METHODS))}") from None
    module_name, function_name = target.split(":")
    return getattr(importlib.import_module(module_name), function_name)


def count(name: str, contest: Contest, ballots: Sequence[Ballot], **options: Any) -> Result:
    return method(name)(contest, ballots, **options)
