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
    query = {"status": "held", "fy": fiscal_year}
    for key, value in (("quarter", quarter), ("action", action), ("kind", kind),
                       ("level", level), ("member", member)):
        if value:
            query[key] = value
    return f"{reverse('delivery:event_list')}?{urlencode(query)}"


def records_url(row, period_key: str, fiscal_year: int) -> str | None:
    """The records behind one cell of the IPTT, or None where the indicator page is the
    place (manual values) or the register (adoption)."""
    indicator = row.indicator
    measure = indicator.measure
    if measure in EVENT_MEASURES:
        scope = row.measure.scope(indicator.params)
        kinds = indicator.params.get("kind") or []
        kinds = [kinds] if isinstance(kinds, str) else kinds
        levels = indicator.params.get("level") or []
        levels = [levels] if isinstance(levels, str) else levels
        quarter = period_key if period_key != "FY" and not indicator.cumulative else None
        return events_url(fiscal_year, quarter=quarter,
                          action=indicator.action.code if scope == "action" else None,
                          kind=kinds[0] if len(kinds) == 1 else None,
                          level=levels[0] if len(levels) == 1 else None)
    if measure == "adoption":
        return reverse("indicators:adoption_register") if _has("adoption_register") else None
    return None


def _has(name: str) -> bool:
    from django.urls import NoReverseMatch

    try:
        reverse(f"indicators:{name}")
    except NoReverseMatch:
        return False
    return True
