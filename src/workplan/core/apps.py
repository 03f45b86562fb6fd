from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "workplan.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self):
        from django.core.signals import request_started

        from . import charts

        # Chart ids are unique per page: each request starts a page (charts.new_page).
        request_started.connect(charts.new_page, dispatch_uid="workplan-charts-new-page")
