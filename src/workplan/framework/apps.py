from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FrameworkConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "workplan.framework"
    label = "framework"
    verbose_name = _("Strategic framework")
