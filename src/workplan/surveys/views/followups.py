"""Views of surveys: follow-up surveys due (the same list as ``workplan surveys due``) and
launching one (create from the template, invite the participants, open, send)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from workplan.core.access import CHANGE, VIEW
from workplan.delivery.models import Event

from .. import services
from ..models import Survey
from .common import office_surveys, require_wide, wide_offices

AHEAD_DAYS = 30
RECENT = 10


def _events(user, action=VIEW):
    events = Event.objects.restrict(user, action)
    ids = wide_offices(user, action)
    return events if ids is None else events.filter(office_id__in=ids)


@login_required
@require_GET
def followup_due(request):
    """Held regional and sub-regional events whose follow-up survey is due (or due within a
    month), with a button to send it; and the latest follow-ups sent."""
    user = request.user
    require_wide(user)
    today = timezone.localdate()
    items = services.follow_ups(_events(user), today=today, ahead_days=AHEAD_DAYS)
    change_ids = wide_offices(user, CHANGE)
    recent = (office_surveys(user, VIEW).filter(kind=Survey.Kind.FOLLOWUP).for_list()
              .order_by("-created", "-pk")[:RECENT])
    return render(request, "surveys/followups.html", {
        "due": [item for item in items if item.due_on <= today],
        "coming": [item for item in items if item.due_on > today],
        "today": today,
        "ahead_days": AHEAD_DAYS,
        "recent": recent,
        "change_offices": change_ids,
        "window_months": services.follow_up_window(),
    })


@login_required
@require_POST
def followup_launch(request, pk: int):
    """Create, open and send the event's follow-up survey."""
    event = get_object_or_404(_events(request.user, CHANGE).select_related("office"), pk=pk)
    if event.status != Event.Status.HELD or event.level not in services.FOLLOW_UP_LEVELS:
        messages.error(request, _("Follow-up surveys are for held regional and sub-regional "
                                  "events; “%(event)s” is not one.") % {"event": event.title})
        return redirect("surveys:followup_due")
    try:
        survey, count = services.launch_follow_up(
            event, base_url=request.build_absolute_uri("/"), user=request.user, queue=True)
    except services.SurveyError as error:
        messages.error(request, str(error))
        return redirect("surveys:followup_due")
    messages.success(request, ngettext(
        "The follow-up survey of “%(event)s” is open; its link is being sent to %(count)d "
        "person.",
        "The follow-up survey of “%(event)s” is open; links are being sent to %(count)d "
        "people.", count) % {"event": event.title, "count": count})
    return redirect(survey)


urlpatterns = [
    path("follow-ups/", followup_due, name="followup_due"),
    path("follow-ups/<int:pk>/launch/", followup_launch, name="followup_launch"),
]
