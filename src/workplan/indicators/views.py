"""Views of the indicators app (thin: logic lives in services.py / querysets.py)."""
