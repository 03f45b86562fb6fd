"""Project-wide pytest configuration.

WORKPLAN_NO_SKIP=1 (set by tools/run_tests.py under CI=true) turns every skipped test, and every
skip raised while collecting a module, into a failure: CI must run everything it claims to run.
Expected failures (xfail) are left alone.

Shared fixtures: ``office`` (ROCB-AP, loaded by the data migration), ``seed_bytes`` and
``seed_plan`` (the published 2024-2025 plan, imported), ``make_user(role)`` (a user holding
that role in ROCB-AP).
"""

import itertools
import os

import pytest

from workplan.core.models import Membership, Role
from workplan.directory.models import Office
from workplan.plans.services import import_plan
from workplan.plans.textplan.synthetic import sample_bytes

NO_SKIP = os.environ.get("WORKPLAN_NO_SKIP", "").strip().lower() in {"1", "true", "yes"}


def pytest_configure(config):
    """Passwords are hashed with few rounds in tests (tests/hashers.py)."""
    from django.conf import settings

    settings.PASSWORD_HASHERS = ["tests.hashers.FastPBKDF2PasswordHasher",
                                 *settings.PASSWORD_HASHERS]


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


# --- shared fixtures ---------------------------------------------------------------------------

TEST_PASSWORD = "correct-horse-battery-staple-42"


@pytest.fixture
def office(db):
    return Office.objects.select_related("region").get(code="ROCB-AP")


@pytest.fixture
def seed_bytes():
    return sample_bytes()


@pytest.fixture
def seed_plan(office, seed_bytes):
    return import_plan(seed_bytes, office, source_name="seed.txt").work_plan


@pytest.fixture
def make_user(django_user_model, office):
    """``make_user(role="staff", office=None, username=None, **fields)``: a user with a role in
    ``office`` (default ROCB-AP; ``role=None`` for no role at all). The password is
    ``TEST_PASSWORD``, for tests that sign in through the login form."""
    default_office = office
    counter = itertools.count(1)

    def make(role: str | None = Role.STAFF, *, office: Office | None = None,
             username: str | None = None, member=None, **fields):
        username = username or f"{role or 'norole'}-{next(counter)}"
        user = django_user_model.objects.create_user(username, password=TEST_PASSWORD, **fields)
        if role is not None:
            Membership.objects.create(user=user, office=office or default_office, role=role,
                                      member=member)
        return user

    return make


@pytest.fixture
def other_office(db):
    """An office of another region (East and Southern Africa) with one member of its own."""
    from workplan.directory.models import Member, Region

    region = Region.objects.create(code="esa", name="East and Southern Africa")
    Member.objects.create(region=region, name="Kenya", iso3="KEN", sub_region="East Africa")
    return Office.objects.create(code="ROCB-ESA", name="WCO ROCB East and Southern Africa",
                                 short_name="ROCB ESA", region=region, city="Nairobi")


@pytest.fixture
def more_plans(office, seed_plan, seed_bytes):
    """More of everything, for proving query counts do not grow: the seed again as 2023-2024
    and a plan twice the seed's size as 2025-2026 (so the latest plan changes)."""
    from workplan.plans.textplan.synthetic import scaled_plan_text

    import_plan(seed_bytes, office, period="2023-2024", source_name="older.txt")
    return import_plan(scaled_plan_text(2).encode(), office, period="2025-2026",
                       source_name="scaled.txt").work_plan


@pytest.fixture
def sibling_plan(office, seed_plan):
    """A second office of the same region (Asia/Pacific) with a one-action plan: action
    "1-(a)" citing RSP 1.2.1 (1st milestone) and an activity for Lao PDR. Staff of ROCB-AP
    must not see any of it."""
    from workplan.framework.models import Objective
    from workplan.plans.models import (
        Action,
        ActionActivity,
        ActionReference,
        Activity,
        Pillar,
        WorkPlan,
    )

    sibling = Office.objects.create(code="SIBLING-AP", name="Another Asia/Pacific office",
                                    short_name="Sibling A/P", region=office.region)
    plan = WorkPlan.objects.create(office=sibling, strategic_plan=seed_plan.strategic_plan,
                                   title="Sibling plan (2024-2025)", period="2024-2025",
                                   start_year=2024)
    pillar = Pillar.objects.create(work_plan=plan, number=1, title="Sibling pillar")
    action = Action.objects.create(work_plan=plan, pillar=pillar, letter="a", code="1-(a)",
                                   position=1, text="Sibling action citing RSP 1.2.1")
    objective = Objective.objects.get(strategic_plan=seed_plan.strategic_plan, code="1.2.1")
    reference = ActionReference.objects.create(action=action, objective=objective)
    reference.milestones.set(objective.milestones.filter(number=1))
    activity = Activity.objects.create(work_plan=plan, key="sibling secret workshop",
                                       title="Sibling secret workshop for Lao",
                                       kind="national_workshop", position=1)
    activity.members.set(office.region.members.filter(iso3="LAO"))
    ActionActivity.objects.create(action=action, activity=activity, listed=True,
                                  listed_position=1)
    return plan


@pytest.fixture
def editors(make_user):
    """Two office staff who edit the same record at once (the concurrent-edit tests)."""
    return (make_user(Role.STAFF, username="first-editor"),
            make_user(Role.STAFF, username="second-editor"))


@pytest.fixture(autouse=True)
def tasks_run_at_once(settings):
    """Background tasks (e-mail) run inside the test, at once, instead of waiting for a
    worker (django-tasks' ImmediateBackend). A task enqueued on commit runs when the test
    executes its on-commit callbacks (``django_capture_on_commit_callbacks(execute=True)``)."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture
def flaky_mail(settings):
    """A mail server that refuses the next ``flaky_mail.refusals`` messages and keeps them in
    ``flaky_mail.refused`` (tests/link_mail.py)."""
    from tests.link_mail import FlakyBackend, use_flaky_mail

    yield use_flaky_mail(settings)
    FlakyBackend.refusals, FlakyBackend.refused = 0, []
