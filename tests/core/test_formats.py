"""Dates read one way in every member administration: the month in letters, the day first."""

import datetime as dt

from django.utils import formats, translation

from workplan.delivery.forms import DATE


def test_dates_name_the_month_and_times_use_24_hours():
    moment = dt.datetime(2026, 12, 4, 16, 29)
    with translation.override("en-gb"):
        assert formats.date_format(dt.date(2025, 2, 10)) == "10 Feb 2025"
        assert formats.date_format(dt.date(2025, 2, 10), "SHORT_DATE_FORMAT") == "10 Feb 2025"
        assert formats.date_format(moment, "SHORT_DATETIME_FORMAT") == "4 Dec 2026, 16:29"
        assert formats.date_format(moment, "DATETIME_FORMAT") == "4 Dec 2026, 16:29"


def test_date_fields_still_carry_iso_dates_for_the_browser():
    with translation.override("en-gb"):
        html = DATE.render("on", dt.date(2025, 2, 10))
    assert 'type="date"' in html and 'value="2025-02-10"' in html
