"""An event's day, from registration to certificate, in a real browser:

1. a nominee registers through the event's link on a phone (390 px wide), with no account: the
   form fits the screen, a first try without consent is refused and nothing is saved;
2. staff (confirmation done by the service, tested in tests/registration) check them in on the
   phone-sized check-in page by tapping their name, and add a walk-in;
3. the certificates are issued on the event's certificates page, and one is verified at its
   public URL by someone with no account (a tampered code: "No such certificate").

Screenshots: var/screenshots/registration-day-*.png. Each page goes to the Nu HTML Checker
(test_standards.py) and the pages new here get the accessibility checks.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.conftest import TEST_PASSWORD

from .a11y import assert_accessible
from .helpers import horizontal_overflow, shot, sign_in
from .standards import axe_violations, collect

PHONE_390 = {"width": 390, "height": 844}


@pytest.fixture
def day(office, make_user):
    """A confirmed workshop with open registration, and an office admin."""
    from django.core.cache import cache

    from workplan.delivery.services import record_event
    from workplan.registration import services

    cache.clear()  # the public pages are rate-limited per address
    today = timezone.localdate()
    event = record_event(office=office, title="Regional workshop on e-commerce",
                         kind="workshop", level="regional", start_date=today,
                         end_date=today + dt.timedelta(days=2), city="Bangkok",
                         country="THA", status="confirmed")
    window = services.open_registration(event, closes_at=timezone.now()
                                        + dt.timedelta(days=1))
    admin = make_user("admin")
    return event, reverse("registration:register", args=[services.link_token(window)]), admin


def test_register_on_a_phone_check_in_walk_in_and_verify_a_certificate(page, browser,
                                                                       live_server, day):
    from workplan.registration import services
    from workplan.registration.models import Certificate, Registration

    event, link, admin = day

    # 1. The nominee, on a phone.
    page.set_viewport_size(PHONE_390)
    page.goto(link)
    assert horizontal_overflow(page) == 0
    assert_accessible(page, landmarks=("main", "header"), keyboard=False)
    page.get_by_label(re.compile(r"^Full name")).fill("Lan Nguyen")
    page.get_by_label(re.compile(r"^Member administration")).select_option(label="Viet Nam")
    page.get_by_label(re.compile(r"^Position")).fill("Customs officer")
    page.get_by_label(re.compile(r"^Gender")).select_option("female")
    page.get_by_label(re.compile(r"^E-mail")).fill("lan@customs.example")
    page.get_by_role("button", name="Register").click()
    page.wait_for_load_state()
    assert "Registration needs your consent" in page.content()
    assert Registration.objects.count() == 0
    assert horizontal_overflow(page) == 0
    shot(page, "registration-day-1-refused", full_page=True)
    page.get_by_label(re.compile("I agree that the office records")).check()
    page.get_by_role("button", name="Register").click()
    page.wait_for_load_state()
    assert "you are registered" in page.content()
    shot(page, "registration-day-2-registered", full_page=True)
    registration = Registration.objects.get()
    services.confirm_registration(registration)

    # 2. Staff at the door, on a phone: tap her name, add a walk-in.
    sign_in(page, admin.username, TEST_PASSWORD,
            reverse("registration:checkin", args=[event.pk]))
    assert horizontal_overflow(page) == 0
    page.get_by_role("button", name=re.compile("Lan Nguyen")).click()
    page.wait_for_load_state()
    assert "Lan Nguyen is checked in." in page.locator(".messages").inner_text()
    page.locator("summary", has_text="Add a walk-in").click()
    walk_in = page.locator("form[action$='/walk-in/']")
    walk_in.get_by_label(re.compile(r"^Full name")).fill("Sione Tupou")
    walk_in.get_by_label(re.compile(r"^Member administration")).select_option(label="Tonga")
    walk_in.get_by_label(re.compile(r"^Gender")).select_option("male")
    walk_in.get_by_role("button", name="Add and check in").click()
    page.wait_for_load_state()
    assert "Sione Tupou was added and checked in." in page.locator(".messages").inner_text()
    assert horizontal_overflow(page) == 0
    shot(page, "registration-day-3-checkin", full_page=True)

    # 3. The certificates, issued on the event's page (desktop), then one verified.
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(reverse("registration:event_certificates", args=[event.pk]))
    page.get_by_role("button", name="Issue 2 certificates").click()
    page.wait_for_load_state()
    assert "2 certificates were issued." in page.locator(".messages").inner_text()
    assert not axe_violations(page)
    shot(page, "registration-day-4-certificates", full_page=True)
    page.goto(reverse("registration:certificate_layout", args=[event.office.code]))
    assert not axe_violations(page)
    certificate = Certificate.objects.get(full_name="Lan Nguyen")

    anonymous = browser.new_context(base_url=live_server.url, locale="en-GB",
                                    viewport=PHONE_390)
    collect(anonymous)
    try:
        visitor = anonymous.new_page()
        visitor.goto(reverse("registration:verify_form"))
        visitor.get_by_label("Verification code").fill(certificate.display_code.lower())
        visitor.get_by_role("button", name="Check").click()
        visitor.wait_for_load_state()
        assert visitor.url.endswith(reverse("registration:verify", args=[certificate.code]))
        assert visitor.locator("h1").inner_text() == "Valid certificate of participation"
        facts = visitor.locator("dl").inner_text()
        assert "Lan Nguyen" in facts and "Regional workshop on e-commerce" in facts
        assert "lan@customs.example" not in visitor.content()
        assert horizontal_overflow(visitor) == 0
        assert not axe_violations(visitor)
        shot(visitor, "registration-day-5-verified", full_page=True)
        tampered = certificate.code[:-1] + ("A" if certificate.code[-1] != "A" else "B")
        response = visitor.goto(reverse("registration:verify", args=[tampered]))
        assert response.status == 404
        assert visitor.locator("h1").inner_text() == "No such certificate"
        assert not axe_violations(visitor)
    finally:
        anonymous.close()
