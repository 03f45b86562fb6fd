"""Views of delivery: events (thin: reads in querysets.py, writes in services.py)."""

urlpatterns = []
