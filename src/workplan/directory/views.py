"""Views of the directory app (thin: logic lives in services.py / querysets.py)."""
