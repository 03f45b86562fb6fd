"""Benchmark processes of planning.

    plan_case.py word SCALE RUNS     # import a plan of SCALE x the sample from Word (.docx)
    plan_case.py measure small|large # draft next year's plan from the office's latest plan

``word`` runs on a fresh database as ``import_case.py`` does: it writes the scaled plan as the
annual report's annex (``plans/export/word.py``), then imports that document RUNS times; the
floor is reading the document and assembling the plan without the database. ``measure`` runs
on built data (``report_case.py build``): drafting (structure, suggestions from delivery,
requests, the needs survey and the IPTT, and their writing) in a transaction rolled back after
each run. Each prints JSON lines with median, queries and peak memory.
"""

from __future__ import annotations

import json
import resource
import statistics
import sys
import time
from pathlib import Path
from types import SimpleNamespace

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import setup  # noqa: E402


def _peak() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def word(scale: int, runs: int) -> None:
    setup()
    from django.core.management import call_command
    from django.db import connection, reset_queries
    from django.test.utils import CaptureQueriesContext

    if connection.vendor == "postgresql":
        connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    else:
        call_command("migrate", verbosity=0)
    from workplan.directory.models import Office
    from workplan.directory.querysets import member_index
    from workplan.plans.export.word import render_docx
    from workplan.plans.models import WorkPlan
    from workplan.plans.services import import_plan, read_plan
    from workplan.plans.textplan.assemble import assemble
    from workplan.plans.textplan.parser import decode, parse
    from workplan.plans.textplan.synthetic import scaled_plan_text

    office = Office.objects.select_related("region").get(code="ROCB-AP")
    index = member_index(office.region)
    document = assemble(parse(decode(scaled_plan_text(scale, index).encode())), index,
                        office.code)
    data = render_docx(SimpleNamespace(office=office, period=document.period), document)
    rss_before = _peak()
    floors = []
    for _ in range(runs):
        start = time.perf_counter()
        read_plan(data, office)
        floors.append((time.perf_counter() - start) * 1000)
    times, queries = [], None
    for _ in range(runs):
        WorkPlan.objects.all().delete()
        reset_queries()
        with CaptureQueriesContext(connection) as captured:
            start = time.perf_counter()
            report = import_plan(data, office, source_name=f"x{scale}.docx")
            times.append((time.perf_counter() - start) * 1000)
        queries = len(captured)
    print(json.dumps({
        "name": "import_plan docx", "scale": f"x{scale}",
        "median_ms": round(statistics.median(times), 1),
        "floor_ms": round(statistics.median(floors), 1), "queries": queries,
        "peak_rss_mb": _peak(), "rss_before_mb": rss_before, "bytes": len(data),
        "actions": report.counts["actions"], "activities": report.counts["activities"]}))
    if connection.vendor == "postgresql":
        connection.creation.destroy_test_db(connection.settings_dict["NAME"], verbosity=0)


class _Rollback(Exception):
    pass


def measure(scale: str, runs: int = 3) -> None:
    setup()
    from api_case import staff_user
    from django.db import connection, reset_queries, transaction
    from django.test.utils import CaptureQueriesContext

    from workplan.plans.drafting import draft_next_plan
    from workplan.plans.models import PlanSuggestion, WorkPlan

    plan = (WorkPlan.objects.filter(office__code="ROCB-AP").select_related("office__region")
            .order_by("-start_year").first())
    user = staff_user("bench-planner")
    times, queries, suggestions = [], None, 0
    for _ in range(runs + 1):  # the first is a warm-up
        reset_queries()
        try:
            with transaction.atomic(), CaptureQueriesContext(connection) as captured:
                start = time.perf_counter()
                draft = draft_next_plan(plan, user=user)
                elapsed = (time.perf_counter() - start) * 1000
                suggestions = PlanSuggestion.objects.filter(work_plan=draft).count()
                raise _Rollback
        except _Rollback:
            pass
        times.append(elapsed)
        queries = len(captured) - 1
    print(json.dumps({
        "name": "draft next plan", "scale": scale, "median_ms": round(
            statistics.median(times[1:]), 1), "floor_ms": None, "queries": queries,
        "peak_rss_mb": _peak(), "plan": plan.period, "suggestions": suggestions}))


if __name__ == "__main__":
    if sys.argv[1] == "word":
        word(int(sys.argv[2]), int(sys.argv[3]))
    else:
        measure(sys.argv[2])
