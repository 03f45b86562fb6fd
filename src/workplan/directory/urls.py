from django.urls import path

from . import views

app_name = "directory"

urlpatterns = [
    path("members/", views.member_list, name="member_list"),
    path("members/<str:iso3>/", views.member_detail, name="member_detail"),
]
