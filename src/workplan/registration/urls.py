"""URLs of registration: each views module lists its own patterns."""

from .views import people, sheets

app_name = "registration"

urlpatterns = [
    *people.urlpatterns,
    *sheets.urlpatterns,
]
