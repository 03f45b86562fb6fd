"""Fiscal periods: a fiscal year (July-June for the WCO offices) and its four quarters.

A period is named by the first calendar year of its fiscal year and a quarter (0 = the whole
year), so ``Period(2024, 2)`` is October-December 2024 for an office whose year starts in July.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import F, Func, IntegerField
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
        """"Jul – Sep 2024" for a quarter, "Jul 2024 – Jun 2025" for a year."""
        if self.start.year == self.end.year:
            return f"{self.start:%b} – {self.end:%b %Y}"
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


class FiscalQuarter(Func):
    """The fiscal quarter (1-4) of a date column, in native SQL on SQLite and PostgreSQL.

    Django's own month extraction on SQLite calls back into Python for every row, which
    dominated the KPI queries; SQLite keeps dates as ISO text, so the month is a substring.
    No modulo operator either (``%`` needs escaping through two layers of formatting).
    """

    output_field = IntegerField()

    def __init__(self, column: str, start_month: int):
        self.start_month = int(start_month)
        if not 1 <= self.start_month <= 12:
            raise ValueError("start_month must be 1-12")
        super().__init__(F(column))

    def _template(self, month: str) -> str:
        s = self.start_month
        return (f"(CASE WHEN {month} >= {s} THEN ({month} - {s}) / 3 + 1 "
                f"ELSE ({month} + {12 - s}) / 3 + 1 END)")

    def as_sqlite(self, compiler, connection, **extra):
        return self.as_sql(compiler, connection,
                           template=self._template("CAST(substr(%(expressions)s, 6, 2) AS "
                                                   "INTEGER)"), **extra)

    def as_sql(self, compiler, connection, template=None, **extra):
        template = template or self._template("CAST(EXTRACT(MONTH FROM %(expressions)s) AS "
                                              "INTEGER)")
        return super().as_sql(compiler, connection, template=template, **extra)


def quarter_expression(date_field: str, start_month: int):
    """SQL for the fiscal quarter (1-4) of ``date_field`` (a column, not an expression)."""
    return FiscalQuarter(date_field, start_month)


__all__ = ["Period", "add_months", "current_period", "fiscal_year_of", "quarter_of",
           "quarter_expression"]
