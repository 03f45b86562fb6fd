"""A plan's life cycle (draft -> in review -> adopted -> revised), its versions, the
differences between two versions or two years, and review comments."""

import json

import pytest
from django.urls import reverse

from workplan.core.models import Role
from workplan.plans import lifecycle
from workplan.plans.models import PlanComment, PlanRevision, WorkPlan
from workplan.plans.services import import_plan
from workplan.plans.snapshot import document_from_db
from workplan.plans.versions import compare

pytestmark = pytest.mark.django_db

REWORDED = (b"a) Upon request, assist Member's effort in implementing risk management tools "
            b"like the WCO Risk Management Compendium",
            b"a) Upon request, support Members in implementing the WCO Risk Management "
            b"Compendium")
DROPPED = "➤ Attend RILO National Contact Point (NCP) meeting ".encode()


def edited(seed: bytes) -> bytes:
    """The seed with 1-(a) reworded and one activity (listed once) dropped."""
    assert REWORDED[0] in seed and DROPPED in seed
    return seed.replace(*REWORDED).replace(DROPPED, b"")


def url(name, plan, *args):
    return reverse(f"plans:{name}", args=[plan.office.code, plan.period, *args])


def test_an_import_keeps_a_version_and_the_plan_is_adopted(seed_plan):
    version = PlanRevision.objects.get(work_plan=seed_plan)
    assert (version.number, version.event, version.status) == (1, "imported", "adopted")
    assert version.content == document_from_db(seed_plan).as_json()
    assert seed_plan.status == WorkPlan.Status.ADOPTED


def test_revision_goes_through_review_and_keeps_every_version(seed_plan, make_user):
    staff = make_user(Role.STAFF)
    with pytest.raises(lifecycle.LifecycleError):
        lifecycle.open_revision(seed_plan, user=staff, reason="  ")
    with pytest.raises(lifecycle.LifecycleError):  # not in review: nothing to adopt
        lifecycle.adopt(seed_plan, user=staff)
    assert PlanRevision.objects.filter(work_plan=seed_plan).count() == 1

    lifecycle.open_revision(seed_plan, user=staff, reason="Budget cut in January")
    assert (seed_plan.status, seed_plan.revision) == ("draft", 1)
    lifecycle.submit_for_review(seed_plan, user=staff)
    lifecycle.return_to_draft(seed_plan, user=staff, note="Pillar 2 needs work")
    lifecycle.submit_for_review(seed_plan, user=staff)
    lifecycle.adopt(seed_plan, user=staff, note="Approved by the Vice Chair")
    assert seed_plan.status == WorkPlan.Status.REVISED
    events = list(PlanRevision.objects.filter(work_plan=seed_plan).order_by("number")
                  .values_list("number", "event", "status", "revision"))
    assert events == [
        (1, "imported", "adopted", 0), (2, "revision_opened", "draft", 1),
        (3, "submitted", "in_review", 1), (4, "changes_requested", "draft", 1),
        (5, "submitted", "in_review", 1), (6, "adopted", "revised", 1)]
    assert PlanRevision.objects.get(work_plan=seed_plan, number=2).reason == \
        "Budget cut in January"


def test_compare_finds_reworded_removed_and_carried(office, seed_bytes):
    old = import_plan(seed_bytes, office, period="2023-2024").work_plan
    new = import_plan(edited(seed_bytes), office).work_plan
    diff = compare(document_from_db(old).as_json(), document_from_db(new).as_json())
    assert [c.code for c in diff.actions_reworded] == ["1-(a)"]
    assert diff.actions_reworded[0].new_text.startswith("Upon request, support Members")
    assert not diff.actions_added and not diff.actions_removed
    assert diff.activities_dropped == ["Attend RILO National Contact Point (NCP) meeting"]
    assert not diff.activities_added
    assert len(diff.activities_carried) + len(diff.activities_changed) == 75
    # the same plan twice: no difference at all
    same = document_from_db(new).as_json()
    assert compare(same, same).empty


def test_compare_pairs_a_reworded_activity_and_adds_a_new_one():
    plan = {"title": "T", "period": "2025-2026", "pillars": [
        {"number": 1, "title": "P", "actions": [
            {"code": "1-(a)", "text": "A", "rsp_refs": [], "rocb_specific": True,
             "upon_request": False, "kpis": ["Number of Members"], "activities": []}]}],
        "activities": [{"title": "National workshop on risk management for Fiji",
                        "kind": "national_workshop", "members": ["FJI"], "actions": ["1-(a)"]}]}
    changed = json.loads(json.dumps(plan))
    changed["activities"][0]["title"] = "National workshop on risk management for Fiji and Tonga"
    changed["activities"][0]["members"] = ["FJI", "TON"]
    changed["activities"].append({"title": "Regional meeting on AEO", "kind": "meeting",
                                  "members": [], "actions": ["1-(a)"]})
    changed["pillars"][0]["actions"][0]["kpis"] = ["Number of Members", "Survey conducted"]
    diff = compare(plan, changed)
    assert diff.activities_added == ["Regional meeting on AEO"]
    assert [(c.old_title, c.fields) for c in diff.activities_changed] == [
        ("National workshop on risk management for Fiji", ["title", "members"])]
    assert diff.actions_changed[0].kpis_added == ["Survey conducted"]
    assert "      + KPI Survey conducted" in diff.lines()


def test_diff_page_and_export_against_the_previous_year(client, office, seed_bytes, make_user):
    import_plan(seed_bytes, office, period="2023-2024")
    plan = import_plan(edited(seed_bytes), office).work_plan
    client.force_login(make_user(Role.VIEWER))
    page = client.get(url("workplan_diff", plan) + "?from=previous&to=current")
    assert page.status_code == 200
    body = page.content.decode()
    assert "support Members in implementing the WCO Risk Management Compendium" in body
    assert "Attend RILO National Contact Point (NCP) meeting" in body
    text = client.get(url("workplan_diff", plan) + "?from=previous&format=txt")
    assert "attachment" in text["Content-Disposition"]
    lines = text.content.decode().splitlines()
    assert "  - Attend RILO National Contact Point (NCP) meeting" in lines
    assert "Activities: 0 added, 75 carried, 1 dropped" in lines
    data = json.loads(client.get(url("workplan_diff", plan) + "?from=1&format=json").content)
    assert data["counts"]["actions_reworded"] == 0  # version 1 is the plan as it stands
    assert client.get(url("workplan_diff", plan) + "?from=99").status_code == 404


def test_steps_on_the_page_are_for_staff_and_say_what_went_wrong(client, seed_plan, make_user):
    client.force_login(make_user(Role.VIEWER))
    assert client.post(url("workplan_step", seed_plan, "revise"),
                       {"note": "x"}).status_code == 404
    client.force_login(make_user(Role.STAFF))
    response = client.post(url("workplan_step", seed_plan, "adopt"), follow=True)
    assert "cannot be adopted" in response.content.decode()
    client.post(url("workplan_step", seed_plan, "revise"), {"note": "New donor"})
    seed_plan.refresh_from_db()
    assert (seed_plan.status, seed_plan.revision_reason) == ("draft", "New donor")
    page = client.get(url("workplan_versions", seed_plan)).content.decode()
    assert "Revision opened" in page and "New donor" in page


def test_drafts_are_hidden_from_focal_points_until_review(client, seed_plan, make_user,
                                                          office):
    lao = office.region.members.get(iso3="LAO")
    focal = make_user(Role.FOCAL_POINT, member=lao)
    staff = make_user(Role.STAFF)
    lifecycle.open_revision(seed_plan, user=staff, reason="Mid-year review")
    client.force_login(focal)
    assert client.get(seed_plan.get_absolute_url()).status_code == 404
    lifecycle.submit_for_review(seed_plan, user=staff)
    assert client.get(seed_plan.get_absolute_url()).status_code == 200


def test_comments_during_review_by_staff_and_focal_points(client, seed_plan, make_user, office):
    staff = make_user(Role.STAFF)
    focal = make_user(Role.FOCAL_POINT, member=office.region.members.get(iso3="FJI"))
    viewer = make_user(Role.VIEWER)
    action = seed_plan.actions.get(code="1-(a)")
    with pytest.raises(lifecycle.LifecycleError):  # adopted: not in review
        lifecycle.add_comment(seed_plan, user=staff, text="Too early", action=action)
    lifecycle.open_revision(seed_plan, user=staff, reason="Mid-year review")
    lifecycle.submit_for_review(seed_plan, user=staff)

    client.force_login(focal)
    response = client.post(url("comment_add", seed_plan),
                           {"action": action.pk, "text": "Fiji asks for a second workshop"},
                           HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert "Fiji asks for a second workshop" in response.content.decode()
    assert 'data-hx-post="' in response.content.decode()
    client.force_login(viewer)
    response = client.post(url("comment_add", seed_plan), {"text": "I only read"},
                           HTTP_HX_REQUEST="true")
    assert response.status_code == 403
    comment = PlanComment.objects.get()
    assert (comment.action_code, comment.author, comment.revision) == ("1-(a)", focal, 1)
    review = client.get(url("workplan_review", seed_plan)).content.decode()
    assert "Fiji asks for a second workshop" in review
