"""The figures an office reports besides its key figures, as tables the three formats print:
planned activities delivered by pillar, members' requests and how fast they were answered,
funding by partner, experts by origin, evaluation and follow-up results; each with the
previous fiscal year beside it when that year's plan is in Workplan.

Every count goes through the definitions of "One truth" (docs/kpis.md, "Figures"): the plan
versus delivery tallies of ``delivery.summaries.plan_delivery``, ``EventQuerySet.held`` and
``in_fiscal_year``, ``ParticipationQuerySet.resource_persons``, ``FundingQuerySet.totals`` (and
``FundingTotals.add_up`` for rows already read), ``RequestQuerySet.filed_in`` and
``with_first_answer``, the dashboard's evaluation cell and the follow-up measure.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from dataclasses import dataclass, field
from types import SimpleNamespace

from django.db.models import Count, Sum
from django.utils.translation import gettext as _

from workplan.core.figures import mean_text, share_text
from workplan.delivery.models import Event, Funding, Participation, Request
from workplan.delivery.querysets import FundingTotals

# plan_delivery reads through restrict(user): the report tells the office's whole year.
OFFICE_WIDE = SimpleNamespace(is_authenticated=True, is_active=True, is_superuser=True)


@dataclass
class FigureRow:
    key: str
    cells: list[str]
    previous: str = ""


@dataclass
class FigureTable:
    key: str
    title: str
    intro: str
    headers: list[str]
    rows: list[FigureRow]
    numeric: list[int] = field(default_factory=list)   # right-aligned columns
    compare: int = 1                                   # the column the previous year repeats
    previous_header: str = ""                          # "2023-2024", or "" (not in Workplan)
    total: FigureRow | None = None

    @property
    def all_headers(self) -> list[str]:
        return self.headers + ([self.previous_header] if self.previous_header else [])

    def cells(self, row: FigureRow) -> list[str]:
        return row.cells + ([row.previous or "–"] if self.previous_header else [])


def money_text(totals: FundingTotals, part: str = "money") -> str:
    """"USD 12,500; JPY 300,000", largest first ("–" when none)."""
    rows = getattr(totals, part)
    return "; ".join(f"{currency} {amount:,.0f}" for currency, amount in rows) or "–"


def year_tables(plan, board, *, previous=None) -> list[FigureTable]:
    """The tables of ``plan``'s fiscal year; ``previous``: ``(plan, board)`` of the year
    before, when its plan is in Workplan."""
    tables = _tables(plan, board)
    if previous is not None:
        before = {t.key: t for t in _tables(*previous)}
        for table in tables:
            old = before.get(table.key)
            table.previous_header = previous[0].period
            if old is None:
                continue
            values = {r.key: r.cells[table.compare] for r in old.rows}
            if old.total is not None:
                values[old.total.key] = old.total.cells[table.compare]
            for row in table.rows + ([table.total] if table.total else []):
                row.previous = values.get(row.key, "")
    return tables


def _tables(plan, board) -> list[FigureTable]:
    office, year = plan.office, plan.start_year
    held = Event.objects.held().in_fiscal_year(office, year)
    return [_delivery(plan), _requests(office, year), _funding(held), _experts(held, board),
            _results(office, year, board)]


def _delivery(plan) -> FigureTable:
    from workplan.delivery.summaries import plan_delivery

    delivery = plan_delivery(plan, OFFICE_WIDE)
    rows = []
    everyone: dict[int, object] = {}
    for pillar in delivery.pillars:
        seen = {}
        for action in pillar.actions:
            for activity in action.activities:
                seen[activity.activity.pk] = activity
        everyone.update(seen)
        rows.append(_delivery_row(str(pillar.pillar.number),
                                  _("Pillar %(n)s") % {"n": pillar.pillar.number}, seen))
    return FigureTable(
        "delivery", _("Planned activities delivered"),
        _("An activity of the plan counts as delivered once at least one of its events was "
          "held; an activity listed under several pillars counts once in the total."),
        [_("Pillar"), _("Activities planned"), _("Delivered"), _("Share delivered"),
         _("Events held for them")], rows, numeric=[1, 2, 3, 4], compare=3,
        total=_delivery_row("all", _("All pillars"), everyone))


def _delivery_row(key: str, label: str, activities: dict) -> FigureRow:
    planned = len(activities)
    delivered = sum(1 for a in activities.values() if a.held)
    events = sum(a.held for a in activities.values())
    return FigureRow(key, [label, f"{planned:,}", f"{delivered:,}",
                           share_text(delivered / planned if planned else None), f"{events:,}"])


def _requests(office, year: int) -> FigureTable:
    rows = list(Request.objects.filed_in(office, year).with_first_answer()
                .values_list("status", "created", "answered_at"))
    statuses = defaultdict(int)
    days = []
    for status, created, answered in rows:
        statuses[status] += 1
        if answered is not None:
            days.append((answered - created).total_seconds() / 86400)
    answered = len(days)
    median = statistics.median(days) if days else None
    declined = statuses.get(Request.Status.DECLINED, 0)
    withdrawn = statuses.get(Request.Status.WITHDRAWN, 0)
    waiting = statuses.get(Request.Status.RECEIVED, 0)
    figures = [
        ("received", _("Requests received"), f"{len(rows):,}"),
        ("answered", _("Answered"), f"{answered:,}"),
        ("accepted", _("Accepted (and scheduled or delivered since)"),
         f"{sum(statuses.get(s, 0) for s in ('accepted', 'scheduled', 'delivered')):,}"),
        ("declined", _("Declined"), f"{declined:,}"),
        ("withdrawn", _("Withdrawn by the member"), f"{withdrawn:,}"),
        ("waiting", _("Waiting for an answer"), f"{waiting:,}"),
        ("median", _("Median days to answer"),
         f"{median:.0f}" if median is not None else "–"),
    ]
    return FigureTable(
        "requests", _("Members' requests"),
        _("Requests filed in the fiscal year; answered: accepted or declined (a request "
          "withdrawn before an answer is not answered); days from filing to the first answer."),
        [_("Requests"), _("Number")], [FigureRow(k, [label, value]) for k, label, value in figures],
        numeric=[1], compare=1)


def _funding(held) -> FigureTable:
    fundings = Funding.objects.filter(event__in=held.order_by().values("pk"))
    by_source: dict[str, list] = defaultdict(list)
    for name, acronym, member, in_kind, currency, total in (
            fundings.order_by().values_list("partner__name", "partner__acronym", "member__name",
                                            "in_kind", "currency")
            .annotate(total=Sum("amount"))):
        source = (f"{name} ({acronym})" if acronym and acronym != name else name) if name \
            else (member or _("Not recorded"))
        by_source[source].append((in_kind, currency, total))
    sums = {source: FundingTotals.add_up(rows) for source, rows in by_source.items()}
    ordered = sorted(sums, key=lambda s: (-sum(a for _c, a in sums[s].money), s))
    overall = fundings.totals()
    return FigureTable(
        "funding", _("Funding by partner"),
        _("Money committed to the year's held events, by currency (never converted); support in "
          "kind (goods and services at their estimated value) apart, never added to money."),
        [_("Partner"), _("Money"), _("In kind (estimated)")],
        [FigureRow(s, [s, money_text(sums[s]), money_text(sums[s], "in_kind")])
         for s in ordered], numeric=[], compare=1,
        total=FigureRow("total", [_("Total"), money_text(overall),
                                  money_text(overall, "in_kind")]))


def _experts(held, board) -> FigureTable:
    people = (Participation.objects.filter(event__in=held.order_by().values("pk"))
              .resource_persons())
    counts = defaultdict(int)
    for member, partner, n in (people.order_by().values_list("member__name",
                                                            "person__partner__name")
                               .annotate(n=Count("person_id", distinct=True))):
        counts[member or partner or _("Origin not recorded")] += n
    rows = [FigureRow(origin, [origin, f"{n:,}"])
            for origin, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))]
    return FigureTable(
        "experts", _("Experts deployed by origin"),
        _("Distinct resource persons of the year's held events, by the administration or "
          "organisation they came from (someone who came from two counts under each)."),
        [_("Origin"), _("Experts")], rows, numeric=[1], compare=1,
        total=FigureRow("total", [_("Experts deployed"), f"{board.experts:,}"]))


def _results(office, year: int, board) -> FigureTable:
    from workplan.indicators.measures import Frame, registry

    evaluation = board.evaluation
    mean = evaluation.actual if evaluation is not None else None
    rated = int(evaluation.denominator or 0) if evaluation is not None else 0
    rate = evaluation.extra.get("response_rate") if evaluation is not None else None
    measure = registry.get("followup_results")
    frame = Frame(office.pk, office.region_id, year, office.fiscal_year_start_month)
    followup = {}
    for item in ("actions", "effects"):
        facts = list(measure.facts(frame, None, {"item": item}, None))
        followup[item] = measure.series(facts, True, {"item": item})["FY"].actual
    rows = [
        ("events", _("Events held"), f"{board.events_total:,}"),
        ("participants", _("Participants"), f"{board.participants_total:,}"),
        ("women", _("Women's share of participants"), share_text(board.women_share)),
        ("members", _("Members reached"), f"{board.reached_total:,}"),
        ("evaluation", _("Mean evaluation (1-5)"),
         _("%(mean)s (%(n)s ratings)") % {"mean": mean_text(mean), "n": f"{rated:,}"}
         if mean is not None else _("no ratings")),
        ("response", _("Share of participants invited who rated"), share_text(rate)),
        ("followup_actions", _("Follow-up actions members reported"),
         f"{followup['actions'] or 0:,.0f}"),
        ("followup_effects", _("Results members reported (projects, effects)"),
         f"{followup['effects'] or 0:,.0f}"),
    ]
    return FigureTable(
        "results", _("Reach, evaluation and follow-up"),
        _("Participants' evaluations of the year's events, and what members reported in the "
          "follow-up surveys answered during the year."),
        [_("Figure"), _("Value")], [FigureRow(k, [label, value]) for k, label, value in rows],
        numeric=[1], compare=1)
