"""Re-open nominations (RON): a candidate on the paper whose election re-opens the seat.

RON is counted like any other candidate. If RON wins a seat, nobody is elected
to it: the result reports the seat as re-opened and never lists RON among the
people elected. The name is configurable (``ron=`` option; ``ron=""`` turns
the rule off so a person called RON is just a person).
"""

from __future__ import annotations

from voting.ballot import Contest
from voting.record import Result

DEFAULT_RON = "RON"


def report_reopened(result: Result, ron: str | None) -> Result:
    """RON elected means a seat re-opened: keep it out of ``elected`` and say so."""
    if not ron:
        return result
    result.rules["re-open nominations"] = ron
    if ron in result.elected:
        result.elected = [name for name in result.elected if name != ron]
        result.rules["seats re-opened"] = 1
        result.notes.append(f"{ron} (re-open nominations) won a seat: 1 seat is re-opened, "
                            "not filled; nominations open again for it")
    return result


def ron_name(contest: Contest, ron: str | None) -> str | None:
    """The RON candidate's name if it stands in this contest."""
    name = DEFAULT_RON if ron is None else ron
    return name if name and name in contest.candidates else None


def seats_reopened(result: Result) -> int:
    return int(result.rules.get("seats re-opened", 0))
