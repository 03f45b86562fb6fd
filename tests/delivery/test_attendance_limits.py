"""An attendance sheet built to exhaust the server (issue 14: 232 KB whose shared strings
unpacked to 95 MB) is refused before it is opened, with a message naming the file and the
limit, and changes nothing. Memory is measured by ``make bench`` (bench/upload_case.py), not
here."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests.workbooks import shared_strings_bomb, with_shared_strings, workbook
from workplan.core.models import Role
from workplan.delivery.models import Participation
from workplan.delivery.services import record_event
from workplan.delivery.views.events import SHEET_SESSION_KEY
from workplan.directory.models import Member, Person

pytestmark = pytest.mark.django_db


@pytest.fixture
def event(office):
    return record_event(office=office, title="Regional workshop on risk management",
                        kind="workshop", level="regional", start_date=dt.date(2024, 11, 4),
                        end_date=dt.date(2024, 11, 7),
                        beneficiaries=[Member.objects.get(iso3="LAO")])


def test_the_shared_strings_bomb_is_refused_and_changes_nothing(client, make_user, event):
    client.force_login(make_user(Role.STAFF))
    url = reverse("delivery:attendance_import", args=[event.pk])
    data = shared_strings_bomb(95)
    before = (Participation.objects.count(), Person.objects.count())
    response = client.post(url, {"file": SimpleUploadedFile("attendance-bomb.xlsx", data)})
    assert response.status_code == 400
    page = response.content.decode().replace("\xa0", " ")
    assert "“attendance-bomb.xlsx”: xl/sharedStrings.xml (the shared strings) unpacks to " \
           "95.0 MB; a workbook read here may unpack it to 8.0 MB at most." in page
    assert (Participation.objects.count(), Person.objects.count()) == before
    assert SHEET_SESSION_KEY not in client.session  # nothing waits for a confirmation

    # The same sheet without the padding: read, previewed, nothing written before confirming.
    fine = with_shared_strings(workbook([["Aiko Tanaka", "F", "Japan",
                                          "aiko@customs.example", "Analyst", ""]]))
    response = client.post(url, {"file": SimpleUploadedFile("attendance.xlsx", fine)})
    assert response.status_code == 200 and "every row is valid" in response.content.decode()
    assert SHEET_SESSION_KEY in client.session
    assert (Participation.objects.count(), Person.objects.count()) == before
