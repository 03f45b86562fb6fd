"""Views of delivery: requests (thin: reads in querysets.py, writes in services.py)."""

urlpatterns = []
