"""Fixtures of the registration tests: the held workshop whose participants get certificates,
and a staff member of its office."""

import datetime as dt

import pytest

from workplan.core.models import Role
from workplan.delivery.models import Participation
from workplan.delivery.services import record_event
from workplan.directory.models import Member, Person

from .pdfs import HOSTILE


@pytest.fixture
def as_staff(client, make_user):
    client.force_login(make_user(Role.STAFF))
    return client


@pytest.fixture
def workshop(office):
    """A held workshop in Suva: two participants who attended (one with markup in her name),
    one absent, a resource person and an observer."""
    fji = Member.objects.get(iso3="FJI")
    event = record_event(office=office, title="Sub-regional workshop on AEO", kind="workshop",
                         level="subregional", start_date=dt.date(2025, 3, 3),
                         end_date=dt.date(2025, 3, 5), city="Suva", country="FJI",
                         status="held")
    people = {}
    for name, email, role, attended in (
            ("Sione Tupou", "sione@customs.example", "participant", True),
            (HOSTILE, "", "participant", True),
            ("Absent Person", "absent@customs.example", "participant", False),
            ("Resource Person", "expert@customs.example", "expert", True),
            ("Observer Person", "obs@customs.example", "observer", True)):
        person = Person.objects.create(office=office, full_name=name, email=email,
                                       gender="female", member=fji)
        people[name] = Participation.objects.create(event=event, person=person, member=fji,
                                                    role=role, attended=attended)
    event.people = people
    return event
