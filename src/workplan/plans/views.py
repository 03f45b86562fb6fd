"""Views of the plans app (thin: logic lives in services.py / querysets.py).

Every view requires sign-in and reads through ``restrict(user, action)``: a plan, action or
activity outside the user's offices is a 404.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from workplan.core.access import ADMINISTER, CHANGE, VIEW, can, office_ids
from workplan.directory.models import Office
from workplan.indicators.models import Indicator

from . import services
from .export import FORMATS, export_plan
from .forms import ConfirmImportForm, PlanFilterForm, PlanUploadForm, syntax_error
from .models import Action, Activity, WorkPlan
from .querysets import annotate_links, explain_links, plan_members, plan_outline
from .textplan.parser import PlanSyntaxError

EXPORT_LABELS = {"json": "JSON", "txt": gettext_lazy("Text"), "docx": "Word", "xlsx": "Excel"}


def may_import(user) -> bool:
    """Superusers and admins of at least one office may import plans."""
    ids = office_ids(user, ADMINISTER)
    return ids is None or bool(ids)


def _plan(request, office_code: str, period: str) -> WorkPlan:
    return get_object_or_404(WorkPlan.objects.restrict(request.user, VIEW).for_page(),
                             office__code=office_code, period=period)


@login_required
@require_GET
def workplan_list(request):
    plans = WorkPlan.objects.restrict(request.user, VIEW).for_list()
    return render(request, "plans/workplan_list.html", {
        "plans": plans,
        "may_import": may_import(request.user),
    })


@login_required
@require_GET
def workplan_detail(request, office_code: str, period: str):
    plan = _plan(request, office_code, period)
    pillars = list(plan.pillars.order_by("number"))
    form = PlanFilterForm(request.GET or None, members=plan_members(plan), pillars=pillars)
    filters = form.filters()
    context = {
        "plan": plan,
        "pillars": pillars,
        "outline": plan_outline(plan, pillars, **filters),
        "form": form,
        "filtered": bool(filters),
        "exports": [(fmt, EXPORT_LABELS.get(fmt, fmt)) for fmt in FORMATS],
        "may_change": can(request.user, CHANGE, plan.office_id),
    }
    if request.htmx and request.htmx.target == "plan-content":
        return render(request, "plans/_plan_content.html", context)
    return render(request, "plans/workplan_detail.html", context)


@login_required
@require_GET
def workplan_export(request, office_code: str, period: str, fmt: str):
    if fmt not in FORMATS:
        raise Http404(_("No such export format."))
    plan = _plan(request, office_code, period)
    filename, content_type, content = export_plan(plan, fmt)
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response


@login_required
@require_GET
def action_detail(request, pk: int):
    action = get_object_or_404(
        Action.objects.restrict(request.user, VIEW)
        .select_related("work_plan__office").with_structure(),
        pk=pk,
    )
    annotate_links(action)
    return render(request, "plans/action_detail.html", {
        "action": action,
        "plan": action.work_plan,
        "archived_kpis": list(Indicator.objects.filter(action=action).archived()
                              .order_by("archived_at", "position")),
        "kpi_rows": _kpi_progress(action),
        **_delivery(request.user, action=action),
    })


@login_required
@require_GET
def activity_detail(request, pk: int):
    activity = get_object_or_404(
        Activity.objects.restrict(request.user, VIEW)
        .select_related("work_plan__office").with_links(),
        pk=pk,
    )
    return render(request, "plans/activity_detail.html", {
        "activity": activity,
        "plan": activity.work_plan,
        "links": explain_links(activity),
        **_delivery(request.user, activity=activity),
    })


DELIVERY_ROWS = 100  # events and requests listed on an action's or activity's page


def _delivery(user, *, action=None, activity=None) -> dict:
    """The events (held, to come) and requests of an action or activity that the user may
    see: two queries, bounded; counts are the figure definitions' (``with_headcount``)."""
    from workplan.delivery.models import Event, Request
    from workplan.delivery.querysets import HELD

    events = list(Event.objects.restrict(user, VIEW)
                  .delivery_of(action=action, activity=activity)[:DELIVERY_ROWS + 1])
    requests = Request.objects.restrict(user, VIEW).for_list()
    requests = (requests.filter(Q(action=action) | Q(activity__action_links__action=action))
                .distinct() if action is not None else requests.filter(activity=activity))
    requests = list(requests.order_by("-pk")[:DELIVERY_ROWS + 1])
    shown = events[:DELIVERY_ROWS]
    return {
        "events_held": [e for e in shown if e.status == HELD],
        "events_to_come": [e for e in shown if e.status != HELD],
        "more_events": len(events) > DELIVERY_ROWS,
        "requests": requests[:DELIVERY_ROWS],
        "more_requests": len(requests) > DELIVERY_ROWS,
    }


def _kpi_progress(action) -> list:
    """The action's KPIs in its plan's year: actual against target, as the IPTT computes
    them (``indicators.iptt.compute``, never recounted here)."""
    from workplan.indicators.iptt import compute

    current = Indicator.objects.filter(action=action).current()
    return [(row.indicator, row.columns["FY"]) for row in
            compute(action.work_plan, indicators=current).rows]


@login_required
@require_http_methods(["GET", "POST"])
def workplan_import(request):
    """Upload a plan, preview what importing it would do, then confirm (or start again)."""
    if not may_import(request.user):
        raise Http404
    if request.method == "POST" and "sha256" in request.POST:
        return _confirm_import(request)
    if request.method == "POST":
        services.drop_upload(request.session)  # a new upload replaces any pending one
        form = PlanUploadForm(request.POST, request.FILES, user=request.user)
        if form.is_valid():
            office = form.cleaned_data["office"]
            sha = services.stash_upload(request.session, form.data_bytes, office,
                                        form.cleaned_data["file"].name,
                                        period=form.cleaned_data["period"])
            return _preview(request, form.report, office, sha, form.cleaned_data["file"].name)
    else:
        form = PlanUploadForm(user=request.user)
    return render(request, "plans/workplan_import.html", {"form": form})


def _preview(request, report, office, sha: str, source_name: str, *, errors=(),
             status: int = 200):
    return render(request, "plans/workplan_import_preview.html", {
        "report": report,
        "office": office,
        "confirm": ConfirmImportForm(initial={"sha256": sha}),
        "source_name": source_name,
        "errors": errors,
    }, status=status)


def _confirm_import(request):
    confirm = ConfirmImportForm(request.POST)
    pending = (services.pending_upload(request.session, confirm.cleaned_data["sha256"])
               if confirm.is_valid() else None)
    office = None
    if pending is not None:
        office = (Office.objects.restrict(request.user, ADMINISTER).select_related("region")
                  .filter(pk=pending.office_id).first())
    if pending is None or office is None:
        return render(request, "plans/workplan_import.html", {
            "form": PlanUploadForm(user=request.user),
            "errors": [_("The file to import was not found: the preview has expired or belongs "
                         "to another upload. Upload the file again; nothing was imported.")],
        }, status=400)
    try:
        report = services.import_plan(pending.data, office, source_name=pending.source_name,
                                      period=pending.period or None, user=request.user,
                                      archive=confirm.cleaned_data["archive"])
    except services.ArchiveNotConfirmed:
        # the preview again (the upload stays pending), saying what needs the explicit yes
        report = services.import_plan(pending.data, office, source_name=pending.source_name,
                                      period=pending.period or None, dry_run=True)
        return _preview(request, report, office, confirm.cleaned_data["sha256"],
                        pending.source_name, status=400, errors=[_(
                            "Nothing was imported: this file takes KPIs or actions with "
                            "recorded data out of the plan. Tick the box to archive them, "
                            "or keep them in the file.")])
    except PlanSyntaxError as exc:
        services.drop_upload(request.session)
        return render(request, "plans/workplan_import.html", {
            "form": PlanUploadForm(user=request.user),
            "errors": syntax_error(exc).messages,
        }, status=400)
    services.drop_upload(request.session)
    if report.archives:
        messages.warning(request, _("%(count)s KPIs or actions left the plan and were "
                                    "archived with their data (read-only).")
                         % {"count": len(report.archives)})
    if report.outcome == "unchanged":
        messages.info(request, _("%(title)s is already up to date: nothing changed.")
                      % {"title": report.title})
    else:
        messages.success(request, _("%(title)s was imported (%(outcome)s).") % {
            "title": report.title,
            "outcome": _("created") if report.outcome == "created" else _("updated"),
        })
    plan = report.work_plan or WorkPlan.objects.get(office=office, period=report.period)
    return redirect(plan.get_absolute_url())
