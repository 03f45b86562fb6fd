from django.urls import path

from . import office, tokens, views, years  # noqa: F401  (years registers ``fiscal_year``)

app_name = "core"

urlpatterns = [
    path("", views.home, name="home"),
    path("search/", views.search, name="search"),
    *tokens.urlpatterns,
    *office.urlpatterns,
]
