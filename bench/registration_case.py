"""Benchmark processes of registration (issue 17): certificates for a large event, and the
check page of a large attendance sheet.

    registration_case.py build DIR                 migrate; ROCB A/P's certificate layout (logo
                                                   and signature); a held workshop with 200
                                                   participants who attended, their certificates
                                                   issued; an office staff user; DIR/sheet.xlsx,
                                                   2,000 rows (one in ten with an unknown member)
    registration_case.py measure certificates      the event's certificates in one PDF (200
                                                   pages: data, QR codes and Typst's layout)
    registration_case.py measure sheet DIR         the check page of that sheet: uploading it
                                                   through Django's test client as office staff,
                                                   every row read, matched and checked, the page
                                                   rendered (``delivery:attendance_import``)

Each ``measure`` runs in a process of its own, so the peak RSS printed is that case's (and, for
the certificates, that of a Typst child process typesetting the same document). Prints
one JSON object. Run by bench/run.py (family ``registration``).
"""

from __future__ import annotations

import io
import json
import resource
import subprocess
import sys
from pathlib import Path

from common import setup, timed  # bench/, the script's own folder

ROOT = Path(__file__).resolve().parent.parent
PARTICIPANTS = 200
SHEET_ROWS = 2000
RUNS = {"certificates": 3, "sheet": 3}
EVENT_TITLE = "Bench: regional workshop with 200 participants"


def peak_mb(who=resource.RUSAGE_SELF) -> float:
    return round(resource.getrusage(who).ru_maxrss / 1024, 1)


def build(folder: Path) -> None:
    setup()
    import datetime as dt

    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    from workplan.core.models import Membership
    from workplan.delivery.models import Participation
    from workplan.delivery.services import record_event
    from workplan.directory.models import Member, Office, Person
    from workplan.registration import services
    from workplan.registration.services import qr_png

    sys.path.insert(0, str(ROOT))
    from tests.workbooks import workbook

    call_command("migrate", verbosity=0, stdout=io.StringIO())
    office = Office.objects.get(code="ROCB-AP")
    picture = qr_png("https://rocb.example/logo")  # a real PNG of a realistic size
    services.save_layout(office, head_name="Head of Office", head_title="Head of the "
                         "Regional Office", logo=("logo.png", picture),
                         signature=("signature.png", picture))
    members = list(Member.objects.filter(region=office.region).order_by("iso3"))
    event = record_event(office=office, title=EVENT_TITLE, kind="workshop", level="regional",
                         start_date=dt.date(2025, 3, 3), end_date=dt.date(2025, 3, 7),
                         city="Bangkok", country="THA", status="held")
    people = Person.objects.bulk_create([
        Person(office=office, full_name=f"Participant {n:03d} Example-Name",
               gender="female" if n % 2 else "male", member=members[n % len(members)],
               email=f"p{n}@customs.example") for n in range(PARTICIPANTS)])
    Participation.objects.bulk_create([
        Participation(event=event, person=person, member=person.member) for person in people])
    services.issue_certificates(event)
    user = get_user_model().objects.create_user("bench-staff", password="unused-pw-1")
    Membership.objects.create(user=user, office=office, role="staff")
    sheet_event = record_event(office=office, title="Bench: sheet", kind="workshop",
                               level="regional", start_date=dt.date(2025, 4, 1),
                               end_date=dt.date(2025, 4, 2))
    rows = [[f"Person {n:05d} Example", "F" if n % 2 else "M",
             "Atlantis" if n % 10 == 0 else members[n % len(members)].name,
             f"person{n}@customs.example", f"Officer grade {n % 7}", "participant"]
            for n in range(SHEET_ROWS)]
    (folder / "sheet.xlsx").write_bytes(workbook(rows))
    print(json.dumps({"built": str(folder), "event": event.pk, "sheet_event": sheet_event.pk}))


def measure_certificates() -> None:
    setup()
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from workplan.delivery.models import Event
    from workplan.registration import certificates
    from workplan.registration.models import Certificate

    event = Event.objects.select_related("office").get(title=EVENT_TITLE)
    output = {}

    def render():
        chosen = list(Certificate.objects.filter(participation__event=event,
                                                 revoked_at__isnull=True)
                      .order_by("full_name", "pk"))
        output["pdf"] = certificates.event_pdf(event, chosen)

    median = timed(render, RUNS["certificates"])
    with CaptureQueriesContext(connection) as captured:
        render()
    pdf = output["pdf"]
    info = subprocess.run(["pdfinfo", "-"], input=pdf, capture_output=True, check=True,
                          timeout=60).stdout.decode()
    pages = int(next(line.split(":")[1] for line in info.splitlines()
                     if line.startswith("Pages:")))
    if pages != PARTICIPANTS:
        raise SystemExit(f"the event's PDF has {pages} pages, not {PARTICIPANTS}")
    print(json.dumps({
        "name": "certificates, one PDF", "scale": str(PARTICIPANTS), "median_ms": median,
        "queries": len(captured), "floor_ms": None, "peak_rss_mb": peak_mb(),
        "typst_peak_rss_mb": typst_peak_mb(event), "pages": pages, "bytes": len(pdf)}))


def typst_peak_mb(event) -> float | None:
    """The Typst child's own peak RSS, for the same document. Not RUSAGE_CHILDREN: a child's
    figure there starts at this process's size when it was forked. ``/usr/bin/time`` forks
    the child from its own small process, so its ``%M`` is Typst's alone."""
    import shutil

    from workplan.registration import certificates
    from workplan.registration.models import Certificate
    from workplan.reports.render.typeset import CHILD

    if shutil.which("time") is None and not Path("/usr/bin/time").exists():
        return None
    chosen = list(Certificate.objects.filter(participation__event=event)
                  .order_by("full_name", "pk"))
    data = certificates.document(certificates.common_data(event, certificates.layout_of(
        event.office)), [certificates.page_data(c) for c in chosen], "bench")
    done = subprocess.run(["/usr/bin/time", "-f", "%M", sys.executable, str(CHILD),
                           certificates.TEMPLATE, "pdf", ""],
                          input=json.dumps(data).encode(), capture_output=True, check=True)
    return round(int(done.stderr.decode().strip().splitlines()[-1]) / 1024, 1)


def measure_sheet(folder: Path) -> None:
    setup()
    from django.contrib.auth import get_user_model
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from workplan.delivery.models import Event

    event = Event.objects.get(title="Bench: sheet")
    data = (folder / "sheet.xlsx").read_bytes()
    client = Client()
    client.force_login(get_user_model().objects.get(username="bench-staff"))
    url = reverse("delivery:attendance_import", args=[event.pk])
    before = peak_mb()
    outcome = {}

    def check():
        response = client.post(url, {"file": SimpleUploadedFile("sheet.xlsx", data)})
        # (Django's test client keeps no context outside a test run: the page is read.)
        outcome.update(status=response.status_code, html_bytes=len(response.content),
                       unknown_member_shown=response.content.count(b"Atlantis"))

    median = timed(check, RUNS["sheet"])
    with CaptureQueriesContext(connection) as captured:
        check()
    if outcome["status"] != 200 or not outcome["unknown_member_shown"]:
        raise SystemExit(f"the check page answered {outcome}")
    print(json.dumps({
        "name": "attendance check page", "scale": str(SHEET_ROWS), "median_ms": median,
        "queries": len(captured), "floor_ms": None, "peak_rss_mb": peak_mb(),
        "rss_before_mb": before, **outcome}))


if __name__ == "__main__":
    if sys.argv[1] == "build":
        build(Path(sys.argv[2]))
    elif sys.argv[2] == "certificates":
        measure_certificates()
    else:
        measure_sheet(Path(sys.argv[3]))
