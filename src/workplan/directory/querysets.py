"""Read-side queries of the directory.

Every function here takes querysets the caller has already restricted
(``Model.objects.restrict(request.user)``) and only narrows, annotates or prefetches them, so
the scope of what a page shows is decided in one place (``workplan.core.access``).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count, OuterRef, Prefetch, Q, Subquery

from workplan.core.access import RestrictedQuerySet, memberships


class MemberQuerySet(RestrictedQuerySet):
    def of_region(self, region):
        return self.filter(region=region)

    def for_listing(self):
        """Members in the order the list page groups them: region, sub-region, name."""
        return self.select_related("region").order_by("region__name", "sub_region", "name")

    def with_planned_counts(self, plans):
        """Annotate ``planned_count``: how many activities of ``plans`` name each member.

        ``plans`` is a WorkPlan queryset; it becomes a subquery, so this stays one query
        whatever the number of members, plans or activities.
        """
        return self.annotate(
            planned_count=Count(
                "activities", filter=Q(activities__work_plan__in=plans.values("pk"))
            )
        )

    def with_groups(self):
        return self.select_related("region").prefetch_related("groups")


class PersonQuerySet(RestrictedQuerySet):
    def expert_profile_of(self, user):
        """The record ``user`` keeps as an expert: linked to their account, of an office where
        they hold the expert role (a revoked role closes it), not erased. At most one row (a
        person has one account). The roles are those read once per request (``memberships``)."""
        return self.filter(user=user, office_id__in=expert_offices(user),
                           erased_at__isnull=True)


def expert_offices(user) -> list[int]:
    """Offices where ``user`` holds the expert role (no query once the roles are read)."""
    return [office for office, role, _member in memberships(user) if role == "expert"]


IN_FORCE = ("adopted", "revised")


def latest_plans(plans):
    """The plan in force of each office among ``plans`` (a WorkPlan queryset): its newest
    adopted (or revised) plan. A draft of next year's plan is not in force until adopted, so
    requests, events and the members' pages keep pointing at this year's."""
    newest = (
        plans.model.objects.filter(office=OuterRef("office"), status__in=IN_FORCE)
        .order_by("-start_year")
        .values("start_year")[:1]
    )
    return plans.filter(status__in=IN_FORCE, start_year=Subquery(newest))


def planned_for(activities, member):
    """The activities of ``activities`` (restricted Activity queryset) that name ``member``,
    with their plans, the actions they serve and the RSP objectives those cite.

    Three queries whatever the numbers: the activities with their plans, their action links
    with the actions, and the actions' references with the objectives.
    """
    from workplan.plans.models import ActionActivity, ActionReference

    references = ActionReference.objects.select_related("objective").order_by("position")
    links = (
        ActionActivity.objects.select_related("action")
        .prefetch_related(Prefetch("action__references", queryset=references))
        .order_by("action__position")
    )
    return (
        activities.filter(members=member)
        .select_related("work_plan__office")
        .prefetch_related(Prefetch("action_links", queryset=links))
        .order_by("-work_plan__start_year", "work_plan__office__code", "position")
    )


@dataclass
class ActionGroup:
    """Activities of one plan that serve the same set of actions."""

    actions: list
    activities: list = field(default_factory=list)

    @property
    def objectives(self) -> list:
        """The RSP objectives the actions cite, once each, in the order first cited."""
        seen = {}
        for action in self.actions:
            for reference in action.references.all():
                seen.setdefault(reference.objective_id, reference.objective)
        return list(seen.values())


@dataclass
class PlanGroup:
    """A plan and, grouped by the actions they serve, its activities for one member."""

    plan: object
    groups: list[ActionGroup] = field(default_factory=list)

    @property
    def activity_count(self) -> int:
        return sum(len(group.activities) for group in self.groups)


def group_by_plan_and_actions(activities) -> list[PlanGroup]:
    """Group activities (as ``planned_for`` returns them) by plan, then by the actions they
    serve; groups follow the plan order of their first action. No queries of its own."""
    plans: dict[int, PlanGroup] = {}
    groups: dict[tuple, ActionGroup] = {}
    for activity in activities:
        plan = plans.setdefault(activity.work_plan_id, PlanGroup(activity.work_plan))
        actions = [link.action for link in activity.action_links.all()]
        key = (activity.work_plan_id, *(action.pk for action in actions))
        group = groups.get(key)
        if group is None:
            group = groups[key] = ActionGroup(actions)
            plan.groups.append(group)
        group.activities.append(activity)
    for plan in plans.values():
        plan.groups.sort(
            key=lambda g: (g.actions[0].position if g.actions else 1 << 30,
                           g.activities[0].position)
        )
    return list(plans.values())


def member_index(region):
    """The importer's name index for a region: members, their aliases and the groups."""
    from workplan.plans.textplan.members import MemberIndex

    from .models import Member, MemberGroup

    members = [(m.iso3, m.names) for m in Member.objects.filter(region=region)]
    groups = [
        ([g.name, *g.aliases], [m.iso3 for m in g.members.all()])
        for g in MemberGroup.objects.filter(region=region).prefetch_related("members")
    ]
    return MemberIndex.from_rows(members, groups, region=region.name)
