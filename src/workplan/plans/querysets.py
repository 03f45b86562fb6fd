"""Read-side queries of plans: prefetches that keep page and export query counts fixed."""

from django.db.models import Count, Prefetch, Q

from workplan.core.access import RestrictedQuerySet


class WorkPlanQuerySet(RestrictedQuerySet):
    def with_counts(self):
        return self.annotate(
            action_count=Count("actions", distinct=True),
            activity_count=Count("activities", distinct=True),
        )


class ActionQuerySet(RestrictedQuerySet):
    def with_structure(self):
        """Everything a plan page or export shows for an action, in a fixed number of queries."""
        from workplan.indicators.models import Indicator

        from .models import ActionActivity, ActionReference

        return self.select_related("pillar").prefetch_related(
            Prefetch("references", queryset=ActionReference.objects.select_related("objective")
                     .prefetch_related("milestones").order_by("position")),
            Prefetch("indicators", queryset=Indicator.objects.order_by("position")),
            Prefetch("activity_links", queryset=ActionActivity.objects.select_related("activity")
                     .order_by("listed_position", "activity__position")),
        )

    def search(self, text: str):
        return self.filter(Q(text__icontains=text) | Q(code__iexact=text))


class ActivityQuerySet(RestrictedQuerySet):
    def with_links(self):
        from .models import ActionActivity

        return self.prefetch_related(
            "members",
            Prefetch("action_links", queryset=ActionActivity.objects.select_related("action")
                     .order_by("action__position")),
        )

    def search(self, text: str):
        return self.filter(title__icontains=text)

    def for_member(self, member):
        return self.filter(members=member)
