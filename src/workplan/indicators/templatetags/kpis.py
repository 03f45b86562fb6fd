"""Formatting of measured values in templates: the same rules as the IPTT (present.py)."""

from django import template

from .. import present

register = template.Library()


@register.filter
def figure(value):
    return present.figure(value)


@register.filter
def percent(value):
    return present.percent(value)


@register.filter
def share(value):
    from workplan.core.figures import share_text

    return share_text(value)


@register.filter
def get(mapping, key):
    return mapping.get(key)
