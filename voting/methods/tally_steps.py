"""Steps plurality, the exhaustive ballot and the block vote share.

* checking every mark names a candidate on the paper;
* reading a ballot's vote among the candidates still in the count;
* breaking ties by earlier rounds, then by lot from the published seed.
"""

from __future__ import annotations

from fractions import Fraction
from typing import Collection, Sequence

from voting.ballot import OVERVOTE, UNDECLARED_WRITE_IN, Ballot, BallotError, Contest
from voting.record import EXHAUSTED_NO_FURTHER_PREFERENCES, EXHAUSTED_OVERVOTE, Round, TieBreak, Value
from voting.ties import draw_lot

SPECIAL_MARKS = (OVERVOTE, UNDECLARED_WRITE_IN)


def check_ballots(contest: Contest, ballots: Sequence[Ballot]) -> None:
    """Every name marked must be on the paper; say which ballot is wrong."""
    names = set(contest.candidates)
    for number, ballot in enumerate(ballots, start=1):
        for marks in ballot.ranks:
            for mark in marks:
                if mark not in names and mark not in SPECIAL_MARKS:
                    where = f"ballot {ballot.id}" if ballot.id else f"ballot {number}"
                    raise BallotError(f"{where}: {mark!r} is not a candidate in this contest")
        if Fraction(ballot.weight) < 0:
            raise BallotError(f"ballot {ballot.id or number}: negative weight {ballot.weight}")


def current_vote(ballot: Ballot, continuing: Collection[str]) -> str | None:
    """The ballot's highest-ranked continuing candidate; OVERVOTE if that rank marks several.

    Ranks naming only candidates no longer in the count (withdrawn, eliminated)
    are passed over, as a withdrawn candidate's name is struck from the paper.
    """
    for marks in ballot.ranks:
        live = [m for m in dict.fromkeys(marks) if m in continuing or m == OVERVOTE]
        if len(live) > 1 or live == [OVERVOTE]:
            return OVERVOTE
        if live:
            return live[0]
    return None


def tally_current_votes(ballots: Sequence[Ballot], continuing: Sequence[str]) -> tuple[dict[str, Value], dict[str, Value]]:
    """Each ballot's weight to its current vote; unusable ballots counted by reason."""
    tally: dict[str, Value] = {name: 0 for name in continuing}
    exhausted: dict[str, Value] = {}
    for ballot in ballots:
        vote = current_vote(ballot, continuing)
        if vote is None or vote == OVERVOTE:
            reason = EXHAUSTED_OVERVOTE if vote == OVERVOTE else EXHAUSTED_NO_FURTHER_PREFERENCES
            exhausted[reason] = exhausted.get(reason, 0) + ballot.weight
        else:
            tally[vote] += ballot.weight
    return tally, exhausted


def marked_names(ballot: Ballot, standing: Collection[str]) -> tuple[list[str], bool]:
    """All standing candidates marked anywhere on the ballot (each once), and whether OVERVOTE appears."""
    names: list[str] = []
    unknown_overvote = False
    for marks in ballot.ranks:
        for mark in marks:
            if mark == OVERVOTE:
                unknown_overvote = True
            elif mark in standing and mark not in names:
                names.append(mark)
    return names, unknown_overvote


def break_tie(
    tied: Sequence[str],
    *,
    purpose: str,
    round_number: int,
    earlier: Sequence[Round],
    seed: str | None,
    method: str,
    lowest: bool,
) -> TieBreak:
    """Earlier rounds first (the most recent round where the tied differ), then a lot.

    ``lowest`` picks the candidate with the fewest votes at that earlier round
    (for eliminating); otherwise the most (for electing).
    """
    remaining = list(tied)
    for rnd in reversed(earlier):
        if not all(name in rnd.tally for name in remaining):
            continue
        values = {name: rnd.tally[name] for name in remaining}
        target = min(values.values()) if lowest else max(values.values())
        narrowed = [name for name in remaining if values[name] == target]
        if len(narrowed) < len(remaining):
            remaining = narrowed
            if len(remaining) == 1:
                return TieBreak(round_number, purpose, list(tied), remaining[0], "previous_rounds",
                                f"{'fewest' if lowest else 'most'} votes at round {rnd.number}")
    if seed is None:
        raise BallotError(
            f"round {round_number}: {', '.join(remaining)} are tied ({purpose}) and earlier rounds do not "
            "separate them; a lot is needed, so give the seed published before the count (seed=...)")
    chosen, detail = draw_lot(seed, f"{method} round {round_number} {purpose}", remaining)
    return TieBreak(round_number, purpose, list(tied), chosen, "lot", detail)


def total_weight(ballots: Sequence[Ballot]) -> Value:
    return sum((b.weight for b in ballots), 0)
