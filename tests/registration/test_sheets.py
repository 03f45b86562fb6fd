"""Attendance sheets that forgive: the header row found (or chosen), member names matched by
their ISO 3166 names or offered when close, rows fixed on the check page, the good rows
imported and the others kept for later, headings remembered per office, and the event's own
sheet (template and export in one) that imports back unchanged."""

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from workplan.core.models import Role
from workplan.delivery.models import Participation
from workplan.delivery.services import record_event
from workplan.directory.models import Member, Partner, Person
from workplan.registration.models import ColumnMemory, SheetRemainder

pytestmark = pytest.mark.django_db


@pytest.fixture
def as_staff(client, make_user):
    client.force_login(make_user(Role.STAFF))
    return client


@pytest.fixture
def event(office):
    return record_event(office=office, title="Sub-regional workshop on AEO", kind="workshop",
                        level="subregional", start_date=dt.date(2025, 3, 3),
                        end_date=dt.date(2025, 3, 5))


def xlsx(rows) -> bytes:
    book = Workbook()
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def upload(client, event, name, data):
    return client.post(reverse("delivery:attendance_import", args=[event.pk]),
                       {"file": SimpleUploadedFile(name, data)})


def form_post(response, **extra) -> dict:
    """The check page's form as a browser posts it: mapping, header row and fix inputs."""
    form = response.context["mapping_form"]
    data = {"sha256": form.initial.get("sha256") or form.data.get("sha256")}
    for name, field in form.fields.items():
        if name.startswith("col_") or name in ("header_row", "read_header_row"):
            value = (form.data.get(name) if form.is_bound
                     else form.initial.get(name, field.initial))
            data[name] = "" if value is None else str(value)
    report = response.context["report"]
    for row in (report.rows if report else []):
        for input_name, _label, value, _suggestion in getattr(row, "inputs", []):
            data[input_name] = value
        for input_name, value in getattr(row, "hidden_fixes", []):
            data[input_name] = value
    data.update(extra)
    return data


def post(client, event, data):
    return client.post(reverse("delivery:attendance_import", args=[event.pk]), data)


TITLE = ["ROCB A/P sub-regional workshop on AEO, 3-5 March 2025"]
HEADER = ["No.", "Full name", "Sex", "Country", "E-mail"]


def test_a_header_below_a_title_is_found_and_rows_keep_their_numbers(as_staff, event):
    rows = [TITLE, [], HEADER, [1, "Sione Tupou", "M", "Kingdom of Tonga", "st@x.example"],
            [2, "Lan Nguyen", "F", "Vietnam", ""], [3, "Kim Min-ji", "F", "South Korea", ""]]
    response = upload(as_staff, event, "aeo.xlsx", xlsx(rows))
    assert response.status_code == 200
    report = response.context["report"]
    assert report is not None and report.ok, report and report.errors
    assert [r.row for r in report.rows] == [4, 5, 6]
    assert [r.values["member"].iso3 for r in report.rows] == ["TON", "VNM", "KOR"]
    assert response.context["mapping_form"]["header_row"].initial == 3
    assert post(as_staff, event, form_post(response, confirm="1")).status_code == 302
    assert sorted(Participation.objects.filter(event=event)
                  .values_list("member__iso3", flat=True)) == ["KOR", "TON", "VNM"]


def test_the_header_row_can_be_chosen(as_staff, event):
    rows = [["Liste des participants"], ["Nom", "Pays"], ["Sione Tupou", "Tonga"]]
    response = upload(as_staff, event, "fr.xlsx", xlsx(rows))
    assert response.context["report"] is None  # no column was recognised as the name
    assert "no column for: name" in response.content.decode()
    response = post(as_staff, event, form_post(response, header_row="2", check="1"))
    assert response.context["headers"] == ["Nom", "Pays"]
    data = form_post(response, col_name="0", col_member="1", check="1")
    response = post(as_staff, event, data)
    report = response.context["report"]
    assert report.ok and report.rows[0].row == 3
    assert post(as_staff, event, {**data, "confirm": "1"}).status_code == 302
    assert Participation.objects.get(event=event).member.iso3 == "TON"


def test_a_header_row_beyond_the_sheet_is_refused_by_name(as_staff, event):
    response = upload(as_staff, event, "s.xlsx", xlsx([HEADER, [1, "A B", "F", "Fiji", ""]]))
    response = post(as_staff, event, form_post(response, header_row="40", check="1"))
    assert response.status_code == 400
    assert "Row 40 is not in the sheet (it has 2 rows)" in response.content.decode()
    assert not Participation.objects.exists()


def test_a_close_member_name_is_offered_and_taken_only_when_confirmed(as_staff, event):
    rows = [HEADER, [1, "Maria Santos", "F", "Phillipines", ""]]
    response = upload(as_staff, event, "s.xlsx", xlsx(rows))
    row = response.context["report"].rows[0]
    assert not row.ok and row.suggestions == {"member": "Philippines"}
    page = response.content.decode()
    assert "is it Philippines?" in page and 'name="accept-2-member"' in page
    refused = post(as_staff, event, form_post(response, confirm="1"))
    assert refused.status_code == 400 and not Participation.objects.exists()
    response = post(as_staff, event, form_post(response, **{"accept-2-member": "Philippines",
                                                            "check": "1"}))
    assert response.context["report"].ok
    assert post(as_staff, event, form_post(response, confirm="1")).status_code == 302
    assert Participation.objects.get(event=event).member.iso3 == "PHL"


def test_a_row_is_fixed_in_place_on_the_check_page(as_staff, event):
    rows = [HEADER, [1, "Aiko Tanaka", "F", "Japan", "aiko@x.example"],
            [2, "Ken Ito", "Q", "Japan", "not-an-address"]]
    response = upload(as_staff, event, "s.xlsx", xlsx(rows))
    bad = response.context["report"].bad
    assert [r.row for r in bad] == [3]
    data = form_post(response, confirm="1")
    assert data["fix-3-gender"] == "Q" and data["fix-3-email"] == "not-an-address"
    data.update({"fix-3-gender": "M", "fix-3-email": "ken@x.example"})
    response = post(as_staff, event, data)
    assert response.status_code == 302
    ken = Person.objects.get(full_name="Ken Ito")
    assert (ken.gender, ken.email) == ("male", "ken@x.example")


def test_good_rows_are_imported_and_the_others_kept_for_later(as_staff, event):
    rows = [HEADER, [1, "Aiko Tanaka", "F", "Japan", ""], [2, "", "F", "Japan", ""],
            [3, "Ken Ito", "M", "Atlantis", ""], [4, "Mere Tupou", "F", "Fiji", ""]]
    response = upload(as_staff, event, "half.xlsx", xlsx(rows))
    assert len(response.context["report"].bad) == 2
    response = post(as_staff, event, form_post(response, confirm_partial="1"))
    assert response.status_code == 302
    assert set(Participation.objects.filter(event=event)
               .values_list("person__full_name", flat=True)) == {"Aiko Tanaka", "Mere Tupou"}
    kept = SheetRemainder.objects.get(event=event)
    assert kept.rows == 2 and kept.source_name == "half.xlsx"
    page = as_staff.get(reverse("delivery:event_participants", args=[event.pk]))
    assert "2 rows of half.xlsx were kept for later" in page.content.decode()
    response = as_staff.get(reverse("delivery:attendance_import", args=[event.pk])
                            + f"?kept={kept.pk}")
    report = response.context["report"]
    assert [r.values["name"] for r in report.rows] == ["", "Ken Ito"]
    data = form_post(response, confirm="1")
    data.update({"fix-2-name": "Lan Nguyen", "fix-3-member": "Fiji"})
    assert post(as_staff, event, data).status_code == 302
    assert Participation.objects.filter(event=event).count() == 4
    assert not SheetRemainder.objects.exists()


def test_a_sheet_with_no_good_row_imports_nothing(as_staff, event):
    response = upload(as_staff, event, "bad.xlsx",
                      xlsx([HEADER, [1, "A", "Q", "Atlantis", ""]]))
    response = post(as_staff, event, form_post(response, confirm_partial="1"))
    assert response.status_code == 400
    assert "No row of the sheet is valid" in response.content.decode()
    assert not Participation.objects.exists() and not SheetRemainder.objects.exists()


def test_the_column_headings_are_remembered_per_office(as_staff, event, office):
    rows = [["Delegate", "Administration"], ["Aiko Tanaka", "Japan"]]
    response = upload(as_staff, event, "a.xlsx", xlsx(rows))
    assert response.context["report"] is None
    data = form_post(response, col_name="0", col_member="1", confirm="1")
    assert post(as_staff, event, data).status_code == 302
    assert ColumnMemory.objects.get(office=office, heading="delegate").field == "name"
    response = upload(as_staff, event, "b.xlsx",
                      xlsx([["Delegate", "Administration"], ["Ken Ito", "Japan"]]))
    assert response.context["report"].ok
    assert response.context["mapping_form"]["col_name"].initial == "0"


def test_the_event_sheet_has_dropdowns_and_imports_back_unchanged(as_staff, office, event):
    """The round trip: the sheet of an event with people of every kind, imported again,
    finds everyone already registered and changes nothing."""
    jpn, fji = Member.objects.get(iso3="JPN"), Member.objects.get(iso3="FJI")
    partner = Partner.objects.create(name="Japan International Cooperation Agency",
                                     acronym="JICA")
    people = [
        (Person.objects.create(office=office, full_name="Aiko Tanaka", gender="female",
                               member=jpn, email="aiko@x.example", position="Analyst"),
         "participant", True, jpn),
        (Person.objects.create(office=office, full_name="Hiroshi Sato", gender="male",
                               partner=partner), "expert", True, None),
        (Person.objects.create(office=office, full_name="Mere Tupou", gender="undisclosed",
                               member=fji), "observer", False, fji),
    ]
    for person, role, attended, member in people:
        Participation.objects.create(event=event, person=person, role=role,
                                     attended=attended, member=member)

    def state():
        return sorted(Participation.objects.filter(event=event).values_list(
            "person__full_name", "person__gender", "person__email", "person__position",
            "person__partner", "role", "attended", "member__iso3"))

    before = state()
    response = as_staff.get(reverse("registration:event_attendance_sheet", args=[event.pk]))
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    sheet = book.worksheets[0]
    assert [c.value for c in sheet[1]] == ["Name", "Gender", "Member", "Organisation",
                                            "Position", "E-mail", "Role", "Attended"]
    assert [sheet.cell(row=r, column=1).value for r in (2, 3, 4)] == [
        "Aiko Tanaka", "Hiroshi Sato", "Mere Tupou"]
    lists = {str(v.sqref): v.formula1 for v in sheet.data_validations.dataValidation}
    assert set(lists) == {"B2:B2001", "C2:C2001", "G2:G2001", "H2:H2001"}
    assert book["Lists"].sheet_state == "hidden"
    assert "Tonga" in [c.value for c in book["Lists"]["B"]]

    response = upload(as_staff, event, "back.xlsx", response.content)
    report = response.context["report"]
    assert report.ok, report.errors
    assert {r.note for r in report.rows} == {"already registered for this event"}
    response = post(as_staff, event, form_post(response, confirm="1"))
    assert response.status_code == 302
    assert state() == before
    assert Person.objects.count() == 3


def test_the_event_sheet_is_for_the_office_staff(client, make_user, event):
    client.force_login(make_user(Role.VIEWER))
    url = reverse("registration:event_attendance_sheet", args=[event.pk])
    assert client.get(url).status_code == 404
