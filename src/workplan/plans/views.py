"""Views of the plans app (thin: logic lives in services.py / querysets.py)."""
