"""The same report in the three formats (issue 18, item 6): each figure, each section heading
and the office's words are read back from the Word file (python-docx), the PDF (``pdftotext
-layout``, its outline through ``qpdf --json``) and the web page (lxml), and must agree with
each other and with the figures of "One truth" (the queryset methods of docs/kpis.md
"Figures", counted here on their own). A renderer that prints its own number fails here; the
planted fault at the end shows that it would.

Also the typography a reader sees: no heading at a page's foot in the PDF, and in Word every
heading, and whatever introduces a table, keeps with what follows.
"""

from __future__ import annotations

import copy
import io
import json
import re
import statistics
import subprocess
from collections import defaultdict

import pytest
from django.db import transaction
from django.db.models import Count
from docx import Document
from docx.oxml.ns import qn
from lxml import html as lxml_html

from workplan.core.figures import mean_text, share_text
from workplan.delivery.models import Event, EventPartner, Funding, Participation, Request
from workplan.directory.models import Member
from workplan.indicators.iptt import compute
from workplan.indicators.measures import Frame, registry
from workplan.indicators.present import figure as present_figure
from workplan.reports.data.annual import annual_report
from workplan.reports.data.yearfigures import OFFICE_WIDE, money_text
from workplan.reports.registry import registry as exporters
from workplan.reports.render.html import render_annual_html

from .conftest import needs

pytestmark = pytest.mark.django_db

FY = 2024
PERIOD = "2024-2025"
HEADER = "ROCB A/P · Annual Report 2024-2025"
FOREWORD = ("The year tested the office: members asked for more than it could deliver.\n\n"
            "We thank the members, the partners and the experts who made it possible.")
CHALLENGES = "Travel costs rose by a third.\n\nTwo experts left the pool mid-year."
WAY_FORWARD = "More virtual sessions, and a second pool of experts from the Pacific."
PILLAR_ONE = "Pillar one carried most of the year's work, as members asked."


# --- the three files, with the office's words filled in ------------------------------------


@pytest.fixture(scope="module")
def three(year, django_db_blocker):
    """The demonstration year's report in DOCX, PDF and HTML with the office's words written
    (a comment on every KPI behind target), made once for the module."""
    from workplan.reports.models import ReportWords
    from workplan.reports.services import save_words

    with django_db_blocker.unblock(), transaction.atomic():
        plan = year.plan
        report = annual_report(plan)
        words = ReportWords(office=year.office, start_year=FY)
        save_words(words, head_name="Ms Ana Head", head_title="Head of the Regional Office",
                   foreword=FOREWORD, challenges=CHALLENGES, way_forward=WAY_FORWARD,
                   pillar_intros={"1": PILLAR_ONE},
                   kpi_notes={str(r.indicator_id): f"Late start ({r.code})."
                              for r in report.kpis if r.state == "behind"},
                   known_pillars=[p.number for p in report.pillars],
                   known_kpis=[r.indicator_id for r in report.kpis])
        files = {fmt: exporters.get("annual-report").run({"period": PERIOD,
                                                          "format": fmt}).content
                 for fmt in ("docx", "pdf", "html")}
        yield {"files": files, "report": annual_report(plan, words=words),
               "truth": truth(year.office, plan)}
        transaction.set_rollback(True)


# --- One truth, counted here through the queryset methods ----------------------------------


def truth(office, plan) -> dict:
    """Each figure the report prints, as the definitions of "One truth" give it, written as
    the report writes it (``share_text``, ``mean_text``, thousands with commas)."""
    from workplan.delivery.summaries import plan_delivery

    held = Event.objects.held().in_fiscal_year(office, FY)
    people = Participation.objects.filter(event__in=held.order_by().values("pk"))
    participants = people.participants().count()
    women = people.women().count()
    reached = held.members_reached().count()
    members = Member.objects.filter(region_id=office.region_id).count()
    experts = people.resource_persons().order_by().values("person_id").distinct().count()
    partners = (EventPartner.objects.filter(event__in=held).order_by().values("partner_id")
                .distinct().count())
    frame = Frame(office.pk, office.region_id, FY, office.fiscal_year_start_month)
    evaluation = registry.get("evaluation_result")
    cell = evaluation.series(list(evaluation.facts(frame, None, {}, None)), False)["FY"]
    rated, rate = int(cell.denominator or 0), cell.extra.get("response_rate")
    figures = {
        "Events held": f"{held.count():,}",
        "Accreditation workshops": f"{held.filter(kind='accreditation').count():,}",
        "Participants": f"{participants:,}",
        "Women among participants": f"{women:,} ({share_text(women / participants)})",
        "Members reached": f"{reached} of {members}",
        "Experts deployed": f"{experts:,}",
        "Partners supporting events": f"{partners:,}",
        f"Mean evaluation (1-5) {rated:,} ratings, {share_text(rate)} of those invited "
        "answered": mean_text(cell.actual),
    }

    tables = {}
    delivery = plan_delivery(plan, OFFICE_WIDE)
    rows, everyone = {}, {}
    for pillar in delivery.pillars:
        activities = {a.activity.pk: a for action in pillar.actions for a in action.activities}
        everyone.update(activities)
        rows[f"Pillar {pillar.pillar.number}"] = activities
    rows["All pillars"] = everyone
    tables["Planned activities delivered"] = {
        label: " ".join([f"{len(acts):,}", f"{sum(1 for a in acts.values() if a.held):,}",
                         share_text(sum(1 for a in acts.values() if a.held) / len(acts)),
                         f"{sum(a.held for a in acts.values()):,}"])
        for label, acts in rows.items()}

    filed = Request.objects.filed_in(office, FY)
    by_status = defaultdict(int)
    for row in filed.order_by().values("status").annotate(n=Count("pk")):
        by_status[row["status"]] = row["n"]
    days = [(r.answered_at - r.created).total_seconds() / 86400
            for r in filed.with_first_answer() if r.answered_at is not None]
    tables["Members' requests"] = {
        "Requests received": f"{filed.count():,}",
        "Answered": f"{len(days):,}",
        "Accepted (and scheduled or delivered since)":
            f"{sum(by_status[s] for s in ('accepted', 'scheduled', 'delivered')):,}",
        "Declined": f"{by_status['declined']:,}",
        "Withdrawn by the member": f"{by_status['withdrawn']:,}",
        "Waiting for an answer": f"{by_status['received']:,}",
        "Median days to answer": f"{statistics.median(days):.0f}" if days else "–",
    }

    fundings = Funding.objects.filter(event__in=held.order_by().values("pk"))
    funding = {}
    for partner_id in set(fundings.exclude(partner=None).values_list("partner_id", flat=True)):
        mine = fundings.filter(partner_id=partner_id)
        partner = mine.first().partner
        name = (f"{partner.name} ({partner.acronym})"
                if partner.acronym and partner.acronym != partner.name else partner.name)
        funding[name] = f"{money_text(mine.totals())} {money_text(mine.totals(), 'in_kind')}"
    for member_id in set(fundings.filter(partner=None).exclude(member=None)
                         .values_list("member_id", flat=True)):
        mine = fundings.filter(partner=None, member_id=member_id)
        funding[mine.first().member.name] = (f"{money_text(mine.totals())} "
                                             f"{money_text(mine.totals(), 'in_kind')}")
    overall = fundings.totals()
    funding["Total"] = f"{money_text(overall)} {money_text(overall, 'in_kind')}"
    tables["Funding by partner"] = funding

    origins = defaultdict(int)
    for member, partner, n in (people.resource_persons().order_by()
                               .values_list("member__name", "person__partner__name")
                               .annotate(n=Count("person_id", distinct=True))):
        origins[member or partner or "Origin not recorded"] += n
    tables["Experts deployed by origin"] = {**{k: f"{n:,}" for k, n in origins.items()},
                                            "Experts deployed": f"{experts:,}"}

    followup = registry.get("followup_results")
    reported = {item: followup.series(list(followup.facts(frame, None, {"item": item}, None)),
                                      True, {"item": item})["FY"].actual or 0
                for item in ("actions", "effects")}
    tables["Reach, evaluation and follow-up"] = {
        "Events held": f"{held.count():,}", "Participants": f"{participants:,}",
        "Women's share of participants": share_text(women / participants),
        "Members reached": f"{reached:,}",
        "Mean evaluation (1-5)": f"{mean_text(cell.actual)} ({rated:,} ratings)",
        "Share of participants invited who rated": share_text(rate),
        "Follow-up actions members reported": f"{reported['actions']:,.0f}",
        "Results members reported (projects, effects)": f"{reported['effects']:,.0f}",
    }

    kpis = []
    for row in compute(plan).rows:
        year = row.columns["FY"]
        kpis.append((row.action.code, present_figure(year.actual, row.measure.unit)))
    return {"figures": figures, "tables": tables, "kpis": kpis}


# --- reading each format --------------------------------------------------------------------


def flat(text: str) -> str:
    """Text compared across formats: without white space and hyphens (the PDF breaks lines
    and hyphenates words where Word and the browser do not)."""
    return re.sub(r"[\s\-\u00ad\u2060]+", "", text or "")


def table_rows(rows: list[list[str]]) -> dict[str, str]:
    """{first cell: the other cells joined by a space}, header row included."""
    return {" ".join(r[0].split()): " ".join(" ".join(r[1:]).split()) for r in rows if r}


def read_docx(content: bytes) -> dict:
    document = Document(io.BytesIO(content))
    body = document.element.body
    headings, sections, tables, current, after = [], defaultdict(list), {}, None, None
    paragraphs = {p._p: p for p in document.paragraphs}
    for element in body.iterchildren():
        if element.tag == qn("w:p"):
            paragraph = paragraphs[element]
            style = paragraph.style.name
            if style.startswith("Heading "):
                current = " ".join(paragraph.text.split())
                headings.append((int(style.split()[1]), current))
                after = current
            elif current is not None:
                sections[current].append(paragraph.text)
        elif element.tag == qn("w:tbl") and after is not None:
            table = next(t for t in document.tables if t._tbl is element)
            tables.setdefault(after, [[c.text for c in row.cells] for row in table.rows])
    figures = {}
    for table in document.tables:
        for cell in table._cells:
            lines = cell.text.split("\n")
            if len(lines) >= 2 and cell.paragraphs[0].runs and cell.paragraphs[0].runs[0].bold:
                figures[" ".join(" ".join(lines[1:]).split())] = lines[0]
    kpi = next(t for t in document.tables if t.rows[0].cells[1].text == "KPI")
    kpis = [(r.cells[0].text.split("\n")[0], r.cells[3].text, r.cells[6].text)
            for r in kpi.rows[1:]]
    return {"headings": headings, "sections": {k: flat(" ".join(v)) for k, v in
                                               sections.items()},
            "tables": {k: table_rows(v) for k, v in tables.items()},
            "figures": figures, "kpis": kpis}


def classed(tree, tag: str, name: str) -> list:
    return tree.xpath(f".//{tag}[contains(concat(' ', @class, ' '), ' {name} ')]")


def read_html(content: bytes) -> dict:
    tree = lxml_html.fromstring(content)
    headings, sections, current = [], defaultdict(list), None
    levels = {"h2": 1, "h3": 2, "h4": 3}
    for element in tree.iter("h2", "h3", "h4", "p"):
        if element.tag in levels:
            if element.getparent().tag == "nav":
                continue
            current = " ".join(element.text_content().split())
            headings.append((levels[element.tag], current))
        elif current is not None:
            sections[current].append(element.text_content())
    tables = {}
    for table in classed(tree, "table", "figures"):
        title = " ".join(table.getprevious().getprevious().text_content().split())
        tables[title] = table_rows([[c.text_content() for c in row.iter("th", "td")]
                                    for row in table.iter("tr")])
    figures = {}
    for cell in classed(tree, "table", "key-figures")[0].iter("td"):
        label = classed(cell, "span", "figure__label")[0].text_content()
        note = classed(cell, "span", "figure__note")
        key = " ".join((label + (" " + note[0].text_content() if note else "")).split())
        figures[key] = classed(cell, "span", "figure__value")[0].text_content()
    kpi = next(t for t in tree.iter("table") if t.find("caption") is not None
               and t.find("caption").text_content().startswith("KPI achievement"))
    kpis = []
    for row in kpi.find("tbody").iter("tr"):
        cells = row.findall("td")
        kpis.append((cells[0].find("strong").text_content(), cells[3].text_content(),
                     cells[6].text_content()))
    return {"headings": headings, "sections": {k: flat(" ".join(v)) for k, v in
                                               sections.items()},
            "tables": tables, "figures": figures, "kpis": kpis}


STATUS = r"On target|Behind target|No target set|No data yet"


def pdf_outline(content: bytes, tmp_path) -> list[tuple[int, str]]:
    path = tmp_path / "report.pdf"
    path.write_bytes(content)
    outline = json.loads(subprocess.run(["qpdf", "--json", "--json-key=outlines", str(path)],
                                        capture_output=True, check=True).stdout)["outlines"]
    found = []

    def walk(items, level):
        for item in items:
            found.append((level, " ".join(item["title"].split())))
            walk(item["kids"], level + 1)
    walk(outline, 1)
    return found


def pdf_body_lines(content: bytes) -> list[list[str]]:
    """Each page's lines without the running header and the page number."""
    text = subprocess.run(["pdftotext", "-layout", "-", "-"], input=content,
                          capture_output=True, check=True).stdout.decode()
    return [[line for line in page.splitlines()
             if line.strip() and line.strip() != HEADER and not re.fullmatch(r"\s*\d+\s*", line)]
            for page in text.split("\f")]


def is_heading_line(line: str, title: str) -> bool:
    """Whether ``line`` is ``title`` or, for a heading on two lines, its first line."""
    if line.startswith(" "):   # headings start at the margin; table rows and figures do not
        return False
    line, title = flat(line), flat(title)
    return line == title or (len(line) > 20 and title.startswith(line))


VALUE = re.compile(r"[\d,.]+(?: \(\d+%\))?|\d+ of \d+|–|no ratings yet")


def read_pdf(content: bytes, tmp_path) -> dict:
    headings = pdf_outline(content, tmp_path)
    pages = pdf_body_lines(content)
    lines = [line for page in pages[2:] for line in page]   # after the cover and contents
    # where each heading starts (in order): the line whose text begins it
    starts, at = [], 0
    for _level, title in headings:
        while not is_heading_line(lines[at], title):
            at += 1
        starts.append(at)
        at += 1
    sections, tables, parts = {}, {}, {}
    for i, (_level, title) in enumerate(headings):
        first = starts[i] + 1
        while not flat(title).endswith(flat(lines[first - 1])):  # a heading on two lines
            first += 1
        end = starts[i + 1] if i + 1 < len(headings) else len(lines)
        part = lines[first:end]
        sections[title], parts[title] = flat(" ".join(part)), part
        # a table row: its label, then (three spaces or more away) its values; a line of one
        # column right under a row at the row's indent carries on the row's label
        rows, indent = [], None
        for line in part:
            cells = re.split(r"\s{3,}", line.strip(), maxsplit=1)
            margin = len(line) - len(line.lstrip())
            if len(cells) == 2:
                rows.append(cells)
                indent = margin
            elif rows and margin == indent:
                rows[-1][0] += " " + cells[0]
            else:
                indent = None
        if rows:
            tables[title] = table_rows(rows)

    figures = {}
    block = lines[next(i for i, line in enumerate(lines) if line == "The year in figures") + 1:]
    block = block[:next(i for i, line in enumerate(block) if not line.startswith(" "))]
    groups, last = [], None
    for line in block:   # a row of figures: a line of values, then their labels and notes
        if all(VALUE.fullmatch(chunk) for chunk in re.findall(r"\S+(?: \S+)*", line)):
            groups.append([line])
        else:
            groups[-1].append(line)
    for group in groups:
        values = [(m.start() + m.end()) / 2 for m in re.finditer(r"\S+(?: \S+)*", group[0])]
        labels = defaultdict(list)
        for line in group[1:]:
            for m in re.finditer(r"\S+(?: \S+)*", line):
                centre = (m.start() + m.end()) / 2
                labels[min(range(len(values)), key=lambda k: abs(values[k] - centre))].append(
                    m.group())
        texts = re.findall(r"\S+(?: \S+)*", group[0])
        for k, value in enumerate(texts):
            figures[" ".join(labels[k])] = value
        last = group

    comment_at, rows = None, []
    chapter = next(t for level, t in headings if level == 1 and "key performance" in t)
    for line in parts[chapter]:
        if re.match(r"^\s?Action\s+KPI\s+Target", line):   # the header, on each page
            comment_at = line.index("Comment")
            continue
        if comment_at is None:
            continue
        found = re.match(rf"^\s?(\d+-\([a-z]+\))\s{{2,}}.*?\s{{2,}}(\S+)\s+(\S+)\s+(–|\d+%)\s+"
                         rf"({STATUS})", line)
        if found:
            rows.append([found.group(1), found.group(3), []])
        if rows:
            rows[-1][2].append(line[comment_at - 2:].strip() if len(line) > comment_at - 2
                               else "")
    kpis = [(code, actual, " ".join(" ".join(comment).split())) for code, actual, comment in rows]
    assert last is not None
    return {"headings": headings, "sections": sections, "tables": tables,
            "figures": figures, "kpis": kpis}


# --- comparing ------------------------------------------------------------------------------


def disagreements(readings: dict[str, dict]) -> list[str]:
    """Every value that is not the same in each reading ({"docx": {key: value}, ...}): a
    line naming the key and what each reading says; a key missing from one is a
    disagreement too."""
    keys = sorted({k for reading in readings.values() for k in reading}, key=str)
    wrong = []
    for key in keys:
        values = {name: reading.get(key, "<missing>") for name, reading in readings.items()}
        if len(set(map(str, values.values()))) != 1:
            wrong.append(f"{key}: " + ", ".join(f"{n} {v!r}" for n, v in values.items()))
    return wrong


def figure_readings(read: dict[str, dict]) -> dict[str, dict]:
    """Each format's key figures, figure tables and KPI actuals, as one flat mapping."""
    out = {}
    for name, found in read.items():
        flat_reading = {("figure", k): v for k, v in found["figures"].items()}
        for title, rows in found["tables"].items():
            if title in TABLES:
                flat_reading.update({(title, label): value for label, value in rows.items()})
        flat_reading.update({("KPI", i, code): actual
                             for i, (code, actual, _note) in enumerate(found["kpis"])})
        out[name] = flat_reading
    return out


TABLES = ("Planned activities delivered", "Members' requests", "Funding by partner",
          "Experts deployed by origin", "Reach, evaluation and follow-up")


def truth_reading(truth: dict) -> dict:
    reading = {("figure", k): v for k, v in truth["figures"].items()}
    for title, rows in truth["tables"].items():
        reading.update({(title, label): value for label, value in rows.items()})
    reading.update({("KPI", i, code): actual for i, (code, actual) in enumerate(truth["kpis"])})
    return reading


@pytest.fixture(scope="module")
def read(three, tmp_path_factory):
    needs("pdftotext")
    needs("qpdf")
    files = three["files"]
    return {"docx": read_docx(files["docx"]),
            "pdf": read_pdf(files["pdf"], tmp_path_factory.mktemp("pdf")),
            "html": read_html(files["html"])}


def test_every_figure_agrees_in_the_three_formats_and_with_one_truth(three, read):
    readings = figure_readings(read)
    for reading in readings.values():   # header rows are not figures
        for key in [k for k in reading if k[0] in TABLES and k[1] in (
                "Pillar", "Requests", "Partner", "Origin", "Figure")]:
            del reading[key]
    truth = truth_reading(three["truth"])
    assert len(truth) > 60 + 8 + 30
    assert not disagreements({**readings, "one truth": truth}), "\n".join(
        disagreements({**readings, "one truth": truth}))
    report = three["report"]
    assert [t.title for t in report.tables] == list(TABLES)
    assert sum(1 for k in truth if k[0] == "KPI") == len(report.kpis) == 60


def test_every_heading_is_in_the_three_formats(three, read):
    report = three["report"]
    found = {name: {i: h for i, h in enumerate(r["headings"])} for name, r in read.items()}
    assert not disagreements(found), "\n".join(disagreements(found))
    headings = read["docx"]["headings"]
    assert [t for level, t in headings if level == 1] == list(report.chapters.values())
    assert sum(1 for level, _t in headings if level == 3) == sum(
        len(p.actions) for p in report.pillars)
    assert (2, "Planned activities delivered") in headings and (1, "Foreword") in headings


def test_the_offices_words_are_in_the_three_formats(three, read):
    words = three["report"].words
    expected = {
        "Foreword": flat(FOREWORD + "Ms Ana Head Head of the Regional Office"),
        "Challenges and lessons learned": flat(CHALLENGES),
        "The way forward": flat(WAY_FORWARD),
    }
    pillar_one = next(h for _l, h in read["docx"]["headings"] if h.startswith("Pillar 1:"))
    found = {}
    for name, reading in read.items():
        sections = {title.split(". ", 1)[-1]: text for title, text in
                    reading["sections"].items()}
        found[name] = {key: sections.get(key) for key in expected}
        # the pillar's own words come before the line the report writes ("80 events were ...")
        found[name]["pillar 1"] = re.split(r"\d+events?(?:was|were)heldunder",
                                           reading["sections"][pillar_one])[0]
        found[name]["KPI comments"] = [note for _c, _a, note in reading["kpis"]]
    notes = [r.note for r in three["report"].kpis]
    assert any(notes) and words.foreword and words.head_name == "Ms Ana Head"
    found["typed"] = {**expected, "pillar 1": flat(PILLAR_ONE), "KPI comments": notes}
    assert not disagreements(found), "\n".join(disagreements(found))


def test_a_renderer_printing_its_own_figure_is_caught(three, read):
    """The planted fault: the web page rendered from data with one table cell and one KPI
    actual changed; comparing it with the Word and PDF readings names exactly those two."""
    report = copy.deepcopy(three["report"])
    requests = next(t for t in report.tables if t.key == "requests")
    received = next(r for r in requests.rows if r.key == "received")
    count = int(received.cells[1].replace(",", ""))
    received.cells[1] = str(count + 1)
    report.kpis[5].actual = "999"
    faulty = read_html(render_annual_html(report).encode())
    readings = figure_readings({"docx": read["docx"], "pdf": read["pdf"], "html": faulty})
    wrong = disagreements(readings)
    assert len(wrong) == 2, wrong
    kpi = next(w for w in wrong if w.startswith("('KPI', 5, "))
    assert f"docx '{three['report'].kpis[5].actual}'" in kpi and "html '999'" in kpi
    received = next(w for w in wrong if "'Requests received'" in w)
    assert f"docx '{count:,}'" in received and f"html '{count + 1}'" in received
    # and the comparison itself: a missing key counts, equal readings give nothing
    assert disagreements({"a": {"x": "1"}, "b": {"x": "1"}}) == []
    assert disagreements({"a": {"x": "1"}, "b": {}}) == ["x: a '1', b '<missing>'"]


# --- typography -----------------------------------------------------------------------------


def headings_at_page_foot(content: bytes, tmp_path) -> list[str]:
    """Headings (the PDF's outline) that begin in the last three lines of a page whose text
    goes on on the next page: a heading, or a heading and the line that leads in, left at
    the foot while what they introduce starts overleaf."""
    titles = [title for _level, title in pdf_outline(content, tmp_path)]
    pages = pdf_body_lines(content)
    stranded = []
    for number, page in enumerate(pages[2:-1], start=3):
        following = pages[number]
        if not following or any(is_heading_line(following[0], t) for t in titles):
            continue   # the next page begins with a heading of its own: nothing was parted
        for line in page[-3:]:
            stranded += [f"page {number}: {t}" for t in titles if is_heading_line(line, t)]
    return stranded


def test_no_heading_ends_a_pdf_page(three, tmp_path):
    needs("pdftotext")
    needs("qpdf")
    assert headings_at_page_foot(three["files"]["pdf"], tmp_path) == []


def keeps(paragraph) -> bool:
    """Whether Word keeps this paragraph with the next (its own setting or its style's)."""
    if paragraph.paragraph_format.keep_with_next is not None:
        return paragraph.paragraph_format.keep_with_next
    style = paragraph.style
    while style is not None:
        if style.paragraph_format.keep_with_next is not None:
            return style.paragraph_format.keep_with_next
        style = style.base_style
    return False


def test_word_keeps_headings_and_table_introductions_with_what_follows(three):
    document = Document(io.BytesIO(three["files"]["docx"]))
    for name in ("Heading 1", "Heading 2", "Heading 3"):
        assert document.styles[name].paragraph_format.keep_with_next is True, name
    paragraphs = {p._p: p for p in document.paragraphs}
    before, loose = None, []
    for element in document.element.body.iterchildren():
        if element.tag == qn("w:tbl") and before is not None and before.text.strip():
            if not keeps(before):
                loose.append(before.text[:60])
        if element.tag == qn("w:p"):
            before = paragraphs[element]
    headings = [p for p in document.paragraphs if p.style.name.startswith("Heading")]
    assert headings and all(keeps(p) for p in headings)
    assert loose == []
