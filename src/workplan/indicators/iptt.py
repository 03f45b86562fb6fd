"""The indicator performance tracking table: every KPI of a plan x Q1-Q4 and the year, with
target, actual and % met, optionally broken down by member, sub-region or gender.

One pass: the plan's indicators (one query), their targets (one), the members for breakdown
labels (one), then one aggregate query per measure and setting in use. The number of queries
depends on the plan's bindings, never on how many events or participants there are.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from .measures import OFFICE, Cell, Frame, registry
from .measures.base import NOT_ATTRIBUTED, STOCK
from .models import Indicator, Target
from .periods import Period

PERIOD_KEYS = ("Q1", "Q2", "Q3", "Q4", "FY")
ON, BEHIND, NO_TARGET, NO_DATA = "on", "behind", "no_target", "no_data"
STATUS_LABELS = {ON: _("On target"), BEHIND: _("Behind target"),
                 NO_TARGET: _("No target set"), NO_DATA: _("No data yet")}


def percent_met(actual: float | None, target: Decimal | float | None,
                direction: str = "increase") -> float | None:
    if actual is None or target is None:
        return None
    target = float(target)
    if direction == "decrease":
        if actual <= target:
            return 100.0
        return round(100.0 * target / actual, 1) if actual else None
    if target == 0:
        return None
    return round(100.0 * actual / target, 1)


@dataclass
class Column:
    """One period of one indicator: what was measured against what was wanted."""

    cell: Cell
    target: Decimal | None = None
    baseline: Decimal | None = None
    direction: str = "increase"

    @property
    def actual(self) -> float | None:
        return self.cell.actual

    @property
    def percent(self) -> float | None:
        return percent_met(self.cell.actual, self.target, self.direction)


@dataclass
class Breakdown:
    key: object            # member id, sub-region name, gender code, or None
    label: str
    columns: dict[str, Column]


@dataclass
class Row:
    indicator: Indicator
    measure: object
    columns: dict[str, Column]
    breakdown: list[Breakdown] = field(default_factory=list)
    additive: bool = True
    state: str = NO_TARGET  # set by Table.assess

    @property
    def action(self):
        return self.indicator.action

    @property
    def archived(self) -> bool:
        """The KPI is no longer in the plan (shown for the data recorded in this year)."""
        return self.indicator.archived_at is not None or self.action.archived_at is not None

    @property
    def pillar(self):
        return self.indicator.action.pillar

    def status(self, today: dt.date, period: Period) -> str:
        """On or behind target: a finished year against its target; a year in progress
        against the target of the quarter reached (or, for cumulative counts without quarter
        targets, the year's target pro rata)."""
        year = self.columns["FY"]
        if year.target is None:
            return NO_TARGET
        if today > period.end:
            column, expected = year, year.target
        else:
            quarter = max(1, min(4, _quarters_elapsed(today, period)))
            column = self.columns[f"Q{quarter}"]
            expected = column.target
            if expected is None:
                pro_rata = (self.indicator.cumulative and self.measure.aggregation != STOCK
                            and self.measure.unit == "count")
                expected = year.target * Decimal(quarter) / 4 if pro_rata else year.target
        if column.actual is None:
            return NO_DATA
        return ON if (percent_met(column.actual, expected, self.indicator.direction) or 0) \
            >= 100 else BEHIND


def _quarters_elapsed(today: dt.date, period: Period) -> int:
    if today < period.start:
        return 0
    return sum(1 for q in period.quarters() if q.start <= today)


@dataclass
class Table:
    plan: object
    period: Period
    rows: list[Row]
    dimension: str | None
    periods: list[Period]

    def pillars(self):
        """Rows grouped: [(pillar, [(action, [rows])])] in plan order."""
        grouped: dict = {}
        for row in self.rows:
            grouped.setdefault(row.pillar, {}).setdefault(row.action, []).append(row)
        return [(pillar, list(actions.items())) for pillar, actions in grouped.items()]

    def assess(self, today: dt.date) -> dict[str, int]:
        """Set each row's on/behind-target ``state`` as of ``today``; count them."""
        counts = dict.fromkeys(STATUS_LABELS, 0)
        for row in self.rows:
            row.state = row.status(today, self.period)
            counts[row.state] += 1
        return counts


def plan_frame(plan) -> Frame:
    office = plan.office
    return Frame(office_id=office.pk, region_id=office.region_id, fiscal_year=plan.start_year,
                 start_month=office.fiscal_year_start_month)


def compute(plan, *, dimension: str | None = None, indicators=None,
            members_shown: set[int] | None = None,
            archived_without_data: bool = False) -> Table:
    """The IPTT of ``plan``. ``indicators`` narrows the rows (a queryset of the plan's
    indicators); ``members_shown`` limits a member breakdown to those members (a focal point
    sees their own member's line, not the others'). Archived KPIs (no longer in the plan)
    are rows only if they have a target or a value in the plan's year (``Row.archived``
    marks them), unless ``archived_without_data`` (one KPI's own page)."""
    frame = plan_frame(plan)
    period = Period(frame.fiscal_year, 0, frame.start_month)
    if indicators is None:
        indicators = Indicator.objects.filter(action__work_plan=plan)
    if not archived_without_data:
        indicators = indicators.for_year(period)
    indicators = list(indicators.select_related("action__pillar")
                      .order_by("action__pillar__number", "action__position", "position"))
    targets = _targets(indicators, frame.fiscal_year)
    labels = _dimension_labels(dimension, frame) if dimension else {}
    subregions = labels.get("_subregions", {})
    facts = _facts(indicators, frame, dimension)
    rows = []
    for indicator in indicators:
        measure = registry.get(indicator.measure)
        mine = facts[indicator.pk]
        cells = measure.series(mine, indicator.cumulative, indicator.params)
        columns = _columns(indicator, cells, targets)
        row = Row(indicator, measure, columns,
                  additive=dimension in measure.additive if dimension else True)
        if dimension and dimension in measure.dimensions:
            parts = measure.breakdown(mine, indicator.cumulative, dimension, subregions,
                                      indicator.params)
            row.breakdown = sorted(
                (Breakdown(key, _label(labels, dimension, key),
                           _columns(indicator, cells_, {}))
                 for key, cells_ in parts.items()
                 if not (dimension == "member" and members_shown is not None
                         and key not in members_shown)),
                key=lambda b: (b.key is NOT_ATTRIBUTED, b.label))
        rows.append(row)
    return Table(plan, period, rows, dimension, period.quarters() + [period])


def _targets(indicators, fiscal_year) -> dict:
    found = {}
    for t in Target.objects.filter(indicator__in=[i.pk for i in indicators],
                                   fiscal_year=fiscal_year):
        found[(t.indicator_id, f"Q{t.quarter}" if t.quarter else "FY")] = t
    return found


def _columns(indicator, cells, targets) -> dict[str, Column]:
    columns = {}
    for key in PERIOD_KEYS:
        target = targets.get((indicator.pk, key))
        columns[key] = Column(cells[key], target.target if target else None,
                              target.baseline if target else None, indicator.direction)
    return columns


def _facts(indicators, frame, dimension) -> dict[int, list]:
    """Facts per indicator: one query per (measure, scope, settings) in use."""
    groups: dict[tuple, list[Indicator]] = defaultdict(list)
    for indicator in indicators:
        measure = registry.get(indicator.measure)
        params = {k: v for k, v in sorted(indicator.params.items()) if k != "scope"}
        groups[(measure.key, measure.scope(indicator.params), repr(params))].append(indicator)
    per_indicator: dict[int, list] = defaultdict(list)
    for (key, scope, _params), members in groups.items():
        measure = registry.get(key)
        wanted = dimension if dimension in measure.dimensions else None
        if measure.per_indicator:
            owners = [i.pk for i in members]
        elif scope == OFFICE:
            owners = None
        else:
            owners = sorted({i.action_id for i in members})
        facts = list(measure.facts(frame, owners, members[0].params, wanted))
        by_owner = defaultdict(list)
        for fact in facts:
            by_owner[fact.owner].append(fact)
        for indicator in members:
            if measure.per_indicator:
                per_indicator[indicator.pk] = by_owner[indicator.pk]
            elif owners is None:
                per_indicator[indicator.pk] = facts
            else:
                per_indicator[indicator.pk] = by_owner[indicator.action_id]
    return per_indicator


def _dimension_labels(dimension, frame) -> dict:
    from workplan.directory.models import Member, Person

    labels: dict = {}
    if dimension in ("member", "subregion"):
        members = Member.objects.filter(region_id=frame.region_id).values_list(
            "pk", "name", "sub_region")
        labels["member"] = {pk: name for pk, name, _sr in members}
        labels["_subregions"] = {pk: sr or str(_("No sub-region")) for pk, _n, sr in members}
    if dimension == "gender":
        labels["gender"] = dict(Person.Gender.choices)
    return labels


def _label(labels, dimension, key) -> str:
    if key is NOT_ATTRIBUTED:
        return str(_("Not attributed"))
    if dimension == "member":
        return labels["member"].get(key, str(_("Member of another region")))
    if dimension == "gender":
        return str(labels["gender"].get(key, key))
    return str(key)
