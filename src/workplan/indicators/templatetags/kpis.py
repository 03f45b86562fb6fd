"""Formatting of measured values: counts as integers, means with one decimal, no-data dashes."""

from django import template

from ..links import records_url

register = template.Library()


@register.filter
def figure(value):
    if value is None:
        return "–"
    value = float(value)
    if value.is_integer():
        return f"{int(value):,}"
    return f"{value:,.1f}" if abs(value) < 100 else f"{value:,.0f}"


@register.filter
def percent(value):
    return "–" if value is None else f"{value:.0f}%"


@register.simple_tag
def cell_link(row, key, fiscal_year):
    return records_url(row, key, fiscal_year) or ""


@register.filter
def get(mapping, key):
    return mapping.get(key)



@register.filter
def share(value):
    return "–" if value is None else f"{value:.0%}"
