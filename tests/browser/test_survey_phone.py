"""A workshop participant answers the evaluation on a phone (390 x 844), through the link they
were sent, with no account: a first try with answers missing is refused with the questions
named, then the answers are sent and saved. The page fits the screen and passes the basic
accessibility check (var/screenshots/survey-phone-*.png)."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse

from .a11y import assert_accessible
from .helpers import horizontal_overflow, shot

PHONE_390 = {"width": 390, "height": 844}


@pytest.fixture
def link(office):
    """An open evaluation of a held workshop and the link of one participant."""
    from workplan.delivery.models import Participation
    from workplan.delivery.services import record_event
    from workplan.directory.models import Member, Person
    from workplan.surveys import services

    lao = Member.objects.get(iso3="LAO")
    event = record_event(office=office, title="Regional workshop on risk management",
                         kind="workshop", level="regional", start_date=dt.date(2025, 3, 3),
                         end_date=dt.date(2025, 3, 6), status="held", beneficiaries=[lao])
    person = Person.objects.create(office=office, full_name="Ana Lee", member=lao,
                                   email="ana@customs.example", gender="female")
    Participation.objects.create(event=event, person=person, member=lao)
    survey, _created = services.create_event_survey(event, "evaluation")
    services.move_survey(survey, "open")
    invitation = survey.invitations.get()
    raw = services.issue_token(invitation)
    invitation.save()
    return survey, reverse("surveys:respond", args=[raw])


def test_participant_answers_the_evaluation_on_a_phone(page, link):
    from workplan.surveys.models import Answer, Response

    survey, path = link
    page.set_viewport_size(PHONE_390)
    page.goto(path)
    assert page.locator("h1").inner_text().strip() == survey.title
    assert horizontal_overflow(page) == 0
    assert_accessible(page, landmarks=("main", "header"))
    shot(page, "survey-phone-1-form", full_page=True)

    # Only the first rating: the others are refused, named, and nothing is saved.
    overall = page.get_by_role("group", name=re.compile("Overall, how satisfied"))
    overall.get_by_label("5", exact=True).check()
    page.get_by_role("button", name="Send my answers").click()
    page.wait_for_load_state()
    summary = page.locator("#answer-errors")
    assert summary.is_visible()
    assert "Question 2 (“How relevant was the workshop to your work?”)" in summary.inner_text()
    assert Response.objects.count() == 0
    assert horizontal_overflow(page) == 0
    shot(page, "survey-phone-2-errors", full_page=True)

    # The rating given is kept; answer the rest and send.
    overall = page.get_by_role("group", name=re.compile("Overall, how satisfied"))
    assert overall.get_by_label("5", exact=True).is_checked()
    for name, value in (("How relevant", "4"), ("the content", "4"),
                        ("speakers and experts", "3"), ("organisation and logistics", "5")):
        group = page.get_by_role("group", name=re.compile(name))
        group.get_by_label(value, exact=True).check()
    page.get_by_role("group", name=re.compile("What will you apply")) \
        .get_by_role("textbox").fill("Risk profiles for express consignments")
    page.get_by_role("button", name="Send my answers").click()
    page.wait_for_load_state()
    assert "your answers were saved" in page.locator(".messages").inner_text()
    shot(page, "survey-phone-3-saved", full_page=True)

    response = Response.objects.get()
    numbers = dict(Answer.objects.filter(response=response, number__isnull=False)
                   .values_list("question__code", "number"))
    assert numbers == {"overall": 5, "relevance": 4, "content": 4, "speakers": 3,
                       "organisation": 5}
    assert Answer.objects.get(response=response, question__code="apply").text \
        == "Risk profiles for express consignments"
    # Back with the same link: the answers are there to change.
    assert page.get_by_role("button", name="Save my changes").is_visible()
    assert horizontal_overflow(page) == 0
