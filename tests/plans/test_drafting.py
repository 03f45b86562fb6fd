"""Drafting the next plan from this year's: structure, suggestions from delivery, requests,
the needs survey and the KPIs' actuals; accepting and dropping them."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from workplan.core.models import Role
from workplan.delivery.models import Request
from workplan.delivery.services import record_event
from workplan.delivery.summaries import plan_delivery
from workplan.directory.models import Member
from workplan.indicators.models import Indicator, Target
from workplan.plans import drafting
from workplan.plans.models import Activity, PlanRevision, PlanSuggestion, WorkPlan
from workplan.plans.snapshot import document_from_db
from workplan.surveys import services as surveys
from workplan.surveys.models import Survey

pytestmark = pytest.mark.django_db

RM_IRAN = "National workshop on Risk Management for Iran"


@pytest.fixture
def year(office, seed_plan, make_user):
    """The seed year with one activity held, a request accepted and not scheduled, a needs
    survey where Fiji ranks first a topic nothing was held or planned for, a KPI target."""
    staff = make_user(Role.STAFF)
    iran = Activity.objects.get(work_plan=seed_plan, title=RM_IRAN)
    record_event(office=office, activity=iran, title="RM workshop, Tehran", kind="workshop",
                 level="national", start_date=dt.date(2024, 10, 1),
                 end_date=dt.date(2024, 10, 3), status="held",
                 beneficiaries=[Member.objects.get(iso3="IRN")])
    Request.objects.create(office=office, member=Member.objects.get(iso3="TON"),
                           topic="Post-clearance audit", status=Request.Status.ACCEPTED,
                           action=seed_plan.actions.get(code="1-(e)"))
    needs = surveys.move_survey(surveys.create_survey(office=office, kind=Survey.Kind.NEEDS,
                                                      fiscal_year=2024), Survey.Status.OPEN)
    ranking = needs.questions.get(code="priorities")
    surveys.submit_for_member(needs, Member.objects.get(iso3="FJI"), list(needs.questions.all()),
                              {ranking.pk: ["2-(a)"]}, user=None)
    kpi = Indicator.objects.get(action__work_plan=seed_plan, action__code="1-(a)")
    Target.objects.create(indicator=kpi, fiscal_year=2024, target=Decimal(4))
    return seed_plan, staff


def test_the_draft_has_the_structure_and_the_suggestions(year):
    plan, staff = year
    draft = drafting.draft_next_plan(plan, user=staff)
    assert (draft.period, draft.status, draft.drafted_from) == ("2025-2026", "draft", plan)
    assert draft.title == "ROCB A/P Annual Work Plan (2025-2026)"
    old, new = document_from_db(plan).as_json(), document_from_db(draft).as_json()
    strip = [[{**a, "activities": []} for a in p["actions"]] for p in old["pillars"]]
    assert [p["actions"] for p in new["pillars"]] == strip  # text, refs, KPIs: the same
    assert new["activities"] == []
    assert PlanRevision.objects.get(work_plan=draft).event == "drafted"

    suggestions = {s.kind: [] for s in PlanSuggestion.objects.filter(work_plan=draft)}
    for s in PlanSuggestion.objects.filter(work_plan=draft):
        suggestions[s.kind].append(s)
    tallies = {row.activity.title: row for p in plan_delivery(plan, staff).pillars
               for a in p.actions for row in a.activities}
    undelivered = {s.title for s in suggestions["undelivered"]}
    # the Iran workshop was held as planned: not carried over; the rest, with its tally
    assert RM_IRAN not in undelivered
    expected = {t for t, row in tallies.items()
                if row.state != "done" and row.activity.kind != "standing_task"}
    assert undelivered == expected
    standing = {s.title for s in suggestions["standing"]}
    assert standing == set(Activity.objects.filter(work_plan=plan, kind="standing_task")
                           .values_list("title", flat=True))
    request = suggestions["request"][0]
    assert request.action_code == "1-(e)"
    assert "Tonga" in request.reason and "Post-clearance audit" in request.title
    need = suggestions["need"][0]
    assert (need.action_code, need.payload["members"]) == ("2-(a)", ["FJI"])
    assert "Fiji (1)" in need.reason
    target = next(s for s in suggestions["target"] if s.action_code == "1-(a)")
    # one member assisted against a target of 4: the target is carried, the actual is the
    # baseline
    assert (target.payload["target"], target.payload["baseline"]) == ("4", "1")
    with pytest.raises(drafting.DraftError):
        drafting.draft_next_plan(plan, user=staff)


def test_accepting_and_dropping(year):
    plan, staff = year
    draft = drafting.draft_next_plan(plan, user=staff)
    pending = PlanSuggestion.objects.filter(work_plan=draft)
    need = pending.get(kind="need")
    drafting.accept(need, user=staff)
    activity = Activity.objects.get(work_plan=draft)
    assert activity.title == need.title
    assert list(activity.members.values_list("iso3", flat=True)) == ["FJI"]
    assert list(activity.actions.values_list("code", flat=True)) == ["2-(a)"]
    with pytest.raises(drafting.DraftError):
        drafting.accept(need, user=staff)

    target = pending.get(kind="target", action_code="1-(a)")
    drafting.accept(target, user=staff)
    assert Target.objects.get(indicator__action__work_plan=draft,
                              fiscal_year=2025).target == Decimal(4)
    dropped = pending.filter(kind="undelivered").first()
    drafting.drop(dropped, user=staff)
    accepted, refusals = drafting.accept_many(list(pending.filter(status="pending")),
                                              user=staff)
    assert refusals == []
    assert not pending.filter(status="pending").exists()
    assert accepted == pending.filter(status="accepted").count() - 2
    titles = set(Activity.objects.filter(work_plan=draft).values_list("title", flat=True))
    assert dropped.title not in titles
    assert {s.title for s in pending.exclude(kind="target").filter(status="accepted")} == titles


def test_draft_page_and_suggestions_page(client, year):
    plan, staff = year
    client.force_login(staff)
    response = client.post(reverse("plans:workplan_draft_next", args=[plan.office.code,
                                                                      plan.period]))
    draft = WorkPlan.objects.get(period="2025-2026")
    assert response.url == reverse("plans:workplan_suggestions",
                                   args=[draft.office.code, draft.period])
    page = client.get(response.url).content.decode()
    assert "Post-clearance audit" in page
    need = PlanSuggestion.objects.get(work_plan=draft, kind="need")
    response = client.post(reverse("plans:suggestion_decide",
                                   args=[draft.office.code, draft.period]),
                           {"suggestion": need.pk, "decision": "accept"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and "Accepted" in response.content.decode()
    need.refresh_from_db()
    assert need.status == "accepted"
