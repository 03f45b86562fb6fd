"""The plan editor: every change through the importer's checks and writer; delivery records
stay linked; what leaves the plan with data is archived; bad input is refused by field."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from workplan.core.models import Role
from workplan.delivery.services import record_event
from workplan.directory.models import Member
from workplan.indicators.models import Indicator, Target
from workplan.plans import editing, lifecycle
from workplan.plans.export import export_plan
from workplan.plans.models import Action, Activity, WorkPlan
from workplan.plans.services import import_plan
from workplan.plans.snapshot import document_from_db
from workplan.plans.textplan.parser import RspRef

pytestmark = pytest.mark.django_db

IRAN = "National workshop on Risk Management for Iran"


@pytest.fixture
def staff(make_user):
    return make_user(Role.STAFF)


@pytest.fixture
def plan(seed_plan, staff):
    """The seed plan under revision 1 (a draft again)."""
    lifecycle.open_revision(seed_plan, user=staff, reason="Mid-year changes")
    return seed_plan


def edit_url(name, plan, *args):
    return reverse(f"plans:{name}", args=[plan.office.code, plan.period, *args])


def test_an_adopted_plan_is_changed_only_by_a_revision(seed_plan):
    with pytest.raises(editing.EditError, match="open a revision"):
        editing.edit_pillar(seed_plan, 1, title="New title")


def test_reword_an_action_keeps_its_kpi_and_target(plan, client, staff):
    action = plan.actions.get(code="1-(a)")
    kpi = Indicator.objects.get(action=action)
    Target.objects.create(indicator=kpi, fiscal_year=2024, target=Decimal(5))
    client.force_login(staff)
    response = client.post(edit_url("action_edit", plan, "1-(a)"), {
        "text": "Upon request, support Members with the WCO Risk Management Compendium",
        "rsp_refs": ["1.1.1", "1.1.1:1", "1.1.2"], "upon_request": "on",
        "kpis": "Number of implementing Members\nNumber of officials trained"})
    assert response.status_code == 302
    action.refresh_from_db()
    assert action.text.startswith("Upon request, support Members")
    kpis = list(Indicator.objects.current().filter(action=action).order_by("position"))
    assert [k.text for k in kpis] == ["Number of implementing Members",
                                      "Number of officials trained"]
    assert kpis[0].pk == kpi.pk and kpi.targets.get().target == Decimal(5)
    assert [(r.objective.code, [m.number for m in r.milestones.all()])
            for r in action.references.order_by("position")] == [("1.1.1", [1]), ("1.1.2", [])]


def test_bad_input_is_refused_by_field_and_nothing_changes(plan, client, staff):
    before = document_from_db(plan).as_json()
    with pytest.raises(editing.EditError, match="RSP 9.9.9, which is no objective"):
        editing.save_action(plan, "1-(a)", pillar=1, text="x", rsp_refs=[RspRef("9.9.9", [])],
                            rocb_specific=False, upon_request=False, kpis=[])
    with pytest.raises(editing.EditError, match="milestone 42 of RSP 1.1.1"):
        editing.save_action(plan, "1-(a)", pillar=1, text="x",
                            rsp_refs=[RspRef("1.1.1", [42])], rocb_specific=False,
                            upon_request=False, kpis=[])
    with pytest.raises(editing.EditError, match="Pillar 1 exists already"):
        editing.add_pillar(plan, number=1, title="Again", action_text="x")
    client.force_login(staff)
    response = client.post(edit_url("action_edit", plan, "1-(a)"),
                           {"text": "", "rsp_refs": ["9.9.9"]})
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert "text" in errors and "rsp_refs" in errors
    response = client.post(edit_url("activity_add", plan), {"title": IRAN, "listed_in": ["1-(b)"]})
    assert response.status_code == 400
    assert "already" in str(response.context["form"].errors["title"])
    assert document_from_db(plan).as_json() == before


def test_removing_what_events_use_is_refused_and_data_is_archived(plan, office, client, staff):
    iran = Activity.objects.get(work_plan=plan, title=IRAN)
    event = record_event(office=office, activity=iran, title="RM workshop", kind="workshop",
                         level="national", start_date=dt.date(2024, 10, 1),
                         end_date=dt.date(2024, 10, 2), status="held",
                         beneficiaries=[Member.objects.get(iso3="IRN")])
    client.force_login(staff)
    response = client.post(edit_url("editor_step", plan, "remove-activity"),
                           {"key": iran.key}, HTTP_HX_REQUEST="true")
    assert response.status_code == 400
    assert "delivery records use" in response.content.decode()
    assert Activity.objects.filter(pk=iran.pk).exists()

    # renaming keeps the row, so the event stays linked
    editing.save_activity(plan, iran.key, title=IRAN + " (Tehran)", kind=None, members=None,
                          listed_in=list(iran.action_links.filter(listed=True).values_list(
                              "action__code", flat=True)))
    event.refresh_from_db()
    assert event.activity_id == iran.pk
    assert Activity.objects.get(pk=iran.pk).title == IRAN + " (Tehran)"

    # an action whose KPI holds a target: removed from the plan, archived with the target
    action = plan.actions.get(code="2-(b)")
    kpi = Indicator.objects.filter(action=action).first()
    Target.objects.create(indicator=kpi, fiscal_year=2024, target=Decimal(3))
    result = editing.remove_action(plan, "2-(b)")
    assert [i.what for i in result.archived]
    action.refresh_from_db()
    assert action.archived and kpi.targets.exists()
    assert "2-(b)" not in {a["code"] for p in document_from_db(plan).as_json()["pillars"]
                           for a in p["actions"]}


def test_activities_kind_members_see_also_and_warnings(plan):
    editing.save_activity(plan, None, title="Regional meeting on e-commerce", kind="meeting",
                          members=["FJI", "TON"], listed_in=["1-(c)"], see_also=["1-(d)"])
    activity = Activity.objects.get(work_plan=plan, title="Regional meeting on e-commerce")
    assert activity.kind == "meeting"
    assert sorted(activity.members.values_list("iso3", flat=True)) == ["FJI", "TON"]
    assert sorted(activity.actions.values_list("code", flat=True)) == ["1-(c)", "1-(d)"]
    plan.refresh_from_db()
    assert any(w["code"] == "see-also-not-listed" and "e-commerce" in w["message"]
               for w in plan.warnings)
    # a later, unrelated edit keeps the kind and members chosen
    editing.edit_pillar(plan, 2, title="Pillar two, renamed")
    activity.refresh_from_db()
    assert activity.kind == "meeting"
    assert activity.members.count() == 2
    editing.move_listing(plan, "1-(c)", activity.key, -1)
    listed = document_from_db(plan).parsed.actions[2].listings
    assert listed[-2].title == "Regional meeting on e-commerce"


def test_draft_edits_export_and_import_back_identical(plan, office, staff):
    editing.save_action(plan, None, pillar=2, text="Upon request, support data analytics",
                        rsp_refs=[RspRef("1.1.1", [1])], rocb_specific=False,
                        upon_request=True, kpis=["Number of Members"])
    editing.save_activity(plan, None, title="National workshop on data analytics for Fiji",
                          kind=None, members=None, listed_in=["2-(a)"])
    editing.move_action(plan, "1-(b)", -1)
    editing.add_pillar(plan, number=5, title="Digital customs",
                       action_text="Promote paperless trade (ROCB A/P specific action)")
    json_before = document_from_db(plan).as_json()
    _name, _type, text = export_plan(plan, "txt")
    WorkPlan.objects.filter(pk=plan.pk).update(period="2030-2031")  # out of the way
    again = import_plan(text, office, period="2024-2025").work_plan
    assert document_from_db(again).as_json() == json_before


def test_editor_page_moves_with_htmx(plan, client, staff, make_user):
    client.force_login(staff)
    page = client.get(edit_url("workplan_edit", plan))
    assert page.status_code == 200
    assert 'data-hx-post="' in page.content.decode()
    response = client.post(edit_url("editor_step", plan, "move-action"),
                           {"code": "1-(b)", "direction": "up"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    order = list(Action.objects.current().filter(work_plan=plan, pillar__number=1)
                 .order_by("position").values_list("code", flat=True))
    assert order[:2] == ["1-(b)", "1-(a)"]
    client.force_login(make_user(Role.VIEWER))
    assert client.get(edit_url("workplan_edit", plan)).status_code == 404
    assert client.post(edit_url("editor_step", plan, "move-action"),
                       {"code": "1-(b)", "direction": "up"}).status_code == 404
