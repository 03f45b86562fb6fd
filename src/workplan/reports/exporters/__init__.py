"""Every exporter, registered on import (reports.apps.ReportsConfig.ready)."""

from . import delivery, kpis, plans  # noqa: F401
