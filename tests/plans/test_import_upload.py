"""Importing a plan through the web: upload, preview (dry run), confirm; bad files refused."""

import re

import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from workplan.core.models import Role
from workplan.plans.models import ImportRun, WorkPlan
from workplan.plans.services import PENDING_UPLOAD_KEY
from workplan.plans.textplan.synthetic import sample_bytes

pytestmark = pytest.mark.django_db

URL = "/plans/import/"


def table_counts() -> dict:
    return {m._meta.label: m.objects.count() for m in apps.get_models()
            if m._meta.app_label in {"directory", "framework", "plans", "indicators", "core"}}


@pytest.fixture
def admin_client(client, make_user):
    client.force_login(make_user(Role.ADMIN))
    return client


def upload(client, data: bytes, office, name="plan.txt", period=""):
    return client.post(URL, {"office": office.pk, "preview": "1", "period": period,
                             "file": SimpleUploadedFile(name, data, "text/plain")})


def sha_of(response) -> str:
    return re.search(r'name="sha256" value="([0-9a-f]{64})"', response.content.decode()).group(1)


def test_url_name():
    assert reverse("plans:workplan_import") == URL


@pytest.mark.parametrize("role", [Role.VIEWER, Role.STAFF, Role.FOCAL_POINT, None])
def test_only_office_admins_reach_the_import(client, make_user, office, role):
    client.force_login(make_user(role))
    assert client.get(URL).status_code == 404
    assert upload(client, sample_bytes(), office).status_code == 404
    assert WorkPlan.objects.count() == 0


def test_superuser_may_import_for_any_office(client, django_user_model, other_office):
    client.force_login(django_user_model.objects.create_superuser("root", "root@localhost", "x"))
    response = client.get(URL)
    assert response.status_code == 200
    assert "ROCB ESA" in response.content.decode() and "ROCB A/P" in response.content.decode()


def test_form_offers_only_offices_the_user_administers(admin_client, office, other_office):
    page = admin_client.get(URL).content.decode()
    assert f'value="{office.pk}"' in page and f'value="{other_office.pk}"' not in page
    response = upload(admin_client, sample_bytes(), other_office)
    assert "Select a valid choice" in response.content.decode()
    assert WorkPlan.objects.count() == 0


def test_preview_then_confirm(admin_client, office):
    before = table_counts()
    response = upload(admin_client, sample_bytes(), office, name="awp-2024.txt")
    assert response.status_code == 200
    page = response.content.decode()
    # the dry run's report: counts, outcome, warnings with their lines
    assert "ROCB A/P Annual Work Plan (2024-2025)" in page
    assert "Importing creates the 2024-2025 plan of ROCB A/P" in page
    assert "167 (146 listed, 21 by See also only)" in page
    assert "<dd>76</dd>" in page and "38, 2, 12, 3" in page
    assert "23 warnings" in page and '<td data-label="Line" class="num">8</td>' in page
    assert "names &quot;Guinea&quot;, which is not a member" in page
    assert "Confirm import" in page
    # nothing written yet; the bytes wait in the session under their checksum
    assert table_counts() == before
    sha = sha_of(response)
    assert admin_client.session[PENDING_UPLOAD_KEY]["sha256"] == sha

    response = admin_client.post(URL, {"sha256": sha})
    plan = WorkPlan.objects.get()
    assert response.status_code == 302 and response["Location"] == plan.get_absolute_url()
    assert plan.actions.count() == 55 and plan.source_name == "awp-2024.txt"
    run = ImportRun.objects.get()
    assert run.user.username.startswith("admin") and run.outcome == "created"
    assert PENDING_UPLOAD_KEY not in admin_client.session
    page = admin_client.get(response["Location"]).content.decode()
    assert "was imported (created)" in page


def test_preview_of_a_changed_plan_lists_the_changes(admin_client, office, seed_plan):
    data = sample_bytes().replace(b"Number of Members MRA",
                                  b"Number of Members with an MRA")
    response = upload(admin_client, data, office)
    page = response.content.decode()
    assert "updates the 2024-2025 plan of ROCB A/P in place" in page
    assert "changed action 1-(e): kpis" in page
    admin_client.post(URL, {"sha256": sha_of(response)})
    assert seed_plan.actions.get(code="1-(e)").indicators.get().text == (
        "Number of Members with an MRA")


def test_preview_warns_when_a_shorter_file_would_remove_actions(admin_client, office, seed_plan):
    """A file that ends cleanly after a row is a plan, but a smaller one: the preview says so."""
    data = b"\n".join(sample_bytes().split(b"\n")[:25])
    response = upload(admin_client, data, office)
    page = response.content.decode()
    assert "removed action 4-(a)" in page
    assert "Check that the file is complete" in page
    assert seed_plan.actions.count() == 55


def test_same_file_again_changes_nothing(admin_client, office, seed_plan):
    response = upload(admin_client, sample_bytes(), office)
    assert "already matches this file" in response.content.decode()
    before = table_counts()
    response = admin_client.post(URL, {"sha256": sha_of(response)}, follow=True)
    assert "already up to date" in response.content.decode()
    assert table_counts() == before


@pytest.mark.parametrize("sha", ["", "0" * 64, "not-a-checksum"])
def test_confirm_without_a_matching_upload_imports_nothing(admin_client, office, sha):
    upload(admin_client, sample_bytes(), office)  # a pending upload with another checksum
    before = table_counts()
    response = admin_client.post(URL, {"sha256": sha})
    assert response.status_code == 400
    assert "The file to import was not found" in response.content.decode()
    assert table_counts() == before


def test_confirm_in_another_session_imports_nothing(admin_client, client, make_user, office):
    sha = sha_of(upload(admin_client, sample_bytes(), office))
    other = client.__class__()
    other.force_login(make_user(Role.ADMIN, username="second-admin"))
    assert other.post(URL, {"sha256": sha}).status_code == 400
    assert WorkPlan.objects.count() == 0


def cut_off() -> bytes:
    """The sample, ending in the middle of the activities cell of line 21."""
    lines = sample_bytes().decode().split("\n")
    cells = lines[20].split("\t")
    return "\n".join(lines[:20] + [cells[0] + "\t" + cells[1][: len(cells[1]) // 2]]).encode()


BAD_FILES = {
    "undecodable": (lambda: b"\xff\xfe", "Line 1: byte 0xff at column 1 is not valid UTF-8"),
    "binary": (lambda: b"1. Pillar\nPK\x03\x04\x00\x00", "Line 2: the file is binary"),
    "cut off": (cut_off, "Line 21: expected 3 tab-separated cells"),
    "not a plan": (lambda: b"Dear colleagues,\nplease find the minutes attached.\n",
                   "does not look like a work plan"),
    "empty": (lambda: b"", "The submitted file is empty."),
    "blank": (lambda: b"\n  \n", "The file is empty"),
    "no fiscal year": (lambda: sample_bytes().replace(b"(2024-2025)", b""),
                       "No fiscal year found in the plan"),
}


@pytest.mark.parametrize("name", BAD_FILES)
def test_bad_file_shows_the_error_with_its_line_and_writes_nothing(admin_client, office, name):
    data, message = BAD_FILES[name]
    before = table_counts()
    response = upload(admin_client, data(), office)
    assert response.status_code == 200
    page = response.content.decode()
    assert message in page, page[page.find('class="field__error"') - 200:][:800]
    assert 'aria-invalid' in page or "field--error" in page
    assert "Confirm import" not in page
    assert table_counts() == before
    assert PENDING_UPLOAD_KEY not in admin_client.session


def test_fiscal_year_given_in_the_form_when_the_title_has_none(admin_client, office):
    data = sample_bytes().replace(b"(2024-2025)", b"")
    response = upload(admin_client, data, office, period="2025-2026")
    assert "Importing creates the 2025-2026 plan of ROCB A/P" in response.content.decode()
    admin_client.post(URL, {"sha256": sha_of(response)})
    assert WorkPlan.objects.get().period == "2025-2026"


def test_too_large_file_is_refused(admin_client, office, settings):
    settings.WORKPLAN_MAX_PLAN_UPLOAD = 1024
    response = upload(admin_client, sample_bytes(), office)
    page = response.content.decode()
    assert "plans of at most 1.0\xa0KB can be uploaded" in page
    assert WorkPlan.objects.count() == 0


def test_plan_of_another_office_is_refused(client, make_user, other_office):
    """The A/P plan's title names ROCB A/P: uploading it for ROCB ESA is refused."""
    client.force_login(make_user(Role.ADMIN, office=other_office))
    before = table_counts()
    response = upload(client, sample_bytes(), other_office)
    page = response.content.decode()
    assert "Line 3: the plan&#x27;s title names ROCB A/P (ROCB-AP)" in page
    assert table_counts() == before
