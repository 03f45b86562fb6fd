"""Action and activity pages show their delivery (events held and to come, requests) and an
action its KPIs' actual against target, as the IPTT computes them; counts are those of the
event page (the figure definitions), and only what the reader may see is listed."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse

from workplan.core.models import Role
from workplan.delivery.demo import Demo
from workplan.delivery.models import Event, Request
from workplan.delivery.services import file_request, record_event
from workplan.directory.models import Member
from workplan.indicators.iptt import compute
from workplan.indicators.models import Indicator, Target

pytestmark = pytest.mark.django_db


def _text(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


@pytest.fixture
def delivered(office, seed_plan):
    Demo(office).run()
    event = (Event.objects.filter(office=office, status="held", activity__isnull=False)
             .order_by("pk").first())
    activity = event.activity
    planned = record_event(office=office, title="Follow-up mission planned", kind="mission",
                           level="national", start_date=dt.date(2025, 5, 5),
                           end_date=dt.date(2025, 5, 6), status="planned",
                           activity=activity, host_member=event.host_member,
                           beneficiaries=[event.host_member] if event.host_member else [])
    request = file_request(office=office, member=Member.objects.get(iso3="LAO"),
                           topic="Please repeat this workshop", activity=activity)
    return {"event": event, "activity": activity, "planned": planned, "request": request}


def test_the_activity_page_lists_its_events_and_requests(client, make_user, delivered):
    client.force_login(make_user(Role.STAFF))
    activity, event = delivered["activity"], delivered["event"]
    response = client.get(activity.get_absolute_url())
    held = response.context["events_held"]
    assert event in held and delivered["planned"] in response.context["events_to_come"]
    assert delivered["request"] in response.context["requests"]
    assert set(held) == set(Event.objects.filter(activity=activity, status="held"))
    # The participants shown are the event page's headcount.
    shown = next(e for e in held if e.pk == event.pk).n_participants
    headcount = client.get(event.get_absolute_url()).context["headcount"]
    assert shown == headcount.participants
    page = _text(response)
    assert event.title in page and "Please repeat this workshop" in page
    assert f"{shown} participant" in page


def test_a_focal_point_sees_only_their_member_s_requests(client, make_user, delivered):
    client.force_login(make_user(Role.FOCAL_POINT, member=Member.objects.get(iso3="VNM")))
    response = client.get(delivered["activity"].get_absolute_url())
    assert delivered["request"] not in response.context["requests"]
    assert all(r.member.iso3 == "VNM" for r in response.context["requests"])


def test_the_action_page_shows_kpi_progress_as_the_iptt(client, make_user, delivered,
                                                        seed_plan):
    action = delivered["activity"].action_links.order_by("action__position").first().action
    kpi = Indicator.objects.filter(action=action).current().order_by("position").first()
    Target.objects.create(indicator=kpi, fiscal_year=seed_plan.start_year, target=4)
    client.force_login(make_user(Role.VIEWER))
    response = client.get(action.get_absolute_url())
    rows = dict(response.context["kpi_rows"])
    expected = next(r for r in compute(seed_plan).rows if r.indicator.pk == kpi.pk).columns["FY"]
    column = rows[kpi]
    assert (column.actual, column.target, column.percent) == (
        expected.actual, expected.target, expected.percent)
    assert delivered["event"] in response.context["events_held"]
    assert "Delivery" in _text(response)


def test_requests_of_an_action_include_those_of_its_activities(client, make_user, delivered):
    action = delivered["activity"].action_links.first().action
    client.force_login(make_user(Role.STAFF))
    response = client.get(reverse("plans:action_detail", args=[action.pk]))
    assert delivered["request"] in response.context["requests"]
    assert len(response.context["requests"]) == len(set(response.context["requests"]))
    assert Request.objects.filter(pk=delivered["request"].pk).exists()
