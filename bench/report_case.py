"""One benchmark process for the annual report: build the data, or time the report on it.

    report_case.py build small|large     migrate, import the sample plan, fill its year with the
                                         small demo (delivery, surveys, KPI data, publications);
                                         large: then ``workplan demo --scale large`` on top (six
                                         offices, ten years, next year's plan included)
    report_case.py measure small|large   the annual report of ROCB A/P 2024-2025 in DOCX and
                                         in PDF, each in a process of its own (``measure-one``)

``measure`` prints one JSON object per format, named "annual report docx" and "annual report
pdf": median ms of a whole render (data and layout) over several runs, SQL queries of one
render, the floor (computing the report's data alone, ``reports.data.annual.annual_report``:
every query and every figure, no layout), the ratio of the two, the output's size and pages,
the process's peak RSS and that of the Typst child processes (the PDF, and the Word charts).
Each render starts a fresh Typst process, so no run reuses another's layout. Run by
bench/run.py.
"""

from __future__ import annotations

import io
import json
import resource
import subprocess
import sys
import time

from common import setup, timed  # bench/, the script's own folder

RUNS = {"docx": 5, "pdf": 3}
FLOOR_RUNS = 5




def build(scale: str) -> None:
    setup()
    from django.core.management import call_command

    from workplan.directory.models import Office
    from workplan.reports.demo import populate_demo

    started = time.perf_counter()
    call_command("setup", verbosity=0, stdout=io.StringIO())
    office = Office.objects.select_related("region").get(code="ROCB-AP")
    populate_demo(office)
    if scale == "large":
        call_command("demo", scale="large", verbosity=0, stdout=io.StringIO(),
                     stderr=io.StringIO())
    print(json.dumps({"built": scale, "seconds": round(time.perf_counter() - started, 1)}))




def measure_one(scale: str, fmt: str) -> None:
    setup()
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from workplan.plans.models import WorkPlan
    from workplan.reports.data.annual import annual_report
    from workplan.reports.registry import registry

    plan = (WorkPlan.objects.select_related("office__region")
            .get(office__code="ROCB-AP", period="2024-2025"))
    exporter = registry.get("annual-report")
    params = {"office": "ROCB-AP", "period": "2024-2025", "format": fmt}
    floor = timed(lambda: annual_report(plan), FLOOR_RUNS)
    output = {}

    def render():
        output["export"] = exporter.run(params)

    median = timed(render, RUNS[fmt])
    with CaptureQueriesContext(connection) as captured:
        render()
    content = output["export"].content
    report = annual_report(plan)
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss  # Typst's processes
    print(json.dumps({
        "name": f"annual report {fmt}", "scale": scale, "median_ms": median,
        "queries": len(captured), "floor_ms": floor,
        "ratio": round(median / floor, 2) if floor else None,
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "typst_peak_rss_mb": round(children / 1024, 1),
        "bytes": len(content), "events": report.events_total,
        "pages": _pages(content) if fmt == "pdf" else None}))


def _pages(pdf: bytes) -> int | None:
    try:
        info = subprocess.run(["pdfinfo", "-"], input=pdf, capture_output=True, check=True,
                              timeout=60).stdout.decode()
    except (OSError, subprocess.SubprocessError):
        return None
    for line in info.splitlines():
        if line.startswith("Pages:"):
            return int(line.split()[1])
    return None


def measure(scale: str) -> None:
    """Each format in its own process, so that each row's peak memory is its own."""
    for fmt in ("docx", "pdf"):
        out = subprocess.run([sys.executable, __file__, "measure-one", scale, fmt], check=True,
                             stdout=subprocess.PIPE, text=True).stdout
        for line in out.splitlines():
            if line.startswith("{"):
                print(line, flush=True)


if __name__ == "__main__":
    command = sys.argv[1]
    if command == "measure-one":
        measure_one(sys.argv[2], sys.argv[3])
    else:
        {"build": build, "measure": measure}[command](sys.argv[2])
