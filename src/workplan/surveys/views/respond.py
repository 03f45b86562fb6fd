"""Views of surveys: answering.

- ``respond``: the link a respondent was sent (``/surveys/r/<token>/``), no account needed.
  The token is looked up by its SHA-256; an unknown or altered token, a survey not open yet, a
  closed or expired one, a used anonymous link each get a page saying so (404 or 410) and
  nothing is saved. The endpoint is rate-limited per address and per token (429).
- ``respond_certificate``: the same link downloads the person's certificate of participation
  of the survey's event (``/surveys/r/<token>/certificate.pdf``), when they have one (the
  office issued it, neither revoked nor withdrawn), whatever the survey's state: a participant
  comes back for it after answering, or after the survey closed. Rate-limited like the link;
  an unknown token gets the page of a link that is not valid, a person without a certificate
  a 404 page that says so.
- ``member_response``: a member focal point, signed in, answers a needs assessment for their
  member (one answer per member, which they change until the survey closes). Office staff see
  the same page as a preview.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from workplan.core.access import VIEW, focal_points

from .. import ratelimit, services
from ..forms import ResponseForm
from ..models import Response, Survey


def _page(request, template, context, status=200):
    response = render(request, template, context, status=status)
    response["Cache-Control"] = "no-store"
    # The token is in the URL: never sent to another site. ("no-referrer" would make browsers
    # send "Origin: null" with the form, which Django's CSRF check rightly refuses.)
    response["Referrer-Policy"] = "same-origin"
    response["X-Robots-Tag"] = "noindex"
    return response


def _problem(request, status: int, title: str, message: str, survey=None, extra=None):
    return _page(request, "surveys/respond_problem.html",
                 {"title": title, "message": message, "survey": survey, **(extra or {})},
                 status=status)


INVALID_LINK = gettext_lazy(
    "This link is not valid. Check that it was copied whole from the message you received; "
    "if a reminder was sent, use the link of the latest message.")


def _limited(request, token: str):
    """The 429 page when the link or the address asked too often, else None."""
    wait = ratelimit.check(request, token)
    if wait is None:
        return None
    response = _problem(request, 429, _("Too many requests"), _(
        "Too many requests came from your connection or for this link. Wait %(minutes)d "
        "minute(s) and try again; nothing was saved.")
        % {"minutes": max(1, round(wait / 60))})
    response["Retry-After"] = str(wait)
    return response


def _certificate_url(invitation, token: str) -> str | None:
    """The link's download of the person's certificate of the survey's event, if they have
    one."""
    from workplan.registration.certificates import valid_for

    if valid_for(invitation.person_id, invitation.survey.event_id) is None:
        return None
    return reverse("surveys:respond_certificate", kwargs={"token": token})


@never_cache
@require_http_methods(["GET", "POST"])
def respond(request, token: str):
    if limited := _limited(request, token):
        return limited
    invitation = services.find_invitation(token)
    if invitation is None:
        return _problem(request, 404, _("Link not valid"), str(INVALID_LINK))
    survey = invitation.survey
    certificate_url = _certificate_url(invitation, token)
    refusal = survey.refusal()
    if refusal is not None:
        status, message = refusal
        return _problem(request, status, _("Survey not available"), message, survey,
                        {"certificate_url": certificate_url})
    if survey.anonymous and invitation.responded:
        return _problem(request, 410, _("Already answered"), _(
            "Answers were already sent with this link. The survey is anonymous, so nothing "
            "ties them to you and they cannot be changed. Thank you!"), survey,
            {"certificate_url": certificate_url})
    questions = list(survey.questions.all())
    existing = None
    if not survey.anonymous:
        existing = _existing_response(survey, invitation)
    shared = survey.kind == Survey.Kind.NEEDS and bool(invitation.member_id) \
        and not survey.anonymous  # the member's one answer: its focal points change it too
    if request.method == "POST":
        form = ResponseForm(questions, request.POST, shared=shared)
        if form.is_valid():
            try:
                services.submit_by_link(invitation, questions, form.values(), seen=form.seen)
            except services.Refused as refused:
                if refused.status == 409:  # saved by someone else meanwhile: keep the values
                    messages.error(request, str(refused))
                    return _page(request, "surveys/respond.html", {
                        "survey": survey, "invitation": invitation, "existing": existing,
                        "form": _restamped(questions, request.POST, existing)}, status=409)
                return _problem(request, refused.status, _("Not saved"), str(refused), survey)
            if survey.anonymous:
                return _page(request, "surveys/respond_done.html",
                             {"survey": survey, "certificate_url": certificate_url})
            messages.success(request, _("Thank you: your answers were saved. You can change "
                                        "them with the same link until the survey closes."))
            return redirect("surveys:respond", token=token)
        status = 400
    else:
        initial = ResponseForm.initial_from(questions, services.stored_values(existing))
        form = ResponseForm(questions, initial=initial, shared=shared,
                            seen=services.response_stamp(existing))
        status = 200
    return _page(request, "surveys/respond.html", {
        "survey": survey, "form": form, "existing": existing, "invitation": invitation,
        "certificate_url": certificate_url,
    }, status=status)


@never_cache
@require_GET
def respond_certificate(request, token: str):
    """The link's person's certificate of participation of the survey's event, as a PDF."""
    from workplan.core.links import from_request
    from workplan.registration import certificates

    if limited := _limited(request, token):
        return limited
    invitation = services.find_invitation(token)
    if invitation is None:
        return _problem(request, 404, _("Link not valid"), str(INVALID_LINK))
    survey = invitation.survey
    certificate = certificates.valid_for(invitation.person_id, survey.event_id)
    if certificate is None:
        return _problem(request, 404, _("No certificate"), _(
            "There is no certificate of participation for this link. The office issues one "
            "to each participant who attended the event; if you attended, ask the office."),
            survey)
    with from_request(request):
        data = certificates.single_pdf(certificate)
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = (f'attachment; '
                                       f'filename="{certificates.filename(certificate)}"')
    response["Cache-Control"] = "no-store"
    response["Referrer-Policy"] = "same-origin"  # the token is in the URL
    response["X-Robots-Tag"] = "noindex"
    return response


def _restamped(questions, data, existing) -> ResponseForm:
    """The posted answers again, now stamped with the answers saved meanwhile: sending them
    once more replaces those, knowingly."""
    data = data.copy()
    data["seen"] = services.response_stamp(existing)
    form = ResponseForm(questions, data, shared=True)
    form.is_valid()
    return form


def _existing_response(survey, invitation):
    if survey.kind == Survey.Kind.NEEDS and invitation.member_id:
        return Response.objects.filter(survey=survey, member_id=invitation.member_id,
                                       for_member=True).first()
    return Response.objects.filter(invitation=invitation).first()


# --- focal points: the needs assessment -------------------------------------------------------


def _needs_survey(request, pk):
    survey = get_object_or_404(Survey.objects.restrict(request.user, VIEW)
                               .filter(kind=Survey.Kind.NEEDS).select_related("office"), pk=pk)
    member = None
    for office, member_id in focal_points(request.user):
        if office == survey.office_id:
            from workplan.directory.models import Member

            member = Member.objects.get(pk=member_id)
            break
    return survey, member


def _member_page(request, survey, member, form=None, status=200):
    existing = None
    if member is not None:
        existing = Response.objects.filter(survey=survey, member=member,
                                           for_member=True).select_related(
            "submitted_by").first()
    accepting = survey.accepts_answers()
    questions = list(survey.questions.all())
    disabled = member is None or not accepting
    if form is None:
        initial = ResponseForm.initial_from(questions, services.stored_values(existing))
        form = ResponseForm(questions, initial=initial, disabled=disabled, shared=True,
                            seen=services.response_stamp(existing))
    return render(request, "surveys/member_response.html", {
        "survey": survey, "member": member, "form": form, "existing": existing,
        "accepting": accepting, "refusal": survey.refusal(), "form_disabled": disabled,
    }, status=status)


@login_required
@require_GET
def member_response(request, pk: int):
    survey, member = _needs_survey(request, pk)
    return _member_page(request, survey, member)


@login_required
@require_POST
def member_response_submit(request, pk: int):
    survey, member = _needs_survey(request, pk)
    if member is None:
        raise Http404  # only a member's focal point answers for it
    questions = list(survey.questions.all())
    form = ResponseForm(questions, request.POST, shared=True)
    refusal = survey.refusal()
    if refusal is not None:
        messages.error(request, refusal[1])
        return _member_page(request, survey, member, status=refusal[0])
    if not form.is_valid():
        return _member_page(request, survey, member, form=form, status=400)
    try:
        services.submit_for_member(survey, member, questions, form.values(),
                                   user=request.user, seen=form.seen)
    except services.Refused as refused:
        messages.error(request, str(refused))
        if refused.status == 409:  # saved by someone else meanwhile: keep the values
            existing = Response.objects.filter(survey=survey, member=member,
                                               for_member=True).first()
            return _member_page(request, survey, member, status=409,
                                form=_restamped(questions, request.POST, existing))
        return _member_page(request, survey, member, status=refused.status)
    messages.success(request, _("The answers of %(member)s were saved. You can change them "
                                "until the survey closes.") % {"member": member.name})
    return redirect("surveys:member_response", survey.pk)


urlpatterns = [
    path("r/<str:token>/", respond, name="respond"),
    path("r/<str:token>/certificate.pdf", respond_certificate, name="respond_certificate"),
    path("<int:pk>/answer/", member_response, name="member_response"),
    path("<int:pk>/answer/submit/", member_response_submit, name="member_response_submit"),
]
