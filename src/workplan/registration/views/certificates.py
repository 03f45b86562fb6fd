"""Certificates of participation.

- ``certificate_layout``: the office's admins set the wording, the head of office's name,
  title and signature and the office's logo (with a sample PDF to look at).
- ``event_certificates``: staff of the event's office issue the certificates of its
  participants, download them (one PDF for the event, or one person's), e-mail them, revoke one
  or issue it again.
- ``verify``: anyone with the code printed on a certificate checks it
  (``/registration/verify/<code>/``): name, event and dates, nothing more; of a revoked or
  withdrawn certificate only that, and when. The code is a lookup
  key printed on paper, not a credential, so the URL is not masked in logs; the page is
  rate-limited like survey links, which keeps guessing codes useless.

A participant downloads their own certificate through their personal registration link
(``registration:ticket`` with ``?download=certificate``, in ``register.py``) or through their
survey link (``surveys:respond_certificate``).
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from workplan.core.access import CHANGE
from workplan.core.links import from_request
from workplan.core.office import administered_offices
from workplan.delivery.models import Event
from workplan.surveys import ratelimit

from .. import certificates, services
from ..forms import CertificateLayoutForm, VerifyForm
from ..models import Certificate, CertificateLayout
from .register import _public


def _get_only(request):
    """After the object's lookup (a 404 first, whatever the method): GET and HEAD only."""
    if request.method not in ("GET", "HEAD"):
        return HttpResponseNotAllowed(["GET", "HEAD"])
    return None


def pdf_response(data: bytes, name: str, *, attachment: bool = True) -> HttpResponse:
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = (f'{"attachment" if attachment else "inline"}; '
                                       f'filename="{name}"')
    return response


# --- the office's layout (office admins) --------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def certificate_layout(request, office_code: str):
    office = get_object_or_404(administered_offices(request.user), code=office_code)
    layout = CertificateLayout.objects.filter(office=office).first()
    initial = {name: getattr(layout, name) for name in services.LAYOUT_TEXTS} if layout else {}
    form = CertificateLayoutForm(request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.save_layout(
                office, user=request.user, logo=data["logo"], signature=data["signature"],
                remove_logo=data["remove_logo"], remove_signature=data["remove_signature"],
                **{name: data[name] for name in services.LAYOUT_TEXTS})
        except services.CertificateError as error:
            form.add_error(error.field if error.field in form.fields else None, str(error))
        else:
            messages.success(request, _("The certificate layout of %(office)s was saved.")
                             % {"office": office.code})
            return redirect("registration:certificate_layout", office_code=office.code)
    return render(request, "registration/certificates/layout.html",
                  {"office": office, "layout": layout, "form": form},
                  status=400 if form.errors else 200)


@login_required
def certificate_layout_preview(request, office_code: str):
    """A sample certificate in the office's layout, shown in the browser."""
    office = get_object_or_404(administered_offices(request.user), code=office_code)
    if refused := _get_only(request):
        return refused
    with from_request(request):
        data = certificates.sample_pdf(office, certificates.layout_of(office))
    return pdf_response(data, f"certificate-sample-{office.code}.pdf", attachment=False)


# --- an event's certificates (staff) ------------------------------------------------------------


def _event(request, pk):
    return get_object_or_404(Event.objects.restrict(request.user, CHANGE)
                             .select_related("office"), pk=pk)


def _certificate(request, pk):
    return get_object_or_404(Certificate.objects.restrict(request.user, CHANGE)
                             .select_related("event__office", "participation__person"), pk=pk)


def _back(certificate):
    """To the event's certificates (a certificate whose event is gone: to the events)."""
    if certificate.event_id is None:
        return redirect("delivery:event_list")
    return redirect("registration:event_certificates", certificate.event_id)


@login_required
def event_certificates(request, pk: int):
    event = _event(request, pk)
    if refused := _get_only(request):
        return refused
    participants = (certificates.eligible(event).select_related("person", "member",
                                                                 "certificate")
                    .order_by("person__full_name", "pk"))
    issued = Certificate.objects.filter(event=event)
    return render(request, "registration/certificates/event.html", {
        "event": event, "participants": participants,
        "headcount": certificates.eligible(event).headcount(),
        "missing": certificates.eligible(event).filter(certificate__isnull=True).count(),
        "active": issued.valid().count(),
        # Issued to someone no longer recorded as a participant who attended (kept: a code
        # on paper must keep answering; staff may revoke it here).
        "strays": issued.filter(withdrawn_at__isnull=True, participation__isnull=False)
        .exclude(participation__in=certificates.eligible(event)),
        # Withdrawn (the participation removed, the person erased): their codes answer so.
        "withdrawn": issued.filter(withdrawn_at__isnull=False).order_by("-withdrawn_at", "pk"),
        "layout": certificates.layout_of(event.office),
        "may_administer": administered_offices(request.user).filter(pk=event.office_id)
        .exists(),
    })


@login_required
@require_POST
def certificates_issue(request, pk: int):
    event = _event(request, pk)
    made = services.issue_certificates(event, user=request.user)
    if made:
        messages.success(request, ngettext("%(count)d certificate was issued.",
                                           "%(count)d certificates were issued.", made)
                         % {"count": made})
    else:
        messages.info(request, _("Every participant who attended has a certificate already."))
    return redirect("registration:event_certificates", event.pk)


@login_required
@require_POST
def certificates_email(request, pk: int):
    event = _event(request, pk)
    with from_request(request):
        outcome = services.email_certificates(event, user=request.user)
    if outcome["sent"]:
        messages.success(request, ngettext("%(count)d certificate was e-mailed.",
                                           "%(count)d certificates were e-mailed.",
                                           outcome["sent"]) % {"count": outcome["sent"]})
    else:
        messages.info(request, _("No certificate was left to e-mail (each is e-mailed once)."))
    if outcome["without_email"]:
        messages.warning(request, ngettext(
            "%(count)d participant has no e-mail address: download their certificate below.",
            "%(count)d participants have no e-mail address: download their certificates "
            "below.", outcome["without_email"]) % {"count": outcome["without_email"]})
    return redirect("registration:event_certificates", event.pk)


@login_required
def event_certificates_pdf(request, pk: int):
    """Every valid certificate of the event, one page each, in one PDF."""
    event = _event(request, pk)
    if refused := _get_only(request):
        return refused
    chosen = list(Certificate.objects.valid().filter(event=event).order_by("full_name", "pk"))
    if not chosen:
        messages.error(request, _("No certificate is issued for this event yet: issue them "
                                  "first."))
        return redirect("registration:event_certificates", event.pk)
    with from_request(request):
        data = certificates.event_pdf(event, chosen)
    return pdf_response(data, f"certificates-event-{event.pk}.pdf")


@login_required
def certificate_pdf(request, pk: int):
    certificate = _certificate(request, pk)
    if refused := _get_only(request):
        return refused
    if certificate.withdrawn_at is not None:
        messages.error(request, _("The certificate %(code)s was withdrawn: it is not printed.")
                       % {"code": certificate.display_code})
        return _back(certificate)
    if certificate.revoked_at is not None:
        messages.error(request, _("The certificate of %(name)s is revoked: it is not printed.")
                       % {"name": certificate.full_name})
        return _back(certificate)
    with from_request(request):
        data = certificates.single_pdf(certificate)
    return pdf_response(data, certificates.filename(certificate))


@login_required
@require_POST
def certificate_revoke(request, pk: int):
    certificate = _certificate(request, pk)
    try:
        services.revoke_certificate(certificate, user=request.user)
    except services.CertificateError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("The certificate of %(name)s is revoked; its code no "
                                    "longer verifies.") % {"name": certificate.full_name})
    return _back(certificate)


@login_required
@require_POST
def certificate_reissue(request, pk: int):
    certificate = _certificate(request, pk)
    try:
        certificate = services.reissue_certificate(certificate, user=request.user)
    except services.CertificateError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("The certificate of %(name)s was issued again, with a new "
                                    "code.") % {"name": certificate.full_name})
    return _back(certificate)


# --- public verification ------------------------------------------------------------------------


def _limited(request, code):
    wait = ratelimit.check(request, f"certificate:{code}")
    if wait is None:
        return None
    response = _public(request, "registration/register/problem.html", {
        "title": _("Too many requests"),
        "message": _("Too many requests came from your connection. Wait %(minutes)d "
                     "minute(s) and try again.") % {"minutes": max(1, round(wait / 60))}},
        status=429)
    response["Retry-After"] = str(wait)
    return response


@never_cache
@require_GET
def verify_form(request):
    """Type the code printed on a certificate."""
    form = VerifyForm(request.GET if "code" in request.GET else None)
    if form.is_bound and form.is_valid():
        code = services.normalise_code(form.cleaned_data["code"])
        if code:
            return redirect("registration:verify", code=code)
        form.add_error("code", _("A verification code is 12 letters and digits, e.g. "
                                 "K7MX-Q4PA-2HZD: check what you typed."))
    return _public(request, "registration/certificates/verify_form.html", {"form": form},
                   status=400 if form.errors else 200)


@never_cache
@require_GET
def verify(request, code: str):
    limited = _limited(request, code[:40])
    if limited:
        return limited
    certificate = services.find_certificate(code)
    if certificate is None:
        return _public(request, "registration/certificates/verify.html", {
            "form": VerifyForm(initial={"code": code[:40]})}, status=404)
    if not certificate.is_valid:  # revoked or withdrawn: that, and when, nothing more
        return _public(request, "registration/certificates/verify.html",
                       {"certificate": certificate}, status=410)
    event = certificate.event
    return _public(request, "registration/certificates/verify.html", {
        "certificate": certificate, "event": event,
        "dates": certificates.date_range(event.start_date, event.end_date)})


urlpatterns = [
    path("offices/<slug:office_code>/certificate-layout/", certificate_layout,
         name="certificate_layout"),
    path("offices/<slug:office_code>/certificate-layout/sample.pdf",
         certificate_layout_preview, name="certificate_layout_preview"),
    path("events/<int:pk>/certificates/", event_certificates, name="event_certificates"),
    path("events/<int:pk>/certificates/issue/", certificates_issue, name="certificates_issue"),
    path("events/<int:pk>/certificates/email/", certificates_email, name="certificates_email"),
    path("events/<int:pk>/certificates.pdf", event_certificates_pdf,
         name="event_certificates_pdf"),
    path("certificates/<int:pk>.pdf", certificate_pdf, name="certificate_pdf"),
    path("certificates/<int:pk>/revoke/", certificate_revoke, name="certificate_revoke"),
    path("certificates/<int:pk>/reissue/", certificate_reissue, name="certificate_reissue"),
    path("verify/", verify_form, name="verify_form"),
    path("verify/<str:code>/", verify, name="verify"),
]
