from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "workplan.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self):
        from django.core.signals import request_finished, request_started

        from . import charts

        # Chart ids are unique per page: each request starts a page (charts.new_page) and
        # ends it (charts.end_page).
        request_started.connect(charts.new_page, dispatch_uid="workplan-charts-new-page")
        request_finished.connect(charts.end_page, dispatch_uid="workplan-charts-end-page")


class OperatorAdminConfig(admin_apps.AdminConfig):
    """``django.contrib.admin`` whose ``admin.site`` lets in operators only
    (``core.adminsite.OperatorAdminSite``). Kept here, not beside the site: this module is
    imported while the apps load, before models may be."""

    default = False  # named in INSTALLED_APPS; ``workplan.core`` itself is CoreConfig
    default_site = "workplan.core.adminsite.OperatorAdminSite"
