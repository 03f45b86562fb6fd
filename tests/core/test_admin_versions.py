"""The Django admin saves versioned records as the pages do: the form states the version it was
opened with, a change over someone else's newer one is refused on the form naming who, and an
inline row left as it was is not a conflict."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.test import Client
from django.urls import reverse

from tests.editing import opened
from workplan.core.concurrency import save_versioned
from workplan.reports.models import Publication
from workplan.surveys import services as surveys
from workplan.surveys.models import Question, Survey

pytestmark = pytest.mark.django_db


@pytest.fixture
def root(django_user_model):
    client = Client()
    client.force_login(django_user_model.objects.create_superuser("root", "root@x.org", "x"))
    return client


@pytest.fixture
def publication(office, django_user_model):
    return Publication.objects.create(office=office, kind=Publication.Kind.NEWSLETTER,
                                      title="Issue 24-1", date=dt.date(2024, 10, 1))


def test_a_stale_admin_form_is_refused_naming_who_saved(root, publication, django_user_model):
    url = reverse("admin:reports_publication_change", args=[publication.pk])
    form = opened(root, url)
    assert form["opened_version"] == ["1"]
    # meanwhile someone saves through the page (version 1 -> 2)
    editor = django_user_model.objects.create_user("ines")
    publication.title = "Issue 24-1 (corrected)"
    publication._history_user = editor
    save_versioned(publication, 1)
    stale = root.post(url, {**form, "title": ["Issue 24-1 from the admin"]})
    assert stale.status_code == 200
    assert "This record was changed by ines" in stale.content.decode()
    publication.refresh_from_db()
    assert (publication.title, publication.version) == ("Issue 24-1 (corrected)", 2)
    # reopened, the admin's change goes through and is a new version
    fresh = root.post(url, {**opened(root, url), "title": ["Issue 24-1 from the admin"]})
    assert fresh.status_code == 302
    publication.refresh_from_db()
    assert (publication.title, publication.version) == ("Issue 24-1 from the admin", 3)
    assert publication.history.first().history_user.username == "root"


def test_a_form_without_the_version_is_refused(root, publication):
    url = reverse("admin:reports_publication_change", args=[publication.pk])
    form = opened(root, url)
    del form["opened_version"]
    response = root.post(url, {**form, "title": ["No version"]})
    assert response.status_code == 200 and "did not say which version" in \
        response.content.decode()
    publication.refresh_from_db()
    assert publication.title == "Issue 24-1" and publication.version == 1


def test_survey_inline_questions_are_guarded_row_by_row(root, office, seed_plan):
    survey = surveys.create_survey(office=office, kind=Survey.Kind.NEEDS, fiscal_year=2024)
    first, second = survey.questions.order_by("position")[:2]
    url = reverse("admin:surveys_survey_change", args=[survey.pk])
    form = opened(root, url)
    rows = {form[f"questions-{i}-id"][0]: i for i in range(survey.questions.count())}
    # meanwhile the first question's hint (not a column of the inline) changes on its page:
    # its row still shows what is stored, so the admin's change of the second goes through
    first.hint = "Hint set on the page"
    save_versioned(first, first.version)
    row = rows[str(second.pk)]
    response = root.post(url, {**form, f"questions-{row}-text": ["Changed in the admin"]})
    assert response.status_code == 302, re.findall(r"errorlist[^>]*>(.*?)</ul>",
                                                   response.content.decode(), re.S)[:4]
    assert Question.objects.get(pk=second.pk).text == "Changed in the admin"
    assert Question.objects.get(pk=first.pk).hint == "Hint set on the page"
    # now the first question's text changes on its page: the admin's form, opened before,
    # would put the old text back, so it is refused whole, and nothing is saved
    form = opened(root, url)
    first.refresh_from_db()
    first.text = "Changed on the page"
    save_versioned(first, first.version)
    row = rows[str(second.pk)]
    stale = root.post(url, {**form, f"questions-{row}-text": ["Changed again"]})
    assert stale.status_code == 200 and "This record was changed by" in stale.content.decode()
    assert Question.objects.get(pk=first.pk).text == "Changed on the page"
    assert Question.objects.get(pk=second.pk).text == "Changed in the admin"
