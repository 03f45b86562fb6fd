"""End-to-end journeys in Chromium against the live server, each through the web forms as a
person would take it, each step checked in the database and on the page, checked for
accessibility and photographed (var/screenshots/journey-<journey>-<step>.png, 1280 x 800).

- an office admin imports the published plan: upload, preview (nothing written yet), confirm;
- a member's focal point files a request; office staff, in another browser, see it and
  accept it; the focal point sees the step;
- staff record a held workshop, import its attendance sheet (an XLSX: check, then confirm) and
  see the participants on the event's page;
- staff open the dashboard and the IPTT of the demo year, then download the annual report
  from the Reports page and read the DOCX: its title and the number of events held are the
  database's.

Signing in through the login form is the first step of test_journey.py (and every journey
here signs in through it, helpers.sign_in); answering an evaluation through its link on a
phone is test_survey_phone.py.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse

from tests.conftest import TEST_PASSWORD

from .a11y import assert_accessible
from .helpers import shot, sign_in
from .standards import collect

SCREEN = {"width": 1280, "height": 800}


def _new_page(browser, live_server):
    """A second person's browser: a context of its own (its own cookies)."""
    context = browser.new_context(base_url=live_server.url, viewport=SCREEN, locale="en-GB")
    collect(context)  # the HTML it loads goes to the Nu HTML Checker (standards.py)
    context.set_default_timeout(15_000)
    return context, context.new_page()


def field(page, label: str):
    """The form control whose label starts with ``label`` (labels of required fields end
    with "* (required)")."""
    return page.get_by_label(re.compile(rf"^{re.escape(label)}\b"))


def _message(page) -> str:
    return page.locator(".messages").inner_text()


# --- (b) import a plan --------------------------------------------------------------------------


def test_office_admin_imports_the_plan_with_preview(page, make_user, office, tmp_path,
                                                     seed_bytes):
    from workplan.plans.models import Action, Activity, WorkPlan
    from workplan.plans.textplan.parser import decode, parse

    parsed = parse(decode(seed_bytes))
    actions = sum(len(pillar.actions) for pillar in parsed.pillars)
    seed = tmp_path / "rocb-ap-awp-2024-2025.txt"
    seed.write_bytes(seed_bytes)
    make_user("admin", username="ap-admin", first_name="Ada", last_name="Admin")
    page.set_viewport_size(SCREEN)
    sign_in(page, "ap-admin", TEST_PASSWORD, next_path=reverse("plans:workplan_list"))

    # 1. No plan yet; the list offers the import.
    page.get_by_role("link", name="Import a plan", exact=True).click()
    page.wait_for_url(f"**{reverse('plans:workplan_import')}")
    page.get_by_label("Plan file").set_input_files(str(seed))
    assert_accessible(page)
    shot(page, "journey-import-1-upload")

    # 2. The preview: what the import would write, and nothing written yet.
    page.get_by_role("button", name="Preview the import").click()
    page.wait_for_load_state()
    assert page.locator("h1").inner_text().strip() == "2. Check, then confirm"
    summary = page.locator("#summary-title").locator("xpath=..")
    assert "new plan" in summary.inner_text()
    details = summary.locator("dl.details")
    assert details.locator("dt:text-is('Pillars') + dd").inner_text().strip() == \
        str(len(parsed.pillars))
    assert details.locator("dt:text-is('Actions') + dd").inner_text().startswith(str(actions))
    assert details.locator("dt:text-is('File') + dd").inner_text().strip() == seed.name
    assert not WorkPlan.objects.exists(), "the preview wrote the plan"
    assert_accessible(page)
    shot(page, "journey-import-2-preview")

    # 3. Confirm: the plan is written and shown.
    page.get_by_role("button", name="Confirm import").click()
    page.wait_for_url(re.compile(r"/plans/ROCB-AP/2024-2025/$"))
    plan = WorkPlan.objects.get(office=office)
    assert plan.period == "2024-2025"
    assert Action.objects.filter(work_plan=plan).count() == actions
    assert Activity.objects.filter(work_plan=plan).exists()
    assert f"{plan.title} was imported (created)." in _message(page)
    assert page.locator("h1").inner_text().strip() == plan.title
    first = Action.objects.get(work_plan=plan, code="1-(a)")
    assert first.text[:40] in page.locator("#action-1-a").inner_text()
    assert_accessible(page)
    shot(page, "journey-import-3-plan")


# --- (c) a request, filed by a focal point and accepted by staff ---------------------------------


def test_focal_point_files_a_request_and_staff_accept_it(page, browser, live_server,
                                                         make_user, seed_plan):
    from workplan.delivery.models import Request
    from workplan.directory.models import Member

    lao = Member.objects.get(iso3="LAO")
    make_user("focal_point", username="lao-focal", member=lao, first_name="Khamla",
              last_name="Vong")
    make_user("staff", username="ap-staff", first_name="Sam", last_name="Staff")
    topic = "Assistance with the post-clearance audit manual"

    # 1. The focal point files the request through the form (the member is theirs, fixed).
    page.set_viewport_size(SCREEN)
    sign_in(page, "lao-focal", TEST_PASSWORD, next_path=reverse("delivery:request_list"))
    page.get_by_role("link", name="File a request").click()
    page.wait_for_url(f"**{reverse('delivery:request_create')}")
    member = field(page, "Member")
    assert member.is_disabled() and "Lao" in member.locator("option:checked").inner_text()
    field(page, "Topic").fill(topic)
    field(page, "Preferred from").fill("2025-02-10")
    field(page, "Preferred until").fill("2025-02-14")
    field(page, "Notes").fill("Ten auditors; the manual is to be adopted in 2025.")
    assert_accessible(page)
    shot(page, "journey-request-1-form")
    page.get_by_role("button", name="File the request").click()
    page.wait_for_url(re.compile(r"/delivery/requests/\d+/$"))
    req = Request.objects.get(topic=topic)
    assert (req.member, req.status, req.filed_by.username) == (lao, "received", "lao-focal")
    assert page.locator("h1").inner_text().strip() == topic
    assert page.locator(".detail-header .badge").inner_text().strip() == "Received"
    # The focal point may withdraw it, not accept it; withdrawing is behind a disclosure, not
    # the page's main button on a request just filed.
    withdraw = page.get_by_role("button", name="Mark as withdrawn", include_hidden=True)
    assert withdraw.count() == 1 and not withdraw.is_visible()
    assert page.get_by_role("link", name="File another request").is_visible()
    assert page.get_by_role("button", name="Mark as accepted").count() == 0
    shot(page, "journey-request-2-filed")

    # 2. Staff, in their own browser, see it in the list and accept it.
    context, staff = _new_page(browser, live_server)
    try:
        sign_in(staff, "ap-staff", TEST_PASSWORD, next_path=reverse("delivery:request_list"))
        row = staff.get_by_role("row").filter(has_text=topic)
        assert "Received" in row.inner_text() and "Lao PDR" in row.inner_text()
        row.get_by_role("link", name=topic).click()
        staff.wait_for_url(f"**{req.get_absolute_url()}")
        staff.get_by_label("Note (why accepted, optional)").fill("Planned with RTC Japan.")
        assert_accessible(staff)
        shot(staff, "journey-request-3-staff")
        staff.get_by_role("button", name="Mark as accepted").click()
        staff.wait_for_load_state()
        assert "The request is now accepted." in _message(staff)
        assert staff.locator(".detail-header .badge").inner_text().strip() == "Accepted"
    finally:
        context.close()
    req.refresh_from_db()
    assert req.status == "accepted"
    step = req.steps.order_by("-at", "-pk").first()
    assert (step.status, step.by.username, step.note) == \
        ("accepted", "ap-staff", "Planned with RTC Japan.")

    # 3. The focal point sees the step taken, by whom, with the note.
    page.reload()
    assert page.locator(".detail-header .badge").inner_text().strip() == "Accepted"
    timeline = page.locator("ol.timeline").inner_text()
    assert "by Sam Staff" in timeline and "Planned with RTC Japan." in timeline
    assert_accessible(page)
    shot(page, "journey-request-4-accepted")


# --- (d) an event and its attendance sheet -------------------------------------------------------

SHEET = [
    ("Full name", "Sex", "Country", "E-mail", "Position", "Role"),
    ("Mere Naidu", "F", "Fiji", "mere.naidu@customs.example", "Risk Analyst", "participant"),
    ("Sione Tupou", "M", "Tonga", "sione.tupou@customs.example", "Inspector", "participant"),
    ("Ana Fifita", "F", "Samoa", "ana.fifita@customs.example", "Auditor", "participant"),
    ("Tevita Kali", "M", "Vanuatu", "", "Trainer", "resource person"),
]


def _attendance_xlsx(path) -> None:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "Attendance"
    for row in SHEET:
        sheet.append(row)
    book.save(path)


def test_staff_record_an_event_and_import_its_attendance(page, make_user, seed_plan, tmp_path):
    from workplan.delivery.models import Event, Participation

    make_user("staff", username="ap-staff", first_name="Sam", last_name="Staff")
    title = "Sub-regional workshop on risk management for the Pacific"
    sheet = tmp_path / "attendance.xlsx"
    _attendance_xlsx(sheet)

    # 1. Record the event (held) through the form.
    page.set_viewport_size(SCREEN)
    sign_in(page, "ap-staff", TEST_PASSWORD, next_path=reverse("delivery:event_list"))
    page.get_by_role("link", name="Record an event").click()
    page.wait_for_url(f"**{reverse('delivery:event_create')}")
    field(page, "Title").fill(title)
    field(page, "Kind").select_option("workshop")
    field(page, "Level").select_option("subregional")
    field(page, "Status").select_option("held")
    field(page, "Start").fill("2025-03-10")
    field(page, "End").fill("2025-03-13")
    field(page, "City").fill("Nadi")
    field(page, "Country").fill("FJI")
    beneficiaries = page.get_by_role("group", name=re.compile("beneficiary members", re.I))
    for name in ("Fiji", "Samoa", "Tonga", "Vanuatu"):
        beneficiaries.get_by_label(name, exact=True).check()
    page.get_by_role("group", name="Actions served").get_by_role(
        "checkbox", name=re.compile(r"^1-\(a\) ")).check()
    assert_accessible(page)
    shot(page, "journey-event-1-form")
    page.get_by_role("button", name="Record the event").click()
    page.wait_for_url(re.compile(r"/delivery/events/\d+/$"))
    event = Event.objects.get(title=title)
    assert (event.status, event.level, event.start_date) == \
        ("held", "subregional", dt.date(2025, 3, 10))
    assert sorted(event.beneficiaries.values_list("iso3", flat=True)) == \
        ["FJI", "TON", "VUT", "WSM"]
    assert list(event.action_links.values_list("action__code", flat=True)) == ["1-(a)"]
    assert f"The event “{title}” was recorded." in _message(page)
    assert page.locator("h1").inner_text().strip() == title

    # 2. Upload the attendance sheet: every row is checked, nothing written yet.
    page.get_by_role("link", name="Import an attendance sheet").click()
    page.wait_for_url(f"**{reverse('delivery:attendance_import', args=[event.pk])}")
    page.get_by_label("Attendance sheet").set_input_files(str(sheet))
    page.get_by_role("button", name="Check the sheet").click()
    page.wait_for_load_state()
    assert page.locator("h1").inner_text().strip() == "2. Check, then confirm"
    assert page.get_by_text("every row is valid").is_visible()
    assert page.get_by_text("4 new people").is_visible()
    rows = page.locator("table.report-table tbody tr")
    assert rows.count() == 4
    assert "Tevita Kali" in rows.nth(3).inner_text() and "VUT" in rows.nth(3).inner_text()
    assert Participation.objects.filter(event=event).count() == 0
    assert_accessible(page)
    shot(page, "journey-event-2-check")

    # 3. Confirm: the participants are registered.
    page.get_by_role("button", name="Import the sheet").click()
    page.wait_for_url(f"**{reverse('delivery:event_participants', args=[event.pk])}")
    assert "Attendance imported from attendance.xlsx: 4 new participations (4 new people)" \
        in _message(page)
    people = dict(Participation.objects.filter(event=event)
                  .values_list("person__full_name", "role"))
    assert people == {"Mere Naidu": "participant", "Sione Tupou": "participant",
                      "Ana Fifita": "participant", "Tevita Kali": "expert"}
    listed = page.locator("table td[data-label=Name]").all_inner_texts()
    positions = {"Mere Naidu": "Risk Analyst", "Sione Tupou": "Inspector",
                 "Ana Fifita": "Auditor", "Tevita Kali": "Trainer"}
    assert sorted(" ".join(text.split()) for text in listed) == \
        sorted(f"{name} {position}" for name, position in positions.items())

    # 4. The event's page counts them, by member and gender, and lists the expert.
    page.goto(event.get_absolute_url())
    participants = page.locator("#participants")
    text = participants.inner_text()
    # four people: three participants and a resource person (the figures' definitions)
    assert "3 participants · 2 women (67%) · 1 resource person" in text, text
    for member in ("Fiji", "Samoa", "Tonga"):
        assert member in text
    experts = page.locator("section[aria-labelledby=experts-title]").inner_text()
    assert "Tevita Kali" in experts
    assert_accessible(page)
    shot(page, "journey-event-3-participants")


# --- (f) dashboard and IPTT, (g) the annual report ------------------------------------------------


@pytest.fixture
def demo_year(office, seed_plan):
    """The demo's fiscal year 2024-2025 of ROCB-AP, as ``workplan setup`` loads it: events,
    participants, requests, surveys with answers, KPI targets and values."""
    from workplan.delivery.demo import Demo
    from workplan.indicators.demo import populate_demo as populate_kpis
    from workplan.surveys.demo import populate_demo as populate_surveys

    Demo(office).run()
    populate_surveys(office, seed=2024)
    populate_kpis(office, seed=2024)
    return seed_plan


def test_staff_read_the_dashboard_and_iptt_and_download_the_annual_report(
        page, make_user, office, demo_year):
    import docx

    from workplan.delivery.models import Event
    from workplan.indicators.models import Indicator

    held = Event.objects.filter(office=office, status="held", start_date__gte="2024-07-01",
                                start_date__lte="2025-06-30").count()
    assert held > 50
    kpis = Indicator.objects.filter(action__work_plan=demo_year).count()
    make_user("staff", username="ap-staff", first_name="Sam", last_name="Staff")
    page.set_viewport_size(SCREEN)
    sign_in(page, "ap-staff", TEST_PASSWORD)

    # 1. KPIs in the menu: the dashboard of the plan's year, its figures the database's.
    page.get_by_role("navigation", name="Main").get_by_role("link", name="KPIs").click()
    dashboard = reverse("indicators:dashboard", args=["ROCB-AP", "2024-2025"])
    page.wait_for_url(f"**{dashboard}")
    assert page.locator("h1").inner_text().strip() == "ROCB A/P: fiscal year 2024-2025"

    def stat(label):
        card = page.locator(".dashboard-figures li").filter(has_text=label)
        return card.locator(".stat").inner_text().strip()

    assert stat("events held") == f"{held:,}"
    on_target, behind = int(stat("KPIs on target")), int(stat("KPIs behind target"))
    assert on_target > 0 and behind > 0
    assert page.locator(".dashboard-charts svg").count() >= 4
    assert_accessible(page)
    shot(page, "journey-dashboard-1")

    # 2. The IPTT: a row per KPI of the plan; its status counts are the dashboard's.
    page.get_by_role("link", name="Indicator performance tracking table").first.click()
    page.wait_for_url(f"**{reverse('indicators:iptt', args=['ROCB-AP', '2024-2025'])}")
    assert page.locator("h1").inner_text().strip() == "Indicator performance tracking table"
    assert page.locator("table.iptt tr.iptt__row").count() == kpis
    summary = page.locator("ul.status-summary")
    assert summary.locator("li.status--on .stat").inner_text().strip() == str(on_target)
    assert summary.locator("li.status--behind .stat").inner_text().strip() == str(behind)
    assert page.locator("table.iptt tr.iptt__row td.status--on").count() == on_target
    assert_accessible(page)
    shot(page, "journey-dashboard-2-iptt")

    # 3. Reports: download the annual report (Word) and read it.
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Reports").click()
    page.wait_for_url(f"**{reverse('reports:report_list')}")
    card = page.locator("section.card").filter(
        has=page.get_by_role("heading", name="Annual report", exact=True))
    card.get_by_label("Fiscal year").select_option("2024-2025")
    card.get_by_label("Word", exact=True).check()
    card.locator("code", has_text="format=docx").wait_for(state="attached")
    assert_accessible(page)
    shot(page, "journey-report-1-reports")
    with page.expect_download() as info:
        card.get_by_role("button", name="Download").click()
    download = info.value
    assert download.suggested_filename == "rocb-ap-annual-report-2024-2025.docx"
    document = docx.Document(str(download.path()))
    titles = [p.text for p in document.paragraphs if p.style.name == "Title"]
    assert titles == ["Annual Report 2024-2025"], titles
    headings = [p.text for p in document.paragraphs if p.style.name == "Heading 1"]
    assert "2. Executive summary" in headings, headings
    figures = _key_figures(document)
    assert figures.get("Events held") == f"{held:,}", figures


def _key_figures(document) -> dict[str, str]:
    """The "year in figures" grid of the report: label -> value, from cells holding the
    value in bold in the first paragraph and the label in the second."""
    found = {}
    for table in document.tables:
        for row in table.rows:
            for cell in row.cells:
                paragraphs = [p.text.strip() for p in cell.paragraphs]
                if len(paragraphs) >= 2 and paragraphs[0] and paragraphs[1]:
                    found.setdefault(paragraphs[1].split("\n")[0], paragraphs[0])
    return found
