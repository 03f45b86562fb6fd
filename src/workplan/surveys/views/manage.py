"""Views of surveys: the list, creating surveys (and an event's evaluation), a survey's page,
editing it and its questions while a draft, the life cycle, invitations, sending links and
reminders, and the non-respondents (thin: reads in querysets.py, writes in services.py).
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from workplan.core.access import CHANGE, VIEW, can
from workplan.core.concurrency import EditConflict
from workplan.delivery.models import Event

from .. import services
from ..filters import SurveyFilterSet
from ..forms import InviteForm, QuestionForm, SurveyCreateForm, SurveyForm, TransitionForm
from ..models import Invitation, Question, Response, Survey
from .common import may_manage, office_surveys, wide_offices

PAGE_SIZE = 50
NONRESPONDENTS_PAGE = 100


def base_url(request) -> str:
    return request.build_absolute_uri("/")


# --- list -------------------------------------------------------------------------------------


@login_required
@require_GET
def survey_list(request):
    """The surveys the user may see: all of their offices' for office-wide roles, the needs
    assessments a focal point answers for their member."""
    user = request.user
    surveys = Survey.objects.restrict(user, VIEW)
    filters = SurveyFilterSet(request.GET or None, queryset=surveys, request=request)
    surveys = filters.qs.for_list().order_by("-fiscal_year", "-created", "-pk")
    page = Paginator(surveys, PAGE_SIZE).get_page(request.GET.get("page"))
    wide = wide_offices(user)
    filtered = filters.is_bound and any(
        value not in (None, "") for value in getattr(filters.form, "cleaned_data", {}).values())
    context = {
        "filters": filters,
        "form": filters.form,
        "page": page,
        "surveys": page.object_list,
        "filtered": filtered,
        "wide_offices": wide,
        "may_create": may_manage(user),
        "sees_overviews": wide is None or bool(wide),
    }
    template = ("surveys/_results.html"
                if request.htmx and request.htmx.target == "survey-results"
                else "surveys/survey_list.html")
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request", "HX-Target"])
    return response


# --- create -----------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def survey_create(request):
    """A needs assessment or a custom survey, as a draft from its template."""
    if not may_manage(request.user):
        raise Http404
    form = SurveyCreateForm(request.POST or None, user=request.user)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                survey = services.create_survey(
                    office=data["office"], kind=data["kind"], title=data["title"],
                    fiscal_year=data["fiscal_year"], anonymous=data["anonymous"],
                    opens_on=data["opens_on"], closes_on=data["closes_on"], user=request.user)
            except services.SurveyError as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, _("The survey “%(title)s” was created as a draft: "
                                            "check its questions, then open it.")
                                 % {"title": survey.title})
                return redirect(survey)
        status = 400
    return render(request, "surveys/survey_form.html",
                  {"form": form, "survey": None, "heading": _("New survey")}, status=status)


@login_required
@require_POST
def evaluation_create(request, pk: int):
    """The event page's "Create evaluation": a draft evaluation with the event's participants
    invited (or the existing one)."""
    event = get_object_or_404(Event.objects.restrict(request.user, CHANGE)
                              .select_related("office"), pk=pk)
    survey, created = services.create_event_survey(event, Survey.Kind.EVALUATION,
                                                   user=request.user)
    if created:
        invited = survey.invitations.count()
        messages.success(request, ngettext(
            "The evaluation was created as a draft with %(count)d participant invited. Check "
            "the questions, open it, then send the links.",
            "The evaluation was created as a draft with %(count)d participants invited. Check "
            "the questions, open it, then send the links.", invited) % {"count": invited})
    else:
        messages.info(request, _("This event already has an evaluation."))
    return redirect(survey)


# --- a survey ---------------------------------------------------------------------------------


def _survey(request, pk, action=VIEW):
    return get_object_or_404(office_surveys(request.user, action)
                             .select_related("office__region", "event"), pk=pk)


@login_required
@require_GET
def survey_detail(request, pk: int):
    survey = get_object_or_404(office_surveys(request.user, VIEW).for_list()
                               .select_related("office__region").prefetch_related("actions"),
                               pk=pk)
    questions = list(survey.questions.all())
    sending = survey.invitations.aggregate(
        unsent=Count("pk", filter=Q(last_sent_at__isnull=True)),
        pending=Count("pk", filter=Q(last_sent_at__isnull=False, responded=False)))
    may_change = can(request.user, CHANGE, survey.office_id)
    labels = dict(Survey.Status.choices)
    return render(request, "surveys/survey_detail.html", {
        "survey": survey,
        "questions": questions,
        "sending": sending,
        "accepting": survey.accepts_answers(),
        "may_change": may_change,
        "transitions": ([(status, labels[status])
                         for status in sorted(Survey.TRANSITIONS[survey.status])]
                        if may_change else []),
    })


@login_required
@require_http_methods(["GET", "POST"])
def survey_update(request, pk: int):
    survey = _survey(request, pk, CHANGE)
    form = SurveyForm(request.POST or None, instance=survey)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            fields = {k: form.cleaned_data[k] for k in ("title", "intro", "opens_on",
                                                         "closes_on", "anonymous")}
            try:
                services.update_survey(survey, expected_version=form.cleaned_data["version"],
                                       **fields)
            except EditConflict as conflict:
                form.add_error(None, conflict.message)
                survey.refresh_from_db()
                status = 409
            except services.SurveyError as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, _("The survey was saved."))
                return redirect(survey)
    return render(request, "surveys/survey_form.html",
                  {"form": form, "survey": survey, "heading": _("Edit the survey")},
                  status=status)


@login_required
@require_POST
def survey_transition(request, pk: int):
    survey = _survey(request, pk, CHANGE)
    form = TransitionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("The status change was not understood; nothing changed."))
        return redirect(survey)
    try:
        survey = services.move_survey(survey, form.cleaned_data["status"], user=request.user)
    except services.TransitionError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("The survey is now %(status)s.")
                         % {"status": survey.get_status_display().lower()})
    return redirect(survey)


# --- questions --------------------------------------------------------------------------------


def _draft_only(request, survey):
    if survey.is_draft:
        return None
    messages.error(request, _("The questions of a survey can be changed only while it is a "
                              "draft: this one is %(status)s.")
                   % {"status": survey.get_status_display().lower()})
    return redirect(f"{survey.get_absolute_url()}#questions")


@login_required
@require_http_methods(["GET", "POST"])
def question_add(request, pk: int):
    survey = _survey(request, pk, CHANGE)
    refused = _draft_only(request, survey)
    if refused:
        return refused
    form = QuestionForm(request.POST or None, survey=survey,
                        initial={"kind": Question.Kind.RATING, "scale_max": 5})
    if request.method == "POST" and form.is_valid():
        try:
            question = services.add_question(survey, **form.question_fields())
        except (services.SurveyError, ValidationError) as error:
            form.add_error(None, " ".join(getattr(error, "messages", [str(error)])))
        else:
            messages.success(request, _("The question was added."))
            return redirect(f"{survey.get_absolute_url()}#question-{question.pk}")
    return render(request, "surveys/question_form.html",
                  {"form": form, "survey": survey, "question": None,
                   "heading": _("Add a question")}, status=400 if form.errors else 200)


def _question(request, pk):
    surveys = office_surveys(request.user, CHANGE)
    return get_object_or_404(Question.objects.filter(survey__in=surveys)
                             .select_related("survey__office"), pk=pk)


@login_required
@require_http_methods(["GET", "POST"])
def question_update(request, pk: int):
    question = _question(request, pk)
    survey = question.survey
    refused = _draft_only(request, survey)
    if refused:
        return refused
    form = QuestionForm(request.POST or None, instance=question, survey=survey)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            services.update_question(question, expected_version=form.cleaned_data["version"],
                                     **form.question_fields())
        except EditConflict as conflict:
            form.add_error(None, conflict.message)
            question.refresh_from_db()
            status = 409
        except (services.SurveyError, ValidationError) as error:
            form.add_error(None, " ".join(getattr(error, "messages", [str(error)])))
        else:
            messages.success(request, _("The question was saved."))
            return redirect(f"{survey.get_absolute_url()}#question-{question.pk}")
    if form.errors and status == 200:
        status = 400
    return render(request, "surveys/question_form.html",
                  {"form": form, "survey": survey, "question": question,
                   "heading": _("Edit a question")}, status=status)


@login_required
@require_POST
def question_delete(request, pk: int):
    question = _question(request, pk)
    survey = question.survey
    try:
        services.delete_question(question)
    except services.SurveyError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("The question “%(text)s” was removed.")
                         % {"text": question.text})
    return redirect(f"{survey.get_absolute_url()}#questions")


@login_required
@require_POST
def question_move(request, pk: int):
    question = _question(request, pk)
    step = -1 if request.POST.get("direction") == "up" else 1
    try:
        services.move_question(question, step)
    except services.SurveyError as error:
        messages.error(request, str(error))
    return redirect(f"{question.survey.get_absolute_url()}#question-{question.pk}")


# --- invitations ------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def invitation_add(request, pk: int):
    survey = _survey(request, pk, CHANGE)
    form = InviteForm(request.POST or None, survey=survey)
    if request.method == "POST" and form.is_valid():
        added = services.invite(survey, form.entries)
        skipped = len(form.entries) - added
        message = ngettext("%(count)d person was invited.", "%(count)d people were invited.",
                           added) % {"count": added}
        if skipped:
            message += " " + ngettext("%(count)d was already invited.",
                                      "%(count)d were already invited.", skipped) % {
                "count": skipped}
        if survey.status == Survey.Status.OPEN:
            message += " " + _("Send the links from the survey's page.")
        messages.success(request, message)
        return redirect(f"{survey.get_absolute_url()}#invitations")
    return render(request, "surveys/invitation_form.html",
                  {"form": form, "survey": survey, "heading": _("Invite people")},
                  status=400 if form.errors else 200)


@login_required
@require_POST
def invitation_remove(request, pk: int):
    invitation = get_object_or_404(Invitation.objects.restrict(request.user, CHANGE)
                                   .select_related("survey"), pk=pk)
    survey = invitation.survey
    try:
        services.remove_invitation(invitation)
    except services.SurveyError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("The invitation of %(who)s was removed.")
                         % {"who": invitation.name or invitation.email})
    return redirect("surveys:survey_nonrespondents", survey.pk)


def _send(request, pk: int, *, reminder: bool):
    """Queue the links (or reminders): the task worker sends them; a failure is retried, then
    listed on the failed-sends page of the office's admins."""
    survey = _survey(request, pk, CHANGE)
    try:
        count = services.queue_invitations(survey, base_url=base_url(request),
                                           reminder=reminder)
    except services.SurveyError as error:
        messages.error(request, str(error))
        return redirect(survey)
    if reminder:
        text = ngettext("A reminder is being sent to %(count)d person who has not answered.",
                        "Reminders are being sent to %(count)d people who have not answered.",
                        count) % {"count": count}
    else:
        text = ngettext("The link is being sent to %(count)d person.",
                        "Links are being sent to %(count)d people.", count) % {"count": count}
    (messages.success if count else messages.info)(request, text)
    return redirect(f"{survey.get_absolute_url()}#invitations")


@login_required
@require_POST
def survey_send(request, pk: int):
    """Send the link to everyone invited who has not been sent one."""
    return _send(request, pk, reminder=False)


@login_required
@require_POST
def survey_remind(request, pk: int):
    """Send a new link, as a reminder, to everyone invited who has not answered."""
    return _send(request, pk, reminder=True)


@login_required
@require_GET
def survey_nonrespondents(request, pk: int):
    """Who has not answered: invitations not used, and for a needs assessment the members
    without an answer. Fixed queries: the survey, a page of invitations (and its count), the
    members without an answer."""
    from workplan.directory.models import Member

    survey = _survey(request, pk, VIEW)
    pending = (Invitation.objects.filter(survey=survey).pending()
               .select_related("member").order_by("member__name", "name", "email"))
    page = Paginator(pending, NONRESPONDENTS_PAGE).get_page(request.GET.get("page"))
    silent_members = []
    if survey.kind == Survey.Kind.NEEDS:
        answered = Response.objects.filter(survey=survey, member__isnull=False).values("member")
        silent_members = list(Member.objects.filter(region_id=survey.office.region_id)
                              .exclude(pk__in=answered).order_by("name"))
    return render(request, "surveys/nonrespondents.html", {
        "survey": survey,
        "page": page,
        "invitations": page.object_list,
        "silent_members": silent_members,
        "may_change": can(request.user, CHANGE, survey.office_id),
        "accepting": survey.accepts_answers(),
        "page_emails": ", ".join(i.email for i in page.object_list),
    })


urlpatterns = [
    path("", survey_list, name="survey_list"),
    path("new/", survey_create, name="survey_create"),
    path("events/<int:pk>/evaluation/", evaluation_create, name="evaluation_create"),
    path("<int:pk>/", survey_detail, name="survey_detail"),
    path("<int:pk>/edit/", survey_update, name="survey_update"),
    path("<int:pk>/status/", survey_transition, name="survey_transition"),
    path("<int:pk>/questions/add/", question_add, name="question_add"),
    path("questions/<int:pk>/edit/", question_update, name="question_update"),
    path("questions/<int:pk>/delete/", question_delete, name="question_delete"),
    path("questions/<int:pk>/move/", question_move, name="question_move"),
    path("<int:pk>/invitations/add/", invitation_add, name="invitation_add"),
    path("invitations/<int:pk>/remove/", invitation_remove, name="invitation_remove"),
    path("<int:pk>/send/", survey_send, name="survey_send"),
    path("<int:pk>/remind/", survey_remind, name="survey_remind"),
    path("<int:pk>/non-respondents/", survey_nonrespondents, name="survey_nonrespondents"),
]
