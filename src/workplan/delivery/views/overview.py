"""Views of delivery: overview (thin: reads in querysets.py, writes in services.py)."""

urlpatterns = []
