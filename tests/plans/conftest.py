import pytest

from workplan.directory.models import Office
from workplan.plans.services import import_plan
from workplan.plans.textplan.synthetic import sample_bytes


@pytest.fixture
def office(db):
    return Office.objects.select_related("region").get(code="ROCB-AP")


@pytest.fixture
def seed_bytes():
    return sample_bytes()


@pytest.fixture
def seed_plan(office, seed_bytes):
    return import_plan(seed_bytes, office, source_name="seed.txt").work_plan
