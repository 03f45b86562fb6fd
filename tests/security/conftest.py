"""Fixtures of the security tests.

``world`` is the permission matrix's world (tests/test_permission_matrix.py): users of every
role of ROCB-AP, a user of another office, and for each subject an object that is the focal
point's / expert's own ("own"), one of the office ("office") and one of an office of another
region ("outside").

``sec_world`` is that world, built once per test module (in a transaction rolled back after
the module; each test runs in a savepoint of it, as pytest-django does), with a fourth
variant, "sibling": the same subjects owned by a second office of the *same* region
(Asia/Pacific), about the focal point's own member (Lao PDR). Regional reference data
(members, strategic plans) is shared within a region, office data is not, so this is where a
check made by region instead of by office would show.
"""

from __future__ import annotations

import datetime as dt
import types

import pytest
from django.contrib.auth import get_user_model
from django.db import transaction
from django.test import override_settings

from tests.conftest import other_office as other_office_fixture
from tests.security.helpers import SIBLING_PLAN
from tests.test_permission_matrix import _kwargs
from tests.test_permission_matrix import world as matrix_world
from workplan.delivery.models import EventPartner, Funding, Participation
from workplan.delivery.services import add_attachment, file_request, record_event
from workplan.directory.models import Member, Office, Partner, Person
from workplan.plans.services import import_plan
from workplan.plans.textplan.synthetic import sample_bytes
from workplan.surveys import services as survey_services

FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _fast_hashing(settings):
    settings.PASSWORD_HASHERS = FAST_HASHERS


@pytest.fixture(scope="module")
def _module_world(django_db_setup, django_db_blocker, tmp_path_factory):
    media = tmp_path_factory.mktemp("media")
    with override_settings(MEDIA_ROOT=media, PASSWORD_HASHERS=FAST_HASHERS), \
            django_db_blocker.unblock(), transaction.atomic():
        office = Office.objects.select_related("region").get(code="ROCB-AP")
        seed_plan = import_plan(sample_bytes(), office, source_name="seed.txt").work_plan
        other = other_office_fixture.__wrapped__(None)
        # The matrix's own fixture function, called with the same objects its fixtures give
        # (``settings`` only receives MEDIA_ROOT, which is overridden here already).
        world = matrix_world.__wrapped__(office, seed_plan, other, get_user_model(),
                                         types.SimpleNamespace(), media)
        _add_sibling(world, office)
        world.media_root = media
        yield world
        transaction.set_rollback(True)


@pytest.fixture
def sec_world(_module_world, db, settings):
    """The module's world, its versioned records read afresh (a test's changes are rolled
    back after it, the Python objects are not)."""
    settings.MEDIA_ROOT = _module_world.media_root
    for subject in ("event", "request", "survey", "draft_survey", "needs_survey"):
        for obj in _module_world.objects[subject].values():
            obj.refresh_from_db()
    from django.core.cache import cache

    cache.clear()  # survey links are rate-limited per address
    return _module_world


def _add_sibling(world, office):
    from workplan.indicators.models import Indicator
    from workplan.indicators.services import add_value
    from workplan.reports.services import record_publication

    lao = Member.objects.get(iso3="LAO")
    sibling = Office.objects.create(code="SIBLING-AP", name="Another Asia/Pacific office",
                                    short_name="Sibling A/P", region=office.region)
    plan = import_plan(SIBLING_PLAN.encode(), sibling, source_name="sibling.txt").work_plan
    partner = Partner.objects.order_by("pk").first()
    event = record_event(office=sibling, title="Sibling workshop in Vientiane", kind="workshop",
                         level="national", start_date=dt.date(2025, 5, 5),
                         end_date=dt.date(2025, 5, 7), status="planned",
                         activity=plan.activities.get(), host_member=lao, beneficiaries=[lao])
    held = record_event(office=sibling, title="Sibling workshop held", kind="workshop",
                        level="national", start_date=dt.date(2024, 9, 2),
                        end_date=dt.date(2024, 9, 4), status="held", host_member=lao,
                        beneficiaries=[lao])
    link = EventPartner.objects.create(event=event, partner=partner, role="funder")
    funding = Funding.objects.create(event=event, partner=partner, amount=500)
    person = Person.objects.create(office=sibling, full_name="Sibling Expert", member=lao,
                                   gender="male")
    participation = Participation.objects.create(event=event, person=person, member=lao,
                                                 role="expert")
    Participation.objects.create(event=held, person=person, member=lao, role="expert")
    attachment = add_attachment(event, name="sibling.pdf", data=b"%PDF-1.4 x", kind="report")
    request = file_request(office=sibling, member=lao, topic="LAO asks the sibling office")

    create, move = survey_services.create_survey, survey_services.move_survey
    needs = move(create(office=sibling, kind="needs", fiscal_year=2024), "open")
    draft = survey_services.create_event_survey(event, "evaluation")[0]
    survey_services.invite(needs, [{"name": "s@customs.example", "email": "s@customs.example",
                                    "member": lao}])
    invitation = needs.invitations.get(email="s@customs.example")
    invitation.raw_token = survey_services.issue_token(invitation)
    invitation.save()

    indicator = Indicator.objects.get(action__work_plan=plan)
    indicator.measure = "manual"
    indicator.save()
    value = add_value(indicator, user=None, on=dt.date(2024, 10, 1), value=1,
                      description="Sibling value", evidence="Minutes", submit=True)
    publication = record_publication(office=sibling, kind="article", title="Sibling article",
                                     date=dt.date(2024, 10, 1), member=lao,
                                     file=("s.pdf", b"%PDF-1.4 x"))
    objects = {
        "plan": plan, "action": plan.actions.get(), "activity": plan.activities.get(),
        "event": event, "event_partner": link, "funding": funding, "attachment": attachment,
        "participation": participation, "request": request, "person": person,
        "survey": needs, "draft_survey": draft, "needs_survey": needs,
        "question": draft.questions.order_by("position").first(), "invitation": invitation,
        "link": invitation, "indicator": indicator, "value": value,
        "publication": publication,
    }
    for subject, obj in objects.items():
        world.objects[subject]["sibling"] = obj
        world.subjects[subject]["sibling"] = _kwargs(subject, obj)
    world.sibling = sibling
    world.sibling_held_event = held

