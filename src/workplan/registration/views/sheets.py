"""The event's attendance sheet (XLSX): the template to fill in and the participants' export,
in the same columns (registration/sheets.py). Staff and admins of the event's office."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404
from django.urls import path
from django.utils.text import slugify

from workplan.core.access import CHANGE
from workplan.delivery.models import Event

from ..sheets import event_sheet

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@login_required
def event_attendance_sheet(request, pk: int):
    event = get_object_or_404(Event.objects.restrict(request.user, CHANGE)
                              .select_related("office__region"), pk=pk)
    if request.method not in ("GET", "HEAD"):
        return HttpResponseNotAllowed(["GET", "HEAD"])
    response = HttpResponse(event_sheet(event), content_type=XLSX)
    name = slugify(event.title)[:60] or "event"
    response["Content-Disposition"] = f'attachment; filename="attendance-{event.pk}-{name}.xlsx"'
    response["Cache-Control"] = "no-store"
    return response


urlpatterns = [
    path("events/<int:pk>/attendance-sheet.xlsx", event_attendance_sheet,
         name="event_attendance_sheet"),
]
