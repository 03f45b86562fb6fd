"""Read-side queries of delivery: filters and aggregates that keep query counts fixed."""

from django.db.models import Count, Q

from workplan.core.access import RestrictedQuerySet


class RequestQuerySet(RestrictedQuerySet):
    def for_list(self):
        return self.select_related("member", "action", "activity", "office")


class EventQuerySet(RestrictedQuerySet):
    def held(self):
        return self.filter(status="held")

    def in_period(self, start, end):
        return self.filter(start_date__gte=start, start_date__lte=end)

    def for_list(self):
        return (self.select_related("office", "host_member", "activity")
                .prefetch_related("beneficiaries")
                .annotate(participant_count=Count("participations", distinct=True),
                          women_count=Count("participations",
                                            filter=Q(participations__person__gender="female"),
                                            distinct=True)))


class ParticipationQuerySet(RestrictedQuerySet):
    def experts(self):
        return self.filter(role="expert")

    def by_member_and_gender(self):
        return (self.values("member__iso3", "member__name", "person__gender")
                .annotate(count=Count("pk")).order_by("member__name", "person__gender"))
