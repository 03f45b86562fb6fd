"""Fixtures of the KPI tests: ``kpi_world`` (see world.py), seeded by ``request.param``."""

import pytest

from .world import build_world


@pytest.fixture
def kpi_world(office, seed_plan, request):
    return build_world(office, seed_plan, getattr(request, "param", 7))
