"""Participants of an event: attendance sheets (real XLSX and CSV) checked row by row, the
column mapping, the whole sheet or nothing; and participants added or removed by hand."""

import csv
import datetime as dt
import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from workplan.core.models import Role
from workplan.delivery.models import Participation
from workplan.delivery.services import record_event
from workplan.directory.models import Member, Person

pytestmark = pytest.mark.django_db

HEADERS = ["Full name", "Sex", "Country", "E-mail", "Position", "Role"]
GOOD_ROWS = [
    ["Aiko Tanaka", "F", "Japan", "aiko@customs.example", "Risk analyst", ""],
    ["Somsak Vong", "M", "Lao People's Dem. Rep.", "somsak@customs.example", "Director", ""],
    ["Mere Tupou", "female", "FJI", "", "Inspector", "participant"],
    ["Hiroshi Sato", "m", "JPN", "hiroshi@customs.example", "Trainer", "Resource person"],
]


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def as_staff(client, make_user):
    client.force_login(make_user(Role.STAFF))
    return client


@pytest.fixture
def event(office):
    lao = Member.objects.get(iso3="LAO")
    return record_event(office=office, title="Regional workshop on risk management",
                        kind="workshop", level="regional", start_date=dt.date(2024, 11, 4),
                        end_date=dt.date(2024, 11, 7), beneficiaries=[lao])


def xlsx(rows, headers=HEADERS) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def csv_bytes(rows, headers=HEADERS, delimiter=",") -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter)
    writer.writerow(headers)
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8-sig")


def text(response) -> str:
    return response.content.decode()


def upload(client, event, name, data):
    return client.post(reverse("delivery:attendance_import", args=[event.pk]),
                       {"file": SimpleUploadedFile(name, data)})


def mapping_post(response, **extra) -> dict:
    """The mapping form of a report page as posted back (the selected columns)."""
    form = response.context["mapping_form"]
    data = {"sha256": form.initial.get("sha256") or form.data.get("sha256")}
    for name, field in form.fields.items():
        if name.startswith("col_"):
            value = form.data.get(name) if form.is_bound else field.initial
            data[name] = value or ""
    data.update(extra)
    return data


def confirm(client, event, response, **extra):
    return client.post(reverse("delivery:attendance_import", args=[event.pk]),
                       mapping_post(response, confirm="1", **extra))


def counts():
    return Participation.objects.count(), Person.objects.count()


# --- a good sheet -----------------------------------------------------------------------------


def test_import_a_real_xlsx(as_staff, event):
    response = upload(as_staff, event, "attendance.xlsx", xlsx(GOOD_ROWS))
    assert response.status_code == 200
    page = text(response)
    assert "every row is valid" in page and "4 rows" in page
    # the mapping was guessed from the headers and is shown preselected
    form = response.context["mapping_form"]
    assert form["col_name"].initial == "0" and form["col_member"].initial == "2"
    assert '<option value="0" selected>Full name</option>' in page
    assert counts() == (0, 0)  # nothing is written before the confirmation
    response = confirm(as_staff, event, response)
    assert response.status_code == 302
    assert response["Location"] == reverse("delivery:event_participants", args=[event.pk])
    participations = Participation.objects.filter(event=event).select_related("person",
                                                                              "member")
    assert len(participations) == 4
    by_name = {p.person.full_name: p for p in participations}
    assert by_name["Somsak Vong"].member.iso3 == "LAO"
    assert by_name["Mere Tupou"].person.gender == "female"
    assert by_name["Hiroshi Sato"].role == "expert"
    page = text(as_staff.get(response["Location"]))
    assert "4 new participations (4 new people)" in page and "Aiko Tanaka" in page


def test_import_a_real_csv_with_semicolons(as_staff, event):
    response = upload(as_staff, event, "attendance.csv", csv_bytes(GOOD_ROWS, delimiter=";"))
    assert "every row is valid" in text(response)
    assert confirm(as_staff, event, response).status_code == 302
    assert Participation.objects.filter(event=event).count() == 4


def test_known_people_are_reused_and_reported(as_staff, office, event):
    japan = Member.objects.get(iso3="JPN")
    aiko = Person.objects.create(office=office, full_name="A. Tanaka", email="AIKO@customs.example",
                                 member=japan, gender="female")
    hiroshi = Person.objects.create(office=office, full_name="Hiroshi Sato", member=japan)
    Participation.objects.create(event=event, person=hiroshi, member=japan)
    response = upload(as_staff, event, "attendance.xlsx", xlsx(GOOD_ROWS))
    page = text(response)
    assert page.count("known person") == 1  # Aiko, by e-mail
    assert page.count("already registered for this event") == 1  # Hiroshi, by name + member
    confirm(as_staff, event, response)
    assert Person.objects.count() == 4  # two known + two new
    assert Participation.objects.get(event=event, person=aiko).role == "participant"
    assert Participation.objects.get(event=event, person=hiroshi).role == "expert"  # updated


# --- bad sheets: reported by row, nothing imported ---------------------------------------------


def report_rows(response) -> dict[int, str]:
    """Row number -> the text of its check cell, for the rows marked as errors."""
    rows = {}
    for row in response.context["report"].rows:
        if not row.ok:
            rows[row.row] = " ".join(row.errors)
    return rows


def test_duplicates_by_email_and_by_name_and_member_are_reported_by_row(as_staff, event):
    rows = [
        ["Aiko Tanaka", "F", "Japan", "aiko@customs.example", "", ""],    # row 2
        ["Aiko T.", "F", "Japan", "AIKO@customs.example", "", ""],        # row 3: same e-mail
        ["Somsak Vong", "M", "LAO", "", "", ""],                          # row 4
        ["Somsak  Vong", "M", "Lao PDR", "", "", ""],                     # row 5: same name
        ["Somsak Vong", "M", "Thailand", "", "", ""],                     # row 6: other member
    ]
    for name, data in [("sheet.xlsx", xlsx(rows)), ("sheet.csv", csv_bytes(rows))]:
        response = upload(as_staff, event, name, data)
        errors = report_rows(response)
        assert set(errors) == {3, 5}, (name, errors)
        assert "same e-mail as row 2" in errors[3]
        assert "same name and member as row 4" in errors[5]
        page = text(response)
        assert page.count('class="row--error"') == 2
        assert "2 rows with errors" in page
        assert "Import the sheet</button>" not in page
        refused = confirm(as_staff, event, response)
        assert refused.status_code == 400
        assert "nothing was imported" in text(refused) and "2 rows have errors" in text(refused)
        assert counts() == (0, 0)


def test_a_participant_of_an_unknown_member_names_the_row(as_staff, event):
    rows = [GOOD_ROWS[0], ["Jean Dupont", "M", "Atlantis", "", "", ""], GOOD_ROWS[1]]
    response = upload(as_staff, event, "sheet.xlsx", xlsx(rows))
    errors = report_rows(response)
    assert list(errors) == [3]
    assert "“Atlantis” is not a member of the Asia/Pacific region" in errors[3]
    assert "“Atlantis” is not a member" in text(response)
    assert confirm(as_staff, event, response).status_code == 400
    assert counts() == (0, 0)


def test_bad_values_are_reported_by_row(as_staff, event):
    rows = [["", "F", "JPN", "", "", ""], ["A", "Q", "JPN", "not-an-email", "", "boss"]]
    errors = report_rows(upload(as_staff, event, "sheet.csv", csv_bytes(rows)))
    assert "the name is empty" in errors[2]
    assert "gender “Q”" in errors[3] and "is not an e-mail address" in errors[3]
    assert "role “boss”" in errors[3]


def test_a_sheet_with_a_missing_column_is_refused(as_staff, event):
    headers = ["Sex", "Country", "E-mail"]  # no name column
    response = upload(as_staff, event, "sheet.xlsx",
                      xlsx([["F", "JPN", "a@b.example"]], headers=headers))
    assert response.status_code == 200
    page = text(response)
    assert "The sheet has no column for: name" in page and "Nothing was imported." in page
    assert response.context["report"] is None
    refused = confirm(as_staff, event, response)
    assert refused.status_code == 400 and "no column for: name" in text(refused)
    assert counts() == (0, 0)


def test_the_column_mapping_can_be_changed(as_staff, event):
    headers = ["Participant", "Organization code", "Mail"]
    rows = [["Aiko Tanaka", "JPN", "aiko@customs.example"]]
    response = upload(as_staff, event, "sheet.csv", csv_bytes(rows, headers=headers))
    assert response.context["mapping_form"]["col_member"].initial == ""  # not guessed
    rechecked = as_staff.post(reverse("delivery:attendance_import", args=[event.pk]),
                              mapping_post(response, col_member="1", check="1"))
    assert rechecked.status_code == 200 and "every row is valid" in text(rechecked)
    assert counts() == (0, 0)
    assert confirm(as_staff, event, rechecked, col_member="1").status_code == 302
    assert Participation.objects.get(event=event).member.iso3 == "JPN"


def test_two_fields_cannot_read_the_same_column(as_staff, event):
    response = upload(as_staff, event, "sheet.csv", csv_bytes(GOOD_ROWS))
    refused = confirm(as_staff, event, response, col_position="0")
    assert refused.status_code == 400
    assert "already read as “Name”" in text(refused)
    assert counts() == (0, 0)


@pytest.mark.parametrize("name, data, message", [
    ("sheet.txt", b"Name\nAiko\n", "Attendance sheets are .xlsx or .csv files."),
    ("sheet.xlsx", b"PK\x03\x04 not really a workbook", "not a readable Excel workbook"),
    ("sheet.csv", "Name\nAiko\n".encode("utf-16"), "is not valid UTF-8"),
    ("sheet.csv", b"\n\n", "The sheet has no rows: it needs at least a row of column names."),
])
def test_unreadable_sheets_are_refused_on_the_file_field(as_staff, event, name, data, message):
    response = upload(as_staff, event, name, data)
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert message in " ".join(errors["file"]), errors
    assert counts() == (0, 0)


def test_a_sheet_too_big_is_refused(as_staff, settings, event):
    settings.WORKPLAN_MAX_SHEET = 100
    response = upload(as_staff, event, "sheet.csv", csv_bytes(GOOD_ROWS * 5))
    assert response.status_code == 400
    assert "attendance sheets of at most 100" in " ".join(response.context["form"].errors["file"])


def test_a_confirmation_without_the_pending_sheet_is_refused(as_staff, event):
    response = as_staff.post(reverse("delivery:attendance_import", args=[event.pk]),
                             {"sha256": "0" * 64, "col_name": "0", "confirm": "1"})
    assert response.status_code == 400
    assert "Upload the sheet again; nothing was imported." in text(response)


def test_attendance_import_is_closed_to_viewers_and_other_offices(client, make_user,
                                                                  other_office, event):
    for user in (make_user(Role.VIEWER), make_user(Role.ADMIN, office=other_office)):
        client.force_login(user)
        assert client.get(reverse("delivery:attendance_import",
                                  args=[event.pk])).status_code == 404
        assert upload(client, event, "a.csv", csv_bytes(GOOD_ROWS)).status_code == 404
    assert counts() == (0, 0)


# --- by hand ------------------------------------------------------------------------------------


def test_find_and_add_a_known_person(as_staff, office, event):
    japan = Member.objects.get(iso3="JPN")
    aiko = Person.objects.create(office=office, full_name="Aiko Tanaka", member=japan,
                                 gender="female", email="aiko@customs.example")
    url = reverse("delivery:event_participants", args=[event.pk])
    page = text(as_staff.get(url, {"q": "tanaka"}))
    assert "Aiko Tanaka" in page and f'name="person" value="{aiko.pk}"' in page
    partial = text(as_staff.get(url, {"q": "aiko@"}, headers={"HX-Request": "true",
                                                             "HX-Target": "person-results"}))
    assert partial.startswith('<div id="person-results"') and "Aiko Tanaka" in partial
    add = reverse("delivery:participation_add", args=[event.pk])
    response = as_staff.post(add, {"person": aiko.pk, "role": "expert", "attended": "on"},
                             follow=True)
    assert "Aiko Tanaka was added as expert / resource person." in text(response)
    participation = Participation.objects.get(event=event, person=aiko)
    assert participation.role == "expert" and participation.member == japan
    # registered people are no longer offered, and adding them twice is refused
    assert f'name="person" value="{aiko.pk}"' not in text(as_staff.get(url, {"q": "tanaka"}))
    response = as_staff.post(add, {"person": aiko.pk, "role": "participant"}, follow=True)
    assert "already registered for this event" in text(response)
    assert Participation.objects.filter(event=event).count() == 1


def test_add_a_new_person_and_remove_them(as_staff, office, event):
    fiji = Member.objects.get(iso3="FJI")
    add = reverse("delivery:participation_add", args=[event.pk])
    response = as_staff.post(add, {"new-full_name": "Mere Tupou", "new-gender": "female",
                                   "new-member": fiji.pk, "new-email": "mere@customs.example",
                                   "new-role": "participant", "new-attended": "on"})
    assert response.status_code == 302
    participation = Participation.objects.select_related("person").get(event=event)
    assert participation.person.office == office and participation.member == fiji
    # the same e-mail again: refused on the e-mail field, nothing written
    response = as_staff.post(add, {"new-full_name": "M. Tupou", "new-gender": "female",
                                   "new-email": "MERE@customs.example",
                                   "new-role": "participant"})
    assert response.status_code == 200
    assert "already has this e-mail address" in " ".join(
        response.context["new_form"].errors["email"])
    assert counts() == (1, 1)
    response = as_staff.post(reverse("delivery:participation_remove",
                                     args=[participation.pk]), follow=True)
    assert "Mere Tupou was removed" in text(response)
    assert not Participation.objects.exists() and Person.objects.count() == 1


def test_participants_page_lists_who_came(client, make_user, office, event):
    japan = Member.objects.get(iso3="JPN")
    person = Person.objects.create(office=office, full_name="Aiko Tanaka", member=japan)
    Participation.objects.create(event=event, person=person, member=japan, attended=False)
    client.force_login(make_user(Role.VIEWER))
    page = text(client.get(reverse("delivery:event_participants", args=[event.pk])))
    assert "1 person recorded" in page and "1 absent" in page and "Aiko Tanaka" in page
    assert "Add someone new" not in page and "Remove" not in page
    assert re.search(r"Attended[^<]*</th>", page)
