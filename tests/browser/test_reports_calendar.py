"""The Reports page and the month calendar in a real browser (var/screenshots/reports-*.png,
calendar-*.png): a staff member of two offices picks an office (htmx brings its fiscal years),
a format by its name and downloads; a tampered address gets its message on the form; the
calendar draws one bar per event and week with the full title, and fits a phone. axe finds
nothing on these pages, and the Nu HTML Checker nothing on them (the error page included)."""

from __future__ import annotations

import datetime as dt
import shutil

import pytest
from django.urls import reverse

from tests.conftest import TEST_PASSWORD

from .helpers import horizontal_overflow, shot, sign_in
from .standards import axe_violations, vnu_errors

WIDE_1366 = {"width": 1366, "height": 900}
PHONE_390 = {"width": 390, "height": 844}
LONG_TITLE = ("Sub-regional workshop on the WCO SAFE Framework of Standards and Authorized "
              "Economic Operator mutual recognition")


@pytest.fixture
def two_offices(office, seed_plan, other_office, make_user):
    from workplan.core.models import Membership
    from workplan.delivery.services import record_event
    from workplan.directory.models import Member

    def event(where, title, start, end=None, status="held", **extra):
        return record_event(office=where, title=title, kind="workshop", level="national",
                            start_date=start, end_date=end or start, status=status, **extra)

    lao = Member.objects.get(iso3="LAO")
    event(office, LONG_TITLE, dt.date(2025, 3, 8), dt.date(2025, 3, 10), beneficiaries=[lao])
    event(office, "National workshop on post-clearance audit, Vientiane",
          dt.date(2025, 3, 12), dt.date(2025, 3, 14), status="confirmed")
    event(office, "Diagnostic mission", dt.date(2025, 3, 12))
    event(other_office, "AEO validation, Nairobi", dt.date(2023, 10, 2))
    user = make_user("staff", username="two-offices")
    Membership.objects.create(user=user, office=other_office, role="staff")
    return user


def test_reports_page_and_calendar(page, two_offices, tmp_path):
    pages = tmp_path / "pages"
    pages.mkdir()
    failures: list[str] = []

    def check(label):
        failures.extend(f"{label}: {v}" for v in axe_violations(page))
        (pages / f"{label}.html").write_text(page.content())

    page.set_viewport_size(WIDE_1366)
    sign_in(page, "two-offices", TEST_PASSWORD, next_path=reverse("reports:report_list"))
    events = page.locator("#export-events-form")
    assert events.get_by_label("Fiscal year").locator("option").all_inner_texts() == [
        "2024-2025"]
    # the office chosen, its fiscal years come (htmx, no page load)
    events.get_by_label("Office").select_option("ROCB-ESA")
    page.locator("#events-period option[value='2023-2024']").wait_for(state="attached")
    assert page.locator("#events-period option").all_inner_texts() == ["2023-2024"]
    assert page.url.endswith(reverse("reports:report_list"))
    plan = page.locator("#export-work-plan-form")
    assert plan.get_by_role("group", name="Format").get_by_role("radio").count() == 4
    cli = plan.locator("details")
    assert not cli.locator("code").is_visible()
    plan.get_by_label("Excel").check()
    # the form comes back with the command line of what is chosen, focus where it was
    plan.locator("code", has_text="format=xlsx").wait_for(state="attached")
    assert page.evaluate("document.activeElement.id") == "work-plan-format-xlsx"
    cli.locator("summary").click()
    assert cli.locator("code").inner_text() == (
        "workplan export work-plan --param office=ROCB-AP --param period=2024-2025 "
        "--param format=xlsx")
    check("reports")
    shot(page, "reports-1366", full_page=True)
    with page.expect_download() as download:
        plan.get_by_role("button", name="Download").click()
    assert download.value.suggested_filename == "rocb-ap-awp-2024-2025.xlsx"
    with page.expect_download() as download:
        page.locator("#export-events-form").get_by_role("button", name="Download").click()
    assert download.value.suggested_filename == "rocb-esa-events-2023-2024.xlsx"

    # a tampered address: the page again, the message beside the field
    response = page.goto(reverse("reports:report_download", args=["events"])
                         + "?office=ROCB-AP&period=2019-2020")
    assert response.status == 400
    error = page.locator("#events-period-error")
    assert "ROCB-AP has no plan or event in 2019-2020" in error.inner_text()
    check("reports-error")
    page.set_viewport_size(PHONE_390)
    assert horizontal_overflow(page) == 0
    shot(page, "reports-390")

    # the calendar: one bar per event and week, titles in full
    page.set_viewport_size(WIDE_1366)
    page.goto(reverse("delivery:calendar") + "?month=2025-03")
    long_bars = page.locator(".calendar-grid a.calendar-event", has_text=LONG_TITLE)
    assert long_bars.count() == 2
    for i in range(2):
        assert LONG_TITLE in long_bars.nth(i).inner_text()
    first, second = long_bars.nth(0).bounding_box(), long_bars.nth(1).bounding_box()
    day = page.locator(".calendar-week__day").first.bounding_box()
    assert first["width"] > 1.5 * day["width"]  # Saturday and Sunday: one bar across both
    assert second["y"] > first["y"] + first["height"]  # Monday: the next week's row
    check("calendar")
    shot(page, "calendar-1366", full_page=True)
    page.set_viewport_size(PHONE_390)
    assert horizontal_overflow(page) == 0
    assert page.locator(".calendar-list").is_visible()
    assert page.locator(".calendar-list", has_text=LONG_TITLE).count() == 1
    failures.extend(f"calendar (phone): {v}" for v in axe_violations(page))
    shot(page, "calendar-390", full_page=True)

    assert not failures, "\n".join(failures)
    if shutil.which("java"):
        errors = vnu_errors(pages)
        assert not errors, errors
