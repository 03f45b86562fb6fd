from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IndicatorsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "workplan.indicators"
    label = "indicators"
    verbose_name = _("Indicators")

    def ready(self):
        # The large demo calls each app's stage after an office's delivery data is built.
        from workplan.delivery.demo_large import EXTRA_STAGES

        from .demo import large_stage

        if large_stage not in EXTRA_STAGES:
            EXTRA_STAGES.append(large_stage)
