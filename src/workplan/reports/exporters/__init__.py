"""Every exporter, registered on import (reports.apps.ReportsConfig.ready)."""

from . import annual, delivery, iati, kpis, lists, plans, surveys  # noqa: F401
