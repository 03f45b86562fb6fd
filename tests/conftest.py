"""Project-wide pytest configuration.

WORKPLAN_NO_SKIP=1 (set by tools/run_tests.py under CI=true) turns every skipped test, and every
skip raised while collecting a module, into a failure: CI must run everything it claims to run.
Expected failures (xfail) are left alone.
"""

import os

import pytest

NO_SKIP = os.environ.get("WORKPLAN_NO_SKIP", "").strip().lower() in {"1", "true", "yes"}


def _skip_reason(longrepr) -> str:
    if isinstance(longrepr, tuple) and len(longrepr) == 3:
        return str(longrepr[2])
    return str(longrepr)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if NO_SKIP and report.skipped and not hasattr(report, "wasxfail"):
        report.outcome = "failed"
        report.longrepr = (
            f"WORKPLAN_NO_SKIP=1: skipped tests are failures here. {_skip_reason(report.longrepr)}"
        )


@pytest.hookimpl(hookwrapper=True)
def pytest_make_collect_report(collector):
    outcome = yield
    report = outcome.get_result()
    if NO_SKIP and report.skipped:
        report.outcome = "failed"
        report.longrepr = (
            f"WORKPLAN_NO_SKIP=1: {collector.nodeid} was skipped while collecting. "
            f"{_skip_reason(report.longrepr)}"
        )
