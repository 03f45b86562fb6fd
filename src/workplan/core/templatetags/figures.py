"""``{% load figures %}``: the filters of ``core.figures`` (one rounding for every page)."""

from django import template

from workplan.core import figures

register = template.Library()


@register.filter
def share_percent(value) -> str:
    """``{{ headcount.women_share|share_percent }}``: a 0-1 share as ``54%``."""
    return figures.share_text(value)


@register.filter
def percent_of(part, whole) -> str:
    """``{{ women|percent_of:participants }}``: ``54%``, or an en dash."""
    return figures.share_text(figures.share(part, whole))


@register.filter
def mean(value) -> str:
    """``{{ evaluation.actual|mean }}``: ``3.95``."""
    return figures.mean_text(value)
