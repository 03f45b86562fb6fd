"""Views of the framework app (thin: logic lives in services.py / querysets.py)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from workplan.core.access import ADMINISTER
from workplan.directory.models import Region
from workplan.plans.models import Action, WorkPlan

from . import services
from .forms import ObjectiveForm, StrategicPlanForm
from .models import Objective, StrategicPlan
from .querysets import citing_actions, milestone_citations


@login_required
@require_GET
def strategicplan_list(request):
    """The strategic plans of the user's regions, newest first."""
    plans = (StrategicPlan.objects.restrict(request.user).with_region()
             .order_by("region__name", "-start_year"))
    return render(request, "framework/strategicplan_list.html", {
        "plans": plans,
        "may_add": Region.objects.restrict(request.user, ADMINISTER).exists(),
    })


@login_required
@require_GET
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
        "may_edit": StrategicPlan.objects.restrict(request.user, ADMINISTER)
        .filter(pk=plan.pk).exists(),
    })


@login_required
@require_GET
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
        "may_edit": Objective.objects.restrict(request.user, ADMINISTER)
        .filter(pk=objective.pk).exists(),
    })


def _render_form(request, template, context, form):
    return render(request, template, {**context, "form": form},
                  status=400 if form.errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
def strategicplan_edit(request, pk=None):
    """Add the next strategic plan of a region, or retitle one (admins of an office of the
    region)."""
    if pk is None:
        regions = Region.objects.restrict(request.user, ADMINISTER).order_by("name")
        code = request.GET.get("region") or request.POST.get("region")
        region = get_object_or_404(regions, code=code) if code else regions.first()
        if region is None:
            raise Http404
        plan = StrategicPlan(region=region)
    else:
        plan = get_object_or_404(StrategicPlan.objects.restrict(request.user, ADMINISTER)
                                 .with_region(), pk=pk)
    form = StrategicPlanForm(request.POST or None, instance=plan)
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.save_strategic_plan(form.instance)
        except services.FrameworkError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("“%(title)s” was saved.") % {"title": saved.title})
            return redirect(saved)
    return _render_form(request, "framework/strategicplan_form.html", {"plan": plan}, form)


@login_required
@require_http_methods(["GET", "POST"])
def objective_create(request, pk):
    """Add an objective to strategic plan ``pk``."""
    plan = get_object_or_404(StrategicPlan.objects.restrict(request.user, ADMINISTER)
                             .with_region(), pk=pk)
    return _objective_form(request, plan, Objective(strategic_plan=plan))


@login_required
@require_http_methods(["GET", "POST"])
def objective_update(request, pk):
    """Give an objective its title and milestones (its code too, while no plan cites it)."""
    objective = get_object_or_404(Objective.objects.restrict(request.user, ADMINISTER)
                                  .for_page(), pk=pk)
    return _objective_form(request, objective.strategic_plan, objective)


def _objective_form(request, plan, objective):
    form = ObjectiveForm(request.POST or None, instance=objective)
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.save_objective(form.instance, form.cleaned_data["milestones"])
        except services.FrameworkError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("RSP %(code)s was saved.") % {"code": saved.code})
            return redirect(saved)
    return _render_form(request, "framework/objective_form.html",
                        {"plan": plan, "objective": objective if objective.pk else None}, form)


@login_required
@require_POST
def objective_delete(request, pk):
    objective = get_object_or_404(Objective.objects.restrict(request.user, ADMINISTER)
                                  .select_related("strategic_plan"), pk=pk)
    try:
        services.delete_objective(objective)
    except services.FrameworkError as error:
        messages.error(request, str(error))
        return redirect(objective)
    messages.success(request, _("RSP %(code)s was removed.") % {"code": objective.code})
    return redirect(objective.strategic_plan)
