from django.urls import path

from . import views

app_name = "framework"

urlpatterns = [
    path("", views.strategicplan_list, name="strategicplan_list"),
    path("plans/new/", views.strategicplan_edit, name="strategicplan_create"),
    path("plans/<int:pk>/", views.strategicplan_detail, name="strategicplan_detail"),
    path("plans/<int:pk>/edit/", views.strategicplan_edit, name="strategicplan_update"),
    path("plans/<int:pk>/objectives/new/", views.objective_create, name="objective_create"),
    path("objectives/<int:pk>/", views.objective_detail, name="objective_detail"),
    path("objectives/<int:pk>/edit/", views.objective_update, name="objective_update"),
    path("objectives/<int:pk>/delete/", views.objective_delete, name="objective_delete"),
]
