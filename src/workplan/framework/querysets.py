"""Read-side queries of the strategic plan: objectives and what the user's plans cite.

Strategic plans, objectives and milestones are regional reference data
(``region_path``); the actions passed in here are restricted by the caller
(``Action.objects.restrict(request.user)``), so counts and lists only cover the user's plans.
"""

from __future__ import annotations

from django.db.models import Count, Prefetch, Q

from workplan.core.access import RestrictedQuerySet


class StrategicPlanQuerySet(RestrictedQuerySet):
    def with_region(self):
        return self.select_related("region")


class ObjectiveQuerySet(RestrictedQuerySet):
    def for_page(self):
        """One objective with its strategic plan, region and milestones."""
        return self.select_related("strategic_plan__region").with_milestones()

    def with_action_counts(self, actions):
        """Annotate ``action_count``: how many of ``actions`` (an Action queryset) cite each
        objective. One query: ``actions`` becomes a subquery."""
        return self.annotate(
            action_count=Count(
                "references", filter=Q(references__action__in=actions.values("pk"))
            )
        )

    def with_milestones(self):
        """Milestones prefetched in number order (one query)."""
        from .models import Milestone

        return self.prefetch_related(
            Prefetch("milestones", queryset=Milestone.objects.order_by("number"))
        )


def citing_actions(actions, objective):
    """The actions of ``actions`` that cite ``objective``, newest plan first, each with
    ``objective_refs`` (its reference to the objective, milestones prefetched): three queries."""
    from workplan.plans.models import ActionReference

    from .models import Milestone

    references = (
        ActionReference.objects.filter(objective=objective)
        .order_by("position")
        .prefetch_related(Prefetch("milestones", queryset=Milestone.objects.order_by("number")))
    )
    return (
        actions.filter(references__objective=objective)
        .select_related("work_plan__office", "pillar")
        .prefetch_related(Prefetch("references", queryset=references, to_attr="objective_refs"))
        .order_by("-work_plan__start_year", "work_plan__office__code", "position")
    )


def cited_milestones(action) -> list:
    """The milestones an action (from ``citing_actions``) names for the objective."""
    return [m for ref in action.objective_refs for m in ref.milestones.all()]


def milestone_citations(milestones, actions) -> list[tuple]:
    """Pair each milestone with the actions (from ``citing_actions``) that name it."""
    citing: dict[int, list] = {m.pk: [] for m in milestones}
    for action in actions:
        for milestone in cited_milestones(action):
            citing.setdefault(milestone.pk, []).append(action)
    return [(m, citing[m.pk]) for m in milestones]
