"""Template helpers of the survey pages (no queries)."""

from __future__ import annotations

from django import template

register = template.Library()

STATUS_CLASSES = {"draft": "badge--outline", "open": "badge--success", "closed": "badge--info"}
KIND_CLASSES = {"needs": "kind--survey", "evaluation": "kind--workshop",
                "followup": "kind--meeting", "custom": "kind--task"}


@register.filter
def survey_status_class(survey) -> str:
    return STATUS_CLASSES.get(survey.status, "")


@register.filter
def survey_kind_class(survey) -> str:
    return KIND_CLASSES.get(survey.kind, "")


@register.filter
def in_offices(office_id, offices) -> bool:
    """Whether ``office_id`` is among ``offices`` (None means every office)."""
    return offices is None or office_id in offices


@register.filter
def mean(value, digits: int = 2) -> str:
    """A mean with ``digits`` decimals; an en dash when there is none."""
    if value is None:
        return "–"
    return f"{value:.{int(digits)}f}"


@register.filter
def pct(value) -> str:
    """``62.5%``, ``100%``; an en dash for None."""
    if value is None:
        return "–"
    return f"{value:.1f}".removesuffix(".0") + "%"


@register.filter
def number(value) -> str:
    """A stored number as typed: 3 rather than 3.0."""
    if value is None:
        return "–"
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


@register.filter
def get(mapping, key):
    return mapping.get(key) if mapping else None


@register.filter
def survey_year(survey) -> str:
    """The survey's fiscal year as its office names it (``2024-2025``)."""
    from workplan.delivery.summaries import fiscal_year_label

    return fiscal_year_label(survey.fiscal_year, survey.office.fiscal_year_start_month)
