"""Read-side queries of plans: prefetches that keep page and export query counts fixed."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from django.db.models import Count, F, IntegerField, OuterRef, Prefetch, Q, Subquery
from django.db.models.functions import Coalesce

from workplan.core.access import VIEW, WIDE_ROLES, RestrictedQuerySet, office_ids

# "1-(a)", "1-a", "1a", "1 (aa)": what people type for an action code.
_CODE = re.compile(r"^\s*(\d{1,3})\s*[-\u2013]?\s*\(?\s*([a-z]{1,2})\s*\)?\s*$", re.I)


def normalise_code(text: str) -> str | None:
    """The canonical action code ("1-(a)") for what a user typed, or None."""
    match = _CODE.match(text)
    return f"{int(match.group(1))}-({match.group(2).lower()})" if match else None


def _count_of(model, fk: str):
    rows = (model._base_manager.filter(**{fk: OuterRef("pk")}).order_by().values(fk)
            .annotate(n=Count("pk")).values("n"))
    return Coalesce(Subquery(rows, output_field=IntegerField()), 0)


class WorkPlanQuerySet(RestrictedQuerySet):
    def restrict(self, user, action: str = VIEW):
        """As every model, and a draft only for those who see the office wide (admins, staff,
        viewers): focal points and experts see plans once they are in review or adopted."""
        qs = super().restrict(user, action)
        wide = office_ids(user, action, roles=WIDE_ROLES)
        if wide is None:
            return qs
        return qs.filter(Q(office_id__in=wide) | ~Q(status="draft"))

    def with_counts(self):
        """``action_count`` and ``activity_count``, one correlated subquery each (a join of
        both would multiply actions by activities)."""
        from .models import Action, Activity

        return self.annotate(
            action_count=_count_of(Action, "work_plan"),
            activity_count=_count_of(Activity, "work_plan"),
        )

    def for_list(self):
        """The plan list: office, counts; newest fiscal year first within an office."""
        return self.select_related("office").with_counts().order_by("office__code",
                                                                     "-start_year")

    def for_page(self):
        """One plan with what its page header and exports show (office, region, RSP)."""
        return self.select_related("office__region", "strategic_plan").with_counts()


def _link_order():
    """Listed links in listed order, then See-also-only links in plan order (NULLs last on
    every backend: SQLite sorts NULL first, PostgreSQL last)."""
    return (F("listed_position").asc(nulls_last=True), "activity__position")


class PlanPartQuerySet(RestrictedQuerySet):
    """A part of a plan (pillar, action, activity) is seen as its plan is: a draft only by
    those who see the office wide (``WorkPlanQuerySet.restrict``)."""

    def restrict(self, user, action: str = VIEW):
        qs = super().restrict(user, action)
        wide = office_ids(user, action, roles=WIDE_ROLES)
        if wide is None:
            return qs
        return qs.filter(Q(work_plan__office_id__in=wide) | ~Q(work_plan__status="draft"))


class ActionQuerySet(PlanPartQuerySet):
    def current(self):
        """Actions in the plan as it stands (a re-import archives, never deletes, an action
        that KPI data was recorded on)."""
        return self.filter(archived_at__isnull=True)

    def archived(self):
        """Actions no longer in the plan, kept for the KPI data recorded on them."""
        return self.filter(archived_at__isnull=False)

    def with_structure(self, *, kind: str | None = None, member: str | None = None):
        """Everything a plan or action page shows for an action, in a fixed number of queries
        (7: actions, references, milestones, indicators, links with their activities,
        the activities' members, the activities' other links with their actions). The KPIs
        are those in the plan (archived ones are on the action's and the KPI's own pages).

        ``kind`` / ``member`` (ISO 3166 alpha-3) keep only the activities that match.
        """
        from workplan.indicators.models import Indicator

        from .models import ActionActivity, ActionReference

        links = ActionActivity.objects.select_related("activity").order_by(*_link_order())
        if kind:
            links = links.filter(activity__kind=kind)
        if member:
            links = links.filter(activity__members__iso3=member)
        links = links.prefetch_related(
            "activity__members",
            Prefetch("activity__action_links",
                     queryset=ActionActivity.objects.select_related("action")
                     .order_by("action__position")),
        )
        return self.select_related("pillar").prefetch_related(
            Prefetch("references", queryset=ActionReference.objects.select_related("objective")
                     .prefetch_related(Prefetch("milestones", queryset=_milestones()))
                     .order_by("position")),
            Prefetch("indicators", queryset=Indicator.objects.filter(archived_at__isnull=True)
                     .order_by("position")),
            Prefetch("activity_links", queryset=links),
        )

    def matching(self, *, kind: str | None = None, member: str | None = None,
                 pillar: int | None = None):
        """Actions with at least one activity of ``kind`` / for ``member``, in ``pillar``."""
        from .models import ActionActivity

        queryset = self
        if pillar is not None:
            queryset = queryset.filter(pillar__number=pillar)
        if kind or member:
            links = ActionActivity.objects.all()
            if kind:
                links = links.filter(activity__kind=kind)
            if member:
                links = links.filter(activity__members__iso3=member)
            queryset = queryset.filter(pk__in=links.values("action_id"))
        return queryset

    def search(self, text: str):
        text = text.strip()
        condition = Q(text__icontains=text) | Q(code__iexact=text)
        code = normalise_code(text)
        if code:
            condition |= Q(code=code)
        return self.filter(condition)

    def for_search(self):
        return self.select_related("work_plan__office", "pillar").order_by(
            "work_plan__office__code", "-work_plan__start_year", "position")


def _milestones():
    from workplan.framework.models import Milestone

    return Milestone.objects.order_by("number")


class ActivityQuerySet(PlanPartQuerySet):
    def with_links(self):
        """An activity's members and every action it serves (with its pillar and plan)."""
        from .models import ActionActivity

        return self.prefetch_related(
            "members",
            Prefetch("action_links", queryset=ActionActivity.objects
                     .select_related("action__pillar").order_by("action__position")),
        )

    def search(self, text: str):
        return self.filter(title__icontains=text.strip())

    def for_search(self):
        return self.select_related("work_plan__office").order_by(
            "work_plan__office__code", "-work_plan__start_year", "position")


# --- the plan page -----------------------------------------------------------------------------


@dataclass
class PillarOutline:
    pillar: object
    actions: list = field(default_factory=list)


def plan_outline(work_plan, pillars=None, *, kind: str | None = None,
                 member: str | None = None, pillar: int | None = None) -> list[PillarOutline]:
    """The plan page's content: pillars, each with its (matching) actions, their links and,
    on every link, ``also_serves`` (the other actions the activity serves).

    A fixed number of queries whatever the plan's size: 1 (pillars, unless given) + 7
    (``with_structure``).
    """
    from .models import Action

    if pillars is None:
        pillars = work_plan.pillars.order_by("number")
    outline = {p.pk: PillarOutline(p) for p in pillars}
    actions = (Action.objects.filter(work_plan=work_plan).current()
               .matching(kind=kind, member=member, pillar=pillar)
               .with_structure(kind=kind, member=member)
               .order_by("position"))
    for action in actions:
        annotate_links(action)
        outline[action.pillar_id].actions.append(action)
    return [item for item in outline.values() if pillar is None or item.pillar.number == pillar]


def annotate_links(action) -> None:
    """On each prefetched link of ``action`` set ``also_serves`` (the other actions, in plan
    order, its activity serves) and ``named_by`` (the listings under other actions whose
    See also names ``action``)."""
    for link in action.activity_links.all():
        others = [other for other in link.activity.action_links.all()
                  if other.action_id != action.pk]
        link.also_serves = [other.action for other in others]
        link.named_by = [other for other in others
                         if other.listed and action.code in (other.see_also_codes or [])]


def explain_links(activity) -> list:
    """The activity's prefetched links (``with_links``), each with ``named_by``: the listings
    (links under other actions) whose See also names the link's action."""
    links = list(activity.action_links.all())
    listed = [link for link in links if link.listed]
    for link in links:
        link.named_by = [other for other in listed
                         if link.action.code in (other.see_also_codes or [])]
    return links


def plan_members(work_plan):
    """The members the plan's activities benefit, by name (the plan page's member filter)."""
    from workplan.directory.models import Member

    return (Member.objects.filter(activities__work_plan=work_plan).distinct()
            .only("iso3", "name").order_by("name"))
