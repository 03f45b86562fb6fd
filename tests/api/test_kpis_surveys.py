"""KPIs and surveys through the API: the IPTT is ``iptt.compute`` (numerators and
denominators included, broken down by member, sub-region or gender; a focal point's member
breakdown shows their own member only); targets and values go through the web's forms and
services; survey results are ``results.survey_results``."""

from decimal import Decimal

import pytest
from rest_framework.test import APIClient

from tests.indicators.test_survey_measures import build_surveys
from tests.indicators.world import build_world
from workplan.core.models import Role
from workplan.indicators import iptt
from workplan.indicators.models import Indicator, Target, Value
from workplan.surveys import results as survey_results
from workplan.surveys import services as survey_services
from workplan.surveys.models import Survey

pytestmark = pytest.mark.django_db


def client_for(user):
    api = APIClient()
    api.force_authenticate(user)
    return api


@pytest.fixture
def world(office, seed_plan):
    data = build_world(office, seed_plan, 11, events=30)
    build_surveys(data, 3)
    return data


def _number(value):
    return None if value is None else pytest.approx(float(value))


@pytest.mark.parametrize("dimension", [None, "member", "subregion", "gender"])
def test_the_iptt_is_what_compute_gives(world, make_user, dimension):
    plan = world["plan"]
    # Half the KPIs as evaluation results (rates: numerator and denominator), the rest as
    # participants (counts that break down by every dimension).
    indicators = list(Indicator.objects.filter(action__work_plan=plan).order_by("pk"))
    Indicator.objects.filter(pk__in=[i.pk for i in indicators[::2]]).update(
        measure="evaluation_result", params={"scope": "office"}, cumulative=False)
    Indicator.objects.filter(pk__in=[i.pk for i in indicators[1::2]]).update(
        measure="participants", params={"scope": "office"})
    Target.objects.create(indicator=indicators[1], fiscal_year=plan.start_year, quarter=0,
                          target=Decimal("40"), baseline=Decimal("10"))
    url = f"/api/v1/iptt/{plan.pk}/" + (f"?dimension={dimension}" if dimension else "")
    response = client_for(make_user(Role.VIEWER)).get(url)
    assert response.status_code == 200, response.json()
    body = response.json()
    table = iptt.compute(plan, dimension=dimension)
    assert body["dimension"] == dimension and body["period"] == plan.period
    assert [p["key"] for p in body["periods"]] == ["Q1", "Q2", "Q3", "Q4", "FY"]
    assert len(body["rows"]) == len(table.rows)
    rates = 0
    for got, row in zip(body["rows"], table.rows, strict=True):
        assert got["indicator"] == row.indicator.pk and got["action"] == row.action.code
        for key, column in row.columns.items():
            cell = got["columns"][key]
            assert cell["actual"] == _number(column.cell.actual)
            assert cell["numerator"] == _number(column.cell.numerator)
            assert cell["denominator"] == _number(column.cell.denominator)
            assert cell["target"] == _number(column.target)
            assert cell["percent_met"] == _number(column.percent)
            rates += cell["denominator"] is not None
        assert len(got["breakdown"]) == len(row.breakdown)
        for part, expected in zip(got["breakdown"], row.breakdown, strict=True):
            assert part["label"] == expected.label
            for key, column in expected.columns.items():
                assert part["columns"][key]["actual"] == _number(column.cell.actual)
    assert rates, "evaluation results carry their numerator and denominator"
    target_row = next(r for r in body["rows"] if r["indicator"] == indicators[1].pk)
    assert target_row["columns"]["FY"]["target"] == 40.0
    assert target_row["columns"]["FY"]["baseline"] == 10.0
    if dimension == "member":
        keys = {part["key"] for row in body["rows"] for part in row["breakdown"]}
        assert keys - {None} <= {m.iso3 for m in world["members"]}


def test_a_focal_points_member_breakdown_shows_their_member_only(world, make_user):
    plan, member = world["plan"], world["members"][0]
    Indicator.objects.filter(action__work_plan=plan).update(measure="participants",
                                                            params={"scope": "office"})
    body = client_for(make_user(Role.FOCAL_POINT, member=member)).get(
        f"/api/v1/iptt/{plan.pk}/?dimension=member").json()
    full = iptt.compute(plan, dimension="member")
    assert [r["columns"]["FY"]["actual"] for r in body["rows"]] == \
        [r.columns["FY"].actual for r in full.rows]
    assert {p["key"] for r in body["rows"] for p in r["breakdown"]} <= {member.iso3}


def test_iptt_filters_and_bad_ones(make_user, seed_plan, other_office):
    api = client_for(make_user(Role.STAFF))
    body = api.get(f"/api/v1/iptt/{seed_plan.pk}/?pillar=4").json()
    assert body["rows"] and {r["pillar"] for r in body["rows"]} == {4}
    for query, field in (("dimension=colour", "dimension"), ("pillar=x", "pillar"),
                         ("measure=nope", "measure"), ("status=great", "status")):
        response = api.get(f"/api/v1/iptt/{seed_plan.pk}/?{query}")
        assert response.status_code == 400 and field in response.json()
    outsider = client_for(make_user(Role.STAFF, office=other_office))
    assert outsider.get(f"/api/v1/iptt/{seed_plan.pk}/").status_code == 404


def test_targets_are_merged_and_checked(make_user, seed_plan):
    kpi = Indicator.objects.filter(action__work_plan=seed_plan).order_by("pk").first()
    api = client_for(make_user(Role.STAFF))
    url = f"/api/v1/indicators/{kpi.pk}/targets/"
    response = api.post(url, {"fy_target": 12, "q1_target": 3, "fy_baseline": 2})
    assert response.status_code == 200, response.json()
    assert {(t["period"], t["target"], t["baseline"]) for t in response.json()["targets"]} == {
        ("FY", "12.00", "2.00"), ("Q1", "3.00", None)}
    response = api.post(url, {"q1_target": None, "q2_target": 4})  # the rest is kept
    assert {(t["period"], t["target"]) for t in response.json()["targets"]} == {
        ("FY", "12.00"), ("Q2", "4.00")}
    before = list(Target.objects.values_list())
    response = api.post(url, {"q3_target": -1, "q4_target": 5})
    assert response.status_code == 400 and "q3_target" in response.json()
    assert list(Target.objects.values_list()) == before
    viewer = client_for(make_user(Role.VIEWER))
    assert viewer.post(url, {"fy_target": 1}).status_code == 404


def test_values_are_entered_then_reviewed_by_someone_else(make_user, seed_plan):
    kpi = Indicator.objects.get(action__work_plan=seed_plan, action__code="1-(u)")
    kpi.measure = "manual"
    kpi.save()
    staff, other = make_user(Role.STAFF), make_user(Role.STAFF)
    api = client_for(staff)
    data = {"indicator": kpi.pk, "on": "2024-11-05", "value": "3", "member": "lao",
            "description": "Roadmap adopted", "evidence": "Minutes", "submit": True}
    response = api.post("/api/v1/values/", data)
    assert response.status_code == 201, response.json()
    value = response.json()
    assert value["status"] == "submitted" and value["member"] == "LAO"
    assert value["entered_by"] == staff.username
    # Bad input: each names its field, nothing is written.
    count = Value.objects.count()
    for change, field in (({"evidence": ""}, "evidence"), ({"on": "2999-01-01"}, "on"),
                          ({"value": "-1"}, "value"), ({"member": "KEN"}, "member"),
                          ({"indicator": 999999}, "indicator")):
        response = api.post("/api/v1/values/", {**data, **change})
        assert response.status_code == 400 and field in response.json(), response.json()
    computed = Indicator.objects.filter(action__work_plan=seed_plan).exclude(
        measure="manual").first()
    response = api.post("/api/v1/values/", {**data, "indicator": computed.pk})
    assert response.status_code == 400 and "non_field_errors" in response.json()
    assert Value.objects.count() == count
    # Nobody approves their own value.
    review = f"/api/v1/values/{value['id']}/review/"
    assert api.post(review, {"to": "approved"}).status_code == 403
    response = client_for(other).post(review, {"to": "returned"})
    assert response.status_code == 400 and "review_note" in response.json()
    response = client_for(other).post(review, {"to": "approved"})
    assert response.status_code == 200 and response.json()["status"] == "approved"
    assert response.json()["reviewed_by"] == other.username
    response = client_for(other).post(review, {"to": "returned", "note": "late"})
    assert response.status_code == 400
    assert client_for(make_user(Role.VIEWER)).post("/api/v1/values/", data).status_code == 403


def test_survey_results_are_the_pages(world, make_user):
    survey = (Survey.objects.filter(kind="evaluation", responses__isnull=False)
              .order_by("pk").first())
    api = client_for(make_user(Role.VIEWER))
    response = api.get(f"/api/v1/surveys/{survey.pk}/results/")
    assert response.status_code == 200, response.json()
    body = response.json()
    expected = survey_results.survey_results(Survey.objects.for_list().get(pk=survey.pk))
    assert body["responses"] == expected.responses and body["expected"] == expected.expected
    assert body["answered"] == expected.answered and body["rate"] == expected.rate
    assert [q["n"] for q in body["questions"]] == [q.n for q in expected.questions]
    assert [q["mean"] for q in body["questions"]] == [q.mean for q in expected.questions]
    listed = api.get("/api/v1/surveys/?kind=evaluation").json()
    assert listed["count"] == Survey.objects.filter(kind="evaluation").count()
    focal = client_for(make_user(Role.FOCAL_POINT, member=world["members"][0]))
    assert focal.get(f"/api/v1/surveys/{survey.pk}/results/").status_code == 404


def test_surveys_open_and_close(make_user, office, seed_plan):
    survey = survey_services.create_survey(office=office, kind="needs", fiscal_year=2024)
    api = client_for(make_user(Role.STAFF))
    url = f"/api/v1/surveys/{survey.pk}/transition/"
    response = api.post(url, {"status": "open"})
    assert response.status_code == 200, response.json()
    assert response.json()["status"] == "open" and response.json()["transitions"] == ["closed"]
    response = api.post(url, {"status": "draft"})
    assert response.status_code == 400 and "status" in response.json()
    empty = Survey.objects.create(office=office, kind="custom", title="Empty",
                                  fiscal_year=2024)
    response = api.post(f"/api/v1/surveys/{empty.pk}/transition/", {"status": "open"})
    assert response.status_code == 400 and "questions" in response.json()["status"][0]
    empty.refresh_from_db()
    assert empty.status == "draft"
    assert client_for(make_user(Role.VIEWER)).post(url, {"status": "closed"}).status_code == 404


def test_indicators_list_their_targets(make_user, seed_plan):
    kpi = Indicator.objects.filter(action__work_plan=seed_plan).order_by("pk").first()
    Target.objects.create(indicator=kpi, fiscal_year=2024, quarter=2, target=5)
    body = client_for(make_user(Role.EXPERT)).get(
        f"/api/v1/indicators/?action={kpi.action_id}").json()
    row = next(r for r in body["results"] if r["id"] == kpi.pk)
    assert row["action_code"] == kpi.action.code and row["work_plan"] == seed_plan.pk
    assert row["targets"] == [{"fiscal_year": 2024, "quarter": 2, "period": "Q2",
                               "target": "5.00", "baseline": None, "note": ""}]
