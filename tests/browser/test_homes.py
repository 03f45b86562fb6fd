"""Each role's home on the demonstration year, and a request that becomes an event, in
Chromium against the live server.

- staff, a member's focal point, an expert and a viewer each sign in and read their home at
  1366 px and 390 px wide: no sideways scrolling, the accessibility checks and axe pass,
  photographed (var/screenshots/home-<role>.png and home-<role>-phone.png);
- a focal point files a request; staff open it and "Schedule as a new event", the form
  pre-filled from the request; the focal point's notification says it is scheduled and leads
  to the request (journey-schedule-*.png).
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse

from tests.conftest import TEST_PASSWORD

from .a11y import assert_accessible
from .helpers import horizontal_overflow, shot, sign_in
from .standards import axe_violations, collect

WIDE = {"width": 1366, "height": 900}
PHONE = {"width": 390, "height": 844}
TODAY = dt.date(2026, 1, 15)


def _context(browser, live_server, viewport=WIDE):
    context = browser.new_context(base_url=live_server.url, viewport=viewport, locale="en-GB")
    collect(context)  # the HTML it loads goes to the Nu HTML Checker (standards.py)
    context.set_default_timeout(15_000)
    return context


def _read_home(browser, live_server, username: str, name: str) -> str:
    """Sign in as ``username``, check and photograph the home at both widths; its text."""
    context = _context(browser, live_server)
    try:
        page = context.new_page()
        sign_in(page, username, TEST_PASSWORD)
        assert page.url.rstrip("/") == live_server.url.rstrip("/"), page.url
        assert horizontal_overflow(page) == 0
        assert_accessible(page)
        assert axe_violations(page) == []
        shot(page, f"home-{name}", full_page=True)
        text = page.locator("main").inner_text()
        page.set_viewport_size(PHONE)
        assert horizontal_overflow(page) == 0, f"{name}'s home scrolls sideways at 390 px"
        assert axe_violations(page) == []
        shot(page, f"home-{name}-phone")
        return text
    finally:
        context.close()


def test_each_role_reads_their_home_at_desktop_and_phone_width(browser, live_server,
                                                               make_user, office, seed_plan):
    from workplan.delivery.demo import populate
    from workplan.delivery.models import Participation, Request
    from workplan.directory.models import Member

    fiji = Member.objects.get(iso3="FJI")
    make_user("staff", username="ap-staff", first_name="Sam", last_name="Staff")
    make_user("focal_point", username="fiji-focal", member=fiji, first_name="Mere",
              last_name="Tuilau")
    make_user("viewer", username="ap-viewer", first_name="Vi", last_name="Ewer")
    expert_user = make_user("expert", username="ap-expert")
    populate(office, seed=2024, today=TODAY)
    deployed = (Participation.objects.filter(role="expert").values("person")
                .order_by("person").first()["person"])
    person = Participation.objects.filter(person=deployed).first().person
    person.user = expert_user
    person.save()

    staff = _read_home(browser, live_server, "ap-staff", "staff")
    assert "Today at the office" in staff
    waiting = Request.objects.filter(status="received").count()
    assert re.search(rf"\b{waiting}\s+Requests to answer", staff), staff[:400]
    assert "ROCB A/P, fiscal year 2024-2025" in staff  # the demo year, not a year of zeros
    assert "KPI value" in staff and "to review" in staff

    focal = _read_home(browser, live_server, "fiji-focal", "focal-point")
    assert "Your requests and events (Fiji)" in focal
    for topic in Request.objects.filter(member=fiji).values_list("topic", flat=True)[:3]:
        assert topic[:30] in focal

    expert = _read_home(browser, live_server, "ap-expert", "expert")
    assert "Your deployments" in expert and "Past deployments" in expert
    assert Participation.objects.filter(person=person).first().event.title[:30] in expert

    viewer = _read_home(browser, live_server, "ap-viewer", "viewer")
    assert "The year at a glance" in viewer and "fiscal year 2024-2025" in viewer
    assert "Requests to answer" not in viewer


def test_a_request_scheduled_as_a_new_event_tells_the_focal_point(browser, live_server,
                                                                  make_user, office,
                                                                  seed_plan):
    from workplan.delivery.models import Event, Request
    from workplan.delivery.services import file_request
    from workplan.directory.models import Member

    lao = Member.objects.get(iso3="LAO")
    focal = make_user("focal_point", username="lao-focal", member=lao, first_name="Khamla",
                      last_name="Vong", email="khamla@customs-lao.example")
    make_user("staff", username="ap-staff", first_name="Sam", last_name="Staff")
    activity = seed_plan.activities.filter(kind="national_workshop", members=lao).first()
    req = file_request(office=office, member=lao, user=focal, activity=activity,
                       topic="Post-clearance audit for Lao PDR",
                       preferred_start=dt.date(2025, 3, 10), preferred_end=dt.date(2025, 3, 13))

    # 1. Staff open the request from their home and schedule it as a new event.
    context = _context(browser, live_server)
    try:
        staff = context.new_page()
        sign_in(staff, "ap-staff", TEST_PASSWORD)
        staff.locator(".todo__rows").get_by_role("link", name=re.compile("Post-clearance")
                                                 ).click()
        staff.wait_for_url(f"**{req.get_absolute_url()}")
        staff.get_by_role("link", name="Schedule as a new event").click()
        staff.wait_for_url(re.compile(r"/delivery/events/new/\?request=\d+"))
        assert staff.get_by_label(re.compile(r"^Start")).input_value() == "2025-03-10"
        assert staff.get_by_label(re.compile(r"^End")).input_value() == "2025-03-13"
        title = staff.get_by_label(re.compile(r"^Title"))
        assert title.input_value() == activity.title
        assert_accessible(staff)
        shot(staff, "journey-schedule-1-form", full_page=True)
        staff.get_by_role("button", name="Record the event").click()
        staff.wait_for_url(re.compile(r"/delivery/events/\d+/$"))
        assert "the request of Lao PDR is scheduled as it" in staff.locator(
            ".messages").inner_text()
        shot(staff, "journey-schedule-2-event")
    finally:
        context.close()
    req.refresh_from_db()
    event = Event.objects.get(pk=req.event_id)
    assert (req.status, event.host_member, event.start_date) == \
        ("scheduled", lao, dt.date(2025, 3, 10))
    assert list(event.beneficiaries.all()) == [lao]

    # 2. The focal point is told, in the app: the bell counts it, the list says it, and the
    # notice leads to the request.
    context = _context(browser, live_server)
    try:
        page = context.new_page()
        sign_in(page, "lao-focal", TEST_PASSWORD)
        badge = page.locator("#notification-bell .badge")  # htmx fills it after load
        badge.wait_for(state="attached")
        # Accepted and scheduled in one step: told both.
        assert badge.text_content().strip() == "2"
        assert sorted(focal.notifications.values_list("kind", flat=True)) == [
            "request_accepted", "request_scheduled"]
        bell = page.locator("#notification-bell")
        if bell.is_visible():
            bell.click()
        else:  # inside the account menu
            page.get_by_role("navigation").locator("summary").last.click()
            bell.click()
        page.wait_for_url(f"**{reverse('notifications:notification_list')}")
        notice = page.locator("main").get_by_role("button", name=re.compile("is scheduled as"))
        assert notice.count() == 1
        text = notice.inner_text()
        assert "Post-clearance audit for Lao PDR" in text and event.title in text
        assert_accessible(page)
        assert axe_violations(page) == []
        shot(page, "journey-schedule-3-notified")
        notice.click()
        page.wait_for_url(f"**{req.get_absolute_url()}")
        assert page.locator(".detail-header .badge").inner_text().strip() == "Scheduled"
    finally:
        context.close()
    assert Request.objects.get(pk=req.pk).event_id == event.pk


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def test_an_expert_completes_their_profile_from_their_home(browser, live_server, make_user,
                                                           office):
    """The expert's profile page is theirs alone, so the office admin's page walk does not
    open it: here the expert follows their home's item to it, which passes the accessibility
    checks and axe at both widths, with a refused field and once saved."""
    from workplan.directory.models import Person

    expert = make_user("expert", username="ap-expert", first_name="Kiri", last_name="Expert")
    person = Person.objects.create(office=office, full_name="Kiri Expert", user=expert)
    context = _context(browser, live_server)
    try:
        page = context.new_page()
        sign_in(page, "ap-expert", TEST_PASSWORD)
        page.get_by_role("link", name=re.compile("Profile items to complete")).click()
        page.wait_for_load_state()
        assert page.url.endswith(reverse("directory:expert_profile"))
        assert page.locator("h2", has_text="7 items to complete").is_visible()
        assert_accessible(page)
        assert axe_violations(page) == []
        page.set_viewport_size(PHONE)
        assert horizontal_overflow(page) == 0
        assert axe_violations(page) == []
        page.set_viewport_size(WIDE)

        page.get_by_label("Telephone").fill("330 2222")  # no country code
        page.get_by_label("Working languages").fill("English, Fijian")
        page.get_by_role("button", name="Save my profile").click()
        page.wait_for_load_state()
        assert "country code" in page.locator("#id_phone_error").inner_text()
        assert_accessible(page, keyboard=False)
        assert axe_violations(page) == []
        person.refresh_from_db()
        assert person.languages == [] and person.version == 1  # nothing saved

        page.get_by_label("Telephone").fill("+679 330 2222")
        page.get_by_role("button", name="Save my profile").click()
        page.wait_for_load_state()
        assert page.get_by_text("Your profile was saved.").is_visible()
        assert page.locator("h2", has_text="5 items to complete").is_visible()
        shot(page, "expert-profile", full_page=True)
    finally:
        context.close()
    person.refresh_from_db()
    assert (person.phone, person.languages) == ("+679 330 2222", ["English", "Fijian"])
