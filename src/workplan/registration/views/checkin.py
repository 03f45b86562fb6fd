"""Check-in at the event, on a phone: find someone by name and tap to mark them present, add
a walk-in. Small pages, plain forms (they work without JavaScript; htmx swaps the list as one
types on a good connection). Staff and admins of the event's office."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from workplan.core.access import CHANGE
from workplan.delivery.models import Event, Participation

from .. import services
from ..forms import NomineeForm

SHOWN = 40


def _event(request, pk):
    return get_object_or_404(Event.objects.restrict(request.user, CHANGE)
                             .select_related("office__region"), pk=pk)


def _page(request, event, walk_in_form=None, status=200):
    query = request.GET.get("q", "").strip()[:100]
    people = Participation.objects.filter(event=event).select_related("person", "member")
    if query:
        people = people.filter(Q(person__full_name__icontains=query)
                               | Q(person__email__icontains=query))
    people = list(people.order_by("attended", "person__full_name")[:SHOWN + 1])
    return render(request, "registration/checkin/checkin.html", {
        "event": event, "query": query, "people": people[:SHOWN],
        "more": len(people) > SHOWN,
        "headcount": Participation.objects.filter(event=event).headcount(),
        "walk_in_form": walk_in_form or NomineeForm(region=event.office.region,
                                                    email_required=False, prefix="walkin"),
    }, status=status)


@login_required
def checkin(request, pk: int):
    event = _event(request, pk)  # a 404 first, whatever the method
    if request.method not in ("GET", "HEAD"):
        return HttpResponseNotAllowed(["GET", "HEAD"])
    return _page(request, event)


@login_required
@require_POST
def checkin_mark(request, pk: int):
    event = _event(request, pk)
    number = request.POST.get("participation", "")
    participation = get_object_or_404(Participation.objects.filter(event=event),
                                      pk=int(number) if number.isdigit() else 0)
    _p, new = services.check_in(participation, user=request.user, method="search")
    name = participation.person.full_name
    messages.success(request, (_("%(name)s is checked in.") if new
                               else _("%(name)s was already checked in.")) % {"name": name})
    query = request.POST.get("q", "").strip()[:100]
    return redirect(reverse("registration:checkin", args=[event.pk])
                    + (f"?{urlencode({'q': query})}" if query else ""))


@login_required
@require_POST
def checkin_walk_in(request, pk: int):
    event = _event(request, pk)
    form = NomineeForm(request.POST, region=event.office.region, email_required=False,
                       prefix="walkin")
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.walk_in(event, full_name=data["full_name"], gender=data["gender"],
                             member=data["member"], email=data["email"] or "",
                             position=data["position"], user=request.user)
        except services.RegistrationError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("%(name)s was added and checked in.")
                             % {"name": data["full_name"]})
            return redirect("registration:checkin", event.pk)
    return _page(request, event, walk_in_form=form, status=400)


urlpatterns = [
    path("events/<int:pk>/checkin/", checkin, name="checkin"),
    path("events/<int:pk>/checkin/mark/", checkin_mark, name="checkin_mark"),
    path("events/<int:pk>/checkin/walk-in/", checkin_walk_in, name="checkin_walk_in"),
]
