"""Search finds the office's records, not only its plan: people (scoped: a focal point finds
their member's), partners, events by title and place, requests and publications; one query
per kind whatever the data; a person's page lists what the reader may see of them."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from workplan.core.models import Role
from workplan.delivery.demo import Demo
from workplan.delivery.models import Event, Participation
from workplan.delivery.services import file_request, record_event
from workplan.directory.models import Member, Person

pytestmark = pytest.mark.django_db

URL = "/search/"
# session, user, roles, then one per kind: people, partners, events, requests, publications,
# actions, activities
QUERIES = 10


@pytest.fixture
def records(office, seed_plan, other_office):
    Demo(office).run()
    fiji, lao, kenya = (Member.objects.get(iso3=c) for c in ("FJI", "LAO", "KEN"))
    suva = record_event(office=office, title="Sub-regional workshop on AEO", kind="workshop",
                        level="subregional", start_date=dt.date(2024, 9, 2),
                        end_date=dt.date(2024, 9, 4), status="held", host_member=fiji,
                        city="Suva", beneficiaries=[fiji])
    ana = Person.objects.create(office=office, full_name="Ana Vakaloloma", member=fiji,
                                gender="female", position="Senior Customs Officer")
    Participation.objects.create(event=suva, person=ana, member=fiji)
    lao_person = Person.objects.create(office=office, full_name="Ana Phommachanh",
                                       member=lao, gender="female")
    Person.objects.create(office=other_office, full_name="Ana Wanjiru", member=kenya)
    file_request(office=office, member=fiji, topic="Post-clearance audit diagnostic")
    return {"suva": suva, "ana": ana, "lao_person": lao_person, "fiji": fiji, "lao": lao}


def _text(client, q):
    response = client.get(URL, {"q": q})
    assert response.status_code == 200
    return response.content.decode()


def test_people_places_partners_and_requests_are_found(client, make_user, records):
    client.force_login(make_user(Role.STAFF))
    page = _text(client, "Suva")
    assert 'id="results-events"' in page and records["suva"].get_absolute_url() in page
    page = _text(client, "CCF-Japan")
    assert 'id="results-partners"' in page and "Customs Cooperation Fund of Japan" in page
    page = _text(client, "vakaloloma")
    assert reverse("directory:person_detail", args=[records["ana"].pk]) in page
    assert "Senior Customs Officer" in page
    assert "Ana Wanjiru" not in _text(client, "Wanjiru")  # another office's
    page = _text(client, "clearance audit diag")
    assert 'id="results-requests"' in page and "Post-clearance audit diagnostic" in page


def test_a_focal_point_finds_their_member_s_people_only(client, make_user, records):
    client.force_login(make_user(Role.FOCAL_POINT, member=records["lao"]))
    assert "Ana Phommachanh" in _text(client, "Phommachanh")
    assert "Ana Vakaloloma" not in _text(client, "Vakaloloma")
    assert "Post-clearance audit diagnostic" not in _text(client, "diagnostic")


def test_one_query_per_kind_whatever_the_data(client, make_user, records, office,
                                              django_assert_num_queries):
    client.force_login(make_user(Role.STAFF))
    with django_assert_num_queries(QUERIES):
        small = _text(client, "workshop")
    for n in range(60):
        Person.objects.create(office=office, full_name=f"Workshop Trainee {n}",
                              member=records["fiji"])
    with django_assert_num_queries(QUERIES):
        big = _text(client, "workshop")
    assert big.count("/directory/people/") > small.count("/directory/people/")
    assert "Only the first 50 are shown" in big


def test_the_person_page_is_scoped(client, make_user, records, other_office):
    ana = records["ana"]
    url = reverse("directory:person_detail", args=[ana.pk])
    client.force_login(make_user(Role.VIEWER))
    page = client.get(url).content.decode()
    assert "Sub-regional workshop on AEO" in page and "Participations" in page
    client.force_login(make_user(Role.FOCAL_POINT, member=records["lao"]))
    assert client.get(url).status_code == 404
    assert client.get(reverse("directory:person_detail",
                              args=[records["lao_person"].pk])).status_code == 200
    client.force_login(make_user(Role.STAFF, office=other_office))
    assert client.get(url).status_code == 404


def test_names_link_to_the_person_page(client, make_user, records):
    client.force_login(make_user(Role.STAFF))
    ana, suva = records["ana"], records["suva"]
    person_url = reverse("directory:person_detail", args=[ana.pk])
    assert person_url in client.get(
        reverse("delivery:event_participants", args=[suva.pk])).content.decode()
    assert person_url in client.get(
        reverse("directory:member_detail", args=["FJI"])).content.decode()
    expert = Participation.objects.filter(role="expert", event__office=suva.office).first()
    assert reverse("directory:person_detail", args=[expert.person_id]) in client.get(
        reverse("delivery:expert_detail", args=[expert.person_id])).content.decode()
    assert Event.objects.filter(pk=suva.pk).exists()
