"""One benchmark process: import a plan of a given scale, several times, on a fresh database.

Run by ``bench/run.py`` (one process per case, so peak memory is the case's own). Prints one
JSON object: median and per-run milliseconds, queries of one import, parse-only floor, peak RSS.
"""

from __future__ import annotations

import json
import os
import resource
import statistics
import sys
import time


def main() -> None:
    scale, runs = int(sys.argv[1]), int(sys.argv[2])
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "workplan.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, reset_queries
    from django.test.utils import CaptureQueriesContext

    if connection.vendor == "postgresql":
        connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    else:
        call_command("migrate", verbosity=0)

    from workplan.directory.models import Office
    from workplan.directory.querysets import member_index
    from workplan.plans.models import WorkPlan
    from workplan.plans.services import import_plan
    from workplan.plans.textplan.assemble import assemble
    from workplan.plans.textplan.parser import decode, parse
    from workplan.plans.textplan.synthetic import sample_bytes, scaled_plan_text

    office = Office.objects.select_related("region").get(code="ROCB-AP")
    index = member_index(office.region)
    data = sample_bytes() if scale == 1 else scaled_plan_text(scale, index).encode()
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    floors = []
    for _ in range(runs):
        start = time.perf_counter()
        assemble(parse(decode(data)), index, office.code)
        floors.append((time.perf_counter() - start) * 1000)

    times, queries = [], None
    for _ in range(runs):
        WorkPlan.objects.all().delete()
        reset_queries()  # the log is a bounded deque: a full one would hide the count
        with CaptureQueriesContext(connection) as captured:
            start = time.perf_counter()
            report = import_plan(data, office, source_name=f"x{scale}")
            times.append((time.perf_counter() - start) * 1000)
        queries = len(captured)
    counts = report.counts
    print(json.dumps({
        "median_ms": round(statistics.median(times), 1),
        "runs_ms": [round(t, 1) for t in times],
        "floor_ms": round(statistics.median(floors), 1),
        "queries": queries,
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "rss_before_mb": round(rss_before, 1),
        "bytes": len(data),
        "actions": counts["actions"],
        "activities": counts["activities"],
        "links": counts["links"],
    }))
    if connection.vendor == "postgresql":
        connection.creation.destroy_test_db(connection.settings_dict["NAME"], verbosity=0)


if __name__ == "__main__":
    main()
