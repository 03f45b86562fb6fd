"""Read-side queries of delivery: filters and aggregates that keep query counts fixed.

The figures an office quotes are defined here, once (docs/kpis.md, "Figures"): every page,
export and API response counts people and events through these functions and methods, so the
same event shows the same numbers everywhere.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Case, Count, F, IntegerField, Min, Q, Sum, When
from django.db.models.functions import ExtractMonth, ExtractYear

from workplan.core.access import RestrictedQuerySet

# --- the definitions --------------------------------------------------------------------------
# Each takes the path from the queried model to a Participation ("" on Participation itself,
# "participations__" on Event), so one definition serves both sides of the join.


def participant_q(path: str = "") -> Q:
    """A participant: someone who attended, as a participant (not as a resource person,
    observer or organiser)."""
    return Q(**{f"{path}role": "participant", f"{path}attended": True})


def woman_participant_q(path: str = "") -> Q:
    """A woman participant: a participant whose recorded gender is female."""
    return participant_q(path) & Q(**{f"{path}person__gender": "female"})


def resource_person_q(path: str = "") -> Q:
    """A resource person (expert): someone who attended in the expert role."""
    return Q(**{f"{path}role": "expert", f"{path}attended": True})


def other_attendee_q(path: str = "") -> Q:
    """An observer or organiser who attended: recorded, counted apart from participants."""
    return Q(**{f"{path}role__in": ("observer", "organiser"), f"{path}attended": True})


def absentee_q(path: str = "") -> Q:
    """An absentee: someone recorded (registered, nominated) who did not attend, any role."""
    return Q(**{f"{path}attended": False})


HELD = "held"


def fiscal_year_bounds(start_year: int, start_month: int = 7):
    """First and last day of the fiscal year that starts in ``start_year``."""
    import datetime as dt

    first = dt.date(start_year, start_month, 1)
    after = dt.date(start_year + 1, start_month, 1)
    return first, after - dt.timedelta(days=1)


@dataclass(frozen=True)
class Headcount:
    """Everyone recorded at one event (or a set of events), in the parts the figures name."""

    participants: int = 0
    women: int = 0
    resource_persons: int = 0
    others: int = 0
    absent: int = 0

    @property
    def recorded(self) -> int:
        return self.participants + self.resource_persons + self.others + self.absent

    @property
    def women_share(self) -> float | None:
        """Women among participants (0-1), None when nobody participated."""
        return self.women / self.participants if self.participants else None

    @classmethod
    def of(cls, obj) -> Headcount:
        """From the ``n_*`` annotations ``with_headcount`` puts on an event (or a row)."""
        get = obj.get if isinstance(obj, dict) else (lambda name: getattr(obj, name, 0))
        return cls(get("n_participants") or 0, get("n_women") or 0,
                   get("n_resource_persons") or 0, get("n_others") or 0, get("n_absent") or 0)


def headcount_annotations(path: str = "participations__") -> dict:
    """``n_participants``, ``n_women``, ``n_resource_persons``, ``n_others``, ``n_absent``:
    the conditional counts of the definitions above, for ``.annotate()``."""
    field = path.rstrip("_") or "pk"

    def count(condition: Q) -> Count:
        return Count(field, filter=condition, distinct=True)

    return {"n_participants": count(participant_q(path)),
            "n_women": count(woman_participant_q(path)),
            "n_resource_persons": count(resource_person_q(path)),
            "n_others": count(other_attendee_q(path)),
            "n_absent": count(absentee_q(path))}


# --- what needs doing (each role's home; the event list's "to do" filter) -----------------------
# One definition each, as a condition on Event, used by the home's counts and by the filtered
# list they link to, so the two agree.

OPEN_STATUSES = ("planned", "confirmed")
EVALUATED_KINDS = ("workshop", "training", "accreditation", "conference")


def past_not_closed_q(today) -> Q:
    """Ended before ``today`` and still planned or confirmed: held or cancelled, say which."""
    return Q(end_date__lt=today, status__in=OPEN_STATUSES)


def missing_attendance_q() -> Q:
    """Held, and nobody recorded at it."""
    from django.db.models import Exists, OuterRef

    from .models import Participation

    return Q(status=HELD) & ~Q(Exists(Participation.objects.filter(event=OuterRef("pk"))))


def missing_summary_q() -> Q:
    """Held, and no summary for the annual report."""
    return Q(status=HELD, summary="")


def missing_evaluation_q() -> Q:
    """A held workshop, training, accreditation workshop or conference with no evaluation
    survey (missions and meetings are not evaluated by their participants)."""
    from django.db.models import Exists, OuterRef

    from workplan.surveys.models import Survey

    return Q(status=HELD, kind__in=EVALUATED_KINDS) & ~Q(Exists(Survey.objects.filter(
        event=OuterRef("pk"), kind="evaluation")))


def upcoming_q(today, days: int = 30) -> Q:
    """Not over yet and starting within ``days``: what the next weeks hold."""
    import datetime as dt

    return (Q(end_date__gte=today, start_date__lte=today + dt.timedelta(days=days))
            & ~Q(status="cancelled"))


TODO = {
    "past_open": lambda today: past_not_closed_q(today),
    "no_attendance": lambda today: missing_attendance_q(),
    "no_summary": lambda today: missing_summary_q(),
    "no_evaluation": lambda today: missing_evaluation_q(),
    "next_30_days": lambda today: upcoming_q(today),
}


class RequestQuerySet(RestrictedQuerySet):
    def to_answer(self):
        """Requests received and not answered yet (accept or decline them)."""
        return self.filter(status="received")

    def for_list(self):
        return self.select_related("member", "action", "activity", "office")

    def filed_in(self, office, start_year: int):
        """The requests ``office`` received in its fiscal year ``start_year`` (by the day
        they were filed)."""
        first, last = fiscal_year_bounds(start_year, office.fiscal_year_start_month)
        return self.filter(office=office, created__date__gte=first, created__date__lte=last)

    def with_first_answer(self):
        """``answered_at``: when the request first left "received" (accepted, declined ...,
        from its steps), None while it waits; one query with the requests."""
        return self.annotate(answered_at=Min("steps__at", filter=~Q(steps__status="received")))


# Events still to come: counted as "scheduled" by the plan-versus-delivery page.
SCHEDULED_STATUSES = ("planned", "confirmed", "postponed")


class EventQuerySet(RestrictedQuerySet):
    def held(self):
        """Events held: status "held", whether the plan foresaw them (an activity) or not."""
        return self.filter(status=HELD)

    def unplanned(self):
        """Events that serve no activity of a plan (they may still serve an action)."""
        return self.filter(activity__isnull=True)

    def in_period(self, first, last):
        """Events that start between ``first`` and ``last``: an event belongs to the fiscal
        year (or quarter) in which it starts."""
        return self.filter(start_date__gte=first, start_date__lte=last)

    def in_fiscal_year(self, office, start_year: int):
        """The events of ``office`` that start in its fiscal year ``start_year``."""
        first, last = fiscal_year_bounds(start_year, office.fiscal_year_start_month)
        return self.filter(office=office).in_period(first, last)

    def with_headcount(self):
        """Each event with ``n_participants``, ``n_women``, ``n_resource_persons``,
        ``n_others`` and ``n_absent`` (one query with the events). The counts are the event's
        whole, whoever reads them: a count is not personal data (docs/delivery.md)."""
        return self.annotate(**headcount_annotations())

    def headcount(self) -> Headcount:
        """The people of these events, in one aggregate query."""
        from .models import Participation

        return Participation.objects.filter(event__in=self.order_by().values("pk")).headcount()

    def members_reached(self):
        """Member ids reached: distinct beneficiary members of these events, held ones only
        (an event's beneficiaries are the administrations it was for)."""
        return (self.held().filter(beneficiaries__isnull=False).order_by()
                .values_list("beneficiaries", flat=True).distinct())

    def todo(self, key: str, today):
        """The events of one item of the home's "to do" (``TODO``)."""
        return self.filter(TODO[key](today))

    def todo_counts(self, today, first=None, last=None) -> dict[str, int]:
        """How many events each item of ``TODO`` holds, in one query; the "missing" items
        only among events starting between ``first`` and ``last`` (the fiscal year at work)
        when given."""
        year = Q(start_date__gte=first, start_date__lte=last) if first and last else Q()
        counts = {}
        for key, condition in TODO.items():
            scope = year if key.startswith("no_") else Q()
            counts[key] = Count("pk", filter=condition(today) & scope, distinct=True)
        return self.order_by().aggregate(**counts)

    def overlapping(self, first, last):
        """Events with at least one day between ``first`` and ``last`` (inclusive)."""
        return self.filter(start_date__lte=last, end_date__gte=first)

    def with_fiscal_year(self):
        """``fy_start``: the first calendar year of the fiscal year the event starts in, by its
        office's year (starting in July: 30 June 2025 is 2024, 1 July 2025 is 2025)."""
        return self.annotate(
            _fy_month=ExtractMonth("start_date"), _fy_year=ExtractYear("start_date"),
        ).annotate(fy_start=Case(
            When(_fy_month__gte=F("office__fiscal_year_start_month"), then=F("_fy_year")),
            default=F("_fy_year") - 1, output_field=IntegerField()))

    def counts_by_activity(self):
        """One row per activity: ``scheduled`` (planned, confirmed or postponed), ``held``
        and ``cancelled`` events; one query (GROUP BY), whatever the number of events."""
        return (self.filter(activity__isnull=False).order_by().values("activity_id")
                .annotate(scheduled=Count("pk", distinct=True,
                                          filter=Q(status__in=SCHEDULED_STATUSES)),
                          held=Count("pk", distinct=True, filter=Q(status="held")),
                          cancelled=Count("pk", distinct=True, filter=Q(status="cancelled"))))

    def for_list(self):
        return (self.select_related("office", "host_member", "activity")
                .prefetch_related("beneficiaries").with_headcount())

    def delivery_of(self, *, action=None, activity=None):
        """The events that deliver an action (the events serving it) or an activity, held
        and to come (cancelled ones left out), newest first, each with its headcount."""
        events = self.exclude(status="cancelled")
        if action is not None:
            events = events.filter(actions=action)
        if activity is not None:
            events = events.filter(activity=activity)
        return (events.select_related("host_member").with_headcount()
                .order_by("-start_date", "-pk"))

    def for_page(self):
        """One event with what its page shows of it: office, host, activity and plan, then
        beneficiaries, actions served, partners with roles and attachments (5 queries)."""
        from django.db.models import Prefetch

        from .models import EventAction, EventPartner

        return self.select_related("office__region", "host_member", "activity__work_plan")\
            .prefetch_related(
                "beneficiaries",
                Prefetch("action_links", queryset=EventAction.objects
                         .select_related("action").order_by("action__position")),
                Prefetch("partner_roles", queryset=EventPartner.objects
                         .select_related("partner").order_by("role", "partner__name")),
                "attachments")


class ParticipationQuerySet(RestrictedQuerySet):
    def participants(self):
        return self.filter(participant_q())

    def women(self):
        return self.filter(woman_participant_q())

    def resource_persons(self):
        return self.filter(resource_person_q())

    def in_held_events(self):
        return self.filter(event__status=HELD)

    def headcount(self) -> Headcount:
        """The parts of these participations (one aggregate query)."""
        row = self.order_by().aggregate(**headcount_annotations(""))
        return Headcount.of(row)

    def experts(self):
        """Everyone recorded in the expert role (attended or not): the expert registry's
        people. Counted figures use ``resource_persons``."""
        return self.filter(role="expert")

    def deployments(self):
        """Resource persons of held events: an expert's deployments."""
        return self.in_held_events().resource_persons()

    def gender_counts_by_event(self):
        """One row per (event, gender) with ``count``; one query whatever the events."""
        return (self.order_by().values("event_id", "person__gender")
                .annotate(count=Count("pk")))

    def by_member_and_gender(self):
        return (self.values("member__iso3", "member__name", "person__gender")
                .annotate(count=Count("pk")).order_by("member__name", "person__gender"))


# --- funding --------------------------------------------------------------------------------


@dataclass(frozen=True)
class FundingTotals:
    """Money by currency, largest first, and in-kind support apart (its amounts are estimates
    of goods and services, never added to money)."""

    money: tuple[tuple[str, Decimal], ...] = ()
    in_kind: tuple[tuple[str, Decimal], ...] = ()

    def __bool__(self):
        return bool(self.money or self.in_kind)

    @classmethod
    def add_up(cls, rows) -> FundingTotals:
        """From ``(in_kind, currency, amount)`` rows: for fundings already loaded."""
        sums = {False: defaultdict(Decimal), True: defaultdict(Decimal)}
        for in_kind, currency, amount in rows:
            sums[bool(in_kind)][currency] += amount or Decimal(0)

        def ordered(part):
            return tuple(sorted(part.items(), key=lambda item: (-item[1], item[0])))

        return cls(ordered(sums[False]), ordered(sums[True]))


class FundingQuerySet(RestrictedQuerySet):
    def totals(self) -> FundingTotals:
        """Sums per currency, money and in-kind apart (one query)."""
        return FundingTotals.add_up(
            (row["in_kind"], row["currency"], row["total"]) for row in
            self.order_by().values("in_kind", "currency").annotate(total=Sum("amount")))
