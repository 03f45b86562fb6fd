"""Views of the framework app (thin: logic lives in services.py / querysets.py)."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, render

from workplan.plans.models import Action, WorkPlan

from .models import Objective, StrategicPlan
from .querysets import citing_actions, milestone_citations


@login_required
def strategicplan_detail(request, pk):
    """A strategic plan's objectives in code order, with how many of the user's actions cite
    each, and the user's annual plans under it."""
    plan = get_object_or_404(StrategicPlan.objects.restrict(request.user).with_region(), pk=pk)
    actions = Action.objects.restrict(request.user).current()
    objectives = (
        Objective.objects.restrict(request.user)
        .filter(strategic_plan=plan)
        .with_action_counts(actions)
        .with_milestones()
        .order_by("sort_key")
    )
    work_plans = (
        WorkPlan.objects.restrict(request.user)
        .filter(strategic_plan=plan)
        .select_related("office")
        .order_by("-start_year", "office__code")
    )
    return render(request, "framework/strategicplan_detail.html", {
        "plan": plan,
        "objectives": objectives,
        "work_plans": work_plans,
    })


@login_required
def objective_detail(request, pk):
    """An objective, its milestones, and the actions of the user's plans that cite it."""
    objective = get_object_or_404(
        Objective.objects.restrict(request.user).for_page(), pk=pk
    )
    actions = list(citing_actions(Action.objects.restrict(request.user).current(), objective))
    return render(request, "framework/objective_detail.html", {
        "objective": objective,
        "actions": actions,
        "milestones": milestone_citations(objective.milestones.all(), actions),
    })
