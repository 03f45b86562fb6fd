"""Template helpers of the delivery overview pages (no queries)."""

from __future__ import annotations

from django import template
from django.utils import formats
from django.utils.translation import gettext_lazy as _

from workplan.core.access import WIDE_ROLES, focal_points, memberships

register = template.Library()

STATES = {
    "done": ("badge--success", _("Delivered")),
    "partly": ("badge--warning", _("Partly delivered")),
    "scheduled": ("badge--info", _("Scheduled")),
    "none": ("badge--outline", _("Not started")),
}
EVENT_STATUS_CLASSES = {
    "held": "badge--success",
    "confirmed": "badge--info",
    "planned": "badge--outline",
    "postponed": "badge--warning",
    "cancelled": "badge--error",
}
REQUEST_STATUS_CLASSES = {
    "received": "badge--outline",
    "accepted": "badge--info",
    "scheduled": "badge--info",
    "delivered": "badge--success",
    "declined": "badge--error",
    "withdrawn": "badge--warning",
}


@register.filter
def state_class(state: str) -> str:
    return STATES.get(state, STATES["none"])[0]


@register.filter
def state_label(state: str) -> str:
    return STATES.get(state, STATES["none"])[1]


@register.filter
def status_class(obj) -> str:
    """The badge modifier of an event's or a request's status."""
    classes = REQUEST_STATUS_CLASSES if obj._meta.model_name == "request" else \
        EVENT_STATUS_CLASSES
    return classes.get(obj.status, "")


@register.filter
def date_range(event) -> str:
    """``3–5 Mar 2025``, ``30 Jun – 2 Jul 2025``, ``1 Jan 2025`` (locale-aware pieces)."""
    start, end = event.start_date, event.end_date
    if start == end:
        return formats.date_format(start, "j M Y")
    if (start.year, start.month) == (end.year, end.month):
        return f"{start.day}–{formats.date_format(end, 'j M Y')}"
    if start.year == end.year:
        return f"{formats.date_format(start, 'j M')} – {formats.date_format(end, 'j M Y')}"
    return f"{formats.date_format(start, 'j M Y')} – {formats.date_format(end, 'j M Y')}"


@register.filter
def percent(part, whole) -> str:
    """``75%`` of ``whole``; an en dash when there is nothing to divide by."""
    from workplan.core.figures import share, share_text

    return share_text(share(part, whole))


@register.filter
def shows_member_delivery(member, user) -> bool:
    """Whether the member's delivery page is open to ``user`` (same rule as the view, from
    the roles already read for the request: no query)."""
    if not getattr(user, "is_authenticated", False):
        return False
    if user.is_superuser:
        return True
    if any(role in WIDE_ROLES for _office, role, _member in memberships(user)):
        return True
    return any(member_id == member.pk for _office, member_id in focal_points(user))
