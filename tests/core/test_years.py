"""Impossible fiscal years are a 404 in every URL and a named error in every parameter
(core/years.py), never a 500."""

from __future__ import annotations

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from hypothesis import given
from hypothesis import strategies as st

from workplan.core.models import Role
from workplan.core.years import FIRST_YEAR, LAST_YEAR, FiscalYearConverter, parse_fiscal_year
from workplan.reports.registry import registry

BAD_YEARS = ["0000-0001", "0001-0002", "9999-10000", "2024-2026", "2025-2024", "2024-2024",
             "1899-1900", "2200-2201", "9998-9999"]


def year_urls(patterns, prefix=""):
    """(name, kwargs) of every URL pattern with a ``<fiscal_year:...>`` in it."""
    for entry in patterns:
        if isinstance(entry, URLResolver):
            namespace = f"{entry.namespace}:" if entry.namespace else ""
            yield from year_urls(entry.url_patterns, prefix + namespace)
        elif isinstance(entry, URLPattern):
            converters = entry.pattern.converters
            if any(isinstance(c, FiscalYearConverter) for c in converters.values()):
                yield prefix + entry.name, sorted(converters)


def example_kwargs(names: list[str]) -> dict[str, str]:
    values = {"office_code": "ROCB-AP", "period": "2024-2025", "fmt": "json", "code": "1-(a)",
              "step": "save"}
    assert set(names) <= set(values), names
    return {name: values[name] for name in names}


YEAR_URLS = sorted(year_urls(get_resolver().url_patterns))


def test_the_walk_finds_the_year_pages():
    names = {name for name, _kwargs in YEAR_URLS}
    assert {"plans:workplan_detail", "plans:workplan_export", "indicators:dashboard",
            "indicators:iptt", "indicators:iptt_xlsx", "delivery:plan_delivery"} <= names


@pytest.mark.django_db
@pytest.mark.parametrize("name, kwargs", YEAR_URLS, ids=[name for name, _ in YEAR_URLS])
def test_every_year_url_is_a_404_for_an_impossible_year(client, make_user, seed_plan, name,
                                                         kwargs):
    client.force_login(make_user(Role.ADMIN))
    good = reverse(name, kwargs=example_kwargs(kwargs))
    # the page exists for the plan's year (a form that takes only POST says so: 405)
    assert client.get(good).status_code in (200, 405), good
    for bad in BAD_YEARS:
        url = good.replace("2024-2025", bad)
        assert client.get(url).status_code == 404, url


@pytest.mark.django_db
def test_the_reported_dashboard_url(client, make_user, office):
    client.force_login(make_user(Role.STAFF))
    assert client.get("/indicators/ROCB-AP/0000-0001/dashboard/").status_code == 404
    # A year with no plan is still a dashboard (of delivery without KPIs).
    assert client.get("/indicators/ROCB-AP/2030-2031/dashboard/").status_code == 200


PERIOD_EXPORTERS = [exporter.identifier for exporter in registry
                    if "period" in {param.name for param in exporter.params}]


def test_the_exporters_with_a_period_are_found():
    assert {"annual-report", "newsletter", "iati-activities", "iptt", "events",
            "work-plan"} <= set(PERIOD_EXPORTERS)


@pytest.mark.django_db
@pytest.mark.parametrize("identifier", PERIOD_EXPORTERS)
def test_every_export_names_the_bad_period(client, make_user, office, identifier):
    client.force_login(make_user(Role.STAFF))
    for bad in ["0000-0001", "2024-2026", "2200-2201"]:
        response = client.get(reverse("reports:report_download", args=[identifier]),
                              {"office": "ROCB-AP", "period": bad, "quarter": "1"})
        assert response.status_code == 400, (identifier, bad)
        page = response.content.decode()
        assert "period:" in page and bad in page, (identifier, bad)


@pytest.mark.django_db
def test_the_calendar_shows_this_month_for_an_impossible_one(client, make_user, office):
    client.force_login(make_user(Role.STAFF))
    response = client.get("/delivery/calendar/", {"month": "0000-01"})
    assert response.status_code == 200
    assert "is not a month" in response.content.decode()


@pytest.mark.parametrize("value, problem", [
    ("0000-0001", "not a year Workplan plans for"),
    ("2024-2026", "must follow each other"),
    ("2024", "write two consecutive years"),
    ("", "write two consecutive years"),
    (f"{LAST_YEAR + 1}-{LAST_YEAR + 2}", "not a year Workplan plans for"),
])
def test_parse_fiscal_year_says_why(value, problem):
    with pytest.raises(ValueError, match=problem):
        parse_fiscal_year(value)


@given(st.integers(min_value=0, max_value=9998))
def test_parse_fiscal_year_accepts_exactly_the_bounded_years(first):
    text = f"{first:04d}-{first + 1:04d}"
    if FIRST_YEAR <= first <= LAST_YEAR:
        assert parse_fiscal_year(text) == first
    else:
        with pytest.raises(ValueError):
            parse_fiscal_year(text)


@given(st.text(max_size=12))
def test_parse_fiscal_year_never_fails_otherwise(text):
    try:
        year = parse_fiscal_year(text)
    except ValueError:
        return
    assert FIRST_YEAR <= year <= LAST_YEAR
