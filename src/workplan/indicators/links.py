"""Where each figure comes from: the list of records behind a measured value."""

from __future__ import annotations

from urllib.parse import urlencode

from django.urls import reverse

EVENT_MEASURES = {"members_assisted", "events_held", "participants", "women_participations",
                  "members_participating", "experts_utilized"}


def events_url(fiscal_year: int, *, quarter: str | None = None, action: str | None = None,
               kind: str | None = None, level: str | None = None,
               member: str | None = None) -> str:
    """The event list filtered to held events of a fiscal year (and quarter, action ...)."""
    query = events_query(fiscal_year, quarter=quarter, action=action, kind=kind, level=level,
                         member=member)
    return f"{reverse('delivery:event_list')}?{query}"


def events_query(fiscal_year: int, **filters) -> str:
    query = {"status": "held", "fy": fiscal_year}
    query.update({key: value for key, value in filters.items() if value})
    return urlencode(query)


def _single(value) -> str | None:
    values = [value] if isinstance(value, str) else list(value or [])
    return values[0] if len(values) == 1 else None


def record_query(row, period_key: str, fiscal_year: int) -> str | None:
    """The event-list query behind one IPTT cell, or None where the records are not events
    (manual values: the indicator page; adoption: the register)."""
    indicator = row.indicator
    if indicator.measure not in EVENT_MEASURES:
        return None
    scope = row.measure.scope(indicator.params)
    # a cumulative quarter holds the year so far: the list shows the whole year
    quarter = period_key if period_key != "FY" and not indicator.cumulative else None
    return events_query(fiscal_year, quarter=quarter,
                        action=indicator.action.code if scope == "action" else None,
                        kind=_single(indicator.params.get("kind")),
                        level=_single(indicator.params.get("level")))
