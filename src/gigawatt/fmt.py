"""Number formatting for people: units always shown."""
from __future__ import annotations


def usd(x: float | None) -> str:
    """``1.898e11`` → ``'$189.8B'``."""
    if x is None:
        return "-"
    sign, a = ("-" if x < 0 else ""), abs(x)
    for div, suffix in ((1e12, "T"), (1e9, "B"), (1e6, "M"), (1e3, "k")):
        if a >= div:
            return f"{sign}${a / div:,.1f}{suffix}"
    return f"{sign}${a:,.0f}"


def count(x: float) -> str:
    return f"{round(x):,}"


def num(x: float | None, unit: str = "", digits: int = 1) -> str:
    if x is None:
        return "-"
    text = f"{x:,.{digits}f}"
    return f"{text} {unit}".strip()


def flops(pflops: float) -> str:
    """PFLOP/s → the readable prefix (EFLOP/s for big clusters)."""
    if abs(pflops) >= 1e6:
        return f"{pflops / 1e6:,.1f} ZFLOP/s"
    if abs(pflops) >= 1e3:
        return f"{pflops / 1e3:,.1f} EFLOP/s"
    return f"{pflops:,.1f} PFLOP/s"
