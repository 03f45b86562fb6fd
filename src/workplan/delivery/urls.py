"""URLs of delivery: each views module lists its own patterns, so areas stay apart."""

from .views import events, experts, overview, requests

app_name = "delivery"

urlpatterns = [
    *events.urlpatterns,
    *requests.urlpatterns,
    *overview.urlpatterns,
    *experts.urlpatterns,
]
