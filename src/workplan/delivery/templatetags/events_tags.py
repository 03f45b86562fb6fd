"""Template helpers of the event and request pages (no queries)."""

from __future__ import annotations

from django import template

from workplan.core.access import CHANGE, can

register = template.Library()


@register.filter
def may_record_events_for(user, office) -> bool:
    """Whether ``user`` may record events of ``office`` (from the roles already read for the
    request: no query). ``{% if user|may_record_events_for:plan.office %}``"""
    return bool(getattr(user, "is_authenticated", False)) and can(user, CHANGE, office)



@register.filter
def has_field_errors(form) -> bool:
    """Whether ``form`` has errors on its fields (not only form-wide ones)."""
    return any(name != "__all__" for name in form.errors)


@register.filter
def gender_label(value: str) -> str:
    from workplan.directory.models import Person

    return dict(Person.Gender.choices).get(value, value or "")


@register.filter
def role_label(value: str) -> str:
    from workplan.delivery.models import Participation

    return dict(Participation.Role.choices).get(value, value or "")
