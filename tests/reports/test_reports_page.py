"""The Reports page as a form a person fills: per role, the exports, offices and fiscal years
offered; a download from those choices; a tampered choice refused with a message on the form;
the page's queries fixed whatever the years and offices."""

from __future__ import annotations

import datetime as dt
import io

import lxml.html
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from workplan.core.models import Membership
from workplan.delivery.models import Participation
from workplan.delivery.services import record_event
from workplan.directory.models import Member, Person
from workplan.plans.models import WorkPlan

pytestmark = pytest.mark.django_db

PAGE = reverse("reports:report_list")
# Every report of the whole office's year: for admins, staff and viewers only.
WIDE_EXPORTS = {"annual-report", "newsletter", "iati-activities"}
# The page's queries, whatever the years and offices: session, user, roles, the offices (where
# the user sees anything, where they see everything), years of plans, years of events, the
# plans to write the words of, and the base template's own.
PAGE_QUERIES = 8


def download(name):
    return reverse("reports:report_download", args=[name])


def event(office, title, start, **extra):
    return record_event(office=office, title=title, kind="workshop", level="national",
                        start_date=start, end_date=start, status="held", **extra)


@pytest.fixture
def world(office, seed_plan, other_office, make_user):
    """ROCB-AP: the 2024-2025 plan, an event for Lao PDR in it and one for Fiji in 2022-2023;
    ROCB-ESA: an event in 2023-2024 and no plan. A user of each role of ROCB-AP, the expert
    deployed to the Lao event, and a staff member of both offices."""
    lao, fiji = Member.objects.get(iso3="LAO"), Member.objects.get(iso3="FJI")
    kenya = Member.objects.get(iso3="KEN")
    lao_event = event(office, "Customs valuation, Vientiane", dt.date(2024, 9, 10),
                      beneficiaries=[lao])
    event(office, "Risk management, Suva", dt.date(2022, 11, 7), beneficiaries=[fiji])
    event(other_office, "AEO, Nairobi", dt.date(2023, 10, 2), beneficiaries=[kenya])
    expert = make_user("expert")
    person = Person.objects.create(office=office, full_name="Ana Expert", gender="female",
                                   user=expert)
    Participation.objects.create(event=lao_event, person=person, role="expert")
    both = make_user("staff")
    Membership.objects.create(user=both, office=other_office, role="staff")
    return {"staff": make_user("staff"), "viewer": make_user("viewer"),
            "focal_point": make_user("focal_point", member=lao), "expert": expert,
            "both": both}


def page_of(client, user, **query):
    client.force_login(user)
    response = client.get(PAGE, query)
    assert response.status_code == 200
    return lxml.html.fromstring(response.content)


def by_id(html, element_id):
    return html.get_element_by_id(element_id)


def exports(html) -> set[str]:
    return {form.get("id").removeprefix("export-").removesuffix("-form")
            for form in html.xpath("//form[contains(@class, 'export__form')]")}


def options(html, field_id) -> list[str]:
    return [o.get("value") for o in html.xpath(f"//*[@id='{field_id}']/option")]


def labels(html, exporter) -> dict[str, str]:
    return {i.get("value"): i.getparent().text_content().strip()
            for i in html.xpath(f"//form[@id='export-{exporter}-form']//input[@type='radio']")}


@pytest.mark.parametrize("role", ["staff", "viewer"])
def test_office_wide_roles_are_offered_every_export_of_their_office(client, world, role):
    html = page_of(client, world[role])
    assert WIDE_EXPORTS | {"events", "iptt", "work-plan", "calendar"} <= exports(html)
    assert options(html, "annual-report-office") == ["ROCB-AP"]
    # a report on a plan offers the plans' years; a list of events the events' years too
    assert options(html, "annual-report-period") == ["2024-2025"]
    assert options(html, "events-period") == ["2024-2025", "2022-2023"]
    assert options(html, "requests-period") == ["", "2024-2025", "2022-2023"]
    assert labels(html, "annual-report") == {"docx": "Word", "pdf": "PDF", "html": "Web page"}
    assert labels(html, "work-plan")["xlsx"] == "Excel"
    assert options(html, "newsletter-quarter") == ["1", "2", "3", "4"]
    assert by_id(html, "newsletter-quarter").xpath("option")[0].text == "1st quarter"
    assert by_id(html, "iptt-by").xpath("option")[0].text == "No breakdown"
    badges = {s.getparent().getparent().get("id"): s.text_content()
              for s in html.xpath("//span[@class='badge export__format']")}
    assert badges["export-events"] == "Excel" and badges["export-calendar"] == "iCalendar"
    assert badges["export-iati-activities"] == "IATI XML"
    # the command line is behind a disclosure, with the values of the form
    cli = by_id(html, "export-annual-report").xpath(".//details")[0]
    assert cli.xpath("summary")[0].text_content() == "Run it from the command line"
    assert cli.xpath(".//code")[0].text_content() == (
        "workplan export annual-report --param office=ROCB-AP --param period=2024-2025 "
        "--param format=docx")
    formats = by_id(html, "export-annual-report-form").xpath(".//fieldset")[0]
    assert "docx" not in formats.text_content()


@pytest.mark.parametrize("role", ["focal_point", "expert"])
def test_focal_points_and_experts_are_offered_only_what_they_may_export(client, world, role):
    html = page_of(client, world[role])
    offered = exports(html)
    assert not offered & WIDE_EXPORTS
    assert {"events", "participants", "requests", "calendar", "iptt", "work-plan"} <= offered
    assert options(html, "events-office") == ["ROCB-AP"]
    # only the years of the plans and events they see (not Fiji's 2022-2023 event)
    assert options(html, "events-period") == ["2024-2025"]
    assert "Annual report" not in html.text_content()


def test_a_user_of_two_offices_chooses_the_office_then_its_years(client, world):
    html = page_of(client, world["both"])
    assert options(html, "events-office") == ["ROCB-AP", "ROCB-ESA"]
    assert options(html, "events-period") == ["2024-2025", "2022-2023"]
    form = by_id(html, "export-events-form")
    assert form.get("data-hx-get") == PAGE and form.get("data-hx-trigger") == "change"
    assert form.get("data-hx-select") == "#export-events-form"
    # what a change asks for: the same page, that form with the values chosen (the office's
    # years; a year of the office before is not kept), the command line to match
    html = page_of(client, world["both"], exporter="events", office="ROCB-ESA",
                   period="2024-2025", status="held")
    assert options(html, "events-period") == ["2023-2024"]
    assert by_id(html, "events-office").xpath("option[@selected]")[0].get("value") == "ROCB-ESA"
    assert by_id(html, "export-events-form").xpath(".//code")[0].text_content() == (
        "workplan export events --param office=ROCB-ESA --param period=2023-2024 "
        "--param status=held")
    assert options(html, "iptt-period") == ["2024-2025"]  # other forms as they were
    # ROCB-ESA has no plan: no year of a plan report is offered for it
    html = page_of(client, world["both"], exporter="annual-report", office="ROCB-ESA")
    assert options(html, "annual-report-period") == [""]


def test_a_download_from_the_offered_choices_works(client, world):
    client.force_login(world["staff"])
    response = client.get(download("events"), {"office": "ROCB-AP", "period": "2022-2023"})
    assert response.status_code == 200
    assert response["Content-Disposition"] == (
        'attachment; filename="rocb-ap-events-2022-2023.xlsx"')
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    titles = {cell.value for row in sheet.iter_rows() for cell in row}
    assert "Risk management, Suva" in titles
    # a focal point's file holds their member's part
    client.force_login(world["focal_point"])
    response = client.get(download("events"), {"office": "ROCB-AP", "period": "2024-2025"})
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    titles = {cell.value for row in sheet.iter_rows() for cell in row}
    assert "Customs valuation, Vientiane" in titles and "Risk management, Suva" not in titles


@pytest.mark.parametrize(("role", "exporter", "query", "field", "message"), [
    # an export not offered to the role: said at the top of the page
    ("focal_point", "annual-report", {"office": "ROCB-AP", "period": "2024-2025"}, None,
     "Annual report is not among the exports open to you."),
    ("expert", "iati-activities", {"office": "ROCB-AP", "period": "2024-2025"}, None,
     "IATI activities is not among the exports open to you."),
    # an office not offered
    ("staff", "events", {"office": "ROCB-ESA", "period": "2023-2024"}, "office",
     "office: 'ROCB-ESA' is not one of ROCB-AP"),
    # a year not offered: no plan, or no event the user sees
    ("staff", "annual-report", {"office": "ROCB-AP", "period": "2022-2023"}, "period",
     "period: ROCB-AP has no work plan for 2022-2023 that you may see (the years offered: "
     "2024-2025)"),
    ("focal_point", "events", {"office": "ROCB-AP", "period": "2022-2023"}, "period",
     "period: ROCB-AP has no plan or event in 2022-2023 that you may see"),
    # a format not offered, a year that is no year
    ("staff", "work-plan", {"office": "ROCB-AP", "period": "2024-2025", "format": "rtf"},
     "format", "format: 'rtf' is not one of json, txt, docx, xlsx"),
    ("viewer", "events", {"office": "ROCB-AP", "period": "2024-<b>"}, "period",
     "period: '2024-<b>' is not valid"),
])
def test_a_tampered_choice_is_refused_on_the_form(client, world, role, exporter, query, field,
                                                  message):
    client.force_login(world[role])
    response = client.get(download(exporter), query)
    assert response.status_code == 400
    html = lxml.html.fromstring(response.content)
    if field is None:
        shown = html.xpath("//*[@role='alert']")[0].text_content()
        assert exporter not in exports(html)
    else:
        link = html.xpath(f"//a[@href='#export-{exporter}-form']")[0]
        assert "the file was not made" in link.text_content()
        error = by_id(html, f"{exporter}-{field}-error")
        shown = error.text_content()
        if field != "format":  # a radio group: its fieldset points at the message
            assert by_id(html, f"{exporter}-{field}").get("aria-invalid") == "true"
    assert message in shown


def test_the_page_takes_the_same_queries_whatever_the_years_and_offices(client, world, office,
                                                                       other_office):
    user = world["both"]
    client.force_login(user)

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(PAGE).status_code == 200
        return len(queries)

    before = count()
    for year in range(2015, 2022):
        WorkPlan.objects.create(office=office, title=f"Plan {year}", period=f"{year}-{year + 1}",
                                start_year=year)
        event(other_office, f"Event {year}", dt.date(year, 8, 1))
    from workplan.directory.models import Office

    third = Office.objects.create(code="ROCB-WCA", name="WCO ROCB West and Central Africa",
                                  short_name="ROCB WCA", region=other_office.region)
    Membership.objects.create(user=user, office=third, role="viewer")
    event(third, "Event in a third office", dt.date(2024, 8, 1))
    html = page_of(client, user)
    assert options(html, "events-office") == ["ROCB-AP", "ROCB-ESA", "ROCB-WCA"]
    assert len(options(html, "annual-report-period")) == 8
    assert count() == before == PAGE_QUERIES
