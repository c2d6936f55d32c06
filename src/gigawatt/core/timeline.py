"""Months as integers: ``2026-07`` ↔ index ``2026*12 + 6``; month labels for outputs."""
from __future__ import annotations

import datetime as _dt
import re

_MONTH = re.compile(r"^\s*(\d{4})-(\d{1,2})\s*$")
_HALF = re.compile(r"^\s*([12])H\s*(\d{4})\s*$", re.IGNORECASE)
_QUARTER = re.compile(r"^\s*Q([1-4])\s*(\d{4})\s*$", re.IGNORECASE)


def month_index(value) -> int:
    """Parse a month to an integer index (months since year 0).

    Accepts ``"2026-07"``, a ``date``, ``"2H 2026"`` (→ 2026-07, DESIGN.md's convention) and
    ``"Q3 2026"`` (→ first month of the quarter).

    >>> month_label(month_index("2H 2026"))
    '2026-07'
    """
    if isinstance(value, _dt.date):
        return value.year * 12 + value.month - 1
    if isinstance(value, str):
        if m := _MONTH.match(value):
            year, month = int(m.group(1)), int(m.group(2))
            if 1 <= month <= 12:
                return year * 12 + month - 1
        elif m := _HALF.match(value):
            return int(m.group(2)) * 12 + (0 if m.group(1) == "1" else 6)
        elif m := _QUARTER.match(value):
            return int(m.group(2)) * 12 + (int(m.group(1)) - 1) * 3
    raise ValueError(f"expected a month like '2026-07', '2H 2026' or 'Q3 2026', got {value!r}")


def month_label(index: int) -> str:
    """``24318`` → ``'2026-07'``."""
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def quarter_label(month: str | int) -> str:
    """A month label or index → its quarter: ``'2026-08'`` → ``'2026-Q3'``. The one quarter
    label of every output (supply, optimise, deal); labels sort in time order.

    >>> quarter_label("2026-08"), quarter_label(month_index("2027-12"))
    ('2026-Q3', '2027-Q4')
    """
    if not isinstance(month, str):
        month = month_label(int(month))
    return f"{month[:4]}-Q{(int(month[5:7]) - 1) // 3 + 1}"


def sum_by_period(months: list[str], values, period: str = "year") -> dict[str, float]:
    """Sum a monthly series by calendar ``year`` or ``quarter``."""
    key = quarter_label if period == "quarter" else (lambda m: m[:4])
    out: dict[str, float] = {}
    for m, v in zip(months, values):
        k = key(m)
        out[k] = out.get(k, 0.0) + float(v)
    return out
