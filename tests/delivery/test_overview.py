"""Plan versus delivery and a member's assistance: content, scope (404 outside it), fiscal
years, and query counts that do not grow with the data."""

from __future__ import annotations

import datetime as dt
import html
import re
from collections import Counter

import pytest
from django.db.models import Q
from django.urls import reverse

from workplan.delivery.demo import Demo
from workplan.delivery.models import Event, Participation, Request
from workplan.delivery.services import event_defaults_for, record_event
from workplan.delivery.summaries import (
    fiscal_year_label,
    fiscal_year_start,
    plan_delivery,
    planned_count,
)
from workplan.directory.models import Member, Person
from workplan.plans.models import Action, Activity

pytestmark = pytest.mark.django_db

# session, user, the user's roles, the plan, pillars, actions, action-activity links,
# activities, their members, event counts by activity, held events, unplanned events, the
# year's held events in parts, the year's events serving no action of the plan.
PLAN_DELIVERY_QUERIES = 14
# session, user, roles, the member, events (with fiscal year), participants by event and
# gender, experts of those events, requests.
MEMBER_DELIVERY_QUERIES = 8

AEO = "National workshop on AEO for Lao People's Dem. Rep., Vanuatu, and Vietnam"


def text_of(response) -> str:
    body = re.sub(r"<[^>]+>", " ", response.content.decode())
    return re.sub(r"\s+", " ", html.unescape(body))


def plan_url(plan):
    return reverse("delivery:plan_delivery", args=[plan.office.code, plan.period])


def member_url(iso3):
    return reverse("delivery:member_delivery", args=[iso3])


@pytest.fixture
def demo(office, seed_plan):
    return Demo(office).run()


@pytest.fixture
def staff(make_user):
    return make_user("staff")


@pytest.fixture
def staff_client(client, staff):
    client.force_login(staff)
    return client


@pytest.fixture
def aeo(seed_plan):
    return Activity.objects.get(work_plan=seed_plan, title=AEO)


def member(iso3):
    return Member.objects.get(iso3=iso3)


def national(office, activity, iso3, start, status="held", **extra):
    defaults = event_defaults_for(activity, member(iso3))
    defaults.update(extra)
    return record_event(office=office, activity=activity, start_date=start,
                        end_date=start + dt.timedelta(days=2), status=status, **defaults)


def more_data(office, sibling_plan):
    """More of everything: the demo again in the same office (twice the events) and in a
    second office of the region."""
    Demo(office, seed=99).run()
    Demo(sibling_plan.office, seed=5).run()


# --- plan versus delivery ----------------------------------------------------------------------


def test_aeo_workshop_planned_three_times_held_once(staff_client, office, seed_plan, aeo):
    national(office, aeo, "LAO", dt.date(2024, 9, 2))
    national(office, aeo, "VUT", dt.date(2024, 10, 7), status="cancelled")
    national(office, aeo, "VNM", dt.date(2025, 2, 3), status="confirmed")
    response = staff_client.get(plan_url(seed_plan))
    assert response.status_code == 200
    rows = [row for pillar in response.context["delivery"].pillars for action in pillar.actions
            for row in action.activities if row.activity.pk == aeo.pk]
    assert rows, "the AEO workshop is listed under its actions"
    for row in rows:  # the same activity under each action that lists or names it
        assert (row.planned, row.scheduled, row.held, row.cancelled) == (3, 1, 1, 1)
        assert row.state == "partly"
        assert [m.iso3 for m in row.members_without_event] == ["VUT", "VNM"]
    assert len(rows) == aeo.actions.count()
    held = Event.objects.get(status="held")
    page = response.content.decode()
    assert page.count(f'href="{held.get_absolute_url()}"') == len(rows)
    for other in Event.objects.exclude(status="held"):
        assert f'href="{other.get_absolute_url()}"' not in page
    assert "Not yet for" in text_of(response)


def test_plan_totals_count_each_activity_once(staff_client, office, seed_plan, aeo):
    national(office, aeo, "LAO", dt.date(2024, 9, 2))
    delivery = staff_client.get(plan_url(seed_plan)).context["delivery"]
    activities = Activity.objects.filter(work_plan=seed_plan).prefetch_related("members")
    linked = activities.filter(action_links__isnull=False).distinct()
    assert delivery.activity_count == linked.count()
    assert delivery.totals.planned == sum(planned_count(a, list(a.members.all())) for a in linked)
    assert delivery.totals.held == 1
    for pillar in delivery.pillars:
        distinct = {row.activity.pk: row for action in pillar.actions for row in action.activities}
        assert pillar.activity_count == len(distinct)
        assert pillar.totals.planned == sum(row.planned for row in distinct.values())
        assert pillar.totals.held == sum(row.held for row in distinct.values())


def test_plan_delivery_matches_the_demo_events(staff_client, demo, seed_plan):
    delivery = staff_client.get(plan_url(seed_plan)).context["delivery"]
    expected = Counter()
    for activity_id, status in Event.objects.filter(activity__isnull=False).values_list(
            "activity_id", "status"):
        expected[activity_id, "held" if status == "held" else
                 "cancelled" if status == "cancelled" else "scheduled"] += 1
    seen = set()
    for pillar in delivery.pillars:
        for action in pillar.actions:
            for row in action.activities:
                pk = row.activity.pk
                seen.add(pk)
                assert row.held == expected[pk, "held"] == len(row.held_events)
                assert row.scheduled == expected[pk, "scheduled"]
                assert row.cancelled == expected[pk, "cancelled"]
    assert seen == set(Activity.objects.filter(work_plan=seed_plan, action_links__isnull=False)
                       .values_list("pk", flat=True))
    assert delivery.totals.held == Event.objects.filter(activity__isnull=False,
                                                        status="held").count()


def test_unplanned_event_shows_under_the_actions_it_serves(staff_client, office, seed_plan):
    action = Action.objects.get(work_plan=seed_plan, code="1-(a)")
    event = record_event(office=office, title="Ad hoc clinic on valuation", kind="mission",
                         level="national", start_date=dt.date(2024, 11, 4),
                         end_date=dt.date(2024, 11, 6), status="held", actions=[action],
                         host_member=member("FJI"))
    response = staff_client.get(plan_url(seed_plan))
    delivery = response.context["delivery"]
    entry = next(a for p in delivery.pillars for a in p.actions if a.action.pk == action.pk)
    assert [e.pk for e in entry.unplanned] == [event.pk]
    assert delivery.unplanned_held == 1
    assert "Ad hoc clinic on valuation" in text_of(response)
    assert "Unplanned event" in text_of(response)


def test_unplanned_event_serving_two_actions_is_listed_once_under_each(staff_client, office,
                                                                       seed_plan):
    actions = list(Action.objects.filter(work_plan=seed_plan, code__in=["1-(a)", "3-(b)"]))
    event = record_event(office=office, title="Two-action clinic", kind="mission",
                         level="regional", start_date=dt.date(2024, 11, 4),
                         end_date=dt.date(2024, 11, 6), status="held", actions=actions)
    delivery = staff_client.get(plan_url(seed_plan)).context["delivery"]
    listed = {a.action.code: [e.pk for e in a.unplanned] for p in delivery.pillars
              for a in p.actions if a.unplanned}
    assert listed == {"1-(a)": [event.pk], "3-(b)": [event.pk]}
    assert delivery.unplanned_held == 1  # one event, however many actions it serves
    assert [p.unplanned_held for p in delivery.pillars] == [1, 0, 1, 0]


def test_plan_delivery_counts_only_what_the_user_may_see(client, make_user, office, seed_plan,
                                                        aeo):
    national(office, aeo, "LAO", dt.date(2024, 9, 2))
    national(office, aeo, "VUT", dt.date(2024, 10, 7))
    client.force_login(make_user("focal_point", member=member("LAO")))
    response = client.get(plan_url(seed_plan))
    assert response.status_code == 200
    row = next(r for p in response.context["delivery"].pillars for a in p.actions
               for r in a.activities if r.activity.pk == aeo.pk)
    assert row.held == 1 and [e.host_member.iso3 for e in row.held_events] == ["LAO"]


def test_plan_delivery_scope(client, make_user, office, seed_plan, other_office):
    url = plan_url(seed_plan)
    response = client.get(url)
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    client.force_login(make_user("staff", office=other_office))
    assert client.get(url).status_code == 404
    client.force_login(make_user("staff"))
    assert client.get(reverse("delivery:plan_delivery",
                              args=[office.code, "2019-2020"])).status_code == 404


def test_plan_page_links_to_delivery(staff_client, seed_plan):
    response = staff_client.get(seed_plan.get_absolute_url())
    assert f'href="{plan_url(seed_plan)}"' in response.content.decode()


def test_plan_delivery_query_count_is_fixed(staff_client, demo, seed_plan,
                                            django_assert_num_queries):
    with django_assert_num_queries(PLAN_DELIVERY_QUERIES):
        assert staff_client.get(plan_url(seed_plan)).status_code == 200


def test_plan_delivery_query_count_does_not_grow(staff_client, demo, office, seed_plan,
                                                 sibling_plan, django_assert_num_queries):
    more_data(office, sibling_plan)
    action = Action.objects.get(work_plan=seed_plan, code="1-(a)")
    for day in range(5):
        record_event(office=office, title=f"Unplanned {day}", kind="mission", level="national",
                     start_date=dt.date(2024, 8, 1 + day), end_date=dt.date(2024, 8, 1 + day),
                     status="held", actions=[action])
    with django_assert_num_queries(PLAN_DELIVERY_QUERIES):
        assert staff_client.get(plan_url(seed_plan)).status_code == 200


# --- fiscal years ------------------------------------------------------------------------------


@pytest.mark.parametrize(("day", "start"), [
    (dt.date(2025, 6, 30), 2024), (dt.date(2025, 7, 1), 2025), (dt.date(2025, 1, 1), 2024),
    (dt.date(2024, 12, 31), 2024), (dt.date(2024, 6, 30), 2023),
])
def test_fiscal_year_start(day, start):
    assert fiscal_year_start(day) == start
    assert fiscal_year_label(start) == f"{start}-{start + 1}"


def test_fiscal_year_annotation_matches_python(office, seed_plan, aeo):
    days = [dt.date(2025, 6, 30), dt.date(2025, 7, 1), dt.date(2024, 7, 1),
            dt.date(2024, 6, 30), dt.date(2025, 12, 31), dt.date(2026, 1, 1)]
    for day in days:
        national(office, aeo, "LAO", day)
    rows = dict(Event.objects.with_fiscal_year().values_list("start_date", "fy_start"))
    assert rows == {day: fiscal_year_start(day) for day in days}
    office.fiscal_year_start_month = 1  # a calendar-year office
    office.save()
    rows = dict(Event.objects.with_fiscal_year().values_list("start_date", "fy_start"))
    assert rows == {day: day.year for day in days}


def test_member_page_groups_by_fiscal_year_at_the_boundary(staff_client, office, seed_plan,
                                                          aeo):
    june = national(office, aeo, "LAO", dt.date(2025, 6, 30))  # ends 2 July: still 2024-2025
    july = national(office, aeo, "LAO", dt.date(2025, 7, 1))
    earlier = national(office, aeo, "LAO", dt.date(2024, 7, 1))
    response = staff_client.get(member_url("LAO"))
    years = response.context["delivery"].years
    assert [(y.label, [item.event.pk for item in y.events]) for y in years] == [
        ("2025-2026", [july.pk]), ("2024-2025", [june.pk, earlier.pk])]
    page = text_of(response)
    assert page.index("Fiscal year 2025-2026") < page.index("Fiscal year 2024-2025")


# --- a member's assistance ---------------------------------------------------------------------


def test_member_delivery_matches_the_records(staff_client, demo):
    lao = member("LAO")
    response = staff_client.get(member_url("LAO"))
    assert response.status_code == 200
    delivery = response.context["delivery"]
    through = Event.beneficiaries.through
    held = Event.objects.filter(Q(host_member=lao) | Q(pk__in=through.objects.filter(
        member=lao).values("event_id")), status="held")
    shown = [item.event.pk for year in delivery.years for item in year.events]
    assert sorted(shown) == sorted(held.values_list("pk", flat=True))
    assert delivery.held_count == held.count() > 0
    genders = Counter()
    for gender in Participation.objects.filter(event__in=held, member=lao, role="participant",
                                               attended=True).values_list(
            "person__gender", flat=True):
        genders[gender if gender in ("female", "male") else "other"] += 1
    assert delivery.participants.female == genders["female"]
    assert delivery.participants.male == genders["male"]
    assert delivery.participants.total == sum(genders.values())
    experts = Participation.objects.filter(event__in=held, role="expert", attended=True)
    assert sum(y.expert_count for y in delivery.years) == experts.count()
    requests = Request.objects.filter(member=lao)
    assert [r.pk for r in delivery.requests] == list(
        requests.order_by("-created", "-pk").values_list("pk", flat=True))
    page = response.content.decode()
    for request in requests:
        assert f'href="{request.get_absolute_url()}"' in page
    person = experts.first().person
    assert f'href="{reverse("delivery:expert_detail", args=[person.pk])}"' in page
    # every event in a year belongs to it
    for year in delivery.years:
        for item in year.events:
            assert fiscal_year_start(item.event.start_date) == year.start


def test_member_delivery_per_event_counts(staff_client, office, seed_plan, aeo):
    event = national(office, aeo, "LAO", dt.date(2024, 9, 2))
    lao, vut = member("LAO"), member("VUT")
    people = [Person.objects.create(office=office, full_name=f"P{i}", gender=g, member=m)
              for i, (g, m) in enumerate([("female", lao), ("female", lao), ("male", lao),
                                          ("undisclosed", lao), ("male", vut)])]
    expert = Person.objects.create(office=office, full_name="Ex Pert", gender="male",
                                   member=vut)
    for person in people:
        Participation.objects.create(event=event, person=person, member=person.member)
    Participation.objects.create(event=event, person=expert, member=vut, role="expert")
    response = staff_client.get(member_url("LAO"))
    item = response.context["delivery"].years[0].events[0]
    assert (item.participants.female, item.participants.male, item.participants.other) == \
        (2, 1, 1)
    assert [p.full_name for p in item.experts] == ["Ex Pert"]
    assert item.is_host


def test_member_delivery_lists_upcoming_and_skips_cancelled(staff_client, office, seed_plan,
                                                           aeo):
    national(office, aeo, "LAO", dt.date(2025, 3, 3), status="confirmed", title="Soon")
    national(office, aeo, "LAO", dt.date(2025, 4, 3), status="cancelled", title="Off")
    delivery = staff_client.get(member_url("LAO")).context["delivery"]
    assert [i.event.title for i in delivery.upcoming] == ["Soon"]
    assert delivery.years == []


def test_member_delivery_scope(client, make_user, demo, other_office):
    url = member_url("LAO")
    assert client.get(url).status_code == 302
    client.force_login(make_user("focal_point", member=member("LAO")))
    response = client.get(url)
    assert response.status_code == 200
    assert {r.member.iso3 for r in response.context["delivery"].requests} == {"LAO"}
    assert client.get(member_url("lao")).status_code == 200  # any case
    assert client.get(member_url("VNM")).status_code == 404
    client.force_login(make_user("expert"))
    assert client.get(url).status_code == 404
    client.force_login(make_user("staff", office=other_office))
    assert client.get(url).status_code == 404
    assert client.get(member_url("KEN")).status_code == 200
    client.force_login(make_user("viewer"))
    assert client.get(url).status_code == 200
    assert client.get(member_url("XXX")).status_code == 404


def test_member_page_links_to_delivery(client, make_user, seed_plan):
    client.force_login(make_user("viewer"))
    link = f'href="{member_url("LAO")}"'
    assert link in client.get(reverse("directory:member_detail", args=["LAO"])).content.decode()
    client.force_login(make_user("expert"))
    assert link not in client.get(
        reverse("directory:member_detail", args=["LAO"])).content.decode()


def test_member_delivery_query_count_is_fixed(staff_client, demo, django_assert_num_queries):
    with django_assert_num_queries(MEMBER_DELIVERY_QUERIES):
        assert staff_client.get(member_url("LAO")).status_code == 200


def test_member_delivery_query_count_does_not_grow(staff_client, demo, office, sibling_plan,
                                                   django_assert_num_queries):
    more_data(office, sibling_plan)
    with django_assert_num_queries(MEMBER_DELIVERY_QUERIES):
        response = staff_client.get(member_url("LAO"))
    assert response.status_code == 200


def test_plan_delivery_function_reads_through_restrict(office, seed_plan, make_user,
                                                      other_office, aeo):
    national(office, aeo, "LAO", dt.date(2024, 9, 2))
    stranger = make_user("admin", office=other_office)
    delivery = plan_delivery(seed_plan, stranger)
    assert delivery.pillars == [] and delivery.totals.held == 0
