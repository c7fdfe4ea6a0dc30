"""Server-rendered SVG bar charts of a count's rounds: readable without JavaScript, printable,
with a text alternative (the round table beside it holds the same figures)."""

from __future__ import annotations

from fractions import Fraction
from typing import Any, Mapping, Sequence

from markupsafe import Markup, escape

BAR_HEIGHT = 22
GAP = 6
LABEL_WIDTH = 180
BAR_WIDTH = 360
VALUE_WIDTH = 90


def _number(text: Any) -> Fraction:
    try:
        return Fraction(str(text))
    except (ValueError, ZeroDivisionError):
        return Fraction(0)


def round_chart(round_: Mapping[str, Any], candidates: Sequence[str], elected: Sequence[str] = (),
                title: str = "") -> Markup:
    """One horizontal bar per candidate still counted in this round, a line at the threshold."""
    tally = {name: _number(value) for name, value in (round_.get("tally") or {}).items()}
    names = [n for n in candidates if n in tally] + [n for n in tally if n not in candidates]
    threshold = _number(round_.get("threshold")) if round_.get("threshold") not in (None, "") else None
    top = max([*tally.values(), threshold or 0, Fraction(1)])
    height = len(names) * (BAR_HEIGHT + GAP) + GAP + 18
    width = LABEL_WIDTH + BAR_WIDTH + VALUE_WIDTH
    label = title or f"Round {round_.get('round', '')}"
    parts = [f'<svg class="round-chart" role="img" viewBox="0 0 {width} {height}" width="100%" '
             f'xmlns="http://www.w3.org/2000/svg"><title>{escape(label)}</title>']
    for index, name in enumerate(names):
        y = GAP + index * (BAR_HEIGHT + GAP)
        share = float(tally[name] / top)
        bar = max(1, round(share * BAR_WIDTH)) if tally[name] else 0
        css = "bar elected" if name in elected or name in (round_.get("elected") or ()) else "bar"
        parts.append(f'<text x="{LABEL_WIDTH - 8}" y="{y + 16}" text-anchor="end" class="chart-label">'
                     f'{escape(name[:28])}</text>')
        parts.append(f'<rect class="{css}" x="{LABEL_WIDTH}" y="{y}" width="{bar}" height="{BAR_HEIGHT}"/>')
        parts.append(f'<text x="{LABEL_WIDTH + bar + 6}" y="{y + 16}" class="chart-value">'
                     f'{escape(str(round_["tally"][name]))}</text>')
    if threshold:
        x = LABEL_WIDTH + round(float(threshold / top) * BAR_WIDTH)
        parts.append(f'<line class="threshold" x1="{x}" y1="0" x2="{x}" y2="{height - 16}"/>')
        parts.append(f'<text x="{x}" y="{height - 4}" text-anchor="middle" class="chart-label">'
                     f'quota {escape(str(round_["threshold"]))}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))


def decision_chart(yes: Any, no: Any, abstain: Any) -> Markup:
    return round_chart({"round": 1, "tally": {"For": yes, "Against": no, "Abstain": abstain}},
                       ["For", "Against", "Abstain"], title="Votes")
