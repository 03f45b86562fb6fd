from django.urls import path, register_converter

from . import views

app_name = "plans"


class FiscalYearConverter:
    """A fiscal year as plans name it: ``2024-2025``."""

    regex = r"\d{4}-\d{4}"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(FiscalYearConverter, "fiscal_year")

urlpatterns = [
    path("", views.workplan_list, name="workplan_list"),
    path("import/", views.workplan_import, name="workplan_import"),
    path("actions/<int:pk>/", views.action_detail, name="action_detail"),
    path("activities/<int:pk>/", views.activity_detail, name="activity_detail"),
    path("<slug:office_code>/<fiscal_year:period>/", views.workplan_detail,
         name="workplan_detail"),
    path("<slug:office_code>/<fiscal_year:period>/export/<slug:fmt>/", views.workplan_export,
         name="workplan_export"),
]
