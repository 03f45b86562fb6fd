"""Views of delivery: experts (thin: reads in querysets.py, writes in services.py)."""

urlpatterns = []
