"""The adoption register: members x instruments at a date (page and XLSX), filters, the
history of one member and instrument with the form that records a status, the instruments
and the form that adds one; scoping by region, bad input, fixed query counts; the admin."""

import datetime as dt
import io
import random

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from openpyxl import load_workbook

from workplan.core.models import Role
from workplan.directory.models import Member
from workplan.indicators.models import Adoption, Indicator, Instrument, Target, Value
from workplan.indicators.services import record_adoption

pytestmark = pytest.mark.django_db

AUTH = 3  # session, user, the user's office roles
# The register: the user's members, the instruments, the statuses recorded up to the date.
REGISTER = AUTH + 3
REGISTER_URL = "/indicators/register/"


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def lao():
    return Member.objects.get(iso3="LAO")


@pytest.fixture
def fiji():
    return Member.objects.get(iso3="FJI")


@pytest.fixture
def rkc():
    return Instrument.objects.get(code="rkc")


@pytest.fixture
def staff(make_user):
    return make_user(Role.STAFF, username="alice", first_name="Alice", last_name="Lim")


@pytest.fixture
def as_staff(client, staff):
    client.force_login(staff)
    return client


@pytest.fixture
def history(lao, rkc, staff):
    """Lao PDR: implementing the RKC from March 2023, a contracting party from January 2025."""
    record_adoption(member=lao, instrument=rkc, status=2, since=dt.date(2023, 3, 1),
                    evidence="Roadmap adopted by the Department", user=staff)
    record_adoption(member=lao, instrument=rkc, status=3, since=dt.date(2025, 1, 10),
                    evidence="WCO notification of accession",
                    evidence_url="https://www.wcoomd.org/rkc-lao", user=staff)


def text(response) -> str:
    return response.content.decode()


def cell(response, iso3: str, code: str):
    matrix = response.context["matrix"]
    row = next(r for r in matrix.rows if r.member.iso3 == iso3)
    return next(c for c in row.cells if c.instrument.code == code)


def history_url(iso3="LAO", code="rkc") -> str:
    return reverse("indicators:adoption_history", args=[iso3, code])


def record_url(iso3="LAO", code="rkc") -> str:
    return reverse("indicators:adoption_record", args=[iso3, code])


# --- the register -------------------------------------------------------------------------------


def test_the_register_shows_the_status_in_force_on_the_date(as_staff, history, office):
    """A status recorded in 2023 and changed in 2025 shows the 2023 one mid-2024."""
    response = as_staff.get(REGISTER_URL, {"on": "2024-06-30"})
    assert response.status_code == 200
    found = cell(response, "LAO", "rkc")
    assert (found.status, found.label, found.standing.since) == (2, "Implementing",
                                                                 dt.date(2023, 3, 1))
    found = cell(as_staff.get(REGISTER_URL, {"on": "2025-06-30"}), "LAO", "rkc")
    assert (found.status, found.label) == (3, "contracting party")
    assert cell(as_staff.get(REGISTER_URL, {"on": "2025-01-10"}), "LAO", "rkc").status == 3
    assert cell(as_staff.get(REGISTER_URL, {"on": "2025-01-09"}), "LAO", "rkc").status == 2
    assert cell(as_staff.get(REGISTER_URL, {"on": "2023-02-28"}), "LAO", "rkc").standing is None
    # today by default; every member of the region, every instrument
    response = as_staff.get(REGISTER_URL)
    matrix = response.context["matrix"]
    assert matrix.on == dt.date.today() and response.context["is_today"]
    assert len(matrix.rows) == Member.objects.filter(region=office.region).count() == 35
    assert [i.code for i in matrix.instruments] == list(
        Instrument.objects.order_by("position").values_list("code", flat=True))
    page = text(response)
    assert "Contracting party" in page and "since Jan 2025" in page
    assert f'href="{history_url()}"' in page


def test_counts_per_instrument_and_status(as_staff, history, fiji, rkc):
    record_adoption(member=fiji, instrument=rkc, status=3, since=dt.date(2020, 1, 1),
                    evidence="Accession")
    record_adoption(member=fiji, instrument=Instrument.objects.get(code="hs"), status=0,
                    since=dt.date(2020, 1, 1), evidence="Not a party")
    matrix = as_staff.get(REGISTER_URL, {"on": "2024-06-30"}).context["matrix"]
    column = [i.code for i in matrix.instruments].index("rkc")
    counts = {total.label: total.counts[column] for total in matrix.totals}
    assert counts == {"Operating / contracting party": 1, "Implementing": 1, "Planning": 0,
                      "None": 0, "Not recorded": 33}
    hs = [i.code for i in matrix.instruments].index("hs")
    assert {t.label: t.counts[hs] for t in matrix.totals}["None"] == 1
    for index in range(len(matrix.instruments)):
        assert sum(total.counts[index] for total in matrix.totals) == len(matrix.rows)


def test_filter_by_sub_region_and_instrument(as_staff, history, fiji, rkc):
    record_adoption(member=fiji, instrument=rkc, status=1, since=dt.date(2024, 1, 1),
                    evidence="Study")
    response = as_staff.get(REGISTER_URL, {"sub_region": fiji.sub_region, "instrument": "rkc",
                                           "on": "2024-06-30"})
    matrix = response.context["matrix"]
    assert [i.code for i in matrix.instruments] == ["rkc"]
    iso3s = {row.member.iso3 for row in matrix.rows}
    assert "FJI" in iso3s and "LAO" not in iso3s
    assert iso3s == set(Member.objects.filter(sub_region=fiji.sub_region)
                        .values_list("iso3", flat=True))
    assert cell(response, "FJI", "rkc").label == "Planning"
    choices = [value for value, _label in response.context["form"].fields["sub_region"].choices]
    assert fiji.sub_region in choices and Member.objects.get(iso3="LAO").sub_region in choices


@pytest.mark.parametrize("params, field, message", [
    ({"on": "2024-02-30"}, "on", "Enter a valid date"),
    ({"on": "yesterday"}, "on", "Enter a valid date"),
    ({"instrument": "no_such"}, "instrument", "Select a valid choice"),
    ({"sub_region": "Atlantis"}, "sub_region", "Select a valid choice"),
])
def test_the_register_refuses_bad_filters(as_staff, params, field, message):
    response = as_staff.get(REGISTER_URL, params)
    assert response.status_code == 400
    assert response.context["matrix"] is None
    assert message in " ".join(response.context["form"].errors[field])
    assert 'class="field__error" role="alert"' in text(response)
    xlsx = as_staff.get(reverse("indicators:adoption_register_xlsx"), params)
    assert xlsx.status_code == 400 and xlsx["Content-Type"].startswith("text/plain")
    assert message in text(xlsx)


def test_the_register_query_count_does_not_grow(as_staff, history, office,
                                                django_assert_num_queries):
    with django_assert_num_queries(REGISTER):
        as_staff.get(REGISTER_URL)
    with django_assert_num_queries(REGISTER):
        as_staff.get(REGISTER_URL, {"on": "2024-06-30", "sub_region": "ASEAN",
                                    "instrument": "rkc"})
    # ten years of statuses for every member and instrument
    rng = random.Random(3)
    members = list(Member.objects.filter(region=office.region))
    rows = [Adoption(member=m, instrument=i, status=rng.randint(0, 3),
                     since=dt.date(2014 + year, rng.randint(1, 12), 1), evidence="bulk")
            for m in members for i in Instrument.objects.all() for year in range(10)]
    Adoption.objects.bulk_create(rows, ignore_conflicts=True)
    assert Adoption.objects.count() > 5000
    with django_assert_num_queries(REGISTER):
        response = as_staff.get(REGISTER_URL)
    with django_assert_num_queries(REGISTER):
        as_staff.get(REGISTER_URL, {"on": "2024-06-30", "sub_region": "ASEAN",
                                    "instrument": "rkc"})
    # every cell is the latest row on or before the date, as a naive reading says
    on = response.context["matrix"].on
    latest = {}
    for a in Adoption.objects.filter(since__lte=on).order_by("since", "pk"):
        latest[(a.member_id, a.instrument_id)] = a.status
    for row in response.context["matrix"].rows:
        for found in row.cells:
            assert found.status == latest.get((row.member.pk, found.instrument.pk))


def test_the_register_is_scoped_to_the_users_region(client, make_user, history, other_office):
    client.force_login(make_user(Role.STAFF, office=other_office))
    matrix = client.get(REGISTER_URL).context["matrix"]
    assert [row.member.iso3 for row in matrix.rows] == ["KEN"]
    assert client.get(history_url()).status_code == 404
    assert client.get(history_url("KEN")).status_code == 200
    for role in (Role.VIEWER, Role.EXPERT):
        client.force_login(make_user(role))
        response = client.get(REGISTER_URL, {"on": "2024-06-30"})
        assert response.status_code == 200 and cell(response, "LAO", "rkc").status == 2
        assert "KEN" not in {row.member.iso3 for row in response.context["matrix"].rows}
    client.logout()
    assert client.get(REGISTER_URL).status_code == 302


def test_the_register_as_xlsx(as_staff, history):
    response = as_staff.get(reverse("indicators:adoption_register_xlsx"), {"on": "2024-06-30"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert 'filename="adoption-register-2024-06-30.xlsx"' in response["Content-Disposition"]
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["Status on 2024-06-30", "Since", "About"]
    sheet = book["Status on 2024-06-30"]
    rows = list(sheet.iter_rows(values_only=True))
    headers = rows[0]
    assert headers[:3] == ("Member", "ISO3", "Sub-region")
    assert headers[3:] == tuple(Instrument.objects.order_by("position")
                                .values_list("name", flat=True))
    lao = next(r for r in rows if r[1] == "LAO")
    assert lao[headers.index("Revised Kyoto Convention")] == "Implementing"
    members = [r for r in rows[1:] if r[1]]
    assert len(members) == 35
    totals = {r[0]: r[headers.index("Revised Kyoto Convention")] for r in rows
              if r[0] and r[0].startswith("Members: ")}
    assert totals["Members: Implementing"] == 1 and totals["Members: Not recorded"] == 34
    since = list(book["Since"].iter_rows(values_only=True))
    assert since[1][:5] == ("Lao PDR", "LAO", lao[2], "Revised Kyoto Convention",
                            "Implementing")
    assert since[1][5].date() == dt.date(2023, 3, 1)
    filtered = as_staff.get(reverse("indicators:adoption_register_xlsx"),
                            {"instrument": "rkc", "on": "2025-06-30"})
    sheet = load_workbook(io.BytesIO(filtered.content)).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ("Member", "ISO3", "Sub-region", "Revised Kyoto Convention")
    assert next(r for r in rows if r[1] == "LAO")[3] == "contracting party"


def test_xlsx_cells_are_never_formulas(as_staff, staff, lao):
    instrument = Instrument.objects.create(code="evil", name="=HYPERLINK(\"x\")", kind="tool",
                                           top_status_label="=1+1")
    record_adoption(member=lao, instrument=instrument, status=3, since=dt.date(2020, 1, 1),
                    evidence="x")
    response = as_staff.get(reverse("indicators:adoption_register_xlsx"),
                            {"instrument": "evil"})
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    assert sheet.cell(row=1, column=4).data_type == "s"
    lao_row = next(r for r in sheet.iter_rows() if r[1].value == "LAO")
    assert lao_row[3].value == "=1+1" and lao_row[3].data_type == "s"


# --- one member and instrument ------------------------------------------------------------------


def test_history_page_lists_every_dated_status(as_staff, history):
    response = as_staff.get(history_url())
    assert response.status_code == 200
    page = text(response)
    assert [(row.since, label) for row, label, _key in response.context["rows"]] == [
        (dt.date(2025, 1, 10), "contracting party"), (dt.date(2023, 3, 1), "Implementing")]
    assert "WCO notification of accession" in page and "Roadmap adopted" in page
    assert "https://www.wcoomd.org/rkc-lao" in page and "Alice Lim" in page
    assert response.context["current"].status == 3
    assert 'action="' + record_url() + '"' in page  # staff may record


def test_history_page_for_unknown_member_or_instrument_is_404(as_staff):
    assert as_staff.get(history_url("XXX")).status_code == 404
    assert as_staff.get(history_url("LAOS")).status_code == 404
    assert as_staff.get(history_url("LAO", "no_such")).status_code == 404
    assert as_staff.get(history_url("lao")).status_code == 200  # codes are not case-sensitive


def test_record_a_status(as_staff, staff, lao, rkc):
    response = as_staff.post(record_url(), {"status": "1", "since": "2024-02-01",
                                            "evidence": "Feasibility study",
                                            "evidence_url": "example.org/study"})
    assert response.status_code == 302 and response["Location"] == history_url()
    row = Adoption.objects.get(member=lao, instrument=rkc)
    assert (row.status, row.since, row.evidence, row.evidence_url, row.recorded_by) == (
        1, dt.date(2024, 2, 1), "Feasibility study", "https://example.org/study", staff)
    message, = [str(m) for m in get_messages(response.wsgi_request)]
    assert message.startswith("Lao PDR: Planning for Revised Kyoto Convention")
    # the form offers the instrument's own name for the highest status
    form = as_staff.get(history_url()).context["form"]
    assert (3, "Contracting party") in form.fields["status"].choices


@pytest.mark.parametrize("data, field, message", [
    ({"status": "3", "since": "2999-01-01", "evidence": "x"}, "since", "in the future"),
    ({"status": "3", "since": "2024-13-01", "evidence": "x"}, "since", "Enter a valid date"),
    ({"status": "3", "since": "2024-01-01", "evidence": "  "}, "evidence", "required"),
    ({"status": "7", "since": "2024-01-01", "evidence": "x"}, "status", "Select a valid"),
    ({"status": "", "since": "2024-01-01", "evidence": "x"}, "status", "required"),
    ({"status": "3", "since": "2024-01-01", "evidence": "x", "evidence_url": "no url"},
     "evidence_url", "Enter a valid URL"),
])
def test_record_refuses_bad_input(as_staff, history, data, field, message):
    before = list(Adoption.objects.order_by("pk").values())
    response = as_staff.post(record_url(), data)
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert field in errors and message in " ".join(errors[field]), errors
    assert "nothing was saved" in text(response)
    assert list(Adoption.objects.order_by("pk").values()) == before


def test_only_staff_of_the_members_region_record(client, make_user, lao, other_office):
    data = {"status": "3", "since": "2024-01-01", "evidence": "x"}
    for role, office, member in ((Role.VIEWER, None, None), (Role.FOCAL_POINT, None, lao),
                                 (Role.EXPERT, None, None), (Role.ADMIN, other_office, None)):
        client.force_login(make_user(role, office=office, member=member))
        assert client.post(record_url(), data).status_code == 404, role
        page = client.get(history_url())
        if page.status_code == 200:
            assert page.context["form"] is None and "Record a status" not in text(page)
    assert client.get(record_url()).status_code == 405
    assert not Adoption.objects.exists()
    client.force_login(make_user(Role.ADMIN))
    assert client.post(record_url(), data).status_code == 302
    assert Adoption.objects.count() == 1


# --- instruments --------------------------------------------------------------------------------


def test_instruments_list_and_add_form_for_office_admins(client, make_user):
    client.force_login(make_user(Role.STAFF))
    page = client.get(reverse("indicators:instrument_list"))
    assert page.status_code == 200 and "Revised Kyoto Convention" in text(page)
    assert page.context["form"] is None
    assert client.get(reverse("indicators:instrument_create")).status_code == 404
    assert client.post(reverse("indicators:instrument_create"),
                       {"code": "ata2", "name": "X", "kind": "tool",
                        "top_status_label": "using"}).status_code == 404
    client.force_login(make_user(Role.ADMIN))
    page = client.get(reverse("indicators:instrument_list"))
    assert 'action="/indicators/instruments/new/"' in text(page)
    response = client.post(reverse("indicators:instrument_create"), {
        "code": "Ecommerce", "name": "WCO E-Commerce Framework of Standards",
        "kind": "tool", "top_status_label": "implementing the standards",
        "keywords": "E-Commerce, cross-border e-commerce"})
    assert response.status_code == 302
    instrument = Instrument.objects.get(code="ecommerce")
    assert instrument.keywords == ["E-Commerce", "cross-border e-commerce"]
    assert instrument.position > Instrument.objects.exclude(pk=instrument.pk).order_by(
        "-position").first().position
    assert client.get(history_url("LAO", "ecommerce")).status_code == 200


@pytest.mark.parametrize("data, field, message", [
    ({"code": "rkc", "name": "Another", "kind": "tool", "top_status_label": "x"}, "code",
     "already exists"),
    ({"code": "new one", "name": "Another", "kind": "tool", "top_status_label": "x"}, "code",
     "Enter a valid"),
    ({"code": "new", "name": "Revised Kyoto Convention", "kind": "tool",
      "top_status_label": "x"}, "name", "already exists"),
    ({"code": "new", "name": "Another", "kind": "treaty", "top_status_label": "x"}, "kind",
     "Select a valid"),
    ({"code": "new", "name": "Another", "kind": "tool", "top_status_label": " "},
     "top_status_label", "required"),
])
def test_add_instrument_refuses_bad_input(client, make_user, data, field, message):
    client.force_login(make_user(Role.ADMIN))
    before = Instrument.objects.count()
    response = client.post(reverse("indicators:instrument_create"), data)
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert field in errors and message in " ".join(errors[field]), errors
    assert Instrument.objects.count() == before


# --- the admin ----------------------------------------------------------------------------------


def test_admin_pages_render(client, django_user_model, seed_plan, history, staff):
    from workplan.indicators import services

    client.force_login(django_user_model.objects.create_superuser("root", "r@x.example", "x"))
    manual = Indicator.objects.get(action__work_plan=seed_plan, action__code="3-(d)")
    services.save_targets(manual, 2024, {0: (5, 1)})
    services.add_value(manual, user=staff, on=dt.date(2024, 9, 1), value=1, description="d",
                       evidence="e")
    for model in (Indicator, Target, Value, Instrument, Adoption):
        opts = model._meta
        changelist = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
        assert client.get(changelist).status_code == 200, model
        assert client.get(changelist, {"q": "la"}).status_code == 200, model
        obj = model.objects.order_by("pk").first()
        change = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])
        assert client.get(change).status_code == 200, model
    # the review cannot be bypassed in the admin
    value = Value.objects.get()
    page = client.get(reverse("admin:indicators_value_change", args=[value.pk]))
    assert 'name="status"' not in text(page)


def test_admin_is_closed_to_office_admins(client, make_user, history, other_office):
    """The adoption register is kept on the app's pages, scoped by region; the admin (every
    region) is for operators only, whatever permissions an office admin holds."""
    from django.contrib.auth.models import Permission

    user = make_user(Role.ADMIN, office=other_office, is_staff=True)
    user.user_permissions.add(*Permission.objects.filter(codename__in=[
        "view_adoption", "view_instrument"]))
    client.force_login(user)
    for name in ("admin:indicators_adoption_changelist", "admin:indicators_instrument_changelist"):
        page = client.get(reverse(name))
        assert page.status_code == 302 and page["Location"].startswith(reverse("admin:login"))
