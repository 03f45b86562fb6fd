"""URLs of surveys: each views module lists its own patterns, so areas stay apart."""

from .views import followups, manage, respond, results

app_name = "surveys"

urlpatterns = [
    *manage.urlpatterns,
    *results.urlpatterns,
    *followups.urlpatterns,
    *respond.urlpatterns,
]
