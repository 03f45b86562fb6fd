"""Registration by link and nominations.

- ``register``: the public link (``/registration/r/<token>/``), no account needed; looked up
  by the SHA-256 of its token and rate-limited per address and per token like survey links.
- ``ticket``: the personal link of a confirmed registration (its QR code is in the e-mail);
  the office's staff who open it (by scanning it) check the person in. The link exists only in
  the e-mail: the task that sends it makes it (``registration.tasks``), no page shows it.
- ``event_registration``: staff open registration, see the link and its QR code, confirm or
  decline; a member's focal point nominates for their member and confirms their member's.
- ``registration_poster``: staff download a printable A4 poster of the link (PDF), while
  registration is open.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from workplan.core.access import CHANGE, VIEW, WIDE_ROLES, can, focal_points, office_ids
from workplan.delivery.models import Event
from workplan.surveys import ratelimit

from .. import services
from ..forms import NomineeForm, WindowForm
from ..models import Registration, RegistrationWindow


def _public(request, template, context, status=200):
    response = render(request, template, context, status=status)
    response["Cache-Control"] = "no-store"
    response["Referrer-Policy"] = "same-origin"  # the token is in the URL
    response["X-Robots-Tag"] = "noindex"
    return response


def _limited(request, token):
    wait = ratelimit.check(request, token)
    if wait is None:
        return None
    response = _public(request, "registration/register/problem.html", {
        "title": _("Too many requests"),
        "message": _("Too many requests came from your connection or for this link. Wait "
                     "%(minutes)d minute(s) and try again; nothing was saved.")
        % {"minutes": max(1, round(wait / 60))}}, status=429)
    response["Retry-After"] = str(wait)
    return response


@never_cache
@require_http_methods(["GET", "POST"])
def register(request, token: str):
    limited = _limited(request, token)
    if limited:
        return limited
    window = services.find_window(token)
    if window is None:
        return _public(request, "registration/register/problem.html", {
            "title": _("Link not valid"),
            "message": _("This registration link is not valid. Check that it was copied "
                         "whole.")}, status=404)
    event = window.event
    refusal = services.window_refusal(window)
    if refusal:
        return _public(request, "registration/register/problem.html",
                       {"title": _("Registration closed"), "message": refusal,
                        "event": event}, status=410)
    form = NomineeForm(request.POST if request.method == "POST" else None,
                       region=event.office.region, consent=True)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.register(event, full_name=data["full_name"], email=data["email"],
                              gender=data["gender"], member=data["member"],
                              position=data["position"], consent=data["consent"],
                              window=window)
        except services.RegistrationError as error:
            form.add_error(None, str(error))
        else:
            return _public(request, "registration/register/done.html", {"event": event})
    return _public(request, "registration/register/form.html",
                   {"event": event, "form": form, "window": window},
                   status=400 if form.errors else 200)


@never_cache
@require_http_methods(["GET", "POST"])
def ticket(request, token: str):
    limited = _limited(request, token)
    if limited:
        return limited
    registration = services.find_registration(token)
    if registration is None:
        return _public(request, "registration/register/problem.html", {
            "title": _("Link not valid"),
            "message": _("This personal link is not valid.")}, status=404)
    event = registration.event
    certificate = _own_certificate(registration)
    if request.method == "GET" and request.GET.get("download") == "certificate":
        return _certificate_download(request, registration, certificate)
    staff = can(request.user, CHANGE, event.office_id)
    if request.method == "POST":
        if not staff or registration.participation is None:
            return _public(request, "registration/register/problem.html", {
                "title": _("Not checked in"),
                "message": _("Only the event's staff check people in; nothing changed.")},
                status=400)
        _participation, new = services.check_in(registration.participation,
                                                user=request.user, method="qr")
        messages.success(request, _("%(name)s is checked in.") % {
            "name": registration.full_name} if new else _("%(name)s was already checked in.")
            % {"name": registration.full_name})
        return redirect("registration:checkin", event.pk)
    return _public(request, "registration/register/ticket.html", {
        "registration": registration, "event": event, "staff": staff,
        "certificate": certificate,
        "qr": services.qr_svg(request.build_absolute_uri(request.path))})


def _own_certificate(registration):
    """The registrant's valid certificate (issued by staff, neither revoked nor withdrawn),
    else None: only someone who attended as a participant has one."""
    from ..models import Certificate

    if registration.participation_id is None:
        return None
    return (Certificate.objects.valid()
            .filter(participation_id=registration.participation_id)
            .select_related("event__office").first())


def _certificate_download(request, registration, certificate):
    from workplan.core.links import from_request

    from .. import certificates

    if certificate is None:
        return _public(request, "registration/register/problem.html", {
            "title": _("No certificate yet"), "event": registration.event,
            "message": _("A certificate is given to those who attended as participants, once "
                         "the office issues them. There is none for this link yet.")},
            status=404)
    with from_request(request):
        data = certificates.single_pdf(certificate)
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{certificates.filename(certificate)}"'
    response["Cache-Control"] = "no-store"
    response["Referrer-Policy"] = "same-origin"
    return response


def _focal_member(user, event):
    for office, member in focal_points(user):
        if office == event.office_id:
            return member
    return None


def _event_for_registration(request, pk):
    """The event, with the user's part in its registration: (event, may_change, member).
    Office-wide roles and the focal points of its members have one; others get a 404."""
    event = get_object_or_404(Event.objects.restrict(request.user, VIEW)
                              .select_related("office__region"), pk=pk)
    may_change = can(request.user, CHANGE, event.office_id)
    member = _focal_member(request.user, event)
    wide = office_ids(request.user, VIEW, roles=WIDE_ROLES)
    if not may_change and member is None and not (wide is None or event.office_id in wide):
        raise Http404
    return event, may_change, member


def _manage_page(request, event, may_change, member, *, window_form=None, nominee_form=None):
    window = RegistrationWindow.objects.filter(event=event).first()
    window_form = window_form or WindowForm(initial={
        "is_open": window.is_open if window else True,
        "closes_at": timezone.localtime(window.closes_at).strftime("%Y-%m-%dT%H:%M")
        if window else f"{event.start_date.isoformat()}T00:00",
        "cap_per_member": window.cap_per_member if window else None})
    nominee_form = nominee_form or NomineeForm(
        region=event.office.region, member=None if may_change else member, prefix="nominee")
    registrations = (Registration.objects.restrict(request.user, VIEW).filter(event=event)
                     .select_related("member"))
    link = (request.build_absolute_uri(reverse("registration:register",
                                               args=[services.link_token(window)]))
            if window and may_change else None)
    return render(request, "registration/register/manage.html", {
        "event": event, "window": window, "window_form": window_form,
        "nominee_form": nominee_form, "registrations": registrations, "link": link,
        "qr": services.qr_svg(link) if link else None, "may_change": may_change,
        "may_nominate": may_change or member is not None,
        "refusal": services.window_refusal(window) if window else None,
    }, status=400 if (window_form.errors or nominee_form.errors) else 200)


@login_required
@require_GET
def event_registration(request, pk: int):
    event, may_change, member = _event_for_registration(request, pk)
    return _manage_page(request, event, may_change, member)


@login_required
def registration_poster(request, pk: int):
    """The poster of the event's registration (one A4 page, PDF): the event, the deadline, the
    places, the public link and its QR code. Staff's, and only while registration is open;
    otherwise back to the registration page, which says why."""
    from workplan.core.links import from_request

    from .. import poster

    event = get_object_or_404(Event.objects.restrict(request.user, CHANGE)
                              .select_related("office__region"), pk=pk)
    if request.method not in ("GET", "HEAD"):  # after the lookup: a 404 first
        return HttpResponseNotAllowed(["GET", "HEAD"])
    window = RegistrationWindow.objects.filter(event=event).first()
    if window is None:
        refusal = _("Registration for this event is not open yet.")
    else:
        window.event = event
        refusal = services.window_refusal(window)
    if refusal:
        messages.error(request, _("No poster: %(why)s Open registration to print one.")
                       % {"why": refusal})
        return redirect("registration:event_registration", event.pk)
    link = request.build_absolute_uri(reverse("registration:register",
                                              args=[services.link_token(window)]))
    with from_request(request):
        data = poster.poster_pdf(window, link)
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = (f'attachment; '
                                       f'filename="registration-poster-event-{event.pk}.pdf"')
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_POST
def registration_settings(request, pk: int):
    """Open, change or close the event's registration (staff)."""
    event = get_object_or_404(Event.objects.restrict(request.user, CHANGE)
                              .select_related("office__region"), pk=pk)
    form = WindowForm(request.POST, event=event)
    if not form.is_valid():
        return _manage_page(request, event, True, None, window_form=form)
    data = form.cleaned_data
    services.open_registration(event, closes_at=data["closes_at"],
                               cap_per_member=data["cap_per_member"], is_open=data["is_open"],
                               user=request.user, new_link=data["new_link"])
    messages.success(request, _("Registration settings saved."))
    return redirect("registration:event_registration", event.pk)


@login_required
@require_POST
def nominate(request, pk: int):
    """Staff add someone, a focal point nominates for their own member."""
    event, may_change, member = _event_for_registration(request, pk)
    if not may_change and member is None:
        raise Http404
    form = NomineeForm(request.POST, region=event.office.region,
                       member=None if may_change else member, prefix="nominee")
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.register(event, full_name=data["full_name"], email=data["email"],
                              gender=data["gender"], member=data["member"],
                              position=data["position"],
                              source="staff" if may_change else "focal_point",
                              nominated_by=request.user)
        except services.RegistrationError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("%(name)s was nominated.") % {"name": data["full_name"]})
            return redirect("registration:event_registration", event.pk)
    return _manage_page(request, event, may_change, member, nominee_form=form)


@login_required
@require_POST
def registration_decide(request, pk: int):
    """Confirm or decline one registration, or send a confirmed one's e-mail again with a new
    personal link (staff; a focal point for their own member)."""
    event = get_object_or_404(Event.objects.restrict(request.user, VIEW), pk=pk)
    number = request.POST.get("registration", "")
    registration = get_object_or_404(
        Registration.objects.restrict(request.user, CHANGE).filter(event=event),
        pk=int(number) if number.isdigit() else 0)
    try:
        if request.POST.get("decision") == "confirm":
            services.confirm_registration(registration, user=request.user,
                                          base_url=request.build_absolute_uri("/"))
            messages.success(request, _("%(name)s is confirmed; the e-mail with their personal "
                                        "link is being sent.")
                             % {"name": registration.full_name})
        elif request.POST.get("decision") == "resend":
            services.resend_confirmation(registration, base_url=request.build_absolute_uri("/"))
            messages.success(request, _("A new personal link is being sent to %(name)s; the "
                                        "one sent before no longer works.")
                             % {"name": registration.full_name})
        elif request.POST.get("decision") == "decline":
            services.decline_registration(registration, user=request.user)
            messages.success(request, _("%(name)s was declined.")
                             % {"name": registration.full_name})
        else:
            messages.error(request, _("Choose to confirm, decline or send again; nothing "
                                      "changed."))
    except services.RegistrationError as error:
        messages.error(request, str(error))
    return redirect("registration:event_registration", event.pk)


urlpatterns = [
    path("r/<str:token>/", register, name="register"),
    path("t/<str:token>/", ticket, name="ticket"),
    path("events/<int:pk>/registration/", event_registration, name="event_registration"),
    path("events/<int:pk>/registration/poster.pdf", registration_poster,
         name="registration_poster"),
    path("events/<int:pk>/registration/settings/", registration_settings,
         name="registration_settings"),
    path("events/<int:pk>/registration/nominate/", nominate, name="nominate"),
    path("events/<int:pk>/registration/decide/", registration_decide,
         name="registration_decide"),
]
