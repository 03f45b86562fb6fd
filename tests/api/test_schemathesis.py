"""schemathesis against the live OpenAPI schema, over every operation: no 5xx, and every
response (status code, content type, body) conforms to the schema.

The schema is read from ``/api/schema/`` of the Django WSGI application in this process (the
test database), and every operation is called as office staff with an API token: generated
valid requests ("positive") and invalid ones ("negative"), a bounded number of each per
operation, derandomised so that CI runs the same cases every time.
"""

from __future__ import annotations

import time

import hypothesis
import pytest
import schemathesis
from django.core import signals
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase
from schemathesis import GenerationMode
from schemathesis.config import SchemathesisConfig

from tests.api.test_queries import grow
from workplan.core.models import Role
from workplan.indicators.models import Indicator

pytestmark = pytest.mark.django_db

# Generated cases per operation: valid requests, then invalid ones (about a minute in all on a
# 2-core machine).
EXAMPLES = {GenerationMode.POSITIVE: 7, GenerationMode.NEGATIVE: 3}
CONFIG = SchemathesisConfig.from_dict({
    "generation": {"with-security-parameters": False, "allow-x00": False},
})


def _checks():
    from schemathesis import checks

    return [checks.not_a_server_error, checks.status_code_conformance,
            checks.content_type_conformance, checks.response_schema_conformance]


def test_every_operation_conforms_to_the_schema(office, seed_plan, make_user, token_for):
    from workplan.wsgi import application

    grow(office, 3)
    kpi = Indicator.objects.get(action__work_plan=seed_plan, action__code="1-(u)")
    kpi.measure = "manual"
    kpi.save()
    headers = {"Authorization": f"Token {token_for(make_user(Role.STAFF))}"}
    # As Django's test client does: the requests run inside the test's transaction, so the
    # end of a request must not close the database connection.
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        failures, timings, operations = run_all(application, headers)
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)
    slowest = sorted(timings, reverse=True)[:5]
    print("slowest operations:", ", ".join(f"{label} {mode} {t:.1f}s" for t, label, mode
                                           in slowest))
    assert operations >= 40, operations
    assert not failures, "\n\n".join(failures)


def run_all(application, headers):
    schema = schemathesis.openapi.from_wsgi("/api/schema/", application, config=CONFIG)
    checks = _checks()
    failures, timings, operations = [], [], 0
    for result in schema.get_all_operations():
        operation = result.ok()
        operations += 1
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):

            @hypothesis.settings(max_examples=EXAMPLES[mode], deadline=None, derandomize=True,
                                 database=None, phases=[Phase.explicit, Phase.generate],
                                 suppress_health_check=list(HealthCheck))
            @hypothesis.given(case=operation.as_strategy(generation_mode=mode))
            def run(case):
                response = case.call(headers=headers)
                case.validate_response(response, checks=checks, headers=headers)

            started = time.monotonic()
            try:
                run()
            except hypothesis.errors.Unsatisfiable:
                pass  # nothing to make invalid (an operation without parameters)
            except (Exception, BaseExceptionGroup) as error:  # noqa: BLE001 - reported below
                failures.append(f"{operation.label} ({mode.value}): {error}"[:3000])
            timings.append((time.monotonic() - started, operation.label, mode.value))
    return failures, timings, operations
