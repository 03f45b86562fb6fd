"""One benchmark process for survey results: a workshop evaluation with 10,000 responses.

    survey_case.py measure small|large

On a database that already holds the data (``report_case.py build``), adds to the first held
regional workshop of ROCB A/P 2024-2025 an evaluation (the office's template) opened with 10,500
invitations and 10,000 responses (bulk-loaded by ``surveys.demo.build_survey_responses``), then
prints one JSON line per measurement:

- "survey results page": the results page rendered through Django's test client as office
  staff (data, SVG charts, template), median of several renders after a warm-up;
- "survey results xlsx": the results workbook (the page's data, then every answer streamed;
  no floor: its cost is writing 10,000 rows per sheet).

``floor_ms`` is the results' data alone (``surveys.results.survey_results``: every aggregate,
no charts, no template), the part any page showing these figures must pay. ``queries`` is one
render's SQL statements, session and user included.
"""

from __future__ import annotations

import json
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from api_case import staff_user  # noqa: E402
from common import setup, timed  # noqa: E402

RUNS = {"page": 7, "xlsx": 3}
RESPONSES = 10_000






def the_survey():
    """The evaluation with 10,000 responses, made on the first call and found on the next."""
    from workplan.delivery.models import Event
    from workplan.surveys import services
    from workplan.surveys.demo import build_survey_responses
    from workplan.surveys.models import Survey

    survey = Survey.objects.filter(office__code="ROCB-AP", title__startswith="[bench]").first()
    if survey is None:
        event = (Event.objects.filter(office__code="ROCB-AP", status="held", level="regional",
                                      start_date__gte="2024-07-01", start_date__lte="2025-06-30")
                 .exclude(surveys__kind="evaluation").order_by("start_date", "pk").first())
        survey, _ = services.create_event_survey(event, "evaluation")
        survey.title = f"[bench] {survey.title}"[:200]
        survey.save(update_fields=["title"])
        services.move_survey(survey, "open")
        build_survey_responses(survey, RESPONSES, invited=RESPONSES + 500, seed=11)
    return survey


def measure(scale: str) -> None:
    setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from workplan.surveys.results import survey_results

    started = time.perf_counter()
    survey = the_survey()
    built = round(time.perf_counter() - started, 1)
    client = Client()
    client.force_login(staff_user("survey-bench"))
    from workplan.surveys.models import Survey

    def floor_once():  # the page's own queryset: the survey with its counts, then the data
        return survey_results(Survey.objects.for_list().select_related("office__region")
                              .get(pk=survey.pk))

    floor = timed(floor_once, RUNS["page"])
    for kind, name in (("page", "survey_results"), ("xlsx", "survey_export")):
        url = reverse(f"surveys:{name}", args=[survey.pk])

        def get(url=url):
            response = client.get(url)
            assert response.status_code == 200, (url, response.status_code)
            return response

        median = timed(get, RUNS[kind])
        with CaptureQueriesContext(connection) as captured:
            response = get()
        print(json.dumps({
            "name": f"survey results {kind}", "scale": scale, "median_ms": median,
            "queries": len(captured), "floor_ms": floor if kind == "page" else None,
            "ratio": round(median / floor, 2) if kind == "page" else None,
            "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
            "responses": survey.responses.count(),
            "bytes": len(response.content), "built_s": built}), flush=True)


if __name__ == "__main__":
    {"measure": measure}[sys.argv[1]](sys.argv[2])
