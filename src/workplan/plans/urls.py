from django.urls import path

from workplan.core.years import FiscalYearConverter  # noqa: F401  (registers ``fiscal_year``)

from . import views, views_planning

app_name = "plans"

urlpatterns = [
    path("", views.workplan_list, name="workplan_list"),
    path("import/", views.workplan_import, name="workplan_import"),
    path("actions/<int:pk>/", views.action_detail, name="action_detail"),
    path("activities/<int:pk>/", views.activity_detail, name="activity_detail"),
    path("<slug:office_code>/<fiscal_year:period>/", views.workplan_detail,
         name="workplan_detail"),
    path("<slug:office_code>/<fiscal_year:period>/export/<slug:fmt>/", views.workplan_export,
         name="workplan_export"),
    path("<slug:office_code>/<fiscal_year:period>/versions/", views_planning.workplan_versions,
         name="workplan_versions"),
    path("<slug:office_code>/<fiscal_year:period>/diff/", views_planning.workplan_diff,
         name="workplan_diff"),
    path("<slug:office_code>/<fiscal_year:period>/step/<slug:step>/",
         views_planning.workplan_step, name="workplan_step"),
    path("<slug:office_code>/<fiscal_year:period>/review/", views_planning.workplan_review,
         name="workplan_review"),
    path("<slug:office_code>/<fiscal_year:period>/review/comment/", views_planning.comment_add,
         name="comment_add"),
]
