"""Views of delivery: members' requests for assistance and their life cycle (thin: reads in
querysets.py, writes in services.py).

Focal points see, file and withdraw their own member's requests; office staff see them all,
accept, decline, schedule and deliver them. ``restrict`` decides what each sees: a request
outside the user's scope is a 404.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from workplan.core.access import CHANGE, VIEW, WIDE_ROLES, can, focal_points, office_ids
from workplan.core.concurrency import EditConflict

from .. import services
from ..filters import RequestFilterSet
from ..forms import RequestForm, ScheduleForm, TransitionForm
from ..models import Request, RequestStep

PAGE_SIZE = 50
# What office staff do with a request; a member's focal point may only withdraw it.
STAFF_STEPS = (Request.Status.ACCEPTED, Request.Status.DECLINED, Request.Status.SCHEDULED,
               Request.Status.DELIVERED)
FOCAL_POINT_STEPS = (Request.Status.WITHDRAWN,)
# The steps in the order people take them most often; stopping a request comes last.
LIKELIHOOD = (Request.Status.ACCEPTED, Request.Status.SCHEDULED, Request.Status.DELIVERED,
              Request.Status.DECLINED, Request.Status.WITHDRAWN)
STOPPING = (Request.Status.DECLINED, Request.Status.WITHDRAWN)


def sees_all_members(user) -> bool:
    ids = office_ids(user, VIEW, roles=WIDE_ROLES)
    return ids is None or bool(ids)


def may_file(user) -> bool:
    ids = office_ids(user, CHANGE)
    return ids is None or bool(ids) or bool(focal_points(user))


def steps_for(user, req: Request) -> list[str]:
    """The life-cycle steps ``user`` may take on ``req`` now."""
    allowed = set()
    if can(user, CHANGE, req.office_id):
        allowed |= set(STAFF_STEPS)
    if (req.office_id, req.member_id) in focal_points(user):
        allowed |= set(FOCAL_POINT_STEPS)
    return [step for step in Request.TRANSITIONS[req.status] if step in allowed]


@login_required
@require_GET
def request_list(request):
    requests = Request.objects.restrict(request.user, VIEW)
    filters = RequestFilterSet(request.GET or None, queryset=requests, request=request,
                               members_filter=sees_all_members(request.user))
    items = filters.qs.for_list().select_related("event").order_by("-created", "-pk")
    page = Paginator(items, PAGE_SIZE).get_page(request.GET.get("page"))
    filtered = filters.is_bound and any(
        value not in (None, "") for value in getattr(filters.form, "cleaned_data", {}).values())
    return render(request, "delivery/requests/request_list.html", {
        "form": filters.form,
        "page": page,
        "items": page.object_list,
        "filtered": filtered,
        "may_file": may_file(request.user),
    })


@login_required
@require_http_methods(["GET", "POST"])
def request_create(request):
    if not may_file(request.user):
        raise Http404
    form = RequestForm(request.POST or None, user=request.user, instance=Request())
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        filed = services.file_request(
            office=data["office"], member=data["member"], topic=data["topic"],
            user=request.user, action=data["action"], activity=data["activity"],
            preferred_start=data["preferred_start"], preferred_end=data["preferred_end"],
            notes=data["notes"])
        messages.success(request, _("The request of %(member)s was filed.")
                         % {"member": filed.member})
        return redirect(filed)
    return render(request, "delivery/requests/request_form.html", {"form": form})


@login_required
@require_GET
def request_detail(request, pk: int):
    user = request.user
    req = get_object_or_404(Request.objects.restrict(user, VIEW).for_list()
                            .select_related("event", "filed_by", "action__work_plan"), pk=pk)
    steps = (RequestStep.objects.restrict(user, VIEW).filter(request=req)
             .select_related("by").order_by("at", "pk"))
    allowed = steps_for(user, req)
    labels = dict(Request.Status.choices)
    schedule = (ScheduleForm(request_obj=req, user=user)
                if Request.Status.SCHEDULED in allowed else None)
    ordered = [step for step in LIKELIHOOD if step in allowed and step != Request.Status.SCHEDULED]
    return render(request, "delivery/requests/request_detail.html", {
        "req": req,
        "steps": steps,
        # Forward steps are offered first, as buttons; declining and withdrawing stay behind
        # a disclosure, so the likely step is the obvious one.
        "actions": [(step, labels[step]) for step in ordered if step not in STOPPING],
        "stop_actions": [(step, labels[step]) for step in ordered if step in STOPPING],
        "schedule_form": schedule,
        "may_act": bool(allowed),
        "is_focal_point": (req.office_id, req.member_id) in focal_points(user),
        # One step from a request to its event, also from "received" (accepted on the way).
        "may_schedule_new": (can(user, CHANGE, req.office_id) and req.event_id is None
                             and req.status in (Request.Status.RECEIVED,
                                                Request.Status.ACCEPTED)),
    })


@login_required
@require_POST
def request_transition(request, pk: int):
    """One step of the life cycle. Staff accept, decline, schedule (as an event) and deliver;
    a focal point withdraws their own member's request. A refused step changes nothing."""
    user = request.user
    req = get_object_or_404(Request.objects.restrict(user, CHANGE).select_related("event"),
                            pk=pk)
    form = TransitionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("The step was not understood; nothing changed."))
        return redirect(req)
    target = form.cleaned_data["status"]
    labels = dict(Request.Status.choices)
    may = set(STAFF_STEPS) if can(user, CHANGE, req.office_id) else set()
    if (req.office_id, req.member_id) in focal_points(user):
        may |= set(FOCAL_POINT_STEPS)
    # Backwards or unknown steps go on to the service, which refuses them and says why.
    if target in (*STAFF_STEPS, *FOCAL_POINT_STEPS) and target not in may:
        if target in STAFF_STEPS:
            messages.error(request, _("Only the office's staff can mark a request as "
                                      "%(status)s; you can withdraw it.")
                           % {"status": labels[target].lower()})
        else:
            messages.error(request, _("Only the member's focal point can withdraw a request."))
        return redirect(req)
    event = None
    if target == Request.Status.SCHEDULED:
        schedule = ScheduleForm(request.POST, request_obj=req, user=user)
        if not schedule.is_valid():
            messages.error(request, _("Choose the event the request is scheduled as: %(error)s")
                           % {"error": " ".join(schedule.errors.get("event", []))})
            return redirect(req)
        event = schedule.cleaned_data["event"]
    try:
        services.move_request(req, target, user=user, note=form.cleaned_data["note"],
                              event=event, expected_version=form.cleaned_data["version"])
    except services.TransitionError as error:
        messages.error(request, str(error))
    except EditConflict as conflict:
        messages.error(request, conflict.message)
    else:
        messages.success(request, _("The request is now %(status)s.")
                         % {"status": labels[target].lower()})
    return redirect(req)


urlpatterns = [
    path("requests/", request_list, name="request_list"),
    path("requests/new/", request_create, name="request_create"),
    path("requests/<int:pk>/", request_detail, name="request_detail"),
    path("requests/<int:pk>/status/", request_transition, name="request_transition"),
]
