"""What the overview pages of delivery show, assembled from a fixed number of queries.

Plan versus delivery, a member's assistance by fiscal year, a month of events and the expert
registry. Each function takes the signed-in user and reads only through
``Model.objects.restrict(user, VIEW)``; the aggregates themselves are QuerySet methods in
``querysets.py``. Nothing here writes.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Exists, F, IntegerField, OuterRef, Prefetch, Q, Subquery
from django.db.models.functions import Coalesce

from workplan.core.access import VIEW, WIDE_ROLES, focal_points, office_ids

from .models import Event, Participation, Request

# --- fiscal years -------------------------------------------------------------------------------


def fiscal_year_start(day: dt.date, start_month: int = 7) -> int:
    """The first calendar year of the fiscal year ``day`` falls in (July-June by default:
    30 June 2025 is in 2024-2025, 1 July 2025 in 2025-2026)."""
    return day.year if day.month >= start_month else day.year - 1


def fiscal_year_label(start_year: int, start_month: int = 7) -> str:
    """``2024-2025`` (how plans name a fiscal year); ``2025`` for a calendar-year office."""
    return str(start_year) if start_month == 1 else f"{start_year}-{start_year + 1}"


# --- plan versus delivery -----------------------------------------------------------------------


@dataclass
class Tally:
    planned: int = 0
    scheduled: int = 0
    held: int = 0
    cancelled: int = 0

    def add(self, other: Tally) -> None:
        self.planned += other.planned
        self.scheduled += other.scheduled
        self.held += other.held
        self.cancelled += other.cancelled

    @property
    def state(self) -> str:
        """``done`` (held at least as often as planned), ``partly``, ``scheduled`` or ``none``."""
        if self.planned and self.held >= self.planned:
            return "done"
        if self.held:
            return "partly"
        if self.scheduled:
            return "scheduled"
        return "none"


@dataclass
class ActivityDelivery(Tally):
    activity: object = None
    members: list = field(default_factory=list)
    held_events: list = field(default_factory=list)

    @property
    def members_without_event(self) -> list:
        """Members a national workshop names that no held event was for (yet)."""
        covered = {event.host_member_id for event in self.held_events}
        return [m for m in self.members if m.pk not in covered]


@dataclass
class ActionDelivery:
    action: object
    activities: list = field(default_factory=list)
    unplanned: list = field(default_factory=list)  # events serving it without its activity


@dataclass
class PillarDelivery:
    pillar: object
    actions: list = field(default_factory=list)
    totals: Tally = field(default_factory=Tally)
    activity_count: int = 0
    unplanned_held: int = 0


@dataclass
class YearHeld:
    """The events held in the plan's fiscal year (the dashboard's "events held"), in three
    parts that add up: for a planned activity of this plan, unplanned but serving one of its
    actions, and serving none of its actions (the annual report's "other activities")."""

    total: int = 0
    for_activities: int = 0
    for_actions: int = 0
    other: int = 0


@dataclass
class PlanDelivery:
    pillars: list
    totals: Tally
    activity_count: int
    unplanned_held: int
    year: YearHeld = field(default_factory=YearHeld)
    other_events: list = field(default_factory=list)


def planned_count(activity, members) -> int:
    """How many events an activity plans: one per member it names for a national workshop
    (a workshop "for Lao PDR, Vanuatu and Viet Nam" is three), otherwise one."""
    if activity.kind == "national_workshop" and members:
        return len(members)
    return 1


def plan_delivery(plan, user) -> PlanDelivery:
    """Each pillar, action and activity of ``plan`` with what was planned, scheduled, held
    and cancelled among the events ``user`` may see; totals per pillar and for the plan count
    an activity once however many actions it serves.

    Nine queries whatever the size of the plan or the number of events: pillars, actions,
    action-activity links, activities, their members, event counts (GROUP BY activity),
    held events, unplanned events serving an action, the year's held events in parts and
    those serving none of the plan's actions.
    """
    from workplan.directory.models import Member
    from workplan.plans.models import Action, ActionActivity, Activity, Pillar

    pillars = list(Pillar.objects.restrict(user, VIEW).filter(work_plan=plan).order_by("number"))
    actions = list(Action.objects.restrict(user, VIEW).filter(work_plan=plan)
                   .order_by("position"))
    links = list(ActionActivity.objects.filter(action__work_plan=plan)
                 .order_by(F("listed_position").asc(nulls_last=True), "activity__position")
                 .values_list("action_id", "activity_id"))
    activities = {a.pk: a for a in Activity.objects.restrict(user, VIEW).filter(work_plan=plan)
                  .only("pk", "title", "kind", "position", "work_plan_id")
                  .prefetch_related(Prefetch("members", queryset=Member.objects.only(
                      "pk", "iso3", "name").order_by("name")))}
    events = Event.objects.restrict(user, VIEW)
    counts = {row["activity_id"]: row for row in
              events.filter(activity__work_plan=plan).counts_by_activity()}
    held = defaultdict(list)
    for event in (events.held().filter(activity__work_plan=plan).select_related("host_member")
                  .only("pk", "title", "start_date", "end_date", "activity_id", "status",
                        "host_member__iso3", "host_member__name")
                  .order_by("start_date", "pk")):
        held[event.activity_id].append(event)
    unplanned = defaultdict(list)
    for event in (events.filter(activity__isnull=True, action_links__action__work_plan=plan)
                  .annotate(served_action_id=F("action_links__action_id"))
                  .only("pk", "title", "start_date", "end_date", "status")
                  .order_by("start_date", "pk")):
        unplanned[event.served_action_id].append(event)

    rows = {}
    for activity in activities.values():
        members = list(activity.members.all())
        row = counts.get(activity.pk, {})
        rows[activity.pk] = ActivityDelivery(
            activity=activity, members=members, planned=planned_count(activity, members),
            scheduled=row.get("scheduled", 0), held=row.get("held", 0),
            cancelled=row.get("cancelled", 0), held_events=held.get(activity.pk, []))
    by_action = defaultdict(list)
    for action_id, activity_id in links:
        if activity_id in rows:
            by_action[action_id].append(rows[activity_id])

    outline = {p.pk: PillarDelivery(p) for p in pillars}
    seen_by_pillar = defaultdict(set)
    unplanned_by_pillar = defaultdict(set)
    for action in actions:
        item = ActionDelivery(action, by_action.get(action.pk, []), unplanned.get(action.pk, []))
        pillar = outline.get(action.pillar_id)
        if pillar is None:
            continue
        pillar.actions.append(item)
        seen_by_pillar[action.pillar_id].update(r.activity.pk for r in item.activities)
        unplanned_by_pillar[action.pillar_id].update(
            e.pk for e in item.unplanned if e.status == Event.Status.HELD)
    totals = Tally()
    for pillar in outline.values():
        for activity_id in seen_by_pillar[pillar.pillar.pk]:
            pillar.totals.add(rows[activity_id])
        pillar.activity_count = len(seen_by_pillar[pillar.pillar.pk])
        pillar.unplanned_held = len(unplanned_by_pillar[pillar.pillar.pk])
    every = set().union(*seen_by_pillar.values()) if seen_by_pillar else set()
    for activity_id in every:
        totals.add(rows[activity_id])
    unplanned_held = set().union(*unplanned_by_pillar.values()) if unplanned_by_pillar else set()
    year, other_events = _year_held(plan, events)
    return PlanDelivery(pillars=list(outline.values()), totals=totals,
                        activity_count=len(every), unplanned_held=len(unplanned_held),
                        year=year, other_events=other_events)


def _year_held(plan, events) -> tuple[YearHeld, list]:
    """The fiscal year's held events of the plan's office, split as ``YearHeld`` says (one
    aggregate query), and those serving none of the plan's actions (one query)."""
    held = events.held().in_fiscal_year(plan.office, plan.start_year)
    for_activity = Q(activity__work_plan=plan)
    for_action = Q(pk__in=Event.actions.through.objects.filter(
        action__work_plan=plan).values("event_id"))
    row = held.aggregate(total=Count("pk"),
                         for_activities=Count("pk", filter=for_activity),
                         for_actions=Count("pk", filter=~for_activity & for_action))
    year = YearHeld(total=row["total"], for_activities=row["for_activities"],
                    for_actions=row["for_actions"])
    year.other = year.total - year.for_activities - year.for_actions
    other = list(held.exclude(for_activity).exclude(for_action).select_related("host_member")
                 .only("pk", "title", "start_date", "end_date", "status", "city",
                       "host_member__iso3", "host_member__name")
                 .order_by("start_date", "pk"))
    return year, other


# --- a member's assistance ----------------------------------------------------------------------

GENDER_COLUMNS = ("female", "male", "other")  # "other" also counts "prefer not to say"


@dataclass
class GenderTally:
    female: int = 0
    male: int = 0
    other: int = 0

    @property
    def total(self) -> int:
        return self.female + self.male + self.other

    def add(self, gender: str, count: int) -> None:
        column = gender if gender in ("female", "male") else "other"
        setattr(self, column, getattr(self, column) + count)

    def add_tally(self, other: GenderTally) -> None:
        self.female += other.female
        self.male += other.male
        self.other += other.other


@dataclass
class MemberEvent:
    event: object
    participants: GenderTally = field(default_factory=GenderTally)
    experts: list = field(default_factory=list)     # those whose names the user may see
    expert_total: int = 0                            # resource persons, named or not
    is_host: bool = False

    @property
    def experts_unnamed(self) -> int:
        return self.expert_total - len(self.experts)


@dataclass
class FiscalYearDelivery:
    start: int
    label: str
    events: list = field(default_factory=list)
    participants: GenderTally = field(default_factory=GenderTally)
    expert_count: int = 0


@dataclass
class MemberDelivery:
    years: list
    upcoming: list
    requests: list
    participants: GenderTally
    held_count: int
    expert_count: int


def delivery_members(user):
    """Members whose delivery page ``user`` may open: those of the regions of the offices
    where they hold an office-wide role (admin, staff, viewer), and the members they are a
    focal point for. Experts see no member page (their deployments are on their own page)."""
    from workplan.directory.models import Member, Office

    members = Member.objects.restrict(user, VIEW)
    wide = office_ids(user, VIEW, roles=WIDE_ROLES)
    if wide is None:
        return members
    condition = Q(region__in=Office.objects.filter(pk__in=wide).values("region_id"))
    condition |= Q(pk__in=[member for _office, member in focal_points(user)])
    return members.filter(condition)


def member_delivery(member, user) -> MemberDelivery:
    """Everything ``member`` received that ``user`` may see: events held with the member as
    host or beneficiary, grouped by fiscal year (newest first) with the member's participants
    by gender and the experts deployed; events still to come; requests the member filed.

    Four queries whatever the number of events: events (with their fiscal year), the member's
    participants by event and gender, the experts of those events, the requests.
    """
    through = Event.beneficiaries.through
    events = (Event.objects.restrict(user, VIEW)
              .filter(Q(host_member=member)
                      | Q(pk__in=through.objects.filter(member=member).values("event_id")))
              .exclude(status=Event.Status.CANCELLED))
    rows = list(events.with_fiscal_year().select_related("office", "host_member")
                .order_by("-start_date", "title"))
    held_ids = events.held().values("pk")
    # Counts of the events the user may open are whole (a count is not personal data); the
    # experts' names are those the user may see (docs/delivery.md, "Who sees which figure").
    genders = defaultdict(GenderTally)
    for row in (Participation.objects.participants()
                .filter(member=member, event__in=held_ids).gender_counts_by_event()):
        genders[row["event_id"]].add(row["person__gender"], row["count"])
    experts, deployed = defaultdict(list), defaultdict(set)
    may_see = Participation.objects.restrict(user, VIEW).filter(pk=OuterRef("pk"))
    for participation in (Participation.objects.deployments().filter(event__in=held_ids)
                          .annotate(named=Exists(may_see)).select_related("person__member")
                          .order_by("person__full_name")):
        deployed[participation.event_id].add(participation.person_id)
        if participation.named:
            experts[participation.event_id].append(participation.person)
    requests = list(Request.objects.restrict(user, VIEW).filter(member=member)
                    .select_related("office", "action", "activity", "event")
                    .order_by("-created", "-pk"))

    years: dict[int, FiscalYearDelivery] = {}
    upcoming = []
    total = GenderTally()
    expert_ids = set()
    for event in rows:
        item = MemberEvent(event, genders.get(event.pk, GenderTally()),
                           experts.get(event.pk, []), len(deployed.get(event.pk, ())),
                           is_host=event.host_member_id == member.pk)
        if event.status != Event.Status.HELD:
            upcoming.append(item)
            continue
        year = years.get(event.fy_start)
        if year is None:
            year = years[event.fy_start] = FiscalYearDelivery(
                event.fy_start,
                fiscal_year_label(event.fy_start, event.office.fiscal_year_start_month))
        year.events.append(item)
        year.participants.add_tally(item.participants)
        year.expert_count += item.expert_total
        total.add_tally(item.participants)
        expert_ids.update(deployed.get(event.pk, ()))
    upcoming.sort(key=lambda item: (item.event.start_date, item.event.pk))
    return MemberDelivery(
        years=sorted(years.values(), key=lambda y: y.start, reverse=True),
        upcoming=upcoming, requests=requests, participants=total,
        held_count=sum(len(y.events) for y in years.values()), expert_count=len(expert_ids))


# --- a month of events --------------------------------------------------------------------------


@dataclass
class Day:
    date: dt.date
    in_month: bool
    events: list = field(default_factory=list)


@dataclass
class Bar:
    """An event's stretch within one week of the grid: columns ``start`` (1 = the week's first
    day) to ``start + span - 1``; ``before`` / ``after``: it goes on in the week before or
    after."""

    event: object
    start: int
    span: int
    before: bool
    after: bool


class Week(list):
    """Seven ``Day``s, and ``bars``: one per event taking place that week, in the order a
    grid stacks them (earliest first, then longest)."""

    def __init__(self, days):
        super().__init__(days)
        self.bars: list[Bar] = []


def month_weeks(year: int, month: int, events, first_weekday: int = 0) -> list[Week]:
    """The weeks of a month as a calendar grid shows them (days of the neighbouring months
    included): each day with the events that take place on it, each week with one bar per
    event spanning its days in that week (so a three-day event is one bar, not three)."""
    weeks = [Week(Day(day, day.month == month) for day in week) for week in
             calendar.Calendar(first_weekday).monthdatescalendar(year, month)]
    first, last = weeks[0][0].date, weeks[-1][-1].date
    by_date = {day.date: day for week in weeks for day in week}
    for event in events:
        day = max(event.start_date, first)
        while day <= min(event.end_date, last):
            by_date[day].events.append(event)
            day += dt.timedelta(days=1)
    for week in weeks:
        monday, sunday = week[0].date, week[-1].date
        for event in events:
            if event.end_date < monday or event.start_date > sunday:
                continue
            start, end = max(event.start_date, monday), min(event.end_date, sunday)
            week.bars.append(Bar(event, (start - monday).days + 1, (end - start).days + 1,
                                 before=event.start_date < monday,
                                 after=event.end_date > sunday))
        week.bars.sort(key=lambda bar: (bar.start, -bar.span))
    return weeks


def month_bounds(year: int, month: int, first_weekday: int = 0) -> tuple[dt.date, dt.date]:
    """The first and last day the grid of a month shows."""
    weeks = calendar.Calendar(first_weekday).monthdatescalendar(year, month)
    return weeks[0][0], weeks[-1][-1]


# --- experts ------------------------------------------------------------------------------------


def valid_accreditation(today: dt.date):
    """A condition on Accreditation: valid on ``today``."""
    return Q(accredited_on__lte=today) & (Q(expires_on__isnull=True) | Q(expires_on__gte=today))


def expert_people(user, today: dt.date | None = None):
    """The expert registry as ``user`` may see it: people with an accreditation or an expert
    participation, each with ``deployment_count`` (expert participations in held events the
    user may see), ``accredited`` and ``valid_today`` (one query; no join multiplies rows)."""
    from workplan.directory.models import Accreditation, Person

    today = today or dt.date.today()
    deployments = (Participation.objects.restrict(user, VIEW).deployments()
                   .filter(person=OuterRef("pk")).order_by().values("person")
                   .annotate(n=Count("pk")).values("n"))
    return (Person.objects.restrict(user, VIEW)
            .filter(Q(pk__in=Accreditation.objects.values("person_id"))
                    | Q(pk__in=Participation.objects.experts().values("person_id")))
            .annotate(
                deployment_count=Coalesce(Subquery(deployments, output_field=IntegerField()),
                                          0),
                accredited=Exists(Accreditation.objects.filter(person=OuterRef("pk"))),
                valid_today=Exists(Accreditation.objects.filter(
                    valid_accreditation(today), person=OuterRef("pk")))))
