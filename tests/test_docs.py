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


# --- docs/kpis.md "Figures" and docs/delivery.md "Who sees which figure" -------------------

SRC = ROOT / "src" / "workplan"


def _section(doc: str, heading: str) -> str:
    text = (ROOT / "docs" / doc).read_text()
    assert f"## {heading}\n" in text, f"docs/{doc} has no section {heading!r}"
    return text.split(f"## {heading}\n")[1].split("\n## ")[0]


def _defined(name: str):
    """The object a name of the Figures table stands for: ``Class.method`` of a queryset of
    delivery, or a function of ``core.figures``."""
    from workplan.core import figures
    from workplan.delivery import querysets

    if "." in name:
        owner, method = name.split(".")
        return getattr(getattr(querysets, owner), method, None)
    return getattr(figures, name, None)


def test_every_figure_is_defined_once_and_used():
    section = _section("kpis.md", "Figures")
    rows = [line for line in section.splitlines() if line.startswith("| ") and "`" in line]
    assert len(rows) >= 9, "the Figures table lists participant, woman participant, ..."
    sources = {path: path.read_text() for path in SRC.rglob("*.py")}
    sources.update({path: path.read_text() for path in SRC.rglob("*.html")})
    for row in rows:
        figure, _what, computed_by = [cell.strip() for cell in row.strip("|").split("|")]
        names = re.findall(r"`([A-Za-z_.]+)`", computed_by)
        assert names, f"{figure}: no method named"
        for name in names:
            defined = _defined(name)
            assert defined is not None, f"{figure}: {name} is not defined"
            short = name.split(".")[-1]
            home = Path(defined.__code__.co_filename).resolve()
            users = [path for path, text in sources.items()
                     if path.resolve() != home and re.search(rf"\b{short}\b", text)]
            assert users, f"{figure}: {name} is used nowhere but where it is defined"


def test_who_sees_which_figure_is_what_the_pages_say():
    from workplan.delivery.api import EventSerializer

    section = _section("delivery.md", "Who sees which figure")
    fields = set(re.findall(r"`([a-z_]+_count)`", section))
    assert fields >= {"participant_count", "women_count", "resource_person_count",
                      "absent_count"}
    assert fields <= set(EventSerializer.Meta.fields), fields - set(EventSerializer.Meta.fields)
    code = "".join(path.read_text() for pattern in ("*.html", "*.py")
                   for path in SRC.rglob(pattern))
    quotes = re.findall(r'\("([^"]+)"\)', section)
    assert quotes
    for quoted in quotes:
        # "N" and "X" stand for a number and a name the page fills in
        for words in re.split(r"\b[NX]\b", quoted):
            assert words.strip() in code, f"docs/delivery.md quotes {quoted!r}: nothing says it"
