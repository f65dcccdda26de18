"""Shares (quorum, threshold) as exact fractions. A leaf: models, queries, the bulletin use it."""

from decimal import Decimal
from fractions import Fraction


def share(value: Decimal | str | float) -> Fraction:
    """An edition's or round's share (a Decimal such as 0.6667) as an exact fraction.

    The shares are stored with four decimals, so two thirds is kept as 0.6667 — which is a
    little more than 2/3 and would make a committee of 30 need 21 ballots instead of 20. The
    shares people mean are simple fractions, so the nearest fraction with a denominator of at
    most 100 is taken: 0.6667 → 2/3, 0.5 → 1/2, 0.75 → 3/4. Every count (tally, bulletin,
    verify_bulletin) goes through this one function.
    """
    return Fraction(str(value)).limit_denominator(100)
