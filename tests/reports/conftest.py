"""A year of demonstration data, built once per test module and rolled back after it.

``year`` imports the sample plan (2024-2025) and the sample again as next year's plan
(2025-2026), then fills 2024-2025 with the delivery demo (about 150 events, 4,000
participations), demonstration surveys and KPI data, and the publications register. It is
built inside a transaction that the module's tests run in (each test in a savepoint, as
pytest-django does) and that is rolled back when the module is done, so no other module sees
it.
"""

from __future__ import annotations

import datetime as dt
import shutil
from dataclasses import dataclass

import pytest
from django.db import transaction

TODAY = dt.date(2025, 8, 15)  # after the 2024-2025 year: statuses are the year's final ones


@dataclass
class Year:
    office: object
    plan: object
    next_plan: object
    today: dt.date


@pytest.fixture(scope="module")
def year(django_db_setup, django_db_blocker):
    from workplan.delivery.demo import Demo
    from workplan.directory.models import Office
    from workplan.indicators.demo import populate_demo as populate_kpis
    from workplan.plans.services import import_plan
    from workplan.plans.textplan.synthetic import sample_bytes
    from workplan.reports.demo import populate_demo as populate_publications
    from workplan.surveys.demo import populate_demo as populate_surveys

    with django_db_blocker.unblock(), transaction.atomic():
        office = Office.objects.select_related("region").get(code="ROCB-AP")
        plan = import_plan(sample_bytes(), office, source_name="seed.txt").work_plan
        Demo(office).run()
        populate_surveys(office, seed=2024, today=TODAY)
        populate_kpis(office, seed=2024)
        next_plan = import_plan(sample_bytes(), office, period="2025-2026",
                                source_name="next.txt").work_plan
        populate_publications(office, seed=2024)
        yield Year(office, plan, next_plan, TODAY)
        transaction.set_rollback(True)


def needs(tool: str) -> None:
    """Skip when a system tool is missing (under CI, WORKPLAN_NO_SKIP makes it a failure)."""
    if shutil.which(tool) is None:
        pytest.skip(f"{tool} is not installed")
