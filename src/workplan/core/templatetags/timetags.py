"""``{% time value "j M Y" %}``: the one way pages write a ``<time>`` element.

HTML's ``datetime`` attribute takes at most three fraction digits; Django's ``|date:"c"``
writes six. The machine-readable value here is a date (``2025-03-03``) for a date and a UTC
moment to the second (``2025-03-03T09:30:00Z``) for a datetime; the text shown is the value in
the given format (the local time zone's for a datetime), as ``|date`` writes it.
"""

from __future__ import annotations

import datetime as dt

from django import template
from django.template.defaultfilters import date as date_filter
from django.utils import timezone
from django.utils.html import format_html

register = template.Library()


def machine_value(value) -> str:
    if isinstance(value, dt.datetime):
        if timezone.is_naive(value):
            return value.replace(microsecond=0).isoformat()
        return value.astimezone(dt.UTC).replace(microsecond=0, tzinfo=None).isoformat() + "Z"
    return value.isoformat()


@register.simple_tag(name="time")
def time_tag(value, fmt: str = "DATE_FORMAT", css_class: str = ""):
    if value in (None, ""):
        return ""
    shown = date_filter(timezone.localtime(value) if isinstance(value, dt.datetime)
                        and timezone.is_aware(value) else value, fmt)
    if css_class:
        return format_html('<time class="{}" datetime="{}">{}</time>', css_class,
                           machine_value(value), shown)
    return format_html('<time datetime="{}">{}</time>', machine_value(value), shown)
