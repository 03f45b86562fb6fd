"""URLs of registration: each views module lists its own patterns."""

from .views import people

app_name = "registration"

urlpatterns = [
    *people.urlpatterns,
]
