"""Views of the framework app (thin: logic lives in services.py / querysets.py)."""
