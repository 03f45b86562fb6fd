"""The exports of a fiscal year, on one year of demonstration data (built once for this
module, see conftest.py): the annual report, whose figures are the KPI engine's in Word, PDF
and HTML alike; the newsletter; IATI; the XLSX lists; LibreOffice opening what we write."""

from __future__ import annotations

import io
import re
import subprocess

import pytest
from docx import Document
from docx.enum.section import WD_ORIENT

from workplan.core.figures import mean_text
from workplan.delivery.models import Event
from workplan.indicators.dashboard import figures
from workplan.indicators.iptt import compute
from workplan.indicators.measures import Frame, registry
from workplan.reports.data import glossary
from workplan.reports.data.annual import annual_report
from workplan.reports.registry import ExportError
from workplan.reports.registry import registry as exporters

from .conftest import needs

pytestmark = pytest.mark.django_db


def measured(office, key: str, **params) -> float | None:
    """The fiscal year's value of a KPI measure counted office-wide."""
    measure = registry.get(key)
    frame = Frame(office.pk, office.region_id, 2024, office.fiscal_year_start_month)
    facts = list(measure.facts(frame, None, params, None))
    return measure.series(facts, True, params)["FY"].actual


@pytest.fixture(scope="module")
def docx_bytes(year, django_db_blocker):
    with django_db_blocker.unblock():
        return exporters.get("annual-report").run({"period": "2024-2025"}).content


@pytest.fixture(scope="module")
def pdf_bytes(year, django_db_blocker):
    """The annual report's PDF, typeset once for the tests that only read it."""
    with django_db_blocker.unblock():
        return exporters.get("annual-report").run({"period": "2024-2025",
                                                   "format": "pdf"}).content


@pytest.fixture
def report(year):
    return annual_report(year.plan, today=year.today)


def texts(document) -> list[str]:
    found = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            found += [cell.text for cell in row.cells]
    return found


def styled(document, style: str) -> list[str]:
    return [p.text for p in document.paragraphs if p.style.name == style]


def test_the_figures_are_the_dashboards_and_the_kpi_measures(year, report):
    office = year.office
    board = figures(office, 2024, today=year.today, plan=year.plan)
    shown = {f.key: f.value for f in report.figures}
    assert shown["events"] == board.events_total == measured(office, "events_held") > 100
    assert shown["participants"] == board.participants_total == measured(office,
                                                                          "participants")
    assert shown["women"] == board.participants["female"] == measured(
        office, "women_participations")
    assert shown["members"] == board.reached_total == measured(office, "members_assisted")
    assert shown["experts"] == board.experts == measured(office, "experts_utilized")
    assert shown["accreditation"] == measured(office, "events_held", kind=["accreditation"])
    assert shown["partners"] == board.partners > 0
    assert shown["evaluation"] == pytest.approx(measured(office, "evaluation_result"))
    # every held event of the year is told once, under an action or among the others
    told = [e.pk for p in report.pillars for a in p.actions for e in a.events]
    told += [e.pk for e in report.other_events]
    held = set(Event.objects.filter(office=office, status="held", start_date__gte="2024-07-01",
                                    start_date__lte="2025-06-30").values_list("pk", flat=True))
    assert sorted(told) == sorted(held)


def test_the_word_report_has_real_headings_tables_and_the_same_figures(year, docx_bytes):
    document = Document(io.BytesIO(docx_bytes))
    board = figures(year.office, 2024, today=year.today, plan=year.plan)
    assert styled(document, "Title") == ["Annual Report 2024-2025"]
    chapters = styled(document, "Heading 1")
    assert chapters[:5] == ["1. Introduction", "2. Executive summary",
                            "3. Activities by pillar and action",
                            "4. Achievement of the key performance indicators",
                            "5. Publications and information shared"]
    assert chapters[5].startswith("Annex 1") and chapters[6] == (
        "Annex 2: Annual Work Plan 2025-2026") and chapters[7] == "Abbreviations"
    assert [t for t in styled(document, "Heading 2") if t.startswith("Pillar ")] == [
        "Pillar 1: Support the implementation of WCO conventions, instruments and tools",
        "Pillar 2: Further develop partnerships with development partners",
        "Pillar 3: Improve needs analysis, planning, delivery and management of regional "
        "capacity building activities",
        "Pillar 4: Enhance communication and information sharing among members"]
    # key figures: a table of value + label cells
    cells = {cell.text.split("\n")[1]: cell.text.split("\n")[0]
             for table in document.tables for row in table.rows for cell in row.cells
             if cell.text.count("\n") >= 1 and cell.paragraphs[0].runs
             and cell.paragraphs[0].runs[0].bold}
    assert cells["Events held"] == f"{board.events_total:,}"
    assert cells["Participants"] == f"{board.participants_total:,}"
    assert cells["Women among participants"].startswith(f"{board.participants['female']:,} (")
    assert cells["Members reached"] == f"{board.reached_total} of {board.members_total}"
    assert cells["Experts deployed"] == f"{board.experts:,}"
    assert cells["Partners supporting events"] == f"{board.partners:,}"
    assert cells["Mean evaluation (1-5)"] == mean_text(board.evaluation.actual)
    # one "Event Title" paragraph per event or per activity's sessions, every event told
    report = annual_report(year.plan, today=year.today)
    groups = [g for p in report.pillars for a in p.actions for g in a.groups]
    groups += report.other_groups
    assert len(styled(document, "Event Title")) == len(groups) < board.events_total
    assert sum(len(g.events) for g in groups) == board.events_total
    assert any(len(g.events) > 1 for g in groups)
    body = "\n".join(texts(document))
    assert "Macao, Macao" not in body and "brought together" not in body
    for group in groups:  # no paragraph repeats the title it is told under
        assert not any(e.story().startswith(group.title) for e in group.events)
    # the KPI table is the IPTT's year column
    table = compute(year.plan)
    kpi_table = next(t for t in document.tables if t.rows[0].cells[1].text == "KPI")
    rows = [[c.text for c in row.cells] for row in kpi_table.rows[1:]]
    assert len(rows) == len(table.rows) == 60
    for shown, row in zip(rows, table.rows, strict=True):
        actual = row.columns["FY"].actual
        kpi, counts = shown[1].split("\n")
        code, action_title = shown[0].split("\n")
        assert code == row.action.code and kpi == row.indicator.text
        assert action_title and action_title[1:20] in row.action.text  # its short title
        assert counts.startswith(f"Counts: {row.measure.label}")  # what the KPI counts
        if actual is not None and row.measure.unit == "count":
            assert shown[3] == f"{actual:,.0f}"
    # the annex is the next plan's three-column table, on landscape pages
    plan_tables = [t for t in document.tables
                   if t.rows[0].cells[0].text.startswith("Specific Actions of ROCB A/P")]
    assert len(plan_tables) == 4
    assert plan_tables[0].rows[1].cells[0].text.startswith("a) Upon request")
    assert any(s.orientation == WD_ORIENT.LANDSCAPE for s in document.sections)


def test_the_charts_reach_word_as_pictures(year, docx_bytes):
    document = Document(io.BytesIO(docx_bytes))
    assert len(document.inline_shapes) == 5
    assert [p.text for p in document.paragraphs if p.style.name == "Caption"
            and p.text.startswith("Figure")][0] == "Figure 1. Events held by level and kind"


def test_every_picture_of_the_word_report_has_alternative_text(docx_bytes):
    """Word's "Alt Text" of each chart: its caption and its data in words."""
    from tests.standards.tools import docx_pictures_without_alt

    assert docx_pictures_without_alt(docx_bytes) == []
    document = Document(io.BytesIO(docx_bytes))
    alts = [shape._inline.docPr.get("descr") for shape in document.inline_shapes]
    assert alts[0].startswith("Events held by level and kind. ") and len(alts[0]) > 40


def test_the_pdf_is_pdf_ua_titled_and_clean_for_qpdf(pdf_bytes, tmp_path):
    from tests.standards.tools import pdf_problems

    assert pdf_problems(pdf_bytes, tmp_path) == []


def test_the_word_and_pdf_checks_catch_a_planted_fault(docx_bytes, pdf_bytes, tmp_path):
    """A picture without alt text, a PDF whose viewers would not show its title, and a PDF
    with a broken cross-reference table are each caught."""
    import zipfile

    from tests.standards.tools import docx_pictures_without_alt, pdf_problems

    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(docx_bytes)) as source, \
            zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "word/document.xml":
                data = re.sub(rb'descr="[^"]*"', b'descr=""', data, count=1)
            target.writestr(item, data)
    assert len(docx_pictures_without_alt(out.getvalue())) == 1
    hidden = pdf_bytes.replace(b"/DisplayDocTitle true", b"/DisplayDocTitlX true", 1)
    assert hidden != pdf_bytes
    assert any("DisplayDocTitle" in p for p in pdf_problems(hidden, tmp_path))
    xref = pdf_bytes.rindex(b"startxref")
    broken = pdf_bytes[:xref] + b"startxref\n12345\n%%EOF\n"
    assert any("qpdf --check" in p for p in pdf_problems(broken, tmp_path))


def test_the_annexes_add_up(year, report):
    office = year.office
    totals = report.annex_totals
    assert totals["total"] == sum(r.total for r in report.annex_rows) == measured(
        office, "participants", kind=["workshop", "training", "accreditation"],
        level=["regional", "subregional"])
    assert totals["female"] == sum(r.by_gender.get("female", 0) for r in report.annex_rows)
    assert totals["workshops"] == len(report.annex_workshops) == measured(
        office, "events_held", kind=["workshop", "training", "accreditation"],
        level=["regional", "subregional"])
    assert report.next_plan_title == "ROCB A/P Annual Work Plan (2024-2025)"
    assert [n for n, _t, _rows in report.next_plan] == [1, 2, 3, 4]
    assert sum(len(rows) for _n, _t, rows in report.next_plan) == 55
    assert len(report.publications) == sum(1 for p in report.publications
                                           if "2024-07-01" <= str(p.date) <= "2025-06-30")
    assert report.publications


def test_abbreviations_are_those_the_text_uses(year, report, docx_bytes):
    listed = dict(report.abbreviations)
    text = "\n".join(report.texts())
    for abbreviation in listed:
        assert re.search(r"(?<![\w/])" + re.escape(abbreviation) + r"s?(?![\w/])", text), \
            abbreviation
    assert listed["WCO"] == "World Customs Organization" and "RSP" in listed
    unused = [a for a in glossary.GLOSSARY if a not in text]
    assert unused and not set(unused) & set(listed)  # e.g. "IATI", never in the report
    assert listed["CCF-Japan"] == "Customs Cooperation Fund of Japan"  # a partner's acronym
    document = Document(io.BytesIO(docx_bytes))
    last = document.tables[-1]
    assert [row.cells[0].text for row in last.rows] == ["Abbreviation"] + [
        a for a, _m in report.abbreviations]


def test_pdf_and_html_say_the_same(year, report, pdf_bytes):
    html = exporters.get("annual-report").run({"period": "2024-2025",
                                               "format": "html"}).content.decode()
    groups = [g for p in report.pillars for a in p.actions for g in a.groups]
    groups += report.other_groups
    assert html.count("<svg") == 5
    assert html.count('<p class="event__title">') == len(groups)
    assert html.count('class="event__meta">') == report.events_total + sum(
        1 for g in groups if len(g.events) > 1)
    for figure in report.figures:
        assert f'<span class="figure__value">{figure.text}</span>' in html
    assert pdf_bytes.startswith(b"%PDF-")
    needs("pdftotext")
    text = subprocess.run(["pdftotext", "-", "-"], input=pdf_bytes, capture_output=True,
                          check=True).stdout.decode()
    assert "2. Executive summary" in text and "Annex 2: Annual Work Plan 2025-2026" in text
    assert f"{report.board.participants_total:,}" in text
    pages = subprocess.run(["pdfinfo", "-"], input=pdf_bytes, capture_output=True,
                           check=True).stdout.decode()
    assert int(re.search(r"Pages:\s+(\d+)", pages).group(1)) > 20


def pdf_pages(pdf: bytes) -> list[str]:
    needs("pdftotext")
    text = subprocess.run(["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True,
                          check=True).stdout.decode()
    return text.split("\f")


def test_the_pdf_contents_give_the_pages_the_chapters_start_on(year, pdf_bytes):
    pages = pdf_pages(pdf_bytes)
    assert "Contents" in pages[1]
    for chapter in ("2. Executive summary", "4. Achievement of the key performance indicators",
                    "Annex 2: Annual Work Plan 2025-2026", "Abbreviations"):
        number = int(re.search(re.escape(chapter) + r"[ .\u2060]*(\d+)\s*$", pages[1],
                                   re.M).group(1))
        lines = [line.strip() for line in pages[number - 1].splitlines() if line.strip()]
        assert lines[0] == "ROCB A/P · Annual Report 2024-2025" and lines[1] == chapter
        assert re.search(rf"^\s*{number}\s*$", pages[number - 1], re.M)  # its page number
    # the plan annex's table repeats its header on each of its pages
    annex = [page for page in pages if "RSP Key Performance Indicator" in page]
    assert len(annex) >= 4


def test_the_pdf_sets_what_staff_typed_as_text_not_as_typesetting(year):
    hostile = '#panic("x") *b* $m$ <l> @r ] [ \\ // /* #include "/etc/passwd"'
    # an event told on its own (not one session of a grouped activity): one serving no activity
    event = Event.objects.filter(office=year.office, status="held", activity__isnull=True,
                                 start_date__gte="2024-07-01").order_by("start_date").first()
    event.title = "Workshop " + hostile
    event.summary = "Summary " + hostile
    event.save()
    pdf = exporters.get("annual-report").run({"period": "2024-2025", "format": "pdf"}).content
    text = " ".join(" ".join(pdf_pages(pdf)).split())
    assert "Workshop " + hostile in text and "Summary " + hostile in text


def test_the_pdf_embeds_the_reports_font(year, pdf_bytes):
    import typst

    needs("pdffonts")
    if "Liberation Sans" not in typst.Fonts().families():
        pytest.skip("fonts-liberation is not installed")
    fonts = subprocess.run(["pdffonts", "-"], input=pdf_bytes, capture_output=True,
                           check=True).stdout.decode()
    assert "LiberationSans-Bold" in fonts and "LiberationSans " in fonts.replace("\n", " ")


def test_without_next_years_plan_the_annex_says_so(year):
    year.next_plan.delete()
    report = annual_report(year.plan, today=year.today)
    assert report.next_plan is None and "annex2" not in report.chapters
    document = Document(io.BytesIO(exporters.get("annual-report").run(
        {"period": "2024-2025"}).content))
    line = "The Annual Work Plan 2025-2026 is not adopted yet; the report has no annex with it."
    assert line in texts(document) and "Workplan)" not in "\n".join(texts(document))
    assert not [t for t in styled(document, "Heading 1") if t.startswith("Annex 2")]
    html = exporters.get("annual-report").run({"period": "2024-2025",
                                               "format": "html"}).content.decode()
    assert line in html and 'id="annex-2"' not in html
    needs("pdftotext")
    pdf = exporters.get("annual-report").run({"period": "2024-2025", "format": "pdf"}).content
    pages = pdf_pages(pdf)
    assert line in " ".join(pages[1].split()) and not any(
        "RSP Key Performance Indicator" in page for page in pages)


def test_only_office_wide_roles_get_the_annual_report(year, make_user):
    focal = make_user("focal_point", member=year.office.region.members.get(iso3="FJI"))
    with pytest.raises(ExportError) as error:
        exporters.get("annual-report").run({"period": "2024-2025"}, focal)
    assert error.value.param == "office"
    with pytest.raises(ExportError, match="period: ROCB-AP has no work plan for 2030-2031"):
        exporters.get("annual-report").run({"period": "2030-2031"}, make_user("viewer"))
    with pytest.raises(ExportError, match="not a fiscal year"):
        exporters.get("annual-report").run({"period": "2024-2026"})


# --- the quarterly newsletter ------------------------------------------------------------------


def quarter_value(office, key: str, quarter: int, **params):
    measure = registry.get(key)
    frame = Frame(office.pk, office.region_id, 2024, office.fiscal_year_start_month)
    facts = list(measure.facts(frame, None, params, None))
    return measure.series(facts, False, params)[f"Q{quarter}"].actual


def test_the_newsletter_tells_the_quarter(year):
    office = year.office
    result = exporters.get("newsletter").run({"period": "2024-2025", "quarter": "2"})
    assert result.filename == "rocb-ap-newsletter-2024-2025-q2.docx"
    document = Document(io.BytesIO(result.content))
    held = Event.objects.filter(office=office, status="held", start_date__gte="2024-10-01",
                                start_date__lte="2024-12-31")
    assert styled(document, "Title") == ["ROCB A/P E-Newsletter"]
    assert styled(document, "Subtitle") == [
        "Q2 of fiscal year 2024-2025 (October – December 2024)"]
    assert styled(document, "Heading 1") == ["Events of the quarter", "Coming up next quarter",
                                             "Published this quarter"]
    assert sorted(styled(document, "Heading 2")) == sorted(held.values_list("title", flat=True))
    figures_row = [cell.text.split("\n") for cell in document.tables[0].rows[0].cells]
    shown = {label: value for value, label in figures_row}
    assert shown["Events held"] == f"{quarter_value(office, 'events_held', 2):,.0f}"
    assert shown["Participants"] == f"{quarter_value(office, 'participants', 2):,.0f}"
    assert shown["Women among participants"].startswith(
        f"{quarter_value(office, 'women_participations', 2):,.0f} (")
    assert shown["Members reached"] == f"{quarter_value(office, 'members_assisted', 2):,.0f}"
    html = exporters.get("newsletter").run({"period": "2024-2025", "quarter": "2",
                                            "format": "html"}).content.decode()
    assert html.count("<article>") == held.count()
    assert "<h2>Coming up next quarter</h2>" in html


# --- IATI ---------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def iati_schema():
    from pathlib import Path

    from lxml import etree

    schema = Path(__file__).resolve().parents[3] / "shared" / "iati-2.03" / \
        "iati-activities-schema.xsd"
    if not schema.exists():
        pytest.skip(f"the IATI 2.03 schema is not at {schema}")
    return etree.XMLSchema(etree.parse(str(schema)))


def iati_export(office, *, now=None) -> bytes:
    """The office's 2024-2025 IATI file, exported on ``now`` (default: today)."""
    import datetime as dt

    from django.utils import timezone

    from workplan.indicators.periods import Period
    from workplan.reports.data.iati import iati_file
    from workplan.reports.render.iati import render_iati

    if now is None:
        return exporters.get("iati-activities").run({"period": "2024-2025"}).content
    period = Period(2024, 0, office.fiscal_year_start_month)
    events = Event.objects.filter(office=office, start_date__gte=period.start,
                                  start_date__lte=period.end)
    moment = timezone.make_aware(dt.datetime.combine(now, dt.time(12)))
    return render_iati(iati_file(office, period, events, now=moment))


@pytest.fixture
def iati_office(year):
    year.office.iati_org_ref = "XM-DAC-47066"
    year.office.save(update_fields=["iati_org_ref"])
    return year.office


def test_iati_export_needs_the_offices_identifier(year):
    year.office.iati_org_ref = ""
    year.office.save(update_fields=["iati_org_ref"])
    with pytest.raises(ExportError) as caught:
        exporters.get("iati-activities").run({"period": "2024-2025"})
    assert caught.value.param == "office"
    assert "ROCB-AP has no IATI organisation identifier" in str(caught.value)


def test_iati_activities_validate_and_carry_the_funding(iati_office, iati_schema):
    from decimal import Decimal

    from lxml import etree

    from workplan.delivery.models import Funding

    result = exporters.get("iati-activities").run({"period": "2024-2025"})
    assert result.filename == "rocb-ap-iati-activities-2024-2025.xml"
    root = etree.fromstring(result.content)
    iati_schema.assertValid(root.getroottree())
    events = Event.objects.filter(office=iati_office, start_date__gte="2024-07-01",
                                  start_date__lte="2025-06-30")
    activities = root.findall("iati-activity")
    assert len(activities) == events.count()
    identifiers = [a.findtext("iati-identifier") for a in activities]
    assert len(set(identifiers)) == len(identifiers)
    assert all(i.startswith("XM-DAC-47066-ROCB-AP-E") for i in identifiers)
    assert {r.get("ref") for r in root.iterfind("iati-activity/reporting-org")} \
        == {"XM-DAC-47066"}
    cash = sum(f.amount for f in Funding.objects.filter(event__in=events, in_kind=False))
    budgets = sum(Decimal(v.text) for v in root.iterfind("iati-activity/budget/value"))
    incoming = sum(Decimal(t.findtext("value")) for t in root.iterfind(
        "iati-activity/transaction"))
    assert budgets == incoming == cash > 0
    for activity in activities:
        shares = [Decimal(c.get("percentage")) for c in activity.findall("recipient-country")]
        assert not shares or sum(shares) == 100
        assert activity.find("sector").get("code") == "33120"
    held = [a for a in activities if a.find("activity-status").get("code") == "4"]
    assert len(held) == events.filter(status="held").count()


@pytest.mark.parametrize("today", [None, "2025-01-15"], ids=["finished-year", "year-in-progress"])
def test_iati_export_passes_the_standard_ruleset_and_codelists(iati_office, iati_schema, today):
    """IATI's Standard Ruleset and codelist rules (tests/standards/iati_rules.py), on the year
    exported after it ended and in its middle: no error and no warning."""
    import datetime as dt

    from lxml import etree

    from tests.standards.iati_rules import evaluate

    day = dt.date.fromisoformat(today) if today else dt.date.today()
    content = iati_export(iati_office, now=day if today else None)
    iati_schema.assertValid(etree.fromstring(content).getroottree())
    findings = evaluate(content, day)
    assert not findings, "\n".join(map(str, findings[:40]))
    if today:  # in the middle of the year, the future is planned, not actual
        root = etree.fromstring(content)
        statuses = {a.find("activity-status").get("code") for a in root.iter("iati-activity")}
        assert "1" in statuses and "4" in statuses
        assert all(dt.date.fromisoformat(d) <= day for d in root.xpath(
            "//activity-date[@type='2' or @type='4']/@iso-date | //transaction-date/@iso-date"))


def test_the_iati_evaluator_catches_a_planted_fault(iati_office):
    """The evaluator is no rubber stamp: a transaction dated tomorrow (11.2.1), a recipient
    share that breaks the sum (3.1.2) and an unknown sector code (9.76.1) are each found."""
    import datetime as dt

    from lxml import etree

    from tests.standards.iati_rules import evaluate

    today = dt.date.today()
    root = etree.fromstring(iati_export(iati_office))
    assert not evaluate(etree.tostring(root), today)
    transaction = root.find("iati-activity/transaction/transaction-date")
    transaction.set("iso-date", (today + dt.timedelta(days=1)).isoformat())
    several = next(a for a in root.iter("iati-activity")
                   if len(a.findall("recipient-country")) > 1)
    several.find("recipient-country").set("percentage", "1.00")
    root.find("iati-activity/sector").set("code", "99999")
    found = {f.rule for f in evaluate(etree.tostring(root), today)}
    assert {"11.2.1", "3.1.2", "9.76.1"} <= found


# --- the XLSX lists -----------------------------------------------------------------------------


def workbook_of(identifier: str, params: dict, user=None):
    from openpyxl import load_workbook

    return load_workbook(io.BytesIO(exporters.get(identifier).run(params, user).content))


def test_events_list_is_the_years_events(year):
    book = workbook_of("events", {"period": "2024-2025"})
    sheet = book["Events"]
    events = Event.objects.filter(office=year.office, start_date__gte="2024-07-01",
                                  start_date__lte="2025-06-30")
    assert sheet.max_row - 1 == events.count()
    header = [c.value for c in sheet[1]]
    rows = [dict(zip(header, [c.value for c in row], strict=True))
            for row in sheet.iter_rows(min_row=2)]
    assert sum(r["Participants"] for r in rows if r["Status"] == "Held") == measured(
        year.office, "participants")
    assert {r["Workplan event number"] for r in rows} == set(events.values_list("pk",
                                                                                flat=True))
    assert "About" in book.sheetnames
    held = workbook_of("events", {"period": "2024-2025", "status": "held"})["Events"]
    assert held.max_row - 1 == events.filter(status="held").count()


def test_participants_by_member_and_gender_add_up_to_the_kpis(year):
    book = workbook_of("participants", {"period": "2024-2025"})
    summary = book["By member and gender"]
    header = [c.value for c in summary[1]]
    total = dict(zip(header, [c.value for c in summary[summary.max_row]], strict=True))
    assert total["Member"] == "Total"
    assert total["Total"] == measured(year.office, "participants")
    assert total["Female"] == measured(year.office, "women_participations")
    people = book["Participants"]
    from workplan.delivery.models import Participation

    assert people.max_row - 1 == Participation.objects.filter(
        event__office=year.office, event__start_date__gte="2024-07-01",
        event__start_date__lte="2025-06-30").count()


def test_lists_are_scoped_and_formulas_stay_text(year, make_user):
    from workplan.delivery.models import Request
    from workplan.directory.models import Member

    fiji = Member.objects.get(iso3="FJI")
    Event.objects.filter(office=year.office, host_member=fiji).update(
        title="=HYPERLINK(\"http://evil.example\",\"click\")")
    focal = make_user("focal_point", member=fiji)
    sheet = workbook_of("events", {"period": "2024-2025"}, focal)["Events"]
    seen = Event.objects.restrict(focal).filter(start_date__gte="2024-07-01",
                                                start_date__lte="2025-06-30")
    assert 0 < sheet.max_row - 1 == seen.count() < Event.objects.count()
    evil = [row[0] for row in sheet.iter_rows(min_row=2) if row[0].value.startswith("=")]
    assert evil and all(cell.data_type == "s" and cell.quotePrefix for cell in evil)
    requests = workbook_of("requests", {}, focal)["Requests"]
    assert requests.max_row - 1 == Request.objects.restrict(focal).count() > 0
    assert workbook_of("requests", {})["Requests"].max_row - 1 == Request.objects.count()


def test_publications_and_survey_results(year):
    from workplan.reports.models import Publication
    from workplan.surveys import exports
    from workplan.surveys.models import Survey

    sheet = workbook_of("publications", {"period": "2024-2025"})["Publications"]
    assert sheet.max_row - 1 == Publication.objects.filter(
        date__gte="2024-07-01", date__lte="2025-06-30").count() > 10
    survey = Survey.objects.filter(kind="evaluation").order_by("pk").first()
    result = exporters.get("survey-results").run({"survey": str(survey.pk)})
    assert result.filename == exports.filename(survey)
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(result.content))
    assert book.sheetnames == ["Questions", "Responses", "By member"]
    assert book["Responses"].max_row - 1 == survey.responses.count()
    with pytest.raises(ExportError, match="survey: there is no survey number"):
        exporters.get("survey-results").run({"survey": str(survey.pk)},
                                            user=_outsider())


def _outsider():
    from django.contrib.auth import get_user_model

    return get_user_model().objects.create_user("nobody-here")


# --- LibreOffice opens what we write ------------------------------------------------------------


def test_libreoffice_converts_the_word_report_and_a_workbook(year, docx_bytes, tmp_path):
    needs("soffice")
    (tmp_path / "report.docx").write_bytes(docx_bytes)
    (tmp_path / "events.xlsx").write_bytes(
        exporters.get("events").run({"period": "2024-2025"}).content)
    profile = tmp_path / "profile"
    for name in ("report.docx", "events.xlsx"):
        subprocess.run(["soffice", f"-env:UserInstallation=file://{profile}", "--headless",
                        "--convert-to", "pdf", "--outdir", str(tmp_path),
                        str(tmp_path / name)], check=True, capture_output=True, timeout=300)
    report_pdf = (tmp_path / "report.pdf").read_bytes()
    assert report_pdf.startswith(b"%PDF-")
    assert (tmp_path / "events.pdf").read_bytes().startswith(b"%PDF-")
    needs("pdfinfo")
    info = subprocess.run(["pdfinfo", str(tmp_path / "report.pdf")], capture_output=True,
                          check=True).stdout.decode()
    assert int(re.search(r"Pages:\s+(\d+)", info).group(1)) > 20


# --- the Reports page ---------------------------------------------------------------------------


def test_the_reports_page_downloads_the_annual_report(year, client, make_user):
    from django.urls import reverse

    client.force_login(make_user("staff"))
    page = client.get(reverse("reports:report_list")).content.decode()
    for name in ("Annual report", "IATI activities", "Events",
                 "Quarterly e-newsletter draft", "Publications register", "IATI XML", "Excel"):
        assert name in page
    url = reverse("reports:report_download", args=["annual-report"])
    response = client.get(url, {"office": "ROCB-AP", "period": "2024-2025", "format": "html"})
    assert response.status_code == 200
    assert response["Content-Disposition"] == (
        'attachment; filename="rocb-ap-annual-report-2024-2025.html"')
    assert b"2. Executive summary" in response.content
    response = client.get(url, {"office": "ROCB-AP", "period": "2024-2025", "format": "rtf"})
    assert response.status_code == 400
    assert "format: &#x27;rtf&#x27; is not one of docx, pdf, html" in response.content.decode()


def test_the_report_data_takes_the_same_queries_whatever_the_events(year,
                                                                   django_assert_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from workplan.delivery.models import EventAction, EventPartner, Funding, Participation

    with CaptureQueriesContext(connection) as before:
        annual_report(year.plan, today=year.today)
    # twenty more held events, each with beneficiaries, actions, a partner, funding, people
    sources = list(Event.objects.filter(office=year.office, status="held")
                   .order_by("pk")[:20])
    for source in sources:
        copy = Event.objects.create(
            office=source.office, activity=source.activity, title=source.title + " (II)",
            kind=source.kind, level=source.level, start_date=source.start_date,
            end_date=source.end_date, status="held", country=source.country)
        copy.beneficiaries.set(source.beneficiaries.all())
        EventAction.objects.bulk_create([EventAction(event=copy, action_id=link.action_id)
                                         for link in source.action_links.all()])
        EventPartner.objects.bulk_create([EventPartner(event=copy, partner_id=r.partner_id,
                                                       role=r.role)
                                          for r in source.partner_roles.all()])
        Funding.objects.bulk_create([Funding(event=copy, partner_id=f.partner_id,
                                             member_id=f.member_id, amount=f.amount)
                                     for f in source.fundings.all()])
        Participation.objects.bulk_create([
            Participation(event=copy, person_id=p.person_id, member_id=p.member_id,
                          role=p.role) for p in source.participations.all()])
    with django_assert_num_queries(len(before.captured_queries)):
        report = annual_report(year.plan, today=year.today)
    assert report.events_total == report.board.events_total
    assert sum("(II)" in e.title for e in report.events) == 20
