"""Uploads: hostile file names, oversized and malformed files, and files served back.

The upload endpoints (``grep -rn "request.FILES\\|FileField" src/``): the plan import
(plans:workplan_import, kept in the session until confirmed), the attendance sheet
(delivery:attendance_import, kept in the session), event documents (delivery:attachment_add,
stored under MEDIA_ROOT/events/) and the publications' files (reports:publication_create and
publication_update, stored under MEDIA_ROOT/publications/). The API takes no files.

* names with path traversal, absolute paths, NUL bytes, control characters, very long names:
  stored under MEDIA_ROOT only, with a plain name, or refused; nothing written elsewhere;
* oversized files: refused with a message on the file field (and a request body over
  DATA_UPLOAD_MAX_MEMORY_SIZE is a 400);
* malformed files (random bytes as .xlsx, a workbook that declares a million rows or unpacks
  to gigabytes, HTML or JavaScript renamed .pdf/.png, SVG with a script, binary as text):
  refused with a clear message on the file field, nothing saved;
* files served back: ``Content-Disposition: attachment``, ``X-Content-Type-Options: nosniff``,
  the stored content type, no header injection through the name.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import zipfile
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from workplan.delivery.models import Attachment, Participation
from workplan.delivery.services import record_event
from workplan.directory.models import Member
from workplan.plans.models import WorkPlan
from workplan.reports.models import Publication

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
HOSTILE_NAMES = [
    "../../etc/passwd.pdf",
    "../../../../../../tmp/evil.pdf",
    "..\\..\\windows\\system32\\evil.pdf",
    "/etc/passwd.pdf",
    "C:\\Windows\\evil.pdf",
    "a\x00b.pdf",
    "nul\x00.pdf.html",
    "tab\tand\x1bescape.pdf",
    "x" * 400 + ".pdf",
    "....pdf",
    ".pdf",
    "%2e%2e%2fencoded.pdf",
    "semi;colon,comma.pdf",
    "ünïcødé ファイル.pdf",
]


@pytest.fixture
def media(settings, tmp_path):
    root = tmp_path / "media"
    settings.MEDIA_ROOT = root
    return root


@pytest.fixture
def event(office):
    lao = Member.objects.get(iso3="LAO")
    return record_event(office=office, title="Workshop", kind="workshop", level="national",
                        start_date=dt.date(2024, 11, 4), end_date=dt.date(2024, 11, 7),
                        host_member=lao, beneficiaries=[lao])


@pytest.fixture
def staff(client, make_user):
    client.force_login(make_user("staff"))
    return client


def files_under(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


def inside(path: str | Path, root: Path) -> bool:
    return Path(os.path.realpath(path)).is_relative_to(Path(os.path.realpath(root)))


def assert_safe_name(name: str) -> None:
    assert name and len(name) <= 200, name
    assert not any(c in name for c in "/\\\x00\t\r\n\x1b"), repr(name)
    assert ".." not in name.replace("...", "") and not name.startswith("."), repr(name)


def upload(name: str, data: bytes, content_type: str = "application/octet-stream"):
    return SimpleUploadedFile(name, data, content_type=content_type)


def field_errors(response, field: str = "file", form: str = "form") -> str:
    return " ".join(response.context[form].errors.get(field, [])).replace("\xa0", " ")


# --- hostile names ------------------------------------------------------------------------------


def test_attachment_names_are_stored_safely_under_media_root(staff, event, media, tmp_path):
    url = reverse("delivery:attachment_add", args=[event.pk])
    for name in HOSTILE_NAMES:
        response = staff.post(url, {"kind": "report", "file": upload(name, PDF)})
        assert response.status_code in (200, 302), (name, response.status_code)
        if response.status_code == 200:  # refused: said so on the file field
            assert field_errors(response), name
    attachments = list(Attachment.objects.filter(event=event))
    assert len(attachments) >= len(HOSTILE_NAMES) - 3  # most are kept, renamed
    for attachment in attachments:
        assert_safe_name(attachment.name)
        assert inside(attachment.file.path, media / "events" / str(event.pk))
        assert Path(attachment.file.path).read_bytes() == PDF
        assert attachment.file.name.startswith(f"events/{event.pk}/")
    # Nothing was written anywhere but MEDIA_ROOT/events/<event>/.
    assert files_under(tmp_path) == files_under(media / "events" / str(event.pk))
    assert len(files_under(media)) == len(attachments)


def test_publication_file_names_are_stored_safely(staff, office, media, tmp_path):
    url = reverse("reports:publication_create")
    for number, name in enumerate(HOSTILE_NAMES):
        response = staff.post(url, {"office": office.pk, "kind": "newsletter",
                                    "title": f"Issue {number}", "date": "2024-10-01",
                                    "file": upload(name, PDF)})
        assert response.status_code in (200, 302), name
    publications = list(Publication.objects.exclude(file=""))
    assert len(publications) >= len(HOSTILE_NAMES) - 3
    for publication in publications:
        assert_safe_name(publication.file_name)
        assert inside(publication.file.path, media / "publications" / str(office.pk))
    assert files_under(tmp_path) == files_under(media)
    assert len(files_under(media)) == len(publications)


def test_sheet_and_plan_names_are_only_shown_escaped_never_written(staff, make_user, client,
                                                                  event, media, tmp_path):
    sheet = b"Full name,Sex,Country\nAiko Tanaka,F,JPN\n"
    url = reverse("delivery:attendance_import", args=[event.pk])
    for name in ["../../etc/<script>alert(1)</script>.csv", "/etc/passwd.csv", "a\x00b.csv"]:
        response = staff.post(url, {"file": upload(name, sheet)})
        page = response.content.decode()
        assert response.status_code in (200, 400), name
        assert "<script>alert(1)" not in page
    client.force_login(make_user("admin"))
    from workplan.plans.textplan.synthetic import sample_bytes

    for name in ["../../<script>alert(1)</script>.txt", "/etc/passwd.txt"]:
        response = client.post(reverse("plans:workplan_import"),
                               {"office": event.office.pk, "file": upload(name, sample_bytes())})
        assert response.status_code == 200
        assert "<script>alert(1)" not in response.content.decode()
    assert files_under(tmp_path) == []  # the session holds them, the disk nothing


# --- oversized ----------------------------------------------------------------------------------


def test_an_attachment_over_the_real_limit_is_refused_on_its_field(staff, event, media,
                                                                  settings):
    data = PDF + b"0" * (settings.WORKPLAN_MAX_ATTACHMENT + 1 - len(PDF))
    response = staff.post(reverse("delivery:attachment_add", args=[event.pk]),
                          {"kind": "report", "file": upload("big.pdf", data)})
    assert response.status_code == 200
    message = field_errors(response)
    # "10.0 MB; the limit is 10.0 MB" would say nothing: sizes that round alike are in bytes
    limit = settings.WORKPLAN_MAX_ATTACHMENT
    assert f"“big.pdf” is {limit + 1:,} bytes; the limit is {limit:,} bytes." in message
    assert not Attachment.objects.exists() and files_under(media) == []


@pytest.mark.parametrize("where", ["plan", "sheet", "publication"])
def test_oversized_files_are_refused_on_their_field(client, make_user, event, media, settings,
                                                     where):
    settings.WORKPLAN_MAX_PLAN_UPLOAD = settings.WORKPLAN_MAX_SHEET = 2000
    settings.WORKPLAN_MAX_ATTACHMENT = 2000
    client.force_login(make_user("admin"))
    office = event.office
    big = b"x" * 2001
    if where == "plan":
        response = client.post(reverse("plans:workplan_import"),
                               {"office": office.pk, "file": upload("plan.txt", big)})
        assert "The file is 2,001 bytes; plans of at most 2,000 bytes" in field_errors(response)
        assert not WorkPlan.objects.exists()
    elif where == "sheet":
        response = client.post(reverse("delivery:attendance_import", args=[event.pk]),
                               {"file": upload("sheet.csv", b"Full name\n" + big)})
        assert response.status_code == 400
        assert "2,011 bytes; attendance sheets of at most 2,000 bytes" in field_errors(response)
    else:
        response = client.post(reverse("reports:publication_create"), {
            "office": office.pk, "kind": "newsletter", "title": "Big", "date": "2024-10-01",
            "file": upload("big.pdf", PDF + big)})
        assert f"is {len(PDF) + 2001:,} bytes; the limit is 2,000 bytes" in field_errors(response)
        assert not Publication.objects.exists()
    assert files_under(media) == []
    assert "file" in response.context["form"].errors


def test_a_request_body_over_the_limit_is_a_400(staff, office, settings):
    """Text fields are not files: a body over DATA_UPLOAD_MAX_MEMORY_SIZE is refused whole."""
    from workplan.delivery.models import Event

    before = Event.objects.count()
    response = staff.post(reverse("delivery:event_create"), {
        "office": office.pk, "title": "Huge", "kind": "workshop", "level": "national",
        "start_date": "2025-01-06", "end_date": "2025-01-07", "mode": "in_person",
        "status": "planned", "office_role": "organised",
        "summary": "x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1)})
    assert response.status_code == 400
    assert Event.objects.count() == before


# --- malformed ----------------------------------------------------------------------------------


def _xlsx(rows) -> bytes:
    book = Workbook()
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _rewrite_sheet(data: bytes, change) -> bytes:
    """The workbook with its first sheet's XML passed through ``change``."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                content = change(content)
            target.writestr(item, content)
    return out.getvalue()


def grid_workbook(last: str = "XFD1048576") -> bytes:
    """A few kilobytes that declare the grid up to ``last`` (the whole of it by default) and
    put one cell there: a reader that pads rows to the declared size makes 17 billion cells
    (before the fix, 3 GB of memory and counting after ten minutes)."""
    row = last.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ")

    def change(xml: bytes) -> bytes:
        xml = xml.replace(b'<dimension ref="A1:B2"/>', f'<dimension ref="A1:{last}"/>'.encode())
        return xml.replace(b"</sheetData>", f'<row r="{row}"><c r="{last}" t="inlineStr">'
                                            f"<is><t>x</t></is></c></row></sheetData>".encode())

    return _rewrite_sheet(_xlsx([["Full name", "Sex"], ["Aiko Tanaka", "F"]]), change)


def unpacking_workbook(megabytes: int = 110) -> bytes:
    """A workbook of a hundred kilobytes whose sheet unpacks to 110 MB of XML (a "zip bomb";
    the file size limit would let one through that unpacks to gigabytes)."""
    padding = b"<!--" + b" " * (megabytes * 1024 * 1024) + b"-->"

    def change(xml: bytes) -> bytes:
        return xml.replace(b"<sheetData>", padding + b"<sheetData>", 1)

    return _rewrite_sheet(_xlsx([["Full name", "Sex"], ["Aiko Tanaka", "F"]]), change)


MALFORMED_SHEETS = [
    ("random.xlsx", os.urandom(4096), "not a readable Excel workbook"),
    ("zip-without-workbook.xlsx", b"PK\x05\x06" + b"\x00" * 18, "not a readable Excel workbook"),
    ("html.xlsx", b"<html><script>alert(1)</script></html>", "not a readable Excel workbook"),
    ("latin1.csv", "Full name\nJos\xe9\n".encode("latin-1"), "not valid UTF-8"),
    ("sheet.pdf", PDF, ".xlsx or .csv"),
    ("sheet.html", b"<script>alert(1)</script>", ".xlsx or .csv"),
]


def test_malformed_attendance_sheets_are_refused_with_a_message(staff, event, media):
    url = reverse("delivery:attendance_import", args=[event.pk])
    for name, data, message in MALFORMED_SHEETS:
        response = staff.post(url, {"file": upload(name, data)})
        assert response.status_code == 400, name
        assert message in field_errors(response), (name, field_errors(response))
        assert "<script>alert(1)" not in response.content.decode()
    assert not Participation.objects.exists() and files_under(media) == []


def test_workbooks_built_to_exhaust_the_server_are_refused(staff, event):
    """Refused before they are read whole (how fast and in how much memory: ``make bench
    ARGS=upload``, not a timed test)."""
    url = reverse("delivery:attendance_import", args=[event.pk])
    people, columns = "read up to 5000 people", "read up to 100 columns"
    for name, data, message in [
            ("grid.xlsx", grid_workbook(), columns),
            ("tall.xlsx", grid_workbook("B1048576"), people),
            ("bomb.xlsx", unpacking_workbook(), "unpacks to"),
            ("tall.csv", b"Full name\n" + b"\n" * 3_000_000 + b"x\n", people),
            ("wide.csv", b"Full name" + b",x" * 1_000_000 + b"\n", columns)]:
        assert len(data) < 4 * 1024 * 1024  # small enough to pass the size limit
        response = staff.post(url, {"file": upload(name, data)})
        assert response.status_code == 400, name
        assert message in field_errors(response), (name, field_errors(response))
    assert not Participation.objects.exists()
    # The control: the same workbook, as written, is read.
    response = staff.post(url, {"file": upload("fine.xlsx", _xlsx(
        [["Full name", "Sex"], ["Aiko Tanaka", "F"]]))})
    assert response.status_code == 200 and "every row is valid" in response.content.decode()


MALFORMED_DOCUMENTS = [
    ("page.pdf", b"<html><body><script>alert(1)</script></body></html>", "not really a .pdf"),
    ("script.png", b"alert(document.cookie)", "not really a .png"),
    ("photo.jpg", b"<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>",
     "not really a .jpg"),
    ("drawing.svg", b"<svg xmlns='http://www.w3.org/2000/svg' onload='alert(1)'/>",
     "not accepted"),
    ("page.html", b"<script>alert(1)</script>", "not accepted"),
    ("report.pdf.html", PDF, "not accepted"),
    ("tool.exe", b"MZ\x90\x00", "not accepted"),
    ("no-extension", PDF, "not accepted"),
    ("binary.csv", b"a,b\n\x00\x01\x02", "not a text file"),
    ("empty.pdf", b"", "empty"),
]


def test_malformed_documents_are_refused_with_a_message(staff, event, office, media):
    url = reverse("delivery:attachment_add", args=[event.pk])
    for name, data, message in MALFORMED_DOCUMENTS:
        response = staff.post(url, {"kind": "report", "file": upload(name, data)})
        assert response.status_code == 200, name
        assert message in field_errors(response), (name, field_errors(response))
    for name, data, message in MALFORMED_DOCUMENTS[:5]:
        response = staff.post(reverse("reports:publication_create"), {
            "office": office.pk, "kind": "newsletter", "title": "Bad", "date": "2024-10-01",
            "file": upload(name, data)})
        assert message in field_errors(response), (name, field_errors(response))
    assert not Attachment.objects.exists() and not Publication.objects.exists()
    assert files_under(media) == []


def test_malformed_plans_are_refused_with_a_message(client, make_user, office, media):
    client.force_login(make_user("admin"))
    for name, data in [("plan.txt", os.urandom(3000)), ("plan.txt", _xlsx([["a"]])),
                       ("plan.txt", "Plan\n\xe9t\xe9\n".encode("latin-1")),
                       ("plan.txt", b"<script>alert(1)</script>"), ("plan.txt", b"\x00" * 50)]:
        response = client.post(reverse("plans:workplan_import"),
                               {"office": office.pk, "file": upload(name, data)})
        assert response.status_code == 200
        assert field_errors(response), data[:20]
        assert "<script>alert(1)" not in response.content.decode()
    assert not WorkPlan.objects.exists() and files_under(media) == []


# --- served back --------------------------------------------------------------------------------


def test_files_are_served_as_downloads_never_rendered(staff, event, office, media):
    csv_with_html = b"name\n<script>alert(1)</script>\n"
    staff.post(reverse("delivery:attachment_add", args=[event.pk]),
               {"kind": "other", "file": upload("list; filename=evil.html.csv", csv_with_html)})
    staff.post(reverse("delivery:attachment_add", args=[event.pk]),
               {"kind": "report", "file": upload("<img src=x onerror=alert(1)>.pdf", PDF)})
    staff.post(reverse("reports:publication_create"), {
        "office": office.pk, "kind": "newsletter", "title": "Issue", "date": "2024-10-01",
        "file": upload("issue.pdf", PDF)})
    urls = [reverse("delivery:attachment_download", args=[a.pk])
            for a in Attachment.objects.filter(event=event)]
    urls += [reverse("reports:publication_file", args=[p.pk]) for p in Publication.objects.all()]
    assert len(urls) == 3
    for url in urls:
        response = staff.get(url)
        assert response.status_code == 200
        disposition = response["Content-Disposition"]
        assert disposition.startswith("attachment;"), disposition
        assert not any(c in disposition for c in "\r\n<>"), disposition
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Content-Type"] in ("text/csv", "application/pdf"), response["Content-Type"]
        assert disposition.count("filename=") == 1 and disposition.count(";") == 1, disposition
        assert b"".join(response.streaming_content) in (csv_with_html, PDF)
    # The documents' names as listed on the event page are escaped.
    page = staff.get(reverse("delivery:event_detail", args=[event.pk])).content.decode()
    assert "<img src=x" not in page
