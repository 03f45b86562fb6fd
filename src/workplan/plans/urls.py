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
    path("<slug:office_code>/<fiscal_year:period>/draft-next/",
         views_planning.workplan_draft_next, name="workplan_draft_next"),
    path("<slug:office_code>/<fiscal_year:period>/suggestions/",
         views_planning.workplan_suggestions, name="workplan_suggestions"),
    path("<slug:office_code>/<fiscal_year:period>/suggestions/accept/",
         views_planning.suggestions_accept_all, name="suggestions_accept_all"),
    path("<slug:office_code>/<fiscal_year:period>/suggestions/decide/",
         views_planning.suggestion_decide, name="suggestion_decide"),
    path("<slug:office_code>/<fiscal_year:period>/edit/", views_planning.workplan_edit,
         name="workplan_edit"),
    path("<slug:office_code>/<fiscal_year:period>/edit/step/<slug:step>/",
         views_planning.editor_step, name="editor_step"),
    path("<slug:office_code>/<fiscal_year:period>/edit/action/new/",
         views_planning.action_edit, name="action_add"),
    path("<slug:office_code>/<fiscal_year:period>/edit/action/<str:code>/",
         views_planning.action_edit, name="action_edit"),
    path("<slug:office_code>/<fiscal_year:period>/edit/activity/new/",
         views_planning.activity_add, name="activity_add"),
    path("activities/<int:pk>/edit/", views_planning.activity_edit, name="activity_edit"),
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
