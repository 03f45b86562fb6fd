"""Fiscal years as URLs and parameters write them: ``2024-2025``, within sensible bounds.

One parser for every place a year comes from outside: the ``fiscal_year`` path converter of
the plan, delivery, dashboard and IPTT pages, the reports' ``period`` parameter and the
calendar's month. A year Python's dates cannot hold (``0000-0001``), two years that do not
follow each other (``2024-2026``) or a year before :data:`FIRST_YEAR` or after
:data:`LAST_YEAR` is refused: a 404 for a URL, a message naming the parameter elsewhere,
never a 500 from a date computed further down.
"""

from __future__ import annotations

import re

from django.urls import register_converter
from django.utils.translation import gettext as _

# No capacity-building office planned before 1900, and a plan two centuries ahead is a typo.
FIRST_YEAR = 1900
LAST_YEAR = 2199

FISCAL_YEAR = re.compile(r"(\d{4})-(\d{4})")


def check_year(year: int) -> int:
    """``year`` if it is within the bounds; ValueError saying the bounds otherwise."""
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise ValueError(_("%(year)s is not a year Workplan plans for (%(first)s to %(last)s).")
                         % {"year": year, "first": FIRST_YEAR, "last": LAST_YEAR})
    return year


def parse_fiscal_year(value: str) -> int:
    """The first calendar year of a fiscal year written ``2024-2025``; ValueError with a
    message saying what is wrong otherwise."""
    match = FISCAL_YEAR.fullmatch((value or "").strip())
    if not match:
        raise ValueError(_("“%(value)s” is not a fiscal year: write two consecutive years, "
                           "e.g. 2024-2025.") % {"value": str(value)[:20]})
    first, second = int(match.group(1)), int(match.group(2))
    if second != first + 1:
        raise ValueError(_("“%(value)s” is not a fiscal year: the two years must follow each "
                           "other, e.g. 2024-2025.") % {"value": value})
    return check_year(first)


class FiscalYearConverter:
    """``<fiscal_year:period>``: a fiscal year as plans name it (``2024-2025``), passed to the
    view as that text. An impossible one does not match, so the URL is a 404."""

    regex = r"\d{4}-\d{4}"

    def to_python(self, value: str) -> str:
        parse_fiscal_year(value)  # ValueError: Django tries the next pattern, then 404s
        return value

    def to_url(self, value) -> str:
        # Not checked: a link to a stored plan is never the place to fail.
        return f"{value}-{value + 1}" if isinstance(value, int) else str(value)


register_converter(FiscalYearConverter, "fiscal_year")
