from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "workplan.reports"
    label = "reports"
    verbose_name = _("Reports")

    def ready(self):
        from workplan.delivery.demo_large import EXTRA_STAGES

        from . import (
            exporters,  # noqa: F401  (registers every exporter)
            measures,  # noqa: F401  (registers "items_shared" among the KPI measures)
        )
        from .demo import large_stage

        if large_stage not in EXTRA_STAGES:
            EXTRA_STAGES.append(large_stage)
