"""Import is atomic, idempotent, updates in place, and refuses bad input without writing."""

import json

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command

from workplan.plans import services
from workplan.plans.export import export_plan
from workplan.plans.models import Action, Activity, ImportRun, WorkPlan
from workplan.plans.services import import_plan
from workplan.plans.textplan.parser import PlanSyntaxError

pytestmark = pytest.mark.django_db


def table_counts() -> dict:
    """Rows in every table of the project: 'nothing changed' means all of these."""
    return {m._meta.label: m.objects.count() for m in apps.get_models()
            if m._meta.app_label in {"directory", "framework", "plans", "indicators", "core"}}


def test_reimporting_the_same_file_changes_nothing(seed_plan, office, seed_bytes):
    before = table_counts()
    modified = dict(Action.objects.values_list("pk", "modified"))
    report = import_plan(seed_bytes, office, source_name="again.txt")
    assert report.outcome == "unchanged" and report.changes == []
    assert table_counts() == before
    assert dict(Action.objects.values_list("pk", "modified")) == modified


def edited(seed_bytes: bytes) -> bytes:
    text = seed_bytes.decode()
    text = text.replace("Number of Members MRA", "Number of Members with an MRA")
    text = text.replace("\u27a4 National Workshop on Integrity for Bhutan ",
                        "\u27a4 National Workshop on Integrity for Bhutan and Nepal ")
    text += ("\nmm) Upon request, assist Members with a new thing (RSP 1.3.1 \u2013 2nd milestone)"
             "\t\u27a4 National workshop on the new thing for Tonga\tNumber of Members")
    return text.encode()


def test_edited_file_updates_in_place_and_says_what_changed(seed_plan, office, seed_bytes):
    keep = Action.objects.get(work_plan=seed_plan, code="1-(a)")
    report = import_plan(edited(seed_bytes), office, source_name="edited.txt")
    assert report.outcome == "updated"
    text = "\n".join(report.changes)
    assert "changed action 1-(e): kpis" in text
    assert "added action 4-(mm)" in text
    assert 'added activity "National Workshop on Integrity for Bhutan and Nepal"' in text
    assert 'removed activity "National Workshop on Integrity for Bhutan"' in text
    assert Action.objects.get(work_plan=seed_plan, code="1-(a)").pk == keep.pk
    assert WorkPlan.objects.count() == 1
    plan = json.loads(export_plan(seed_plan, "json")[2])
    codes = [a["code"] for p in plan["pillars"] for a in p["actions"]]
    assert codes[-1] == "4-(mm)" and len(codes) == 56
    run = ImportRun.objects.latest("created")
    assert run.outcome == "updated" and run.changes == report.changes


def test_dry_run_writes_nothing(office, seed_bytes):
    before = table_counts()
    report = import_plan(seed_bytes, office, dry_run=True)
    assert report.outcome == "created" and report.counts["activities"] == 76
    assert table_counts() == before


def test_failure_while_writing_leaves_the_database_unchanged(seed_plan, office, seed_bytes,
                                                             monkeypatch):
    before = table_counts()
    original = json.loads(export_plan(seed_plan, "json")[2])

    def crash(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(services, "_write_links", crash)
    with pytest.raises(RuntimeError):
        import_plan(edited(seed_bytes), office)
    assert table_counts() == before
    assert json.loads(export_plan(seed_plan, "json")[2]) == original


BAD_INPUTS = {
    "empty": (b"", None, "empty"),
    "blank": (b"\n \n\t\n", None, "empty"),
    "binary": (b"\x89PNG\x1a\x00\x00binary", 1, "binary"),
    # a zip is read as a Word document (.docx): this one is none
    "zip, not Word": (b"PK\x03\x04\x00\x00binary", None, "not a Word document"),
    "undecodable": ("1. Pillar\n\na) Caf\u00e9 ok\tx\ty\n".encode() + b"\xff\xfe oops\n", 4,
                    "not valid UTF-8"),
    "not a plan": (b"Dear colleagues,\nplease find attached the minutes.\n", None,
                   "does not look like a work plan"),
    "row before pillar": (b"Title (2024-2025)\na) text\tactivity\tkpi\n", 2,
                          "before any pillar"),
}


@pytest.mark.parametrize("name", BAD_INPUTS)
def test_bad_input_is_refused_with_its_line(office, name):
    data, line, words = BAD_INPUTS[name]
    before = table_counts()
    with pytest.raises(PlanSyntaxError) as error:
        import_plan(data, office)
    assert error.value.line == line
    assert words in str(error.value)
    assert table_counts() == before


@pytest.mark.parametrize("line, cell", [(21, 0), (21, 1), (86, 1), (149, 0), (149, 1)])
def test_file_cut_off_mid_row_is_refused(office, seed_bytes, line, cell):
    """The file ends inside the action cell or the activities cell of a row."""
    lines = seed_bytes.decode().split("\n")
    cells = lines[line - 1].split("\t")
    kept = "\t".join(cells[:cell] + [cells[cell][: len(cells[cell]) // 2]])
    truncated = "\n".join(lines[: line - 1] + [kept])
    before = table_counts()
    with pytest.raises(PlanSyntaxError) as error:
        import_plan(truncated.encode(), office)
    assert error.value.line == line
    assert "cut off" in str(error.value)
    assert table_counts() == before


def test_cli_reports_counts_and_warnings_with_lines(office, tmp_path, capsys):
    path = tmp_path / "plan.txt"
    from workplan.plans.textplan.synthetic import sample_bytes

    path.write_bytes(sample_bytes())
    call_command("import_plan", str(path), "--dry-run")
    out = capsys.readouterr().out
    assert "would create" in out
    assert "4 pillars, 55 actions (38, 2, 12, 3), 60 KPIs, 76 activities, 167" in out
    assert 'line 8: [unknown-member]' in out and '"Guinea"' in out
    assert "Dry run: nothing was written." in out
    assert not WorkPlan.objects.exists()
    call_command("import_plan", str(path))
    assert WorkPlan.objects.get().office == office
    assert Activity.objects.count() == 76


def test_cli_errors_name_the_file_and_line(office, tmp_path):
    path = tmp_path / "broken.txt"
    path.write_bytes(b"Plan (2024-2025)\n\n1. Pillar one\n\na) Upon request, do things")
    with pytest.raises(CommandError, match=r"broken.txt: line 5: .*cut off.*nothing was imported"):
        call_command("import_plan", str(path))
    with pytest.raises(CommandError, match="no office with code 'NOPE'"):
        call_command("import_plan", str(path), "--office", "NOPE")
    with pytest.raises(CommandError, match="no such file"):
        call_command("import_plan", str(tmp_path / "missing.txt"))
    assert not WorkPlan.objects.exists()


def test_rsp_references_need_a_strategic_plan(office):
    text = b"Plan (2024-2025)\n\n1. Pillar\n\na) Do a thing (RSP 1.1.1)\tx\tNumber\n"
    with pytest.raises(PlanSyntaxError, match="names no strategic plan"):
        import_plan(text, office, dry_run=True)
    assert not WorkPlan.objects.exists()
