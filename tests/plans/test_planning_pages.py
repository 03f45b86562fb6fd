"""The planning pages read a plan in a fixed number of queries, whatever its size."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from workplan.core.models import Role
from workplan.plans import lifecycle

pytestmark = pytest.mark.django_db

PAGES = ["workplan_versions", "workplan_review", "workplan_edit", "workplan_suggestions",
         "workplan_diff"]


def count(client, name, plan) -> int:
    url = reverse(f"plans:{name}", args=[plan.office.code, plan.period])
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url + ("?from=previous&to=current" if name == "workplan_diff"
                                     else ""))
    assert response.status_code == 200, url
    return len(captured)


def test_query_counts_do_not_grow_with_the_plan(client, make_user, seed_plan, more_plans):
    """The seed (55 actions) and a plan twice its size: the same number of queries."""
    staff = make_user(Role.STAFF)
    for plan in (seed_plan, more_plans):
        lifecycle.open_revision(plan, user=staff, reason="Counting queries")
        lifecycle.submit_for_review(plan, user=staff)
    client.force_login(staff)
    for name in PAGES:
        small, large = count(client, name, seed_plan), count(client, name, more_plans)
        assert small == large, f"{name}: {small} queries for the seed, {large} for x2"
        assert small <= 30, f"{name}: {small} queries"
