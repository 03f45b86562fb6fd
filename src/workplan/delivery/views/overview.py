"""Views of delivery: overview (thin: reads in querysets.py and summaries.py).

Plan versus delivery, a member's assistance across fiscal years, the month calendar and its
iCalendar feed. Every view requires sign-in and reads through ``restrict(user, VIEW)``: a plan
or member outside the user's scope is a 404.
"""

from __future__ import annotations

import datetime as dt
import re

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import path
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from workplan.core import years  # also registers the ``fiscal_year`` path converter
from workplan.core.access import VIEW
from workplan.core.links import absolute, from_request
from workplan.plans.models import WorkPlan

from .. import ics, summaries
from ..models import Event

MONTH = re.compile(r"^(\d{4})-(\d{2})$")


@login_required
@require_GET
def plan_delivery(request, office_code: str, period: str):
    """Each action and activity of a plan: planned, scheduled, held, cancelled."""
    plan = get_object_or_404(WorkPlan.objects.restrict(request.user, VIEW)
                             .select_related("office"), office__code=office_code, period=period)
    return render(request, "delivery/overview/plan_delivery.html", {
        "plan": plan,
        "delivery": summaries.plan_delivery(plan, request.user),
    })


@login_required
@require_GET
def member_delivery(request, iso3: str):
    """All assistance a member received, by fiscal year, and the requests it filed."""
    member = get_object_or_404(summaries.delivery_members(request.user), iso3=iso3.upper())
    return render(request, "delivery/overview/member_delivery.html", {
        "member": member,
        "delivery": summaries.member_delivery(member, request.user),
    })


def _month(value: str | None, today: dt.date) -> tuple[int, int, str]:
    """(year, month, error) from ``?month=2025-03``; this month, with a message, if invalid."""
    if not value:
        return today.year, today.month, ""
    match = MONTH.match(value.strip())
    if (match and 1 <= int(match.group(2)) <= 12
            and years.FIRST_YEAR <= int(match.group(1)) <= years.LAST_YEAR):
        return int(match.group(1)), int(match.group(2)), ""
    return today.year, today.month, _(
        "“%(value)s” is not a month: write it as YYYY-MM, e.g. 2025-03. "
        "Showing this month instead.") % {"value": value[:20]}


def _shift(year: int, month: int, by: int) -> dt.date:
    index = year * 12 + (month - 1) + by
    return dt.date(index // 12, index % 12 + 1, 1)


@login_required
@require_GET
def calendar(request):
    """A month of the user's events: a grid on wide screens, a list on phones."""
    today = timezone.localdate()
    year, month, error = _month(request.GET.get("month"), today)
    first, last = summaries.month_bounds(year, month)
    visible = Event.objects.restrict(request.user, VIEW)
    events = list(visible.overlapping(first, last).select_related("host_member")
                  .order_by("start_date", "end_date", "title", "pk"))
    month_start = dt.date(year, month, 1)
    month_end = _shift(year, month, 1) - dt.timedelta(days=1)
    in_month = [e for e in events if e.start_date <= month_end and e.end_date >= month_start]
    nearest = None
    if not in_month:  # point to the nearest month that has something (two small queries)
        before = visible.filter(end_date__lt=month_start).order_by("-end_date").first()
        after = visible.filter(start_date__gt=month_end).order_by("start_date").first()
        nearest = {"before": before and before.end_date, "after": after and after.start_date}
    return render(request, "delivery/overview/calendar.html", {
        "month": month_start,
        "weeks": summaries.month_weeks(year, month, events),
        "weekdays": [dt.date(2024, 1, day) for day in range(1, 8)],  # Monday 1 January 2024
        "events": in_month,
        "previous": _shift(year, month, -1),
        "next": _shift(year, month, 1),
        "this_month": today.replace(day=1),
        "today": today,
        "nearest": nearest,
        "error": error,
    })


@login_required
@require_GET
def calendar_ics(request):
    """Every event the user may see, as an iCalendar (RFC 5545) file."""
    events = (Event.objects.restrict(request.user, VIEW).select_related("office")
              .order_by("start_date", "pk"))
    with from_request(request):
        content = ics.calendar_bytes(
            events.iterator(chunk_size=500),
            url_for=lambda event: absolute(event.get_absolute_url()),
            name=_("Workplan events"))
    response = HttpResponse(content, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = content_disposition_header(False, "workplan-events.ics")
    return response


urlpatterns = [
    path("plans/<slug:office_code>/<fiscal_year:period>/", plan_delivery,
         name="plan_delivery"),
    path("members/<str:iso3>/", member_delivery, name="member_delivery"),
    path("calendar/", calendar, name="calendar"),
    path("calendar.ics", calendar_ics, name="calendar_ics"),
]
