"""Pages of planning: versions and their differences, the review with its comments, the
life-cycle steps, drafting the next plan with its suggestions, and the plan editor.

Thin, as every view: reads go through ``restrict``; writes are ``lifecycle``, ``drafting`` and
``editing`` services. A plan, action or suggestion outside the user's scope is a 404.
"""

from __future__ import annotations

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from workplan.core.access import CHANGE, VIEW, can

from . import lifecycle
from .models import Action, PlanComment, PlanRevision, WorkPlan
from .snapshot import document_from_db
from .versions import compare


def _plan(request, office_code: str, period: str, action: str = VIEW) -> WorkPlan:
    return get_object_or_404(
        WorkPlan.objects.restrict(request.user, action).select_related("office__region",
                                                                       "strategic_plan"),
        office__code=office_code, period=period)


def previous_plan(plan: WorkPlan) -> WorkPlan | None:
    return (WorkPlan.objects.filter(office_id=plan.office_id, start_year=plan.start_year - 1)
            .select_related("office").first())


# --- versions and differences -------------------------------------------------------------------


@login_required
@require_GET
def workplan_versions(request, office_code: str, period: str):
    plan = _plan(request, office_code, period)
    versions = list(PlanRevision.objects.filter(work_plan=plan).select_related("user")
                    .defer("content").order_by("-number"))
    return render(request, "plans/workplan_versions.html", {
        "plan": plan,
        "versions": versions,
        "previous": previous_plan(plan),
        "may_change": can(request.user, CHANGE, plan.office_id),
        "lifecycle_error": None,
    })


def _side(plan: WorkPlan, which: str) -> tuple[dict, str]:
    """A version's content and label: ``current``, ``previous`` (last year's plan as it stands)
    or a version number."""
    if which in ("", "current"):
        return document_from_db(plan).as_json(), _("%(period)s as it stands") % {
            "period": plan.period}
    if which == "previous":
        previous = previous_plan(plan)
        if previous is None:
            raise Http404(_("There is no plan of the previous year."))
        return document_from_db(previous).as_json(), previous.period
    if not which.isdigit():
        raise Http404(_("No such version."))
    version = get_object_or_404(PlanRevision, work_plan=plan, number=int(which))
    return version.content, _("%(period)s version %(number)s") % {"period": plan.period,
                                                                   "number": version.number}


@login_required
@require_GET
def workplan_diff(request, office_code: str, period: str):
    """The differences between two versions (``?from=3&to=current``; ``from=previous`` is
    the previous year's plan); ``&format=txt|json`` downloads them."""
    plan = _plan(request, office_code, period)
    old_key = request.GET.get("from", "previous")
    new_key = request.GET.get("to", "current")
    old, old_label = _side(plan, old_key)
    new, new_label = _side(plan, new_key)
    diff = compare(old, new, old_label=old_label, new_label=new_label)
    fmt = request.GET.get("format", "")
    if fmt in ("txt", "json"):
        if fmt == "json":
            content = json.dumps(diff.as_json(), ensure_ascii=False, indent=2).encode()
            content_type = "application/json"
        else:
            content = ("\n".join(diff.lines()) + "\n").encode()
            content_type = "text/plain; charset=utf-8"
        response = HttpResponse(content, content_type=content_type)
        response["Content-Disposition"] = content_disposition_header(
            True, f"{plan.office.code.lower()}-awp-{plan.period}-diff-{old_key}-{new_key}.{fmt}")
        return response
    return render(request, "plans/workplan_diff.html", {
        "plan": plan, "diff": diff, "from": old_key, "to": new_key,
        "versions": PlanRevision.objects.filter(work_plan=plan).defer("content")
        .order_by("-number"),
        "previous": previous_plan(plan),
    })


# --- life cycle ---------------------------------------------------------------------------------

STEPS = {
    "save": lifecycle.save_version,
    "submit": lifecycle.submit_for_review,
    "return": lifecycle.return_to_draft,
    "adopt": lifecycle.adopt,
}


@login_required
@require_POST
def workplan_step(request, office_code: str, period: str, step: str):
    """One step of the life cycle (office staff and admins)."""
    plan = _plan(request, office_code, period, CHANGE)
    note = request.POST.get("note", "")[:2000]
    try:
        if step == "revise":
            lifecycle.open_revision(plan, user=request.user, reason=note)
        elif step in STEPS:
            STEPS[step](plan, user=request.user, note=note)
        else:
            raise Http404
    except lifecycle.LifecycleError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("The plan is now: %(status)s.") % {
            "status": plan.get_status_display()})
    return redirect("plans:workplan_versions", plan.office.code, plan.period)


# --- review and comments ------------------------------------------------------------------------


@login_required
@require_GET
def workplan_review(request, office_code: str, period: str):
    """The plan's actions with their comments; a comment form under each during review."""
    plan = _plan(request, office_code, period)
    actions = list(plan.actions.current().select_related("pillar").order_by("position"))
    comments = {}
    general = []
    for comment in (PlanComment.objects.filter(work_plan=plan).select_related("author")
                    .order_by("created", "pk")):
        if comment.action_id:
            comments.setdefault(comment.action_id, []).append(comment)
        else:
            general.append(comment)
    for action in actions:
        action.review_comments = comments.get(action.pk, [])
    return render(request, "plans/workplan_review.html", {
        "plan": plan, "actions": actions, "general": general,
        "may_comment": lifecycle.may_comment(request.user, plan),
    })


@login_required
@require_POST
def comment_add(request, office_code: str, period: str):
    """Add a comment; htmx gets the action's comment list back, a plain form the page."""
    plan = _plan(request, office_code, period)
    action = None
    if request.POST.get("action"):
        action = get_object_or_404(Action.objects.filter(work_plan=plan).current(),
                                   pk=request.POST["action"])
    error = None
    try:
        lifecycle.add_comment(plan, user=request.user, text=request.POST.get("text", "")[:4000],
                              action=action)
    except lifecycle.LifecycleError as exc:
        error = str(exc)
    if request.htmx:
        items = PlanComment.objects.filter(work_plan=plan, action=action).select_related(
            "author").order_by("created", "pk")
        return render(request, "plans/_comments.html", {
            "plan": plan, "action": action, "comments": items, "error": error,
            "may_comment": True,
        }, status=400 if error else 200)
    if error:
        messages.error(request, error)
    return redirect("plans:workplan_review", plan.office.code, plan.period)
