"""The region's office admins keep the strategic plan in the app: a new RSP, the titles and
milestones of its objectives; what annual plans cite stays as they cite it."""

import pytest
from django.urls import reverse

from workplan.framework import services
from workplan.framework.forms import ObjectiveForm
from workplan.framework.models import Milestone, Objective, StrategicPlan

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, make_user):
    client.force_login(make_user("admin"))
    return client


def test_an_admin_adds_the_next_strategic_plan_and_its_objectives(admin_client, office):
    response = admin_client.post(reverse("framework:strategicplan_create"), {
        "region": office.region.code, "title": "Asia/Pacific Regional Strategic Plan 2027-2029",
        "start_year": 2027, "end_year": 2029})
    plan = StrategicPlan.objects.get(region=office.region, start_year=2027)
    assert response.status_code == 302 and response.url == plan.get_absolute_url()

    response = admin_client.post(reverse("framework:objective_create", args=[plan.pk]), {
        "code": "1.2", "title": "Secure and facilitate trade",
        "milestones": "2) Risk management in use\n1. AEO programmes launched\n\n"})
    objective = Objective.objects.get(strategic_plan=plan, code="1.2")
    assert response.status_code == 302
    assert list(objective.milestones.values_list("number", "title")) == [
        (1, "AEO programmes launched"), (2, "Risk management in use")]
    page = admin_client.get(plan.get_absolute_url()).content.decode()
    assert "Secure and facilitate trade" in page and "Add an objective" in page
    history = objective.history.first()
    assert history.history_user.username.startswith("admin")


def test_titles_and_milestones_of_what_a_plan_cites(admin_client, seed_plan):
    objective = Objective.objects.get(strategic_plan=seed_plan.strategic_plan, code="1.1.1")
    cited = sorted(objective.milestones.filter(references__isnull=False)
                   .values_list("number", flat=True).distinct())
    assert cited, "the seed cites milestones of 1.1.1"
    url = reverse("framework:objective_update", args=[objective.pk])
    form = admin_client.get(url).context["form"]
    assert form.fields["code"].disabled  # plans cite it by its code

    # Removing a cited milestone is refused, and nothing of the post is saved.
    before = list(Milestone.objects.filter(objective=objective).values_list("number", "title"))
    response = admin_client.post(url, {"code": "9.9", "title": "New title",
                                       "milestones": "99. Only this one"})
    assert response.status_code == 400
    assert "cited by an action" in response.content.decode()
    objective.refresh_from_db()
    assert objective.code == "1.1.1" and objective.title != "New title"
    assert list(Milestone.objects.filter(objective=objective)
                .values_list("number", "title")) == before

    # Titling every milestone (and adding one) works; the code stays.
    lines = "\n".join(f"{n}. Milestone {n} of 1.1.1" for n in [*cited, 42])
    response = admin_client.post(url, {"code": "9.9", "title": "Risk management",
                                       "milestones": lines})
    assert response.status_code == 302
    objective.refresh_from_db()
    assert (objective.code, objective.title) == ("1.1.1", "Risk management")
    assert objective.milestones.get(number=42).title == "Milestone 42 of 1.1.1"


@pytest.mark.parametrize("lines, message", [
    ("Risk management in use", "does not start with the milestone's number"),
    ("1. A\n1. B", "Milestone 1 is listed twice"),
    ("0. Zero", "numbered from 1"),
])
def test_milestone_lines_that_cannot_be_read(lines, message, office):
    plan = StrategicPlan.objects.create(region=office.region, title="RSP", start_year=2030,
                                        end_year=2032)
    form = ObjectiveForm({"code": "1.1", "title": "", "milestones": lines},
                         instance=Objective(strategic_plan=plan))
    assert not form.is_valid()
    assert message in " ".join(form.errors["milestones"])


def test_bad_strategic_plans_are_refused_with_the_reason(admin_client, seed_plan, office):
    rsp = seed_plan.strategic_plan
    url = reverse("framework:strategicplan_create")
    response = admin_client.post(url, {"region": office.region.code, "title": "Overlap",
                                       "start_year": rsp.end_year, "end_year": rsp.end_year + 2})
    assert response.status_code == 400 and "already covers" in response.content.decode()
    response = admin_client.post(url, {"region": office.region.code, "title": "Backwards",
                                       "start_year": 2031, "end_year": 2029})
    assert response.status_code == 400 and "comes before" in response.content.decode()
    # the years of a cited RSP are its identity
    response = admin_client.post(reverse("framework:strategicplan_update", args=[rsp.pk]), {
        "title": rsp.title, "start_year": rsp.start_year, "end_year": rsp.end_year + 1})
    assert response.status_code == 400 and "cannot change" in response.content.decode()
    assert StrategicPlan.objects.filter(region=office.region).count() == 1
    rsp.refresh_from_db()
    assert rsp.end_year == 2026


def test_an_objective_is_removed_only_when_no_action_cites_it(admin_client, seed_plan):
    cited = Objective.objects.get(strategic_plan=seed_plan.strategic_plan, code="1.1.1")
    with pytest.raises(services.FrameworkError, match="Actions cite RSP 1.1.1"):
        services.delete_objective(cited)
    response = admin_client.post(reverse("framework:objective_delete", args=[cited.pk]),
                                 follow=True)
    assert "Actions cite RSP 1.1.1" in response.content.decode()
    assert Objective.objects.filter(pk=cited.pk).exists()

    spare = Objective.objects.create(strategic_plan=seed_plan.strategic_plan, code="9.1")
    response = admin_client.post(reverse("framework:objective_delete", args=[spare.pk]))
    assert response.status_code == 302
    assert not Objective.objects.filter(pk=spare.pk).exists()


def test_a_duplicate_code_is_refused(admin_client, seed_plan):
    plan = seed_plan.strategic_plan
    response = admin_client.post(reverse("framework:objective_create", args=[plan.pk]),
                                 {"code": "1.1.1", "title": "Again", "milestones": ""})
    assert response.status_code == 400
    assert Objective.objects.filter(strategic_plan=plan, code="1.1.1").count() == 1
    response = admin_client.post(reverse("framework:objective_create", args=[plan.pk]),
                                 {"code": "one", "title": "Words", "milestones": ""})
    assert response.status_code == 400 and "numbers with dots" in response.content.decode()


def test_staff_see_the_strategic_plan_but_do_not_edit_it(client, make_user, seed_plan):
    client.force_login(make_user("staff"))
    plan = seed_plan.strategic_plan
    page = client.get(plan.get_absolute_url()).content.decode()
    assert "Add an objective" not in page
    assert client.get(reverse("framework:strategicplan_list")).status_code == 200
    assert client.get(reverse("framework:objective_create", args=[plan.pk])).status_code == 404
