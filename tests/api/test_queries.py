"""Every list endpoint reads a fixed number of queries, whatever the number of rows: the same
count with 2 and with 20 of everything (and a page of 2 or of 20), with and without ``?expand=``
of every relation it offers."""

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from rest_framework.test import APIClient

from workplan.api.expand import expandable_fields
from workplan.api.urls import router
from workplan.core.models import Role
from workplan.delivery.models import EventPartner, Participation
from workplan.delivery.services import file_request, move_request, record_event
from workplan.directory.models import Accreditation, Member, Partner, Person
from workplan.indicators.models import Indicator, Value
from workplan.surveys.models import Question, Survey

pytestmark = pytest.mark.django_db

# Queries of every request: the user's office roles (authentication is forced here; a token
# adds one, a session two).
AUTH = 1
# Each list: its queries after AUTH, for office staff. Page-number lists count their rows (1
# query); cursor lists do not. Filter sets that offer the user's members, partners or years as
# choices read them once (as on the web lists).
LISTS = {
    "me-list": 0,
    "office-list": 2,  # count, offices with their regions
    "member-list": 3,  # count, members with regions, their groups
    "partner-list": 2,
    "person-list": 2,  # people, their accreditations
    "accreditation-list": 2,
    "strategicplan-list": 4,  # count, plans, objectives, milestones
    "objective-list": 3,  # count, objectives, milestones
    "workplan-list": 2,  # count, plans with offices and counts
    "action-list": 8,  # count, actions, then ActionQuerySet.with_structure's prefetches
    "activity-list": 4,  # count, activities, members, action links with actions
    "request-list": 3,  # the filter's members, requests with office and member, steps
    "event-list": 8,  # the filter's members, years and partners; events, beneficiaries,
    #                   actions, partners with roles, the page's participant counts
    "participation-list": 1,
    "indicator-list": 3,  # count, indicators with their actions, targets
    "value-list": 2,  # count, values with who entered and reviewed them
    "survey-list": 5,  # the filter's years, count, surveys with office and response counts,
    #                    questions, actions
    # the exporters: the choices their parameters offer, computed once per user and shared by
    # every exporter (the user's roles, the offices they may export), whatever the data
    "export-list": 2,
}


# With ?expand= of every relation the list offers: one more query per to-many relation.
EXPANDED = {
    "person-list": 3,  # + the members' groups
    "activity-list": 6,  # + the members' regions and groups
    "request-list": 4,  # + the members' groups
    "event-list": 11,  # + the activity's members and links, the beneficiaries' groups ...
    "participation-list": 3,  # + the people's accreditations, the members' groups
    "value-list": 3,  # + the members' groups
}


# Lists whose rows do not grow here (one office, its plan, the region's strategic plan).
ONE_ROW = {"office-list", "workplan-list", "strategicplan-list", "export-list"}


def grow(office, n: int) -> None:
    """``n`` more of each delivery record: events (beneficiaries, partners, actions, two
    participants each, one an accredited expert), requests with steps, people."""
    lao, vnm = Member.objects.get(iso3="LAO"), Member.objects.get(iso3="VNM")
    partners = [Partner.objects.create(name=f"Partner {i}") for i in range(n)]
    action = office.work_plans.get().actions.order_by("position").first()
    kpi = Indicator.objects.filter(action__work_plan__office=office).order_by("pk").first()
    for i, partner in enumerate(partners):
        event = record_event(office=office, title=f"Event {i}", kind="workshop",
                             level="national", start_date=dt.date(2024, 8, 1 + i % 28),
                             end_date=dt.date(2024, 8, 1 + i % 28), host_member=lao,
                             beneficiaries=[lao, vnm], actions=[action])
        EventPartner.objects.create(event=event, partner=partner, role="funder")
        for gender in ("female", "male"):
            person = Person.objects.create(office=office, full_name=f"P{i}{gender}",
                                           member=vnm, gender=gender, partner=partner)
            Accreditation.objects.create(person=person, area="AEO",
                                         accredited_on=dt.date(2020, 1, 1))
            Participation.objects.create(event=event, person=person, member=vnm,
                                         role="expert")
        req = file_request(office=office, member=lao, topic=f"Request {i}")
        move_request(req, "accepted", note="ok")
        survey = Survey.objects.create(office=office, kind="custom", title=f"Survey {i}",
                                       fiscal_year=2024, event=event)
        survey.actions.set([action])
        Question.objects.create(survey=survey, kind="text", text="Why?", position=1)
        Value.objects.create(indicator=kpi, on=dt.date(2024, 9, 1), value=i, member=lao,
                             description="Done", evidence="Minutes")


def count_queries(api, user, url, django_assert_num_queries, expected):
    fresh = get_user_model().objects.get(pk=user.pk)
    api.force_authenticate(fresh)
    with django_assert_num_queries(expected):
        response = api.get(url)
    assert response.status_code == 200, response.content
    return response


@pytest.mark.parametrize("n", [2, 20])
def test_lists_read_a_fixed_number_of_queries(n, office, seed_plan, make_user,
                                              django_assert_num_queries):
    grow(office, n)
    staff = make_user(Role.STAFF)
    api = APIClient()
    routes = {pattern.name: pattern for pattern in router.urls}
    assert set(LISTS) == {name for name in routes if name.endswith("-list")}
    for name, queries in LISTS.items():
        url = routes[name].pattern.regex.pattern.strip("^$").rstrip("/")
        response = count_queries(api, staff, f"/api/v1/{url}/?page_size={n}",
                                 django_assert_num_queries, AUTH + queries)
        body = response.json()
        if "results" in body and name not in ONE_ROW:
            # A full page, unless that is all there is (the seed has 19 RSP objectives).
            assert len(body["results"]) == n or (
                body["next"] is None and len(body["results"]) > 2), name
        view = routes[name].callback.cls
        serializer = view.serializer_class if hasattr(view, "serializer_class") else None
        names = sorted(expandable_fields(serializer)) if serializer else []
        if names:
            expanded = count_queries(
                api, staff, f"/api/v1/{url}/?page_size={n}&expand={','.join(names)}",
                django_assert_num_queries, AUTH + EXPANDED.get(name, queries))
            row = expanded.json()["results"][0]
            assert all(not isinstance(row[f], int | str) or row[f] is None for f in names), row
