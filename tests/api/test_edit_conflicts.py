"""Versions through the API beyond events and requests (issue 8): surveys, questions,
publications and KPI bindings are changed on the web pages only, with a version; the API
offers no PUT or PATCH that could write them past it (405, or no such endpoint: 404), and
nothing changes. A survey's status change through the API is a new version, as on the page,
so an edit page opened before it is refused."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from workplan.core.models import Role
from workplan.indicators.models import Indicator
from workplan.reports.models import Publication
from workplan.reports.services import record_publication
from workplan.surveys import services as survey_services
from workplan.surveys.models import Survey

pytestmark = pytest.mark.django_db


def client_for(user):
    api = APIClient()
    api.force_authenticate(user)
    return api


def snapshot(*objects) -> list[dict]:
    return [type(o)._default_manager.filter(pk=o.pk).values().get() for o in objects]


def test_the_api_writes_none_of_them_past_their_version(make_user, office, seed_plan):
    survey = survey_services.create_survey(office=office, kind="custom", fiscal_year=2024)
    question = survey_services.add_question(survey, kind="text", text="Anything else?")
    indicator = Indicator.objects.filter(action__work_plan=seed_plan).order_by("pk").first()
    publication = record_publication(office=office, kind="newsletter", title="Issue 1",
                                     date=dt.date(2024, 9, 30))
    before = snapshot(survey, question, indicator, publication)
    api = client_for(make_user(Role.ADMIN))
    body = {"title": "Through the API", "text": "Through the API", "measure": "manual",
            "version": 1}
    for url, refused in [(f"/api/v1/surveys/{survey.pk}/", 405),
                         (f"/api/v1/indicators/{indicator.pk}/", 405),
                         (f"/api/v1/questions/{question.pk}/", 404),
                         (f"/api/v1/publications/{publication.pk}/", 404)]:
        for method in (api.patch, api.put):
            assert method(url, body, format="json").status_code == refused, url
    assert snapshot(survey, question, indicator, publication) == before
    assert Publication.objects.get().title == "Issue 1"


def test_a_status_change_through_the_api_makes_an_open_edit_page_stale(make_user, office,
                                                                       seed_plan):
    survey = survey_services.create_survey(office=office, kind="needs", fiscal_year=2024)
    editor = Client()
    editor.force_login(make_user(Role.STAFF, username="page-editor"))
    url = reverse("surveys:survey_update", args=[survey.pk])
    assert 'name="version" value="1"' in editor.get(url).content.decode()
    response = client_for(make_user(Role.STAFF, username="api-user")).post(
        f"/api/v1/surveys/{survey.pk}/transition/", {"status": "open"})
    assert response.status_code == 200, response.json()
    refused = editor.post(url, {"title": "Renamed on the page", "version": 1})
    assert refused.status_code == 409
    assert "changed by api-user" in refused.content.decode()
    stored = Survey.objects.get(pk=survey.pk)
    assert stored.status == "open" and stored.title != "Renamed on the page"
    assert stored.version == 2
