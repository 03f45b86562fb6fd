"""Two people editing the same publication (issue 8): both open the edit page, the first saves,
the second's save is refused with who changed it and when; the first's values and the stored
file stay (a refused save neither replaces nor removes it). Through the real pages."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests.editing import opened_version, signed_in
from workplan.core.concurrency import EditConflict
from workplan.plans.models import Action
from workplan.reports.models import Publication
from workplan.reports.services import record_publication, update_publication

pytestmark = pytest.mark.django_db



@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"





@pytest.fixture
def issue(office, seed_plan):
    four_a = Action.objects.get(work_plan=seed_plan, code="4-(a)")
    return record_publication(office=office, kind="newsletter", title="Issue 24-1",
                              date=dt.date(2024, 9, 30), actions=[four_a],
                              file=("issue.pdf", b"%PDF-1.4 the issue"))


def stored_files(publication) -> list[str]:
    """The files under the publication's office folder in MEDIA_ROOT."""
    return sorted(publication.file.storage.listdir(f"publications/{publication.office_id}")[1])


def data(version: int, **changes) -> dict:
    four_a = Action.objects.get(code="4-(a)", work_plan__period="2024-2025")
    values = {"kind": "newsletter", "title": "Issue 24-1", "date": "2024-09-30",
              "actions": [four_a.pk], "url": "", "summary": "", "version": version}
    values.update(changes)
    return values


def test_the_second_of_two_publication_edits_is_refused(editors, issue, seed_plan):
    first, second = (signed_in(user) for user in editors)
    url = reverse("reports:publication_update", args=[issue.pk])
    version = opened_version(first, url)
    assert opened_version(second, url) == version == 1
    stored_file = issue.file.name

    saved = first.post(url, data(version, title="Issue 24-1 (September)",
                                 summary="First's summary"))
    assert saved.status_code == 302
    four_c = Action.objects.get(work_plan=seed_plan, code="4-(c)")
    refused = second.post(url, data(version, title="Second's title", date="2024-10-15",
                                     actions=[four_c.pk],
                                     file=SimpleUploadedFile("other.pdf", b"%PDF-1.4 theirs")))
    assert refused.status_code == 409
    page = refused.content.decode()
    assert "This record was changed by first-editor at" in page
    assert "Your changes were not saved" in page
    stored = Publication.objects.get(pk=issue.pk)
    assert (stored.title, stored.summary, stored.date, stored.version) == (
        "Issue 24-1 (September)", "First's summary", dt.date(2024, 9, 30), 2)
    assert [a.code for a in stored.actions.all()] == ["4-(a)"]
    assert stored.file.name == stored_file and stored.file.read() == b"%PDF-1.4 the issue"
    assert stored_files(issue) == ["issue.pdf"]  # their upload was not stored


def test_a_stale_save_does_not_remove_the_file(editors, issue):
    first, second = (signed_in(user) for user in editors)
    url = reverse("reports:publication_update", args=[issue.pk])
    version = opened_version(first, url)
    assert opened_version(second, url) == version
    assert first.post(url, data(version, summary="Keep the file")).status_code == 302
    refused = second.post(url, data(version, remove_file="on"))
    assert refused.status_code == 409
    stored = Publication.objects.get(pk=issue.pk)
    assert stored.file and stored.file.read() == b"%PDF-1.4 the issue"
    assert stored.file_name == "issue.pdf" and stored.summary == "Keep the file"


def test_a_publication_edit_without_its_version_is_refused(editors, issue):
    client = signed_in(editors[0])
    response = client.post(reverse("reports:publication_update", args=[issue.pk]),
                           {k: v for k, v in data(1, title="No version").items()
                            if k != "version"})
    assert response.status_code == 200
    assert "version" in response.context["form"].errors
    assert "reload the page" in response.content.decode()
    assert Publication.objects.get(pk=issue.pk).title == "Issue 24-1"


def test_the_service_refuses_a_stale_version_before_touching_the_file(issue):
    update_publication(issue, summary="Saved first")
    stale = Publication.objects.get(pk=issue.pk)
    stale.version = 1
    with pytest.raises(EditConflict):
        update_publication(stale, file=("new.pdf", b"%PDF-1.4 new"), expected_version=1)
    stored = Publication.objects.get(pk=issue.pk)
    assert stored.file_name == "issue.pdf" and stored.file.read() == b"%PDF-1.4 the issue"
    assert stored_files(issue) == ["issue.pdf"]
