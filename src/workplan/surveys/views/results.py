"""Views of surveys: results of a survey (page and XLSX), all answers to a question,
evaluations across events and the needs-versus-delivery gap (thin: reads in results.py and
querysets.py).

All are for the office-wide roles of the survey's office; a survey outside them is a 404.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import path
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from workplan.core.access import VIEW
from workplan.delivery.models import Event
from workplan.delivery.summaries import fiscal_year_label

from .. import charts, exports, results
from ..models import Answer, Question, Survey
from ..presets import EVALUATION_CODES, EVALUATION_LABELS
from .common import office_surveys, require_wide, wide_offices

ANSWERS_PAGE = 50
EVALUATIONS_PAGE = 50


def _survey_with_counts(request, pk):
    return get_object_or_404(office_surveys(request.user, VIEW).for_list()
                             .select_related("office__region"), pk=pk)


@login_required
@require_GET
def survey_results(request, pk: int):
    survey = _survey_with_counts(request, pk)
    data = results.survey_results(survey)
    for item in data.questions:
        item.chart = charts.question_chart(item)
    return render(request, "surveys/results.html", {
        "survey": survey,
        "results": data,
        "member_chart": charts.member_rate_chart(data.members),
    })


@login_required
@require_GET
def survey_export(request, pk: int):
    survey = _survey_with_counts(request, pk)
    content = exports.survey_workbook(survey, results.survey_results(survey))
    response = HttpResponse(content, content_type=exports.CONTENT_TYPE)
    response["Content-Disposition"] = content_disposition_header(
        True, exports.filename(survey))
    return response


@login_required
@require_GET
def question_answers(request, pk: int):
    """Every answer to one question, newest first, a page at a time."""
    question = get_object_or_404(
        Question.objects.filter(survey__in=office_surveys(request.user, VIEW))
        .select_related("survey__office"), pk=pk)
    answers = (Answer.objects.filter(question=question).select_related("response__member")
               .prefetch_related("picks").order_by("-response__updated_at", "-pk"))
    page = Paginator(answers, ANSWERS_PAGE).get_page(request.GET.get("page"))
    return render(request, "surveys/question_answers.html", {
        "survey": question.survey,
        "question": question,
        "page": page,
        "answers": page.object_list,
        "labels": question.choice_labels,
    })


@login_required
@require_GET
def needs_gap(request, pk: int):
    survey = get_object_or_404(office_surveys(request.user, VIEW)
                               .filter(kind=Survey.Kind.NEEDS)
                               .select_related("office__region"), pk=pk)
    gap = results.needs_gap(survey, Event.objects.restrict(request.user, VIEW))
    return render(request, "surveys/needs_gap.html", {
        "survey": survey,
        "gap": gap,
        "period_label": fiscal_year_label(survey.fiscal_year,
                                          survey.office.fiscal_year_start_month),
    })


@login_required
@require_GET
def evaluation_overview(request):
    """Evaluation ratings across events: by fiscal year, level, kind and pillar, and per
    event (a page at a time)."""
    user = request.user
    require_wide(user)
    surveys = office_surveys(user, VIEW)
    years = sorted(set(surveys.conducted().filter(kind=Survey.Kind.EVALUATION)
                       .values_list("fiscal_year", flat=True)), reverse=True)
    year = request.GET.get("fy") or ""
    chosen = int(year) if year.isdigit() and int(year) in years else None
    answers = Answer.objects.restrict(user, VIEW)
    ids = wide_offices(user)
    if ids is not None:
        answers = answers.filter(response__survey__office_id__in=ids)
    overview = results.evaluation_overview(answers, surveys, fiscal_year=chosen)
    listed = results.evaluations_by_event(surveys)
    if chosen is not None:
        listed = listed.filter(fiscal_year=chosen)
    page = Paginator(listed, EVALUATIONS_PAGE).get_page(request.GET.get("page"))
    return render(request, "surveys/evaluations.html", {
        "overview": overview,
        "years": [(y, fiscal_year_label(y)) for y in years],
        "chosen": chosen,
        "page": page,
        "surveys": page.object_list,
        "codes": EVALUATION_CODES,
        "labels": [EVALUATION_LABELS[c] for c in EVALUATION_CODES],
        "year_chart": charts.evaluation_chart(overview.by_year,
                                              _("Mean overall rating by fiscal year")),
        "level_chart": charts.evaluation_chart(overview.by_level,
                                               _("Mean overall rating by level of event")),
        "criteria_chart": charts.criteria_chart(overview.total),
        "sections": [(_("By fiscal year"), overview.by_year),
                     (_("By level of event"), overview.by_level),
                     (_("By kind of event"), overview.by_kind),
                     (_("By pillar of the plan (the first action the event serves)"),
                      overview.by_pillar)],
    })


urlpatterns = [
    path("<int:pk>/results/", survey_results, name="survey_results"),
    path("<int:pk>/export.xlsx", survey_export, name="survey_export"),
    path("questions/<int:pk>/answers/", question_answers, name="question_answers"),
    path("<int:pk>/gap/", needs_gap, name="needs_gap"),
    path("evaluations/", evaluation_overview, name="evaluation_overview"),
]
