"""Two people editing the same survey or question (issue 8): both open the edit page, the first
saves, the second's save is refused with who changed it and when, and the first's values stay.
Through the real pages, as two signed-in browsers."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from tests.editing import opened_version, signed_in
from workplan.core.concurrency import EditConflict
from workplan.surveys import services
from workplan.surveys.models import Question, Survey

pytestmark = pytest.mark.django_db






@pytest.fixture
def draft(office, seed_plan):
    return services.create_survey(office=office, kind="custom", fiscal_year=2024,
                                  title="Survey as created")


def test_the_second_of_two_survey_edits_is_refused(editors, draft):
    first, second = (signed_in(user) for user in editors)
    url = reverse("surveys:survey_update", args=[draft.pk])
    version = opened_version(first, url)
    assert opened_version(second, url) == version == draft.version == 1

    saved = first.post(url, {"title": "First's title", "intro": "First's introduction",
                             "closes_on": "2030-06-30", "version": version})
    assert saved.status_code == 302
    refused = second.post(url, {"title": "Second's title", "intro": "",
                                "anonymous": "on", "version": version})
    assert refused.status_code == 409
    page = refused.content.decode()
    assert "This record was changed by first-editor at" in page
    assert "Your changes were not saved" in page
    assert refused.context["form"]["title"].value() == "Second's title"  # their text is kept
    stored = Survey.objects.get(pk=draft.pk)
    assert (stored.title, stored.intro, stored.closes_on, stored.anonymous, stored.version) \
        == ("First's title", "First's introduction", dt.date(2030, 6, 30), False, 2)

    # Reloaded, the page shows the first's values and the new version; saving then works.
    assert opened_version(second, url) == 2
    assert second.post(url, {"title": "Second's title", "intro": "First's introduction",
                             "closes_on": "2030-06-30", "version": 2}).status_code == 302
    stored.refresh_from_db()
    assert stored.title == "Second's title" and stored.version == 3
    assert stored.history.first().history_user == editors[1]


def test_opening_the_survey_makes_an_edit_page_opened_before_stale(editors, draft):
    """A status change is a new version too (as for events): the form was drawn for a draft
    (anonymity still open to change), so its save is refused rather than applied to an open
    survey."""
    services.add_question(draft, kind="text", text="Anything else?")
    editor = signed_in(editors[1])
    url = reverse("surveys:survey_update", args=[draft.pk])
    version = opened_version(editor, url)
    opener = signed_in(editors[0])
    assert opener.post(reverse("surveys:survey_transition", args=[draft.pk]),
                       {"status": "open"}).status_code == 302
    refused = editor.post(url, {"title": "Renamed while open", "version": version})
    assert refused.status_code == 409 and "changed by first-editor" in refused.content.decode()
    stored = Survey.objects.get(pk=draft.pk)
    assert stored.status == "open" and stored.title == "Survey as created"
    assert stored.version == version + 1


def test_a_survey_edit_without_its_version_is_refused(editors, draft):
    client = signed_in(editors[0])
    response = client.post(reverse("surveys:survey_update", args=[draft.pk]),
                           {"title": "No version"})
    assert response.status_code == 400
    assert "version" in response.context["form"].errors
    assert "reload the page" in response.content.decode()
    assert Survey.objects.get(pk=draft.pk).title == "Survey as created"


def question_data(version: int, **changes) -> dict:
    data = {"kind": "rating", "text": "How useful was it?", "hint": "", "required": "on",
            "scale_max": 5, "code": "useful", "version": version}
    data.update(changes)
    return data


def test_the_second_of_two_question_edits_is_refused(editors, draft):
    question = services.add_question(draft, kind="rating", text="How useful was it?",
                                     scale_max=5, code="useful")
    first, second = (signed_in(user) for user in editors)
    url = reverse("surveys:question_update", args=[question.pk])
    version = opened_version(first, url)
    assert opened_version(second, url) == version == 1

    assert first.post(url, question_data(version, text="How useful was the workshop?",
                                         scale_max=4)).status_code == 302
    refused = second.post(url, question_data(version, kind="single", text="Pick one",
                                             choices_text="Yes\nNo"))
    assert refused.status_code == 409
    page = refused.content.decode()
    assert "This record was changed by first-editor at" in page
    assert "Your changes were not saved" in page
    stored = Question.objects.get(pk=question.pk)
    assert (stored.kind, stored.text, stored.scale_max, stored.choices, stored.version) == (
        "rating", "How useful was the workshop?", 4, [], 2)
    # Reloaded: the new version. Questions added or moved meanwhile do not make that form
    # stale (it holds no position): only saves of the question itself do.
    version = opened_version(second, url)
    assert version == 2
    services.add_question(draft, kind="text", text="Anything else?")
    services.move_question(Question.objects.get(pk=question.pk), 1)
    assert second.post(url, question_data(version, text="Useful?")).status_code == 302
    stored.refresh_from_db()
    assert (stored.text, stored.position, stored.version) == ("Useful?", 2, 3)


def test_services_without_a_version_save_over_the_current_one(draft):
    """Writers that hold the record they just read (the demo, commands) state no version:
    the current one is taken, and it still moves on."""
    survey = services.update_survey(draft, title="Renamed")
    assert survey.version == 2
    stale = Survey.objects.get(pk=draft.pk)
    services.update_survey(draft, intro="Changed by someone")
    with pytest.raises(EditConflict):
        services.update_survey(stale, title="From an old copy", expected_version=2)
    stored = Survey.objects.get(pk=draft.pk)
    assert (stored.title, stored.intro, stored.version) == ("Renamed", "Changed by someone", 3)
