"""The fiscal year at a glance: what the office delivered and how its KPIs stand.

``figures`` computes plain numbers once (a fixed handful of aggregate queries, plus the IPTT
of the year's plan); the page's tables and its SVG charts are both drawn from them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Count

from .iptt import STATUS_LABELS, Table, compute
from .measures import Frame, registry
from .periods import Period


@dataclass
class Dashboard:
    office: object
    period: Period
    events: dict[tuple[str, str], int] = field(default_factory=dict)   # (kind, level) -> n
    members_reached: dict[str, set[int]] = field(default_factory=dict)  # sub-region -> ids
    members_total: int = 0
    participants: dict[str, int] = field(default_factory=dict)          # gender -> n
    experts: int = 0
    partners: int = 0
    evaluation: object = None                                           # a Cell, or None
    plan: object = None
    table: Table | None = None
    kpi_status: dict[str, int] = field(default_factory=dict)

    @property
    def events_total(self) -> int:
        return sum(self.events.values())

    def events_by(self, index: int) -> dict[str, int]:
        totals: dict[str, int] = {}
        for key, count in self.events.items():
            totals[key[index]] = totals.get(key[index], 0) + count
        return totals

    @property
    def reached_total(self) -> int:
        return len(set().union(*self.members_reached.values())) if self.members_reached else 0

    @property
    def participants_total(self) -> int:
        return sum(self.participants.values())

    @property
    def women_share(self) -> float | None:
        total = self.participants_total
        return self.participants.get("female", 0) / total if total else None


def figures(office, fiscal_year: int, *, today: dt.date, plan=None) -> Dashboard:
    from workplan.delivery.models import Event, EventPartner, Participation
    from workplan.directory.models import Member

    period = Period(fiscal_year, 0, office.fiscal_year_start_month)
    # The figures' definitions are delivery's queryset methods (docs/kpis.md, "Figures").
    held = Event.objects.held().in_fiscal_year(office, fiscal_year)
    board = Dashboard(office, period, plan=plan)
    for row in held.order_by().values("kind", "level").annotate(n=Count("pk")):
        board.events[(row["kind"], row["level"])] = row["n"]
    reached = (Member.objects.filter(pk__in=held.members_reached()).order_by()
               .values_list("sub_region", "pk"))
    for sub_region, member in reached:
        board.members_reached.setdefault(sub_region or "", set()).add(member)
    board.members_total = Member.objects.filter(region_id=office.region_id).count()
    people = Participation.objects.filter(event__in=held)
    for row in (people.participants().order_by().values("person__gender")
                .annotate(n=Count("pk"))):
        gender = row["person__gender"] or "undisclosed"
        board.participants[gender] = board.participants.get(gender, 0) + row["n"]
    board.experts = (people.resource_persons().order_by().values("person_id").distinct()
                     .count())
    board.partners = (EventPartner.objects.filter(event__in=held).order_by()
                      .values("partner_id").distinct().count())
    if "evaluation_result" in registry:
        measure = registry.get("evaluation_result")
        frame = Frame(office.pk, office.region_id, fiscal_year, office.fiscal_year_start_month)
        board.evaluation = measure.series(list(measure.facts(frame, None, {}, None)),
                                          False)["FY"]
    if plan is not None:
        board.table = compute(plan)
        board.kpi_status = board.table.assess(today)
    return board


__all__ = ["STATUS_LABELS", "Dashboard", "figures"]
