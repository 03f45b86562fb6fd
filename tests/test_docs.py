"""The documentation's commands exist and its sample output is what the commands print."""

import re
from pathlib import Path

import pytest
from django.core.management import call_command, get_commands

ROOT = Path(__file__).resolve().parent.parent
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]


def test_every_documented_command_exists():
    commands = set(get_commands())
    named = {m for doc in DOCS for m in re.findall(r"\bworkplan ([a-z_]+)", doc.read_text())}
    assert {"import_plan", "export_plan", "setup"} <= named
    assert named <= commands, named - commands


def test_documented_links_resolve():
    for doc in DOCS:
        for target in re.findall(r"\]\(([^)#:]+)\)", doc.read_text()):
            assert (doc.parent / target).exists(), f"{doc.name} links to missing {target}"


@pytest.mark.django_db
def test_documented_import_report_is_what_import_prints(tmp_path, capsys):
    from workplan.plans.textplan.synthetic import sample_bytes

    path = tmp_path / "plan.txt"
    path.write_bytes(sample_bytes())
    call_command("import_plan", str(path))
    printed = capsys.readouterr().out.splitlines()
    doc = (ROOT / "docs" / "importing-plans.md").read_text()
    block = doc.split("Counts first,")[1].split("| code |")[0]
    shown = [line.strip() for line in block.splitlines() if line.startswith("      ")
             or line.startswith("    ROCB")]
    assert shown, "the sample report is missing from docs/importing-plans.md"
    for line in shown:
        if line == "...":
            continue
        if "..." in line:
            head, _, tail = line.partition("...")
            assert any(p.strip().startswith(head.strip()) for p in printed), line
        else:
            assert line in [p.strip() for p in printed], line
