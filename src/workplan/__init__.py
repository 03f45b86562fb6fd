"""Workplan: work plans, events, surveys and KPIs for WCO regional capacity-building offices."""

__version__ = "0.1.0"
