"""Lists: cursor pages followed to the end, ordering, the web's filters (bad values are 400s
naming the filter), and ``?expand=``."""

import pytest
from rest_framework.test import APIClient

from tests.api.test_queries import grow
from workplan.core.models import Role
from workplan.delivery.models import Event, Participation

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(office, seed_plan, make_user):
    grow(office, 5)
    client = APIClient()
    client.force_authenticate(make_user(Role.STAFF))
    return client


def test_cursor_pages_cover_the_list_once(api):
    seen, url = [], "/api/v1/participations/?page_size=3"
    while url:
        body = api.get(url).json()
        assert "count" not in body
        seen += [row["id"] for row in body["results"]]
        url = body["next"]
    assert sorted(seen) == sorted(Participation.objects.values_list("pk", flat=True))
    assert len(seen) == len(set(seen))
    assert api.get("/api/v1/participations/?cursor=not-base64!").status_code == 404
    assert api.get("/api/v1/participations/?cursor=cD1ub3QtYS1udW1iZXI=").status_code == 404


def test_ordering(api):
    dates = [row["start_date"] for row in
             api.get("/api/v1/events/?ordering=start_date&page_size=100").json()["results"]]
    assert dates == sorted(dates) and len(dates) == Event.objects.count()
    dates = [row["start_date"] for row in
             api.get("/api/v1/events/?page_size=100").json()["results"]]
    assert dates == sorted(dates, reverse=True)


def test_the_event_lists_filters(api):
    held = api.get("/api/v1/events/?status=held&member=LAO&action=1a").json()["results"]
    assert len(held) == Event.objects.filter(status="held", beneficiaries__iso3="LAO",
                                             action_links__action__code="1-(a)").count()
    for query, field in (("status=over", "status"), ("action=zz9", "action"),
                         ("member=XXX", "member"), ("quarter=Q7", "quarter")):
        response = api.get(f"/api/v1/events/?{query}")
        assert response.status_code == 400 and field in response.json(), query


def test_expand(api):
    plain = api.get("/api/v1/events/?page_size=1").json()["results"][0]
    assert isinstance(plain["office"], int) and plain["beneficiaries"] == ["LAO", "VNM"]
    whole = api.get("/api/v1/events/?page_size=1&expand=office,beneficiaries").json()
    row = whole["results"][0]
    assert row["office"]["code"] == "ROCB-AP"
    assert [m["iso3"] for m in row["beneficiaries"]] == ["LAO", "VNM"]
    assert isinstance(row["host_member"], str)  # not asked for
    response = api.get("/api/v1/events/?expand=office,colour")
    assert response.status_code == 400 and "colour" in response.json()["expand"][0]
    one = api.get(f"/api/v1/events/{plain['id']}/?expand=host_member").json()
    assert one["host_member"]["iso3"] == "LAO"
