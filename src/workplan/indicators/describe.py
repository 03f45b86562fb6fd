"""What a KPI counts, in words: the indicator page and the annual report's KPI table say it the
same way, so a reader can tell why a KPI's actual differs from the events listed under its
action (e.g. a KPI that counts meetings only)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from .forms import ADOPTION, EVENTS, as_list, offers_scope, settings_group
from .measures import ACTION
from .models import Indicator, Instrument


def describe_settings(indicator: Indicator, measure, instrument: Instrument | None) -> list[str]:
    """The measure's settings in words."""
    from workplan.delivery.models import Event

    params = indicator.params or {}
    words = []
    if offers_scope(measure):
        words.append(_("Counts the records of this action only") if measure.scope(params)
                     == ACTION else _("Counts the records of the whole office"))
    group = settings_group(measure)
    if group == EVENTS:
        kinds, levels = dict(Event.Kind.choices), dict(Event.Level.choices)
        if chosen := as_list(params.get("kind")):
            words.append(_("Only events of these kinds: %(kinds)s") % {
                "kinds": ", ".join(str(kinds.get(k, k)) for k in chosen)})
        if chosen := as_list(params.get("level")):
            words.append(_("Only events at these levels: %(levels)s") % {
                "levels": ", ".join(str(levels.get(v, v)) for v in chosen)})
    elif group == ADOPTION:
        code = params.get("instrument")
        words.append(_("Instrument: %(name)s") % {
            "name": instrument.name if instrument else code or _("none chosen")})
        status = params.get("status", "operating")
        if status == "operating":
            label = instrument.top_status_label if instrument else _("the highest status")
            words.append(_("Counts members whose status is %(label)s") % {"label": label})
        else:
            words.append(_("Counts members whose status is %(label)s or beyond") % {
                "label": {"planning": _("planning"),
                          "implementing": _("implementing")}.get(status, status)})
        words.append(_("Only members who reached it during the period") if params.get("new")
                     else _("Members at that status at the end of each period"))
    else:
        for key, value in params.items():
            if key == "scope":
                continue
            words.append(f"{measure.params_help.get(key, key)}: {value}")
    return words


def what_it_counts(indicator: Indicator, measure, instrument: Instrument | None = None) -> str:
    """One sentence: the measure and its settings, e.g. "Events held: only events of these
    kinds: Meeting; counts the records of this action only"."""
    words = describe_settings(indicator, measure, instrument)
    label = str(measure.label)
    return f"{label}: {'; '.join(str(w)[0].lower() + str(w)[1:] for w in words)}" \
        if words else label
