"""Reading a plan from Word: the plan's own Word export imports back to the same plan; a
document edited by hand imports with its edits; bad documents are refused with the place."""

import copy
import io
import shutil
import subprocess
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from docx import Document
from docx.oxml import OxmlElement
from docx.oxml.ns import qn

from workplan.core.models import Role
from workplan.plans.export import export_plan
from workplan.plans.models import Activity, PlanRevision, WorkPlan
from workplan.plans.services import PlanImportError, import_plan, read_plan
from workplan.plans.snapshot import document_from_db
from workplan.plans.textplan.parser import PlanSyntaxError

pytestmark = pytest.mark.django_db


@pytest.fixture
def seed_docx(seed_plan):
    return export_plan(seed_plan, "docx")[2]


def docx_bytes(document) -> bytes:
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def test_word_export_imports_back_to_the_same_plan(seed_plan, seed_docx, office):
    assert read_plan(seed_docx, office).as_json() == document_from_db(seed_plan).as_json()
    report = import_plan(seed_docx, office, source_name="awp.docx")
    assert report.outcome == "unchanged"
    # and as a new plan: the same canonical JSON
    WorkPlan.objects.filter(pk=seed_plan.pk).update(period="2031-2032")
    again = import_plan(seed_docx, office, source_name="awp.docx").work_plan
    assert document_from_db(again).as_json() == {
        **document_from_db(seed_plan).as_json(), "period": "2024-2025"}
    assert PlanRevision.objects.filter(work_plan=again, event="imported").exists()


def _set_cell(cell, paragraphs: list[str], style: str | None = None) -> None:
    for p in list(cell.paragraphs)[1:]:
        p._p.getparent().remove(p._p)
    cell.paragraphs[0].text = paragraphs[0]
    for text in paragraphs[1:]:
        cell.add_paragraph(text, style=style)


def hand_edited(seed_docx: bytes):
    """The Word export with a cell reworded, a row added (Word list bullets, a See-also on
    its own line, KPIs a paragraph each) and a row continuing it (action cell merged down)."""
    document = Document(io.BytesIO(seed_docx))
    table = document.tables[0]
    # a cell reworded
    first = table.rows[1].cells[0]
    _set_cell(first, ["a) Upon request, assist Members with the Risk Management Compendium "
                      "(RSP 1.1.1 – 1st milestone)"])
    # a row added at the end: Word list bullets, a See-also on its own line, KPIs a paragraph each
    row = table.add_row()
    _set_cell(row.cells[0], ["zz) Promote paperless trade", "(RSP 1.1.1 – 2nd milestone)"])
    _set_cell(row.cells[1], ["National workshop on paperless trade for Fiji",
                             "(See also 1-(a))", "Regional meeting on paperless trade"])
    for p in row.cells[1].paragraphs:
        if not p.text.startswith("(See"):
            p.style = document.styles["List Bullet"]
    _set_cell(row.cells[2], ["Number of Members", "Number of workshops"])
    # a continued row: the action cell merged down from the row above
    extra = copy.deepcopy(row._tr)
    table._tbl.append(extra)
    tcs = extra.findall(qn("w:tc"))
    for tc in tcs:
        for p in tc.findall(qn("w:p"))[1:]:
            tc.remove(p)
        for t in tc.iter(qn("w:t")):
            t.text = ""
    tcs[1].find(qn("w:p")).append(_run("\u27a4 Sub-regional workshop on paperless trade"))
    for tr, value in ((row._tr, "restart"), (extra, None)):
        tc_pr = tr.findall(qn("w:tc"))[0].get_or_add_tcPr()
        merge = OxmlElement("w:vMerge")
        if value:
            merge.set(qn("w:val"), value)
        tc_pr.append(merge)
    return document


def assert_edits_read(plan: dict) -> None:
    actions = {a["code"]: a for p in plan["pillars"] for a in p["actions"]}
    assert actions["1-(a)"]["text"] == ("Upon request, assist Members with the Risk Management "
                                        "Compendium")
    added = actions["1-(zz)"]
    assert added["rsp_refs"] == [{"objective": "1.1.1", "milestones": [2]}]
    assert added["kpis"] == ["Number of Members", "Number of workshops"]
    assert added["activities"] == ["National workshop on paperless trade for Fiji",
                                   "Regional meeting on paperless trade",
                                   "Sub-regional workshop on paperless trade"]
    fiji = next(a for a in plan["activities"]
                if a["title"] == "National workshop on paperless trade for Fiji")
    assert fiji["actions"] == ["1-(a)", "1-(zz)"] and fiji["members"] == ["FJI"]


def test_a_document_edited_by_hand_imports_with_its_edits(seed_plan, seed_docx, office):
    document = hand_edited(seed_docx)
    assert_edits_read(read_plan(docx_bytes(document), office).as_json())
    report = import_plan(docx_bytes(document), office, source_name="edited.docx")
    assert report.outcome == "updated"
    assert Activity.objects.filter(work_plan=seed_plan,
                                   title="Regional meeting on paperless trade").exists()


def test_a_document_saved_by_libreoffice_reads_the_same(seed_plan, seed_docx, office,
                                                          tmp_path):
    """LibreOffice rewrites the whole document (its own tables, merges and list numbering):
    the edited plan saved by LibreOffice Writer reads as the same plan."""
    if shutil.which("soffice") is None:  # under CI (WORKPLAN_NO_SKIP) a skip fails
        pytest.skip("soffice (LibreOffice) is not installed")
    source = tmp_path / "in" / "awp.docx"
    source.parent.mkdir()
    edited = docx_bytes(hand_edited(seed_docx))
    source.write_bytes(edited)
    subprocess.run(["soffice", f"-env:UserInstallation=file://{tmp_path / 'profile'}",
                    "--headless", "--convert-to", "docx:MS Word 2007 XML", "--outdir",
                    str(tmp_path), str(source)], check=True, capture_output=True, timeout=300)
    saved = (tmp_path / "awp.docx").read_bytes()
    assert saved != edited
    plan = read_plan(saved, office).as_json()
    assert plan == read_plan(edited, office).as_json()
    assert_edits_read(plan)


def _run(text):
    run = OxmlElement("w:r")
    t = OxmlElement("w:t")
    t.text = text
    run.append(t)
    return run


def _refused(data: bytes, office, match: str) -> None:
    before = WorkPlan.objects.count()
    with pytest.raises(PlanSyntaxError, match=match):
        import_plan(data, office)
    assert WorkPlan.objects.count() == before


def test_bad_documents_are_refused_with_the_place(seed_plan, seed_docx, office):
    letter = Document()
    letter.add_paragraph("Dear colleagues, please find the plan attached.")
    _refused(docx_bytes(letter), office, "no table of three columns")

    wide = Document()
    wide.add_paragraph("ROCB A/P Annual Work Plan (2025-2026)")
    wide.add_paragraph("1. Support the implementation")
    table = wide.add_table(rows=1, cols=4)
    table.rows[0].cells[0].text = "a) An action"
    _refused(docx_bytes(wide), office, "table 1 has 4 columns")

    _refused(seed_docx[: len(seed_docx) // 2], office, "not a Word document|damaged")
    _refused(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, office, r"old Word \.doc")
    not_word = io.BytesIO()
    with zipfile.ZipFile(not_word, "w") as archive:
        archive.writestr("hello.txt", "hello")
    _refused(not_word.getvalue(), office, "not a Word document")

    twice = Document(io.BytesIO(seed_docx))
    rows = twice.tables[0].rows
    _set_cell(rows[2].cells[0], ["a) The same letter again (RSP 1.1.1 – 1st milestone)"])
    with pytest.raises(PlanImportError) as refused:
        import_plan(docx_bytes(twice), office)
    assert str(refused.value) == "table 1, row 3: action 1-(a) appears twice"

    merged = Document(io.BytesIO(seed_docx))
    cells = merged.tables[0].rows[1].cells
    cells[1].merge(cells[2])
    _refused(docx_bytes(merged), office, "table 1, row 2: cells merged across columns")


def test_command_line_and_upload_read_word(seed_docx, office, tmp_path, client, make_user):
    path = tmp_path / "awp.docx"
    path.write_bytes(seed_docx)
    out = io.StringIO()
    call_command("import_plan", str(path), "--dry-run", stdout=out)
    assert "55 actions" in out.getvalue()
    broken = tmp_path / "broken.docx"
    broken.write_bytes(seed_docx[:2000])
    with pytest.raises(CommandError, match="broken.docx: .*nothing was imported"):
        call_command("import_plan", str(broken))
    client.force_login(make_user(Role.ADMIN))
    response = client.post("/plans/import/", {"office": office.pk, "preview": "1", "file":
                           SimpleUploadedFile("awp.docx", seed_docx, "application/octet-stream")})
    assert response.status_code == 200
    assert "unchanged" in response.content.decode()


def test_a_reference_to_an_objective_the_strategic_plan_does_not_hold_is_refused(
        seed_plan, seed_docx, office):
    """Once the RSP holds objectives, a citation of another code is a mistake named by its
    action, in Word and in text; adding the objective (Regional strategic plans) lets it in."""
    from workplan.framework.models import Objective
    from workplan.plans.export import export_plan as export

    wrong = Document(io.BytesIO(seed_docx))
    _set_cell(wrong.tables[0].rows[1].cells[0],
              ["a) Assist Member's effort in risk management (RSP 9.9.9 – 1st milestone)"])
    objectives = Objective.objects.count()
    with pytest.raises(PlanImportError) as refused:
        import_plan(docx_bytes(wrong), office, period="2025-2026")
    assert "action 1-(a) cites RSP 9.9.9: not an objective of" in str(refused.value)
    assert "Regional strategic plans" in str(refused.value)
    assert WorkPlan.objects.filter(period="2025-2026").count() == 0
    assert Objective.objects.count() == objectives  # nothing created

    text = export(seed_plan, "txt")[2].replace(b"RSP 1.1.2", b"RSP 7.7", 1)
    with pytest.raises(PlanImportError, match=r"action 1-\(\w+\) \(line \d+\) cites RSP 7\.7"):
        import_plan(text, office, period="2025-2026")

    Objective.objects.create(strategic_plan=seed_plan.strategic_plan, code="9.9.9")
    report = import_plan(docx_bytes(wrong), office, period="2025-2026")
    assert report.work_plan.actions.get(code="1-(a)").objectives.get().code == "9.9.9"
