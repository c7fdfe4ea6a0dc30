"""Plain-text rendering of a result record, laid out like a count sheet.

Every figure the round log holds is printed: tallies, threshold, the surplus
being transferred, exhausted votes by reason, residual, each transfer with its
transfer value and the votes each candidate (or the exhausted pile) received,
keep factors (Meek), and the ballots read and set aside as invalid.
"""

from __future__ import annotations

from voting.record import Result, format_value


def render_text(result: Result) -> str:
    places = result.places
    fmt = lambda v: format_value(v, places) or ""  # noqa: E731
    lines: list[str] = []
    title = result.title or "Count"
    lines.append(title)
    lines.append("=" * len(title))
    lines.append(f"Method: {result.method}")
    for key, value in sorted(result.rules.items()):
        lines.append(f"  {key}: {_setting(value)}")
    lines.append(f"Seats: {result.seats}")
    lines.append(f"Ballots: {format_value(result.total_ballots, None)}")
    if result.invalid_ballots:
        lines.append(f"Invalid ballots (no valid first preference): {format_value(result.invalid_ballots, None)}")
    lines.append(f"Candidates: {', '.join(result.candidates)}")
    if result.withdrawn:
        lines.append(f"Withdrawn: {', '.join(result.withdrawn)}")
    lines.append("")
    names = list(result.candidates)
    width = max([len(n) for n in names] + [12])
    for rnd in result.rounds:
        lines.append(f"Round {rnd.number}" + (f"  ({rnd.note})" if rnd.note else ""))
        if rnd.threshold is not None:
            lines.append(f"  {'Threshold':<{width}}  {fmt(rnd.threshold):>16}")
        if rnd.surplus is not None:
            lines.append(f"  {'Surplus':<{width}}  {fmt(rnd.surplus):>16}")
        for name in names:
            if name in rnd.tally:
                mark = " elected" if name in rnd.elected else (
                    " eliminated" if name in rnd.eliminated else "")
                lines.append(f"  {name:<{width}}  {fmt(rnd.tally[name]):>16}{mark}")
        for reason, value in rnd.exhausted.items():
            lines.append(f"  {'Exhausted: ' + reason:<{width}}  {fmt(value):>16}")
        if rnd.residual:
            lines.append(f"  {'Residual':<{width}}  {fmt(rnd.residual):>16}")
        for name, factor in rnd.keep_factors.items():
            lines.append(f"  {'Keep factor ' + name:<{width}}  {fmt(factor):>16}")
        for transfer in rnd.transfers:
            moved = ", ".join(f"{k} +{fmt(v)}" for k, v in transfer.to.items()) or "no votes moved"
            value = (f" at {fmt(transfer.transfer_value)}" if transfer.transfer_value is not None
                     else " at the value each paper carries")
            total = sum(transfer.to.values())
            lines.append(f"  Transfer ({transfer.kind}) from {transfer.source}{value}, {fmt(total)} in all: {moved}")
        lines.append("")
    for tie in result.ties:
        lines.append(
            f"Tie in round {tie.round} ({tie.purpose}) among {', '.join(tie.tied)}: "
            f"{tie.chosen} chosen by {tie.method}" + (f" ({tie.detail})" if tie.detail else "")
        )
    for note in result.notes:
        lines.append(f"Note: {note}")
    lines.append(f"Elected: {', '.join(result.elected) if result.elected else '(none)'}")
    lines.append(f"Produced by plenary {result.software_version}")
    return "\n".join(lines) + "\n"


def _setting(value: object) -> str:
    """A rule setting in words: nested settings as ``name: value`` pairs, not Python reprs."""
    if value is None:
        return "(none given)"
    if isinstance(value, dict):
        return "; ".join(f"{key}: {_setting(item)}" for key, item in value.items()) or "(none)"
    if isinstance(value, (list, tuple, set, frozenset)):
        return ", ".join(_setting(item) for item in value) or "(none)"
    return str(value)
