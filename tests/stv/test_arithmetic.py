"""The three arithmetics round the way their rules say."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest

from voting.arithmetic import FixedDecimal, Guarded, Rational, parse_arithmetic


def test_fixed_truncates_every_product_and_quotient() -> None:
    a = FixedDecimal(5)
    two_thirds = a.div(a.from_int(2), a.from_int(3))
    assert a.to_record(two_thirds) == Decimal("0.66666")
    assert a.to_record(a.muldiv(a.from_int(251), a.one, a.from_int(1632))) == Decimal("0.15379")
    assert a.to_record(a.mul(two_thirds, two_thirds)) == Decimal("0.44443")


def test_guarded_treats_near_values_as_equal() -> None:
    g = Guarded(18, 9, 18)
    third = g.div(g.one, g.from_int(3))
    assert g.eq(g.mul(third, g.from_int(3)), g.one)  # 0.999…9 (27 places) equals 1
    assert g.lt(g.one, g.one + g.from_fraction(Fraction(1, 10**18)))
    assert g.exact and not FixedDecimal(9).exact


def test_rational_is_exact() -> None:
    r = Rational(12)
    assert r.muldiv(r.from_int(2), r.from_int(1), r.from_int(3)) == Fraction(2, 3)


@pytest.mark.parametrize("spec,kind", [("fixed-p5", FixedDecimal), ("guarded-p18-g9-d18", Guarded), ("rational-d12", Rational)])
def test_parse(spec: str, kind: type) -> None:
    assert isinstance(parse_arithmetic(spec), kind)


def test_parse_refuses_unknown() -> None:
    with pytest.raises(ValueError, match="unknown arithmetic"):
        parse_arithmetic("float")
