"""Pages of planning: versions and their differences, the review with its comments, the
life-cycle steps, drafting the next plan with its suggestions, and the plan editor.

Thin, as every view: reads go through ``restrict``; writes are ``lifecycle``, ``drafting`` and
``editing`` services. A plan, action or suggestion outside the user's scope is a 404.
"""

from __future__ import annotations

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from workplan.core.access import CHANGE, VIEW, can

from . import drafting, editing, lifecycle
from .forms import ActionForm, ActivityForm, PillarForm, TargetsForm, rsp_initial
from .models import Action, Activity, PlanComment, PlanRevision, PlanSuggestion, WorkPlan
from .snapshot import document_from_db
from .textplan.assemble import activity_key
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
    default = "previous" if previous_plan(plan) else str(
        PlanRevision.objects.filter(work_plan=plan).order_by("number")
        .values_list("number", flat=True).first() or "current")
    old_key = request.GET.get("from", default)
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
    if not lifecycle.may_comment(request.user, plan):
        raise PermissionDenied(_("Comments are taken while the plan is in review, from office "
                                 "staff and the region's focal points."))
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


# --- drafting the next plan ---------------------------------------------------------------------


@login_required
@require_POST
def workplan_draft_next(request, office_code: str, period: str):
    """Draft next year's plan from this one (office staff and admins)."""
    plan = _plan(request, office_code, period, CHANGE)
    try:
        draft = drafting.draft_next_plan(plan, user=request.user)
    except drafting.DraftError as exc:
        messages.error(request, str(exc))
        return redirect(plan.get_absolute_url())
    messages.success(request, _("The draft of %(period)s is made: accept or drop its "
                                "suggestions.") % {"period": draft.period})
    return redirect("plans:workplan_suggestions", draft.office.code, draft.period)


DECISIONS = [("accept", gettext_lazy("Accept"), " button--primary"),
             ("drop", gettext_lazy("Drop"), "")]


@login_required
@require_GET
def workplan_suggestions(request, office_code: str, period: str):
    plan = _plan(request, office_code, period)
    suggestions = list(PlanSuggestion.objects.filter(work_plan=plan).select_related("decided_by"))
    groups = [(label, [s for s in suggestions if s.kind == kind])
              for kind, label in PlanSuggestion.Kind.choices]
    return render(request, "plans/workplan_suggestions.html", {
        "plan": plan, "groups": [(label, items) for label, items in groups if items],
        "pending": sum(1 for s in suggestions if s.status == PlanSuggestion.Status.PENDING),
        "may_change": can(request.user, CHANGE, plan.office_id) and plan.editable,
        "decisions": DECISIONS,
    })


@login_required
@require_POST
def suggestion_decide(request, office_code: str, period: str):
    """Accept or drop one suggestion (``suggestion``, ``decision`` = accept|drop); htmx gets
    its row back, a plain form the page."""
    plan = _plan(request, office_code, period, CHANGE)
    suggestion = get_object_or_404(PlanSuggestion.objects.filter(work_plan=plan),
                                   pk=_int_or_404(request.POST.get("suggestion")))
    suggestion.work_plan = plan
    decision = request.POST.get("decision", "")
    error = None
    try:
        if decision == "accept":
            drafting.accept(suggestion, user=request.user)
        elif decision == "drop":
            drafting.drop(suggestion, user=request.user)
        else:
            raise Http404
    except drafting.DraftError as exc:
        error = str(exc)
    if request.htmx:
        return render(request, "plans/_suggestion.html", {
            "suggestion": suggestion, "error": error, "may_change": True, "plan": plan,
            "decisions": DECISIONS},
            status=400 if error else 200)
    if error:
        messages.error(request, error)
    return redirect("plans:workplan_suggestions", plan.office.code, plan.period)


@login_required
@require_POST
def suggestions_accept_all(request, office_code: str, period: str):
    plan = _plan(request, office_code, period, CHANGE)
    chosen = PlanSuggestion.objects.filter(work_plan=plan, status="pending")
    kind = request.POST.get("kind", "")
    if kind:
        chosen = chosen.filter(kind=kind)
    try:
        count, refusals = drafting.accept_many(list(chosen.select_related("work_plan")),
                                               user=request.user)
    except drafting.DraftError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("%(count)s suggestions accepted.") % {"count": count})
        for refusal in refusals:
            messages.warning(request, refusal)
    return redirect("plans:workplan_suggestions", plan.office.code, plan.period)


# --- the plan editor ----------------------------------------------------------------------------


def _editable(request, office_code: str, period: str) -> WorkPlan:
    return _plan(request, office_code, period, CHANGE)


def _editor_context(plan: WorkPlan, error: str | None = None) -> dict:
    document = document_from_db(plan)
    keys = {a.key: a for a in document.activities}
    for pk, key in plan.activities.values_list("pk", "key"):
        if key in keys:
            keys[key].pk = pk
    pillars = []
    for pillar in document.parsed.pillars:
        actions = []
        for action in pillar.actions:
            listings = [(listing, keys[activity_key(listing.title)])
                        for listing in action.listings]
            actions.append((action, listings))
        pillars.append((pillar, actions))
    return {"plan": plan, "pillars": pillars, "error": error,
            "pillar_form": PillarForm(initial={
                "number": max((p.number for p in document.parsed.pillars), default=0) + 1})}


@login_required
def workplan_edit(request, office_code: str, period: str):
    """The editor: the plan's outline with its pillars, actions and activities, each with
    its edit, move and remove buttons. GET only, once the user may change the plan (a 404
    before that, whatever the method)."""
    plan = _editable(request, office_code, period)
    if request.method != "GET":
        return HttpResponseNotAllowed(["GET"])
    return render(request, "plans/workplan_edit.html", _editor_context(plan))


def _after_edit(request, plan: WorkPlan, error: str | None, done: str = ""):
    """htmx gets the editor back (its outline swapped in place); a plain form a redirect."""
    if request.htmx:
        return render(request, "plans/workplan_edit.html", _editor_context(plan, error),
                      status=400 if error else 200)
    if error:
        messages.error(request, error)
    elif done:
        messages.success(request, done)
    return redirect("plans:workplan_edit", plan.office.code, plan.period)


def _archived_note(result) -> str:
    if not result.archived:
        return _("Saved.")
    return _("Saved. Archived with their recorded data (read-only): %(what)s.") % {
        "what": "; ".join(i.what for i in result.archived)}


@login_required
@require_POST
def editor_step(request, office_code: str, period: str, step: str):
    """The editor's small steps: move or remove an action or activity, remove a pillar,
    retitle a pillar, add a pillar."""
    plan = _editable(request, office_code, period)
    post = request.POST
    try:
        if step == "move-action":
            result = editing.move_action(plan, post.get("code", ""), _offset(post))
        elif step == "remove-action":
            result = editing.remove_action(plan, post.get("code", ""))
        elif step == "move-activity":
            result = editing.move_listing(plan, post.get("code", ""), post.get("key", ""),
                                          _offset(post))
        elif step == "remove-activity":
            result = editing.remove_activity(plan, post.get("key", ""))
        elif step == "remove-pillar":
            result = editing.remove_pillar(plan, _int(post.get("number")))
        elif step == "pillar-title":
            result = editing.edit_pillar(plan, _int(post.get("number")),
                                         title=post.get("title", "")[:300])
        elif step == "add-pillar":
            form = PillarForm(post)
            if not form.is_valid():
                raise editing.EditError("; ".join(
                    f"{form.fields[name].label}: {' '.join(errors)}"
                    for name, errors in form.errors.items()))
            result = editing.add_pillar(plan, **form.cleaned_data)
        else:
            raise Http404
    except editing.EditError as exc:
        return _after_edit(request, plan, exc.message)
    return _after_edit(request, plan, None, _archived_note(result))


def _int_or_404(value) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise Http404 from None


def _offset(post) -> int:
    return -1 if post.get("direction") == "up" else 1


def _int(value) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise editing.EditError(_("No such pillar.")) from None


def _form_error(form, exc: editing.EditError) -> None:
    form.add_error(exc.field if exc.field in form.fields else None, exc.message)


@login_required
def action_edit(request, office_code: str, period: str, code: str = ""):
    """Add an action to a pillar (``?pillar=2``) or change one: text, RSP references, flags,
    KPIs; and, on the same page, the KPIs' targets of the plan's year."""
    from workplan.indicators.models import Indicator, Target

    plan = _editable(request, office_code, period)
    document = document_from_db(plan)
    action = None
    if code:
        action = next((a for a in document.parsed.actions if a.code == code), None)
        if action is None:
            raise Http404(_("The plan has no such action."))
        pillar_number = action.pillar
        initial = {"text": action.text, "rsp_refs": rsp_initial(action.rsp_refs),
                   "rocb_specific": action.rocb_specific, "upon_request": action.upon_request,
                   "kpis": "\n".join(action.kpis)}
    else:
        asked = request.GET.get("pillar") or request.POST.get("pillar")
        if asked is None and document.parsed.pillars:
            asked = document.parsed.pillars[0].number
        try:
            pillar_number = _int(asked)
        except editing.EditError:
            raise Http404(_("No such pillar.")) from None
        if not any(p.number == pillar_number for p in document.parsed.pillars):
            raise Http404(_("No such pillar."))
        initial = {}
    form = ActionForm(request.POST or None, initial=initial,
                      strategic_plan=plan.strategic_plan)
    indicators = (Indicator.objects.current().filter(action__work_plan=plan, action__code=code,
                                                     action__archived_at__isnull=True)
                  .order_by("position") if code else Indicator.objects.none())
    targets = {t.indicator_id: t for t in Target.objects.filter(
        indicator__in=indicators, fiscal_year=plan.start_year, quarter=0)}
    targets_form = TargetsForm(request.POST if "targets" in request.POST else None,
                               indicators=indicators, targets=targets)
    if request.method == "POST" and "targets" in request.POST:
        if targets_form.is_valid():
            from workplan.indicators.services import save_targets

            for indicator in targets_form.indicators:
                save_targets(indicator, plan.start_year, {0: (
                    targets_form.cleaned_data[f"target_{indicator.pk}"],
                    targets_form.cleaned_data[f"baseline_{indicator.pk}"])})
            messages.success(request, _("Targets saved."))
            return redirect("plans:action_edit", plan.office.code, plan.period, code)
        form = ActionForm(initial=initial, strategic_plan=plan.strategic_plan)
    elif request.method == "POST" and form.is_valid():
        try:
            result, new_code = editing.save_action(
                plan, code or None, pillar=pillar_number, text=form.cleaned_data["text"],
                rsp_refs=form.references(), rocb_specific=form.cleaned_data["rocb_specific"],
                upon_request=form.cleaned_data["upon_request"], kpis=form.kpi_lines())
        except editing.EditError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, _archived_note(result))
            return redirect(reverse("plans:workplan_edit", args=[plan.office.code, plan.period])
                            + f"#edit-{new_code}")
    return render(request, "plans/action_form.html", {
        "plan": plan, "form": form, "code": code, "pillar": pillar_number,
        "targets_form": targets_form if code else None,
    }, status=400 if form.errors else 200)


@login_required
def activity_add(request, office_code: str, period: str):
    """Add an activity (``?action=1-(a)`` preselects its action)."""
    return _activity_form(request, _editable(request, office_code, period), None)


@login_required
def activity_edit(request, pk: int):
    """Change an activity of a plan the user may change."""
    activity = get_object_or_404(Activity.objects.restrict(request.user, CHANGE).only(
        "pk", "work_plan_id"), pk=pk)
    plan = get_object_or_404(WorkPlan.objects.select_related("office__region",
                                                             "strategic_plan"),
                             pk=activity.work_plan_id)
    return _activity_form(request, plan, pk)


def _activity_form(request, plan: WorkPlan, pk: int | None):
    from workplan.directory.models import Member

    document = document_from_db(plan)
    codes = [a.code for a in document.parsed.actions]
    activity = None
    key = ""
    if pk is not None:
        key = get_object_or_404(plan.activities.only("key"), pk=pk).key
        activity = next((a for a in document.activities if a.key == key), None)
        if activity is None:
            raise Http404(_("The plan has no such activity."))
        see_also = []
        for action in document.parsed.actions:
            for listing in action.listings:
                if activity_key(listing.title) == key:
                    see_also += [c for c in listing.see_also if c not in see_also]
        initial = {"title": activity.title, "kind": activity.kind,
                   "members": activity.members, "listed_in": activity.listed_in,
                   "see_also": see_also}
    else:
        initial = {"listed_in": [request.GET.get("action", "")]}
    members = Member.objects.filter(region_id=plan.office.region_id).order_by("name")
    form = ActivityForm(request.POST or None, initial=initial, codes=codes, members=members)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        listed = [c for c in codes if c in data["listed_in"]]
        try:
            editing.save_activity(
                plan, key or None, title=data["title"], kind=data["kind"] or None,
                members=data["members"] or None, listed_in=listed,
                see_also=[c for c in codes if c in data["see_also"]])
        except editing.EditError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, _("Saved."))
            return redirect("plans:workplan_edit", plan.office.code, plan.period)
    return render(request, "plans/activity_form.html", {
        "plan": plan, "form": form, "key": key, "activity": activity,
    }, status=400 if form.errors else 200)
