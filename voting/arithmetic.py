"""Exact vote values as pluggable arithmetic, so a counting rule states its rounding once.

A rule says how many places a transfer value keeps and which way it rounds; the
method code only calls ``mul``, ``div`` and ``muldiv`` on an arithmetic object
and never rounds by itself. Three kinds, after the Droop tabulator's values:

* ``FixedDecimal(places)``: integers of 1/10^places, every product and quotient
  truncated ("any remainder being ignored", as the Scottish Order puts it).
* ``Guarded(precision, guard, display)``: fixed-point with ``guard`` extra hidden
  places; values closer than half a unit of ``precision`` compare equal, which
  makes it agree with exact arithmetic in practice while staying fast.
* ``Rational(display)``: exact fractions.

Fixed and guarded values are plain ``int`` counts of the smallest unit (so sums
are exact and fast, and NumPy can hold them); rational values are ``Fraction``.
``to_record`` turns a value into the ``Decimal``/``Fraction`` the round log keeps.
"""

from __future__ import annotations

import re
from decimal import Decimal
from fractions import Fraction
from typing import Any, Union

Num = Union[int, Fraction]


class Arithmetic:
    """The interface every arithmetic offers; see the module docstring."""

    name: str = ""
    #: places shown in reports
    display: int = 0
    #: True where a quota can be met exactly, so rules test ``vote > quota``
    exact: bool = False

    def __init__(self) -> None:
        self.zero: Num = self.from_int(0)
        self.one: Num = self.from_int(1)

    def from_int(self, n: int) -> Num:
        raise NotImplementedError

    def from_fraction(self, value: Fraction) -> Num:
        """Nearest representable value not above ``value`` (truncation)."""
        raise NotImplementedError

    def mul(self, a: Num, b: Num) -> Num:
        raise NotImplementedError

    def div(self, a: Num, b: Num) -> Num:
        raise NotImplementedError

    def muldiv(self, a: Num, b: Num, c: Num) -> Num:
        """``a * b / c`` keeping the full product before the one rounding."""
        raise NotImplementedError

    def mul_up(self, a: Num, b: Num) -> Num:
        """``a * b`` rounded up to the nearest representable value (Meek keep factors)."""
        return self.mul(a, b)

    def div_up(self, a: Num, b: Num) -> Num:
        """``a / b`` rounded up to the nearest representable value (Meek keep factors)."""
        return self.div(a, b)

    def compare(self, a: Num, b: Num) -> int:
        """-1, 0 or 1; guarded arithmetic treats near-equal values as equal."""
        return (a > b) - (a < b)

    def epsilon(self) -> Num:
        """The smallest positive value."""
        raise NotImplementedError

    def to_record(self, value: Num) -> Decimal | Fraction | int:
        raise NotImplementedError

    def describe(self) -> str:
        raise NotImplementedError

    # conveniences built on ``compare``
    def lt(self, a: Num, b: Num) -> bool:
        return self.compare(a, b) < 0

    def le(self, a: Num, b: Num) -> bool:
        return self.compare(a, b) <= 0

    def gt(self, a: Num, b: Num) -> bool:
        return self.compare(a, b) > 0

    def ge(self, a: Num, b: Num) -> bool:
        return self.compare(a, b) >= 0

    def eq(self, a: Num, b: Num) -> bool:
        return self.compare(a, b) == 0


class _Scaled(Arithmetic):
    """Shared code for values held as integers of 1/``scale``."""

    scale: int = 1
    places: int = 0

    def from_int(self, n: int) -> int:
        return n * self.scale

    def from_fraction(self, value: Fraction) -> int:
        return value.numerator * self.scale // value.denominator

    def mul(self, a: int, b: int) -> int:
        return a * b // self.scale

    def div(self, a: int, b: int) -> int:
        return a * self.scale // b

    def muldiv(self, a: int, b: int, c: int) -> int:
        return a * b // c

    def mul_up(self, a: int, b: int) -> int:
        return -(-(a * b) // self.scale)

    def div_up(self, a: int, b: int) -> int:
        return -(-(a * self.scale) // b)

    def epsilon(self) -> int:
        return 1

    def to_record(self, value: int) -> Decimal:
        # from a string, so no decimal context rounds the 27 places of guarded values
        return Decimal(f"{int(value)}E-{self.places}")


class FixedDecimal(_Scaled):
    """Integers of 1/10^places; every product and quotient truncated."""

    name = "fixed"
    exact = False

    def __init__(self, places: int) -> None:
        self.places = self.display = places
        self.scale = 10**places
        super().__init__()

    def describe(self) -> str:
        return f"fixed-point decimal, {self.places} places, truncated"


class Guarded(_Scaled):
    """Fixed-point with hidden guard places; differences under half a unit of precision are ties."""

    name = "guarded"

    def __init__(self, precision: int, guard: int, display: int | None = None) -> None:
        self.precision = precision
        self.guard = guard
        self.places = precision + guard
        self.display = min(display if display is not None else precision, self.places)
        self.scale = 10**self.places
        self._geps = max(10**guard // 2, 1)
        # with no guard digits this is ordinary fixed-point, quota rounded up
        self.exact = guard > 0
        super().__init__()

    def compare(self, a: int, b: int) -> int:
        if abs(a - b) < self._geps:
            return 0
        return 1 if a > b else -1

    def describe(self) -> str:
        return f"guarded fixed-point decimal, {self.precision}+{self.guard} places, {self.display} shown"


class Rational(Arithmetic):
    """Exact fractions; ``display`` only sets the places shown."""

    name = "rational"
    exact = True

    def __init__(self, display: int = 12) -> None:
        self.display = display
        super().__init__()

    def from_int(self, n: int) -> Fraction:
        return Fraction(n)

    def from_fraction(self, value: Fraction) -> Fraction:
        return value

    def mul(self, a: Fraction, b: Fraction) -> Fraction:
        return a * b

    def div(self, a: Fraction, b: Fraction) -> Fraction:
        return Fraction(a) / b

    def muldiv(self, a: Fraction, b: Fraction, c: Fraction) -> Fraction:
        return Fraction(a) * b / c

    def epsilon(self) -> Fraction:
        return Fraction(0)

    def to_record(self, value: Fraction) -> Fraction:
        return Fraction(value)

    def describe(self) -> str:
        return f"rational (exact), {self.display} places shown"


_SPEC = re.compile(
    r"^(?:fixed-p(?P<fp>\d+)(?:-d\d+)?"
    r"|guarded-p(?P<gp>\d+)-g(?P<gg>\d+)(?:-d(?P<gd>\d+))?"
    r"|rational(?:-d(?P<rd>\d+))?)$"
)


def parse_arithmetic(spec: str | Arithmetic) -> Arithmetic:
    """Build an arithmetic from a short name: ``fixed-p5``, ``guarded-p18-g9-d18``, ``rational-d12``."""
    if isinstance(spec, Arithmetic):
        return spec
    match = _SPEC.match(spec.strip())
    if not match:
        raise ValueError(
            f"unknown arithmetic {spec!r}; use fixed-pN, guarded-pN-gN[-dN] or rational[-dN]"
        )
    groups: dict[str, Any] = match.groupdict()
    if groups["fp"] is not None:
        return FixedDecimal(int(groups["fp"]))
    if groups["gp"] is not None:
        display = int(groups["gd"]) if groups["gd"] is not None else None
        return Guarded(int(groups["gp"]), int(groups["gg"]), display)
    return Rational(int(groups["rd"]) if groups["rd"] is not None else 12)
