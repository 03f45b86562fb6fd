"""Fiscal periods: a fiscal year (July-June for the WCO offices) and its four quarters.

A period is named by the first calendar year of its fiscal year and a quarter (0 = the whole
year), so ``Period(2024, 2)`` is October-December 2024 for an office whose year starts in July.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import IntegerField, Value
from django.db.models.functions import Cast, ExtractMonth, Mod
from django.utils.translation import gettext as _


def add_months(year: int, month: int, months: int) -> tuple[int, int]:
    index = year * 12 + (month - 1) + months
    return index // 12, index % 12 + 1


@dataclass(frozen=True, order=True)
class Period:
    fiscal_year: int
    quarter: int = 0  # 0: the whole fiscal year
    start_month: int = 7

    @property
    def key(self) -> str:
        return f"Q{self.quarter}" if self.quarter else "FY"

    @property
    def start(self) -> dt.date:
        year, month = add_months(self.fiscal_year, self.start_month,
                                 3 * (self.quarter - 1) if self.quarter else 0)
        return dt.date(year, month, 1)

    @property
    def end(self) -> dt.date:
        year, month = add_months(self.fiscal_year, self.start_month,
                                 3 * self.quarter if self.quarter else 12)
        return dt.date(year, month, 1) - dt.timedelta(days=1)

    @property
    def year_label(self) -> str:
        if self.start_month == 1:
            return str(self.fiscal_year)
        return f"{self.fiscal_year}-{self.fiscal_year + 1}"

    @property
    def label(self) -> str:
        if not self.quarter:
            return self.year_label
        return _("Q%(quarter)s %(year)s") % {"quarter": self.quarter, "year": self.year_label}

    @property
    def months_label(self) -> str:
        return f"{self.start:%b %Y} – {self.end:%b %Y}"

    def quarters(self) -> list[Period]:
        return [Period(self.fiscal_year, q, self.start_month) for q in (1, 2, 3, 4)]

    def year(self) -> Period:
        return Period(self.fiscal_year, 0, self.start_month)

    def contains(self, day: dt.date) -> bool:
        return self.start <= day <= self.end


def fiscal_year_of(day: dt.date, start_month: int = 7) -> int:
    return day.year if day.month >= start_month else day.year - 1


def quarter_of(day: dt.date, start_month: int = 7) -> int:
    return (day.month - start_month) % 12 // 3 + 1


def current_period(today: dt.date, start_month: int = 7) -> Period:
    return Period(fiscal_year_of(today, start_month), quarter_of(today, start_month),
                  start_month)


def quarter_expression(date_field: str, start_month: int):
    """SQL for the fiscal quarter (1-4) of ``date_field``, the same on SQLite and PostgreSQL
    (integer division of the months since the year began)."""
    months_in = Mod(ExtractMonth(date_field) - Value(start_month) + Value(12), Value(12))
    return Cast(months_in / Value(3), IntegerField()) + Value(1)


__all__ = ["Period", "add_months", "current_period", "fiscal_year_of", "quarter_of",
           "quarter_expression"]
