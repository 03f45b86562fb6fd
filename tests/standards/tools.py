"""The standards' own validators, as the tests call them.

The npm ones live in ``tools/validators/node_modules`` (``make install-test`` runs ``npm ci``
there from the committed package-lock.json); the Nu HTML Checker needs Java (Debian's
``default-jre-headless``); ``qpdf`` is Debian's. When one is missing the test skips saying
how to install it; under CI (WORKPLAN_NO_SKIP=1, tests/conftest.py) a skip is a failure, so
a missing validator can never pass for a clean result.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
VALIDATORS = ROOT / "tools" / "validators"
NODE_MODULES = VALIDATORS / "node_modules"
VNU_JAR = NODE_MODULES / "vnu-jar" / "build" / "dist" / "vnu.jar"
AXE_JS = NODE_MODULES / "axe-core" / "axe.min.js"
REDOCLY = NODE_MODULES / "@redocly" / "cli" / "bin" / "cli.js"
ICAL_JS = NODE_MODULES / "ical.js" / "dist" / "ical.js"
INSTALL = "run `make install-test` (npm ci in tools/validators)"


def need(path: Path, what: str) -> Path:
    if not path.exists():
        pytest.skip(f"{what} is not installed at {path.relative_to(ROOT)}: {INSTALL}")
    return path


def need_tool(name: str, package: str) -> str:
    found = shutil.which(name)
    if found is None:
        pytest.skip(f"`{name}` is not installed: apt-get install {package} (.ci/run does)")
    return found


def run(cmd: list[str], **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(cmd, capture_output=True, text=True, cwd=VALIDATORS, timeout=600,
                          **kwargs)


# --- iCalendar -----------------------------------------------------------------------------


def icalendar_problems(content: bytes) -> list[str]:
    """What the ``icalendar`` package finds, parsing strictly: any property it could not
    parse (it records those in ``errors`` instead of raising), a relative URL, a VEVENT
    without UID, DTSTAMP or DTSTART."""
    from urllib.parse import urlsplit

    from icalendar import Calendar

    problems = []
    try:
        calendars = Calendar.from_ical(content, multiple=True)
    except ValueError as error:
        return [f"icalendar cannot parse it: {error}"]
    if len(calendars) != 1:
        problems.append(f"{len(calendars)} VCALENDAR objects")
    for calendar in calendars:
        for component in calendar.walk():
            problems += [f"{component.name}: {name}: {error}" for name, error in component.errors]
        for event in calendar.walk("VEVENT"):
            uid = event.get("UID")
            for name in ("UID", "DTSTAMP", "DTSTART"):
                if name not in event:
                    problems.append(f"{uid}: no {name}")
            url = event.get("URL")
            if url is not None:
                parts = urlsplit(str(url))
                if not (parts.scheme and parts.netloc):
                    problems.append(f"{uid}: URL {url} is not an absolute URI")
    return problems


def icaljs_problems(files: list[Path]) -> dict[str, list[str]]:
    """What ical.js (tools/validators/check-ical.mjs) finds, per file."""
    need(ICAL_JS, "ical.js")
    done = run(["node", "check-ical.mjs", *map(str, files)])
    try:
        return json.loads(done.stdout)
    except json.JSONDecodeError:
        raise AssertionError(f"check-ical.mjs failed: {done.stderr or done.stdout}") from None


# --- OpenAPI -------------------------------------------------------------------------------


def redocly_problems(schema_path: Path) -> dict:
    """Redocly CLI's lint of an OpenAPI file with the committed rule set
    (tools/validators/redocly.yaml): ``{"totals": {...}, "problems": [...]}``."""
    import os

    need(REDOCLY, "Redocly CLI")
    env = dict(os.environ, REDOCLY_TELEMETRY="off", REDOCLY_SUPPRESS_UPDATE_NOTICE="true",
               NO_COLOR="1")
    done = run(["node", str(REDOCLY), "lint", str(schema_path), "--config", "redocly.yaml",
                "--format", "json", "--max-problems", "1000"], env=env)
    try:
        return json.loads(done.stdout)
    except json.JSONDecodeError:
        raise AssertionError(f"redocly lint failed: {done.stderr or done.stdout}") from None


def openapi_spec_problems(schema: dict) -> list[str]:
    """Every error openapi-spec-validator finds (OpenAPI 3.0 meta-schema and its checks)."""
    from openapi_spec_validator import OpenAPIV30SpecValidator

    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}"
            for e in OpenAPIV30SpecValidator(schema).iter_errors()]


# --- Word and PDF --------------------------------------------------------------------------


def docx_pictures_without_alt(content: bytes) -> list[str]:
    """The pictures of a DOCX (every ``wp:docPr`` of a drawing, inline or floating) whose
    alternative text (``descr``) is missing or blank, by their name."""
    import io
    import zipfile

    from lxml import etree

    wp = "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"
    missing = []
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        parts = [n for n in archive.namelist()
                 if n.startswith("word/") and n.endswith(".xml") and "/_rels/" not in n]
        for name in parts:
            root = etree.fromstring(archive.read(name))
            for doc_pr in root.iter(f"{{{wp}}}docPr"):
                if not (doc_pr.get("descr") or "").strip():
                    missing.append(f"{name}: picture {doc_pr.get('name')!r}")
    return missing


def pdf_problems(content: bytes, tmp_path: Path) -> list[str]:
    """What ``qpdf --check`` reports, and what PDF/UA-1 asks of the catalog and the document
    information: a title (shown by viewers: /ViewerPreferences/DisplayDocTitle true), a
    language (/Lang), a tagged document (/MarkInfo/Marked and a structure tree)."""
    qpdf = need_tool("qpdf", "qpdf")
    path = tmp_path / "checked.pdf"
    path.write_bytes(content)
    problems = []
    check = run([qpdf, "--check", str(path)])
    if check.returncode != 0 or "No syntax or stream encoding errors" not in check.stdout:
        problems.append(f"qpdf --check: {(check.stderr or check.stdout).strip()[:500]}")
        return problems
    dump = run([qpdf, "--json", "--json-key=qpdf", str(path)])
    objects = json.loads(dump.stdout)["qpdf"][1]

    def resolve(ref):
        return objects.get(f"obj:{ref}", {}).get("value", {}) if isinstance(ref, str) else ref

    trailer = objects["trailer"]["value"]
    catalog, info = resolve(trailer["/Root"]), resolve(trailer.get("/Info", {}))
    if not str(info.get("/Title", "")).removeprefix("u:").strip():
        problems.append("no document title (/Info /Title)")
    if not str(catalog.get("/Lang", "")).removeprefix("u:").strip():
        problems.append("no language (/Lang)")
    if resolve(catalog.get("/ViewerPreferences", {})).get("/DisplayDocTitle") is not True:
        problems.append("viewers do not show the title (/ViewerPreferences/DisplayDocTitle)")
    if resolve(catalog.get("/MarkInfo", {})).get("/Marked") is not True \
            or "/StructTreeRoot" not in catalog:
        problems.append("not a tagged PDF (/MarkInfo/Marked, /StructTreeRoot)")
    return problems
