"""Plan exports, opened by their real readers, in a fixed number of queries."""

import io
import json

import pytest
from django.core.management import CommandError, call_command
from docx import Document
from openpyxl import load_workbook

from workplan.directory.querysets import member_index
from workplan.plans.export import export_plan
from workplan.plans.models import WorkPlan
from workplan.plans.services import import_plan
from workplan.plans.textplan.synthetic import scaled_plan_text

pytestmark = pytest.mark.django_db


def fresh(plan):
    return WorkPlan.objects.select_related("office__region").get(pk=plan.pk)


def test_json_is_the_canonical_shape(seed_plan, tmp_path):
    out = tmp_path / "plan.json"
    call_command("export_plan", "2024-2025", "--format", "json", "-o", str(out))
    plan = json.loads(out.read_text())
    assert set(plan) == {"title", "period", "office", "pillars", "activities", "warnings"}
    action = plan["pillars"][0]["actions"][0]
    assert set(action) == {"code", "letter", "text", "rsp_refs", "rocb_specific",
                           "upon_request", "kpis", "activities"}
    assert set(plan["activities"][0]) == {"title", "kind", "members", "actions"}
    assert set(plan["warnings"][0]) == {"code", "where", "message"}


def test_text_goes_to_stdout(seed_plan, capsys):
    call_command("export_plan", "2024-2025", "--format", "txt")
    out = capsys.readouterr().out
    assert out.startswith("ROCB A/P Annual Work Plan (2024-2025)\n")
    assert "1-(ll)" not in out  # codes are written as letters under their pillar
    assert "\nll) Upon request, assist Members in implementing 'Smart Customs'" in out


def test_word_annex_has_a_table_per_pillar(seed_plan, tmp_path):
    out = tmp_path / "plan.docx"
    call_command("export_plan", "2024-2025", "--format", "docx", "-o", str(out))
    doc = Document(str(out))
    headings = [p.text for p in doc.paragraphs if p.style.name.startswith("Heading")]
    assert headings[0] == "ROCB A/P Annual Work Plan (2024-2025)"
    assert headings[1].startswith("1. Support the implementation")
    assert [len(t.rows) for t in doc.tables] == [39, 3, 13, 4]
    first = doc.tables[0]
    assert first.style.name == "Table Grid"
    assert first.rows[0].cells[2].text == "RSP Key Performance Indicator"
    assert first.rows[0]._tr.trPr.xml.count("tblHeader") == 1  # repeats on every page
    assert first.rows[1].cells[0].text.startswith("a) Upon request, assist Member's effort")
    assert "(RSP 1.1.1 \u2013 1st milestone)" in first.rows[1].cells[0].text
    kpis = doc.tables[2].rows[11].cells[2].text  # 3-(k)
    assert kpis.startswith("(1) Number of expert exchanges")


def test_excel_has_a_row_per_link(seed_plan, tmp_path):
    out = tmp_path / "plan.xlsx"
    call_command("export_plan", "2024-2025", "--format", "xlsx", "-o", str(out))
    sheet = load_workbook(out).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("Pillar", "Action", "Action text")
    body = rows[1:]
    linked = [r for r in body if r[6]]
    assert len(linked) == 167
    assert sorted(r[1] for r in body if not r[6]) == ["3-(g)", "3-(h)", "3-(i)", "3-(j)"]
    iran = [r for r in linked if r[6] == "National workshop on Risk Management for Iran"]
    assert [r[1] for r in iran] == ["1-(a)", "1-(b)", "1-(c)", "1-(dd)", "1-(hh)"]
    assert [r[9] for r in iran] == ["listed + See also"] * 4 + ["See also"]


def test_excel_neutralises_formulas(office):
    text = ("Plan (2024-2025)\n\n1. Pillar\n\nSpecific Actions (Relevance to RSP 2024-2026)\tb\tc\n"
            "a) Do a thing (RSP 1.1.1)\t"
            "\u27a4 =HYPERLINK(\"http://x\") workshop\t=cmd|' /C calc'!A0\n")
    plan = import_plan(text.encode(), office).work_plan
    sheet = load_workbook(io.BytesIO(export_plan(fresh(plan), "xlsx")[2])).active
    kpi = sheet.cell(row=2, column=6)
    assert kpi.value == "=cmd|' /C calc'!A0"
    assert kpi.data_type == "s" and kpi.quotePrefix


def test_binary_formats_need_an_output_file(seed_plan):
    with pytest.raises(CommandError, match="-o"):
        call_command("export_plan", "2024-2025", "--format", "docx")


def test_unknown_plan_or_office_is_a_clear_error(seed_plan):
    with pytest.raises(CommandError, match=r"no work plan for 2030-2031 \(plans: 2024-2025\)"):
        call_command("export_plan", "2030-2031")
    with pytest.raises(CommandError, match="no office with code 'XX'"):
        call_command("export_plan", "2024-2025", "--office", "XX")


@pytest.mark.parametrize("fmt", ["json", "txt", "xlsx", "docx"])
def test_export_queries_do_not_grow_with_the_plan(seed_plan, office, fmt,
                                                  django_assert_num_queries):
    bigger = import_plan(scaled_plan_text(3, member_index(office.region)).encode(), office,
                         period="2025-2026").work_plan
    assert bigger.actions.count() == 3 * seed_plan.actions.count()
    for plan in (fresh(seed_plan), fresh(bigger)):
        with django_assert_num_queries(10):
            export_plan(plan, fmt)
