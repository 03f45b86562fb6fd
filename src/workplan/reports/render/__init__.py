"""Renderers of the reports: they lay out data computed by ``reports.data``."""
