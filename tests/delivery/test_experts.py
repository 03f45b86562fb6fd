"""The expert registry and expert pages: content, filters, scope (an expert sees only their
own page and deployments) and query counts that do not grow with the data."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from workplan.delivery.demo import Demo
from workplan.delivery.models import Event, Participation
from workplan.delivery.services import record_event
from workplan.directory.models import Accreditation, Member, Person

pytestmark = pytest.mark.django_db

# session, user, the user's roles, areas (filter), members (filter), count (pages), the page
# of experts (with deployments and validity), their accreditations.
EXPERT_LIST_QUERIES = 8
# session, user, roles, the person (with validity), accreditations, deployments (with events),
# the history (with users).
EXPERT_DETAIL_QUERIES = 7

LIST = reverse("delivery:expert_list")


def detail(person):
    return reverse("delivery:expert_detail", args=[person.pk])


@pytest.fixture
def demo(office, seed_plan):
    return Demo(office).run()


@pytest.fixture
def staff_client(client, make_user):
    client.force_login(make_user("staff"))
    return client


def experts_in_db():
    accredited = set(Accreditation.objects.values_list("person_id", flat=True))
    deployed = set(Participation.objects.filter(role="expert").values_list("person_id",
                                                                           flat=True))
    return accredited | deployed


def all_listed(client, params=None) -> list:
    """Every person of every page of the list."""
    people, page = [], 1
    while True:
        response = client.get(LIST, {**(params or {}), "page": page})
        assert response.status_code == 200
        people += list(response.context["people"])
        if not response.context["page"].has_next():
            return people
        page += 1


def test_registry_lists_every_expert_with_deployments_and_validity(staff_client, demo):
    today = dt.date.today()
    people = all_listed(staff_client)
    assert {p.pk for p in people} == experts_in_db()
    assert len(people) == demo["experts"]
    for person in people:
        held = Participation.objects.filter(person=person, role="expert",
                                            event__status="held").count()
        assert person.deployment_count == held
        accreditations = list(Accreditation.objects.filter(person=person))
        assert person.valid_today == any(a.is_valid_on(today) for a in accreditations)
        assert person.accredited == bool(accreditations)
    assert sum(p.deployment_count for p in people) == Participation.objects.filter(
        role="expert", event__status="held").count()
    page = staff_client.get(LIST).content.decode()
    assert f'href="{detail(people[0])}"' in page
    assert f'href="{LIST}" aria-current="page"' in page


def test_a_resource_person_without_accreditation_is_listed(staff_client, office, seed_plan):
    fji = Member.objects.get(iso3="FJI")
    person = Person.objects.create(office=office, full_name="Rita Resource", member=fji)
    event = record_event(office=office, title="Clinic", kind="mission", level="national",
                         start_date=dt.date(2024, 9, 1), end_date=dt.date(2024, 9, 2),
                         status="held")
    Participation.objects.create(event=event, person=person, role="expert", member=fji)
    Person.objects.create(office=office, full_name="Only Participant", member=fji)
    response = staff_client.get(LIST)
    assert [p.full_name for p in response.context["people"]] == ["Rita Resource"]
    (listed,) = response.context["people"]
    assert listed.deployment_count == 1 and not listed.accredited
    assert "Not accredited" in response.content.decode()
    response = staff_client.get(LIST, {"accreditation": "none"})
    assert [p.full_name for p in response.context["people"]] == ["Rita Resource"]
    assert staff_client.get(detail(Person.objects.get(full_name="Only Participant"))) \
        .status_code == 404


def test_filters(staff_client, demo):
    today = dt.date.today()
    area = Accreditation.objects.order_by("area").values_list("area", flat=True).first()
    people = all_listed(staff_client, {"area": area})
    assert people
    assert {p.pk for p in people} == set(
        Accreditation.objects.filter(area=area).values_list("person_id", flat=True))
    member = Person.objects.filter(pk__in=experts_in_db()).values_list(
        "member__iso3", flat=True).first()
    people = all_listed(staff_client, {"member": member})
    assert people and {p.member.iso3 for p in people} == {member}
    valid = all_listed(staff_client, {"accreditation": "valid"})
    expired = all_listed(staff_client, {"accreditation": "expired"})
    assert all(p.valid_today for p in valid) and not any(p.valid_today for p in expired)
    assert len(valid) + len(expired) == Accreditation.objects.values("person").distinct().count()
    for person in expired:
        assert not any(a.is_valid_on(today) for a in person.accreditations.all())
    response = staff_client.get(LIST, {"area": "No such area"})
    assert response.status_code == 200 and response.context["form"].errors


def test_expert_page(staff_client, demo):
    person = (Person.objects.filter(participations__role="expert",
                                    participations__event__status="held").distinct().first())
    response = staff_client.get(detail(person))
    assert response.status_code == 200
    page = response.content.decode()
    assert person.full_name in page
    for accreditation in Accreditation.objects.filter(person=person):
        assert accreditation.area in page
    deployments = Participation.objects.filter(person=person, role="expert")
    assert [p.pk for p in response.context["deployments"]] == list(
        deployments.order_by("-event__start_date", "-event__pk").values_list("pk", flat=True))
    for participation in deployments:
        assert f'href="{participation.event.get_absolute_url()}"' in page
    assert response.context["held_count"] == deployments.filter(event__status="held").count()
    assert 'id="history"' in page


@pytest.fixture
def expert_user(make_user, demo):
    """A signed-in expert: a Person of the demo with this user, deployed to events."""
    user = make_user("expert", username="the-expert")
    person = (Person.objects.filter(participations__role="expert").distinct()
              .order_by("pk").first())
    person.user = user
    person.save()
    return user, person


def test_an_expert_sees_only_themselves(client, expert_user):
    user, person = expert_user
    client.force_login(user)
    response = client.get(LIST)
    assert [p.pk for p in response.context["people"]] == [person.pk]
    response = client.get(detail(person))
    assert response.status_code == 200
    own = set(Participation.objects.filter(person=person, role="expert")
              .values_list("pk", flat=True))
    assert {p.pk for p in response.context["deployments"]} == own
    other = Person.objects.filter(accreditations__isnull=False).exclude(pk=person.pk).first()
    assert client.get(detail(other)).status_code == 404
    # their deployments' events are theirs to see; other events are not
    visible = set(Event.objects.restrict(user).values_list("pk", flat=True))
    assert visible == set(Participation.objects.filter(person=person, role="expert")
                          .values_list("event_id", flat=True))


def test_registry_scope(client, make_user, demo, other_office):
    assert client.get(LIST).status_code == 302
    client.force_login(make_user("staff", office=other_office))
    assert list(client.get(LIST).context["people"]) == []
    person = Person.objects.filter(accreditations__isnull=False).first()
    assert client.get(detail(person)).status_code == 404
    lao = Member.objects.get(iso3="LAO")
    client.force_login(make_user("focal_point", member=lao))
    people = all_listed(client)
    assert {p.member_id for p in people} <= {lao.pk}
    client.force_login(make_user("viewer"))
    assert client.get(detail(person)).status_code == 200
    assert client.get(reverse("delivery:expert_detail", args=[999999])).status_code == 404


def test_expert_list_query_count_is_fixed(staff_client, demo, django_assert_num_queries):
    with django_assert_num_queries(EXPERT_LIST_QUERIES):
        assert staff_client.get(LIST).status_code == 200


def test_expert_pages_query_counts_do_not_grow(staff_client, demo, office, sibling_plan,
                                               django_assert_num_queries):
    Demo(office, seed=99).run()
    Demo(sibling_plan.office, seed=5).run()
    with django_assert_num_queries(EXPERT_LIST_QUERIES):
        response = staff_client.get(LIST, {"page": 2})
    assert response.context["page"].number == 2
    person = (Person.objects.filter(office=office, participations__role="expert")
              .distinct().first())
    with django_assert_num_queries(EXPERT_DETAIL_QUERIES):
        assert staff_client.get(detail(person)).status_code == 200


def test_expert_detail_query_count_is_fixed(staff_client, demo, django_assert_num_queries):
    person = Person.objects.filter(accreditations__isnull=False).first()
    with django_assert_num_queries(EXPERT_DETAIL_QUERIES):
        assert staff_client.get(detail(person)).status_code == 200
