"""Fixtures of the survey tests: a held regional workshop with participants, its evaluation
open with links sent (the raw tokens kept by the test, as only the e-mails carry them), a
needs assessment, users of every role."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core import mail
from django.core.cache import cache

from workplan.core.models import Role
from workplan.delivery.models import Participation
from workplan.delivery.services import record_event
from workplan.directory.models import Member, Person
from workplan.plans.models import Activity
from workplan.surveys import services
from workplan.surveys.models import Survey

TODAY = dt.date(2025, 3, 10)
LINK = re.compile(r"/surveys/r/([A-Za-z0-9_-]+)/")


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    """Rate-limit counters live in the cache: every test starts (and ends) with none."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def staff(make_user):
    return make_user(Role.STAFF)


@pytest.fixture
def as_staff(client, staff):
    client.force_login(staff)
    return client


def member(iso3):
    return Member.objects.get(iso3=iso3)


@pytest.fixture
def regional_event(office, seed_plan):
    """A held regional workshop of the plan (end 2024-09-06) with six participants with
    e-mails (LAO, VNM, FJI), one without, one expert."""
    activity = Activity.objects.filter(work_plan=seed_plan, kind="regional_workshop") \
        .order_by("position").first()
    event = record_event(office=office, activity=activity, title="Regional workshop on AEO",
                         kind="workshop", level="regional", start_date=dt.date(2024, 9, 2),
                         end_date=dt.date(2024, 9, 6), status="held",
                         beneficiaries=[member("LAO"), member("VNM"), member("FJI")])
    people = [("Ana Lee", "LAO"), ("Bo Chen", "LAO"), ("Chi Nguyen", "VNM"),
              ("Dao Tran", "VNM"), ("Eli Naidu", "FJI"), ("Fa Tupou", "FJI")]
    for name, iso3 in people:
        person = Person.objects.create(office=office, full_name=name, member=member(iso3),
                                       email=f"{name.split()[0].lower()}@customs.example",
                                       gender="female")
        Participation.objects.create(event=event, person=person, member=person.member)
    silent = Person.objects.create(office=office, full_name="No Mail", member=member("LAO"))
    Participation.objects.create(event=event, person=silent, member=silent.member)
    expert = Person.objects.create(office=office, full_name="Ex Pert", member=member("JPN"),
                                   email="expert@customs.example")
    Participation.objects.create(event=event, person=expert, member=expert.member,
                                 role="expert")
    return event


def links_from_outbox() -> dict[str, str]:
    """E-mail address -> raw token, from the messages sent (the last message wins)."""
    found = {}
    for message in mail.outbox:
        match = LINK.search(message.body)
        if match:
            found[message.to[0]] = match.group(1)
    return found


@pytest.fixture
def evaluation(regional_event):
    """The event's evaluation, open (no dates), its six invitations sent."""
    survey, _created = services.create_event_survey(regional_event, Survey.Kind.EVALUATION)
    services.move_survey(survey, Survey.Status.OPEN)
    services.send_invitations(survey, base_url="http://testserver")
    return survey


@pytest.fixture
def links(evaluation):
    return links_from_outbox()


@pytest.fixture
def needs(office, seed_plan):
    """An open needs assessment of 2024-2025 (topics: the seed plan's actions)."""
    survey = services.create_survey(office=office, kind=Survey.Kind.NEEDS, fiscal_year=2024)
    return services.move_survey(survey, Survey.Status.OPEN)
