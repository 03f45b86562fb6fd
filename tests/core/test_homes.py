"""Each role's home: what needs doing, each item's count equal to the count of the page it
links to (the same queryset conditions), in a fixed number of queries whatever the data."""

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from workplan.core.models import Role
from workplan.delivery.models import Participation
from workplan.delivery.services import file_request, record_event
from workplan.directory.models import Member, Person

pytestmark = pytest.mark.django_db

SIGNED_IN = 3  # session, user, memberships
# Staff: the first office, the to-do counts (one aggregate), requests to answer, open surveys
# with their counts, follow-ups due, KPI values to review, the next 30 days, and the year at a
# glance (its year: the latest plan's, when today's year has none; events held, their
# headcount, members reached).
STAFF_HOME = SIGNED_IN + 11
FOCAL_HOME = SIGNED_IN + 4  # members, requests, upcoming events, needs surveys to answer
EXPERT_HOME = SIGNED_IN + 2  # the person, the deployments
VIEWER_HOME = SIGNED_IN + 5  # the first office, the glance's year, the year at a glance


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def add_events(office, count: int, today):
    """``count`` of each thing a home counts: past events still planned, held events with no
    attendance, summary or evaluation, events in the next 30 days, requests received."""
    lao = Member.objects.get(iso3="LAO")
    for n in range(count):
        record_event(office=office, title=f"Past {n}", kind="workshop", level="national",
                     start_date=today - dt.timedelta(days=20 + n),
                     end_date=today - dt.timedelta(days=18 + n), beneficiaries=[lao])
        record_event(office=office, title=f"Held {n}", kind="training", level="national",
                     start_date=today - dt.timedelta(days=3 + n),
                     end_date=today - dt.timedelta(days=2 + n), status="held",
                     beneficiaries=[lao])
        record_event(office=office, title=f"Soon {n}", kind="mission", level="national",
                     start_date=today + dt.timedelta(days=5 + n),
                     end_date=today + dt.timedelta(days=6 + n), beneficiaries=[lao])
        file_request(office=office, member=lao, topic=f"Request {n}")


def count_on(client, url) -> int:
    return client.get(url).context["page"].paginator.count


@pytest.mark.parametrize("scale", [1, 3])
def test_the_staff_home_counts_agree_with_the_pages_it_links_to(client, make_user, office,
                                                                seed_plan, scale,
                                                                django_assert_num_queries):
    today = timezone.localdate()
    add_events(office, scale, today)
    client.force_login(make_user(Role.STAFF))
    with django_assert_num_queries(STAFF_HOME):
        response = client.get("/")
    items = response.context["items"]
    # (The "held" items count this fiscal year's events: all of them, but on 1-4 July.)
    assert [item.count for item in items][:2] == [scale] * 2
    assert all(item.count in (0, scale) for item in items)
    for item in items:  # each count is the count of the list it links to
        assert count_on(client, item.url) == item.count, item.label
    assert response.context["upcoming_count"] == scale
    assert count_on(client, response.context["upcoming_url"]) == scale
    page = response.content.decode()
    assert "Requests to answer" in page and "Events without a summary" in page


def test_the_focal_point_home(client, make_user, office, seed_plan,
                              django_assert_num_queries):
    today = timezone.localdate()
    add_events(office, 2, today)
    lao = Member.objects.get(iso3="LAO")
    client.force_login(make_user(Role.FOCAL_POINT, member=lao))
    with django_assert_num_queries(FOCAL_HOME):
        response = client.get("/")
    context = response.context
    assert [r.topic for r in context["requests"]] == ["Request 1", "Request 0"]
    assert [e.title for e in context["upcoming"]] == ["Soon 0", "Soon 1"]
    page = response.content.decode()
    assert "File a request" in page and "Requests to answer" not in page


def test_the_expert_home(client, make_user, office, django_assert_num_queries):
    today = timezone.localdate()
    expert = make_user(Role.EXPERT, username="kiri")
    person = Person.objects.create(office=office, full_name="Kiri Expert", user=expert)
    for n, delta in enumerate((-40, 10)):
        event = record_event(office=office, title=f"Deployment {n}", kind="workshop",
                             level="regional", start_date=today + dt.timedelta(days=delta),
                             end_date=today + dt.timedelta(days=delta + 2))
        Participation.objects.create(event=event, person=person, role="expert")
    client.force_login(expert)
    with django_assert_num_queries(EXPERT_HOME):
        response = client.get("/")
    assert [p.event.title for p in response.context["upcoming_deployments"]] == ["Deployment 1"]
    assert [p.event.title for p in response.context["past_deployments"]] == ["Deployment 0"]
    # The profile is one to-do item: what the office still lacks, linking to the page where
    # the expert completes it (Person.profile_missing, the one definition).
    [item] = response.context["items"]
    assert item.url == reverse("directory:expert_profile")
    assert item.count == len(person.profile_missing()) == 7
    assert "position" in item.hint and "telephone" in item.hint
    page = response.content.decode()
    assert "Profile items to complete" in page and f'href="{item.url}"' in page

    person.position, person.email, person.phone = "Trainer", "kiri@x.example", "+679 330 2222"
    person.languages, person.expertise = ["English"], ["Risk management"]
    person.biography, person.member = "Twenty years of customs.", Member.objects.get(iso3="FJI")
    person.save()
    with django_assert_num_queries(EXPERT_HOME):  # the same two queries, filled in or not
        item = client.get("/").context["items"][0]
    assert (item.count, item.done) == (0, True)
    assert "Complete" in str(item.hint)


def test_an_expert_not_yet_linked_to_a_record_is_told_to_ask_the_office(client, make_user):
    client.force_login(make_user(Role.EXPERT))
    [item] = client.get("/").context["items"]
    assert item.count is None and "not linked to an expert record" in str(item.hint)


def test_the_viewer_home_is_the_year_at_a_glance(client, make_user, office,
                                                 django_assert_num_queries):
    today = timezone.localdate()
    add_events(office, 2, today)
    client.force_login(make_user(Role.VIEWER))
    with django_assert_num_queries(VIEWER_HOME):
        response = client.get("/")
    glance = response.context["glance"]
    assert "Past events not closed" not in response.content.decode()
    assert count_on(client, glance.url) == glance.events_held
    other = client.get("/", {"fy": glance.year - 1}).context["glance"]
    assert other.year == glance.year - 1
    assert re.search(r"fiscal year \d{4}", response.content.decode())


def test_the_glance_shows_the_latest_plan_year_until_a_plan_of_this_year_exists(
        client, make_user, office, seed_plan):
    """Today after the sample plan's year: the glance shows 2024-2025, not a year of zeros;
    another year is a link (``?fy=``) away."""
    client.force_login(make_user(Role.VIEWER))
    assert client.get("/").context["glance"].year == seed_plan.start_year == 2024
    assert client.get("/", {"fy": 2030}).context["glance"].year == 2030
