"""The exporters through the API: listed with their parameters, run as the user, bad
parameters refused by name."""

import json

import pytest
from rest_framework.test import APIClient

from workplan.core.models import Role

pytestmark = pytest.mark.django_db


def client_for(user):
    api = APIClient()
    api.force_authenticate(user)
    return api


def test_list_names_every_exporter_with_its_parameters(make_user, seed_plan):
    from workplan.reports.registry import registry

    body = client_for(make_user(Role.VIEWER)).get("/api/v1/exports/").json()
    assert [e["identifier"] for e in body] == [e.identifier for e in registry]
    plan = next(e for e in body if e["identifier"] == "work-plan")
    office = next(p for p in plan["params"] if p["name"] == "office")
    assert office["choices"] == [["ROCB-AP", "ROCB A/P"]]


def test_run_an_exporter_and_get_its_file(make_user, seed_plan):
    api = client_for(make_user(Role.STAFF))
    response = api.get("/api/v1/exports/work-plan/?period=2024-2025&format=json")
    assert response.status_code == 200, response.content[:500]
    assert "attachment" in response["Content-Disposition"]
    assert json.loads(response.content)["period"] == "2024-2025"


@pytest.mark.parametrize("query, field", [
    ("period=2024", "period"), ("period=2024-2025&format=pdfx", "format"),
    ("period=2024-2025&colour=red", "colour"), ("period=2024-2025&office=ROCB-ESA", "office"),
])
def test_bad_parameters_are_named(make_user, seed_plan, other_office, query, field):
    response = client_for(make_user(Role.STAFF)).get(f"/api/v1/exports/work-plan/?{query}")
    assert response.status_code == 400 and field in response.json(), response.content[:300]


def test_unknown_exporters_are_404(make_user):
    assert client_for(make_user(Role.STAFF)).get("/api/v1/exports/nothing/").status_code == 404
