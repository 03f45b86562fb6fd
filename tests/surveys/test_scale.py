"""A survey with 10,000 responses: the results page costs the same fixed number of queries as
one with ten (the responses are bulk-loaded by ``surveys.demo.build_survey_responses``; the
time is measured by ``make bench``, not here)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from workplan.surveys import services
from workplan.surveys.demo import build_survey_responses
from workplan.surveys.models import Answer, Response

from .test_views import RESULTS

pytestmark = pytest.mark.django_db

EXPORT = 3 + 1 + 8 + 3  # the results' queries, then responses, answers and picks (streamed)


@pytest.fixture
def big_survey(office, seed_plan, regional_event):
    """The event's evaluation (five ratings, two texts) with a ranking added, ten responses."""
    survey, _ = services.create_event_survey(regional_event, "evaluation")
    choices = [{"value": v, "label": v.title()} for v in ("morning", "afternoon", "evening")]
    services.add_question(survey, kind="ranking", text="Rank", code="rank", choices=choices)
    services.move_survey(survey, "open")
    build_survey_responses(survey, 10, invited=12)
    return survey


@pytest.fixture
def every_kind(big_survey):
    choices = big_survey.questions.get(code="rank").choices
    big_survey.status = "draft"
    big_survey.save()
    services.add_question(big_survey, kind="single", text="Best time", code="time",
                          choices=choices)
    services.add_question(big_survey, kind="multiple", text="Formats", code="formats",
                          choices=choices)
    services.add_question(big_survey, kind="number", text="Colleagues trained",
                          code="trained")
    services.move_survey(big_survey, "open")
    return big_survey


def test_results_page_queries_do_not_grow_with_10000_responses(client, staff, big_survey,
                                                              django_assert_num_queries):
    client.force_login(staff)
    url = reverse("surveys:survey_results", args=[big_survey.pk])
    with django_assert_num_queries(RESULTS):
        small = client.get(url)
    assert small.context["results"].responses == 10
    build_survey_responses(big_survey, 9_990, invited=10_500, seed=7)
    assert Response.objects.filter(survey=big_survey).count() == 10_000
    with django_assert_num_queries(RESULTS):
        large = client.get(url)
    results = large.context["results"]
    assert results.responses == 10_000 and results.expected == 10_518
    overall = results.questions[0]
    assert overall.n == 10_000 and sum(row.count for row in overall.rows) == 10_000
    assert overall.mean == pytest.approx(
        sum(Answer.objects.ratings().filter(response__survey=big_survey)
            .values_list("number", flat=True)) / 10_000)
    ranking = next(item for item in results.questions if item.question.code == "rank")
    assert sum(row.first for row in ranking.rows) == 10_000
    texts = next(item for item in results.questions if item.question.code == "apply")
    assert len(texts.texts) == 20 and texts.more_texts == texts.n - 20


def test_every_kind_of_question_in_fixed_queries(client, staff, every_kind,
                                                 django_assert_num_queries):
    client.force_login(staff)
    url = reverse("surveys:survey_results", args=[every_kind.pk])
    with django_assert_num_queries(RESULTS):
        client.get(url)
    build_survey_responses(every_kind, 300, seed=9)
    with django_assert_num_queries(RESULTS):
        page = client.get(url)
    by_code = {item.question.code: item for item in page.context["results"].questions}
    assert by_code["time"].n == 300 and sum(r.count for r in by_code["time"].rows) == 300
    assert by_code["formats"].n == 300
    assert by_code["trained"].n == 300 and by_code["trained"].total is not None


def test_export_queries_do_not_grow(client, staff, every_kind, django_assert_num_queries):
    client.force_login(staff)
    url = reverse("surveys:survey_export", args=[every_kind.pk])
    with django_assert_num_queries(EXPORT):
        client.get(url)
    build_survey_responses(every_kind, 1_000, seed=8)
    with django_assert_num_queries(EXPORT):
        response = client.get(url)
    assert response.status_code == 200 and len(response.content) > 30_000
