"""The survey measures against a naive route: surveys conducted, evaluation results (with n
and response rate) and follow-up results, on seeded random surveys of the KPI world."""

from __future__ import annotations

import datetime as dt
import random

import pytest
from django.utils import timezone

from workplan.delivery.models import Event
from workplan.indicators import iptt
from workplan.indicators.models import Indicator
from workplan.surveys.models import Answer, Invitation, Question, Response, Survey

from .test_measures import periods

pytestmark = pytest.mark.django_db


def moment(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(12)))


def build_surveys(world, seed: int) -> None:
    rng = random.Random(seed)
    office, plan, members = world["office"], world["plan"], world["members"]
    fy = dt.date(plan.start_year, 7, 1)
    actions = list(plan.actions.all())
    for event in world["events"]:
        if event.office_id != office.pk:
            continue
        for kind in ("evaluation", "followup"):
            if rng.random() < 0.3:
                continue
            survey = Survey.objects.create(
                office=office, kind=kind, title=f"{kind} {event.title}", event=event,
                fiscal_year=plan.start_year, status=rng.choice(["open", "closed", "draft"]),
                opened_at=moment(event.end_date))
            survey.actions.set(event.actions.all())
            if kind == "evaluation":
                questions = [Question.objects.create(survey=survey, position=1, kind="rating",
                                                     text="Overall", code="overall")]
            else:
                questions = [Question.objects.create(survey=survey, position=i, kind=k,
                                                     text=c, code=c)
                             for i, (c, k) in enumerate([("actions_taken", "number"),
                                                         ("projects", "number"),
                                                         ("effects", "text")], start=1)]
            invitations = []
            for index in range(rng.randint(0, 8)):
                member = rng.choice(members)
                invitation = Invitation(survey=survey, member=member,
                                        email=f"p{survey.pk}-{index}@x.example",
                                        responded=rng.random() < 0.7)
                invitations.append(invitation)
            Invitation.objects.bulk_create(invitations)
            responses = [Response(survey=survey, invitation=i, member=i.member,
                                  submitted_at=moment(event.end_date + dt.timedelta(
                                      days=rng.randint(0, 300))))
                         for i in invitations if i.responded]
            Response.objects.bulk_create(responses)
            answers = []
            for response in responses:
                for question in questions:
                    if rng.random() < 0.15:
                        continue  # an optional answer left out
                    if question.kind == "rating":
                        answers.append(Answer(response=response, question=question,
                                              number=rng.randint(1, 5)))
                    elif question.kind == "number":
                        answers.append(Answer(response=response, question=question,
                                              number=rng.randint(0, 4)))
                    else:
                        answers.append(Answer(response=response, question=question,
                                              text=rng.choice(["", "Faster clearance",
                                                               "New risk unit"])))
            Answer.objects.bulk_create(answers)
    for index in range(12):  # needs and custom surveys, some for other years or drafts
        survey = Survey.objects.create(
            office=office, kind=rng.choice(["needs", "custom"]), title=f"Other {index}",
            fiscal_year=plan.start_year + rng.choice([0, 0, 0, 1, -1]),
            status=rng.choice(["open", "closed", "draft"]),
            opens_on=fy + dt.timedelta(days=rng.randint(-30, 400)) if rng.random() < 0.6
            else None,
            opened_at=moment(fy + dt.timedelta(days=rng.randint(0, 360))))
        survey.actions.set(rng.sample(actions, rng.randint(0, 2)))


def quarter_of_day(day: dt.date, year: int) -> int:
    first, last = dt.date(year, 7, 1), dt.date(year + 1, 6, 30)
    day = min(max(day, first), last)
    return (day.month - 7) % 12 // 3 + 1


class NaiveSurveys:
    def __init__(self, office, year):
        self.office, self.year = office, year
        self.surveys = list(Survey.objects.prefetch_related("actions").select_related("event"))
        self.responses = list(Response.objects.select_related("survey__event")
                              .prefetch_related("answers__question"))
        self.invitations = list(Invitation.objects.select_related("survey__event"))
        self.actions_of = {s.pk: {a.pk for a in s.actions.all()} for s in self.surveys}

    def conducted(self, quarters, action_id=None, kind=None):
        count = 0
        for survey in self.surveys:
            if survey.office_id != self.office.pk or survey.status == "draft":
                continue
            if survey.fiscal_year != self.year or (kind and survey.kind != kind):
                continue
            if action_id is not None and action_id not in self.actions_of[survey.pk]:
                continue
            day = survey.opens_on or survey.opened_at.date()
            if quarter_of_day(day, self.year) in quarters:
                count += 1
        return count

    def _evaluation_event_ok(self, survey, first, last, action_id):
        event = survey.event
        if survey.kind != "evaluation" or survey.office_id != self.office.pk or event is None:
            return False
        if action_id is not None and action_id not in self.actions_of[survey.pk]:
            return False
        return event.status == Event.Status.HELD and first <= event.start_date <= last

    def evaluation(self, first, last, action_id=None):
        ratings = [a.number for r in self.responses
                   if self._evaluation_event_ok(r.survey, first, last, action_id)
                   for a in r.answers.all() if a.question.code == "overall"
                   and a.number is not None]
        invited = [i for i in self.invitations
                   if self._evaluation_event_ok(i.survey, first, last, action_id)]
        mean = sum(ratings) / len(ratings) if ratings else None
        return mean, len(ratings), sum(1 for i in invited if i.responded), len(invited)

    def followup(self, first, last, item):
        total = 0
        for response in self.responses:
            survey = response.survey
            if survey.kind != "followup" or survey.office_id != self.office.pk:
                continue
            if not first <= response.submitted_at.date() <= last:
                continue
            for answer in response.answers.all():
                code = answer.question.code
                if item == "actions" and code == "actions_taken":
                    total += answer.number or 0
                if item == "effects" and code == "projects":
                    total += answer.number or 0
                if item == "effects" and code == "effects" and answer.text:
                    total += 1
        return total


@pytest.fixture
def survey_world(kpi_world):
    build_surveys(kpi_world, 5)
    return kpi_world


def _bind(plan, measure, params, cumulative=True):
    Indicator.objects.filter(action__work_plan=plan).update(measure=measure, params=params,
                                                            cumulative=cumulative)


def test_surveys_conducted(survey_world):
    plan, office = survey_world["plan"], survey_world["office"]
    naive = NaiveSurveys(office, plan.start_year)
    for params in ({"scope": "office"}, {"scope": "office", "kind": "needs"},
                   {"scope": "action"}, {"scope": "action", "kind": "evaluation"}):
        for cumulative in (True, False):
            _bind(plan, "surveys_conducted", params, cumulative)
            for row in iptt.compute(plan).rows:
                action = row.indicator.action_id if params["scope"] == "action" else None
                for q in (1, 2, 3, 4):
                    quarters = range(1, q + 1) if cumulative else [q]
                    assert row.columns[f"Q{q}"].actual == naive.conducted(
                        quarters, action, params.get("kind")), (params, q)
                assert row.columns["FY"].actual == naive.conducted(range(1, 5), action,
                                                                   params.get("kind"))


def test_evaluation_result_is_the_mean_with_n_and_response_rate(survey_world):
    plan, office = survey_world["plan"], survey_world["office"]
    naive = NaiveSurveys(office, plan.start_year)
    for scope in ("office", "action"):
        _bind(plan, "evaluation_result", {"scope": scope}, cumulative=False)
        checked = 0
        for row in iptt.compute(plan).rows:
            action = row.indicator.action_id if scope == "action" else None
            for key, (first, last) in periods(plan.start_year, False).items():
                mean, n, answered, invited = naive.evaluation(first, last, action)
                cell = row.columns[key].cell
                if mean is None:
                    assert cell.actual is None
                else:
                    assert cell.actual == pytest.approx(mean)
                    assert (cell.numerator, cell.denominator) == (pytest.approx(mean * n), n)
                    checked += 1
                assert (cell.extra["responses"], cell.extra["invited"]) == (answered, invited)
        assert checked


def test_followup_results(survey_world):
    plan, office = survey_world["plan"], survey_world["office"]
    naive = NaiveSurveys(office, plan.start_year)
    for item in ("actions", "effects"):
        _bind(plan, "followup_results", {"scope": "office", "item": item}, cumulative=False)
        row = iptt.compute(plan, dimension="member").rows[0]
        for key, (first, last) in periods(plan.start_year, False).items():
            expected = naive.followup(first, last, item)
            assert row.columns[key].actual == expected, (item, key)
            assert sum(p.columns[key].actual for p in row.breakdown) == expected
        assert row.columns["FY"].actual > 0
        assert sum(row.columns[f"Q{q}"].actual for q in (1, 2, 3, 4)) == \
            row.columns["FY"].actual
