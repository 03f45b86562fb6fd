"""How a figure is written, decided once: every page, export and report formats a share, a
mean or a count through these functions, so a figure rounds the same wherever it appears
(docs/kpis.md, "Figures")."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

DASH = "–"


def share(part, whole) -> float | None:
    """``part / whole`` (0-1), None when there is nothing to divide by."""
    try:
        return part / whole if whole else None
    except TypeError:
        return None


def share_text(value: float | None) -> str:
    """A share (0-1) as a whole percentage, halves rounded up: ``0.535`` → ``54%``."""
    if value is None:
        return DASH
    percent = (Decimal(str(value)) * 100).quantize(Decimal(1), rounding=ROUND_HALF_UP)
    return f"{percent}%"


def mean_text(value) -> str:
    """A mean rating with two decimals, halves rounded up: ``3.955`` → ``3.96``."""
    if value is None:
        return DASH
    return str(Decimal(str(value)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


def count_text(value) -> str:
    """A count with thousands separated: ``4,365``."""
    return DASH if value is None else f"{int(value):,}"
