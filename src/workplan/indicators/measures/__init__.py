"""Measures: how each kind of KPI is computed from the records (see ``base`` for the model).

Importing this package registers the delivery, register and manual measures; the surveys app
registers its own when it loads.
"""

from django.apps import apps

from . import delivery, register  # noqa: F401  (registration)
from .base import ACTION, DIMENSIONS, OFFICE, Cell, Fact, Frame, Measure, registry

if apps.is_installed("workplan.surveys"):
    from . import surveys  # noqa: F401

__all__ = ["ACTION", "DIMENSIONS", "OFFICE", "Cell", "Fact", "Frame", "Measure", "registry"]
