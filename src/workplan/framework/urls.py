from django.urls import path

from . import views

app_name = "framework"

urlpatterns = [
    path("plans/<int:pk>/", views.strategicplan_detail, name="strategicplan_detail"),
    path("objectives/<int:pk>/", views.objective_detail, name="objective_detail"),
]
