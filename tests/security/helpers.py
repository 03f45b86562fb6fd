"""Helpers shared by the security tests."""

from __future__ import annotations

from tests.test_permission_matrix import ESA_PLAN

# The sibling office's plan (conftest.py): the other region's one-action plan, for Lao PDR.
SIBLING_PLAN = ESA_PLAN.replace("ROCB ESA", "Sibling A/P").replace("for Kenya", "for Lao")


APP_LABELS = ("core", "directory", "framework", "plans", "indicators", "delivery", "surveys",
              "reports")


def db_state() -> dict:
    """Row count and highest id of every table of the apps (history tables included, so an
    update of a record with history shows too), and of the users: cheap enough to take
    around every single request. The permission matrix's ``_fingerprint`` (every row) is the
    thorough check, taken around whole loops."""
    from django.apps import apps
    from django.contrib.auth import get_user_model
    from django.db.models import Count, Max

    state = {}
    models = [m for label in APP_LABELS for m in apps.get_app_config(label).get_models()]
    for model in [*models, get_user_model()]:
        if model._meta.proxy:
            continue
        row = model._base_manager.aggregate(n=Count("pk"), last=Max("pk"))
        state[model._meta.label] = (row["n"], row["last"])
    return state


def state_diff(before: dict, after: dict) -> list[str]:
    return [f"{label}: {before[label]} -> {after[label]}" for label in before
            if before[label] != after[label]]
