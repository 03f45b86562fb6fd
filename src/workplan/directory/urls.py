from django.urls import path

from . import views

app_name = "directory"

urlpatterns = [
    path("members/", views.member_list, name="member_list"),
    path("members/<str:iso3>/", views.member_detail, name="member_detail"),
    path("members/<str:iso3>/edit/", views.member_update, name="member_update"),
    path("groups/", views.group_list, name="group_list"),
    path("groups/new/", views.group_edit, name="group_create"),
    path("groups/<int:pk>/edit/", views.group_edit, name="group_update"),
    path("partners/", views.partner_list, name="partner_list"),
    path("partners/new/", views.partner_edit, name="partner_create"),
    path("partners/<int:pk>/edit/", views.partner_edit, name="partner_update"),
    path("people/<int:pk>/", views.person_detail, name="person_detail"),
    path("me/expert/", views.expert_profile, name="expert_profile"),
]
