"""Measures read from delivery records: held events, their beneficiaries and participants.

Each ``facts`` is one query grouped by the database. For action-scoped indicators the rows are
grouped by the action an event serves (an event serving three actions counts for each of them,
once); office-scoped indicators count the office's events once.
"""

from __future__ import annotations

from django.db.models import Count, F, Q
from django.utils.translation import gettext_lazy as _

from ..periods import quarter_expression
from .base import ACTION, DISTINCT, OFFICE, SUM, Fact, Frame, Measure, registry

EVENT_PARAMS = {
    "kind": _("only events of these kinds (workshop, training, mission, meeting, conference, "
              "accreditation, other)"),
    "level": _("only events at these levels (national, subregional, regional, global)"),
}


def _as_list(value) -> list[str]:
    if value in (None, "", []):
        return []
    return [value] if isinstance(value, str) else list(value)


class EventMeasure(Measure):
    """Shared filtering: held events of the office in the fiscal year, of the chosen kinds and
    levels; ``prefix`` is the path from the queried model to the event."""

    params_help = EVENT_PARAMS

    def validate_params(self, params):
        from workplan.delivery.models import Event

        params = super().validate_params(params)
        for name, choices in (("kind", Event.Kind.values), ("level", Event.Level.values)):
            bad = [v for v in _as_list(params.get(name)) if v not in choices]
            if bad:
                raise ValueError(_("%(name)s: unknown value(s) %(values)s; choose from "
                                   "%(choices)s") % {"name": name, "values": ", ".join(bad),
                                                     "choices": ", ".join(choices)})
        return params

    def event_filter(self, frame: Frame, params: dict, prefix: str) -> Q:
        condition = Q(**{f"{prefix}office_id": frame.office_id, f"{prefix}status": "held",
                         f"{prefix}start_date__gte": frame.start,
                         f"{prefix}start_date__lte": frame.end})
        if kinds := _as_list(params.get("kind")):
            condition &= Q(**{f"{prefix}kind__in": kinds})
        if levels := _as_list(params.get("level")):
            condition &= Q(**{f"{prefix}level__in": levels})
        return condition

    def grouped(self, frame, owners, params, base, prefix, columns: dict, count=None):
        """``base`` filtered to the frame, grouped by owner (the action), quarter and
        ``columns``; ``count`` adds ``n`` (a Count) to each row."""
        queryset = base.filter(self.event_filter(frame, params, prefix))
        group = {"quarter": quarter_expression(f"{prefix}start_date", frame.start_month),
                 **columns}
        if owners is not None:
            link = f"{prefix}action_links__action_id"
            queryset = queryset.filter(**{f"{link}__in": owners})
            group["owner"] = F(link)
        rows = queryset.order_by().values(**group)
        return rows.annotate(n=count) if count is not None else rows.distinct()


@registry.register
class MembersAssisted(EventMeasure):
    key = "members_assisted"
    label = _("Members assisted")
    description = _("Distinct beneficiary members of the held events (counted once however "
                    "many events).")
    aggregation = DISTINCT
    dimensions = ("member", "subregion")
    additive = frozenset({"member", "subregion"})

    def facts(self, frame, owners, params, dimension):
        from workplan.delivery.models import Event

        rows = self.grouped(frame, owners, params, Event.objects, "",
                            {"m": F("beneficiaries__id")})
        return [Fact(r.get("owner"), r["quarter"], member_id=r["m"], key=r["m"])
                for r in rows if r["m"] is not None]


@registry.register
class EventsHeld(EventMeasure):
    key = "events_held"
    label = _("Events held")
    description = _("Held events (optionally of some kinds or levels). By member: the events "
                    "that benefited each member, so members do not add up to the total.")
    aggregation = DISTINCT
    dimensions = ("member", "subregion")

    def facts(self, frame, owners, params, dimension):
        from workplan.delivery.models import Event

        columns = {"e": F("id")}
        if dimension in ("member", "subregion"):
            columns["m"] = F("beneficiaries__id")
        rows = self.grouped(frame, owners, params, Event.objects, "", columns)
        return [Fact(r.get("owner"), r["quarter"], member_id=r.get("m"), key=r["e"])
                for r in rows]


class ParticipationMeasure(EventMeasure):
    """Counts people by one of delivery's figure definitions (docs/kpis.md, "Figures")."""

    counts = "participants"  # a ParticipationQuerySet method: participants, women, ...

    def participations(self):
        from workplan.delivery.models import Participation

        return getattr(Participation.objects, self.counts)()


@registry.register
class Participants(ParticipationMeasure):
    key = "participants"
    label = _("Participants")
    description = _("Participations of officials who attended held events.")
    aggregation = SUM
    dimensions = ("member", "subregion", "gender")
    additive = frozenset(dimensions)

    def facts(self, frame, owners, params, dimension):
        columns = {}
        if dimension in ("member", "subregion"):
            columns["m"] = F("member_id")
        if dimension == "gender":
            columns["g"] = F("person__gender")
        rows = self.grouped(frame, owners, params, self.participations(), "event__", columns,
                            count=Count("id"))
        return [Fact(r.get("owner"), r["quarter"], member_id=r.get("m"),
                     gender=r.get("g"), num=r["n"]) for r in rows]


@registry.register
class WomenParticipations(Participants):
    key = "women_participations"
    label = _("Women participations")
    description = _("Participations of women in held events.")
    default_scope = OFFICE
    dimensions = ("member", "subregion")
    additive = frozenset(dimensions)
    counts = "women"


@registry.register
class MembersParticipating(ParticipationMeasure):
    key = "members_participating"
    label = _("Members participating")
    description = _("Distinct members whose officials attended held events.")
    aggregation = DISTINCT
    dimensions = ("member", "subregion")
    additive = frozenset(dimensions)

    def facts(self, frame, owners, params, dimension):
        rows = self.grouped(frame, owners, params, self.participations(), "event__",
                            {"m": F("member_id")})
        return [Fact(r.get("owner"), r["quarter"], member_id=r["m"], key=r["m"])
                for r in rows if r["m"] is not None]


@registry.register
class ExpertsUtilized(ParticipationMeasure):
    key = "experts_utilized"
    label = _("Experts utilized")
    description = _("Distinct experts deployed to held events.")
    aggregation = DISTINCT
    default_scope = OFFICE
    counts = "resource_persons"
    dimensions = ("member", "subregion", "gender")
    additive = frozenset({"gender"})  # an expert may come from another administration later

    def facts(self, frame, owners, params, dimension):
        columns = {"p": F("person_id")}
        if dimension in ("member", "subregion"):
            columns["m"] = F("member_id")
        if dimension == "gender":
            columns["g"] = F("person__gender")
        rows = self.grouped(frame, owners, params, self.participations(), "event__", columns)
        return [Fact(r.get("owner"), r["quarter"], member_id=r.get("m"),
                     gender=r.get("g"), key=r["p"]) for r in rows]


__all__ = ["ACTION", "EventsHeld", "ExpertsUtilized", "MembersAssisted",
           "MembersParticipating", "Participants", "WomenParticipations"]
