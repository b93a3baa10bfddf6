"""Numbers as a reader should see them: each formatted for its unit, and "n/a" with a reason.

Percent with one or two decimals, ranks as integers ("9th" or "9"), shares with four
decimals at most, counts with thousands separators. A missing value is never printed as
nan or None: `NotAvailable` carries the reason and prints "n/a (reason)".
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from numbers import Number

import pandas as pd


@dataclass(frozen=True)
class NotAvailable:
    reason: str

    def __str__(self) -> str:
        return f"n/a ({self.reason})" if self.reason else "n/a"


def missing(value) -> bool:
    """None, NaN, pandas NA/NaT, or an empty string."""
    if value is None:
        return True
    if isinstance(value, str):  # "none" (no service group) is a value; "None" is a missing one printed
        return value.strip() in ("", "nan", "NaN", "None", "<NA>", "NaT")
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):  # a list or array: not a scalar, not missing
        return False


def number(value) -> float | None:
    if missing(value):
        return None
    if isinstance(value, Number):
        result = float(value)
        return None if math.isnan(result) else result
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def _clean_zero(text: str) -> str:
    """'-0.00' reads as a sign where there is none."""
    stripped = text.lstrip("+-−")
    if stripped and set(stripped.replace(".", "").replace(",", "").split(" ")[0]) <= {"0"}:
        return stripped
    return text


def fixed(value, decimals: int = 2, signed: bool = False) -> str:
    x = number(value)
    if x is None:
        return "n/a"
    text = f"{x:+,.{decimals}f}" if signed else f"{x:,.{decimals}f}"
    return _clean_zero(text).replace("-", "−")


def percent(value, decimals: int = 2, signed: bool = False) -> str:
    """A value already in percent: 8.825004 -> '8.83%'."""
    x = number(value)
    return "n/a" if x is None else f"{fixed(x, decimals, signed)}%"


def share_as_percent(value, decimals: int = 2) -> str:
    """A share in 0..1 shown in percent: 0.0379 -> '3.79%'."""
    x = number(value)
    return "n/a" if x is None else percent(100 * x, decimals)


def share(value, decimals: int = 4) -> str:
    """A share in 0..1 with at most four decimals."""
    return fixed(value, min(decimals, 4))


def points(value, decimals: int = 2, signed: bool = True) -> str:
    """Percentage points: '+2.55 pp'."""
    x = number(value)
    return "n/a" if x is None else f"{fixed(x, decimals, signed)} pp"


def integer(value, signed: bool = False) -> str:
    x = number(value)
    if x is None:
        return "n/a"
    return _clean_zero(f"{round(x):+,d}" if signed else f"{round(x):,d}").replace("-", "−")


def year(value) -> str:
    """A calendar year: 2018.0 -> '2018' (no thousands separator)."""
    x = number(value)
    return "n/a" if x is None else str(round(x))


def ordinal(value) -> str:
    """A rank: 2 -> '2nd', 57.0 -> '57th'."""
    x = number(value)
    if x is None:
        return "n/a"
    n = round(x)
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n:,d}{suffix}"


def coefficient(value) -> str:
    """Regression coefficients: three decimals, as the ledger's evidence states them."""
    return fixed(value, 3, signed=True)


def p_value(value) -> str:
    x = number(value)
    if x is None:
        return "n/a"
    return "< 0.001" if x < 0.001 else f"{x:.3f}"


def by_unit(value, unit: str | None, signed: bool = False) -> str:
    """A ledger value in its unit: 'rank' 57.0 -> '57', 'percent' 8.825 -> '8.83%',
    'percentage_points' -> '+2.55 pp', 'firms' 7633 -> '7,633 firms'."""
    if number(value) is None:
        return "n/a"
    if unit == "rank":
        return integer(value, signed)
    if unit == "percent":
        return percent(value, 2, signed)
    if unit == "percentage_points":
        return points(value, 2, signed=True)
    if unit == "firms":
        return f"{integer(value, signed)} firms"
    if unit == "share":
        return share(value)
    return fixed(value, 2, signed)
