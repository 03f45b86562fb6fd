"""Read-side queries of delivery: filters and aggregates that keep query counts fixed."""

from django.db.models import Case, Count, F, IntegerField, Q, When
from django.db.models.functions import ExtractMonth, ExtractYear

from workplan.core.access import RestrictedQuerySet


class RequestQuerySet(RestrictedQuerySet):
    def for_list(self):
        return self.select_related("member", "action", "activity", "office")


# Events still to come: counted as "scheduled" by the plan-versus-delivery page.
SCHEDULED_STATUSES = ("planned", "confirmed", "postponed")


class EventQuerySet(RestrictedQuerySet):
    def held(self):
        return self.filter(status="held")

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
                .prefetch_related("beneficiaries")
                .annotate(participant_count=Count("participations", distinct=True),
                          women_count=Count("participations",
                                            filter=Q(participations__person__gender="female"),
                                            distinct=True)))

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
    def experts(self):
        return self.filter(role="expert")

    def deployments(self):
        """Expert participations in events that were held."""
        return self.filter(role="expert", event__status="held")

    def gender_counts_by_event(self):
        """One row per (event, gender) with ``count``; one query whatever the events."""
        return (self.order_by().values("event_id", "person__gender")
                .annotate(count=Count("pk")))

    def by_member_and_gender(self):
        return (self.values("member__iso3", "member__name", "person__gender")
                .annotate(count=Count("pk")).order_by("member__name", "person__gender"))
