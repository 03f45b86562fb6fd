"""The strategic plan and objective pages: content, scope (404 outside it), query counts."""

import html
import re

import pytest
from django.urls import reverse

from workplan.framework.models import Objective, StrategicPlan, objective_sort_key
from workplan.plans.models import Action

pytestmark = pytest.mark.django_db

# session, user, the user's office roles, the strategic plan, its annual plans, the
# objectives with their action counts, their milestones, its history. (Staff administer no
# office: "may edit" needs no query.)
STRATEGIC_PLAN_QUERIES = 8
# session, user, roles, the objective (with plan and region), its milestones, the citing
# actions, their references to the objective, the milestones those name, its history.
OBJECTIVE_QUERIES = 9


@pytest.fixture
def staff_client(client, make_user):
    client.force_login(make_user("staff"))
    return client


def text_of(response) -> str:
    body = re.sub(r"<[^>]+>", " ", response.content.decode())
    return re.sub(r"\s+", " ", html.unescape(body))


def plan_url(plan):
    return reverse("framework:strategicplan_detail", args=[plan.pk])


def objective_url(objective):
    return reverse("framework:objective_detail", args=[objective.pk])


def objective(seed_plan, code) -> Objective:
    return Objective.objects.get(strategic_plan=seed_plan.strategic_plan, code=code)


# --- strategic plan ----------------------------------------------------------------------------


def test_strategic_plan_lists_objectives_in_code_order_with_counts(staff_client, seed_plan):
    strategic = seed_plan.strategic_plan
    response = staff_client.get(plan_url(strategic))
    assert response.status_code == 200
    objectives = list(response.context["objectives"])
    codes = [o.code for o in objectives]
    assert codes == sorted(codes, key=objective_sort_key)
    assert set(codes) == set(strategic.objectives.values_list("code", flat=True))
    assert "1.2.1" in codes
    for item in objectives:
        assert item.action_count == Action.objects.filter(objectives=item).count(), item.code
    counts = {o.code: o.action_count for o in objectives}
    assert counts["1.2.1"] >= 1  # 1-(s)
    page = text_of(response)
    assert strategic.title in page
    assert "RSP 1.2.1" in page
    assert seed_plan.title in page
    content = response.content.decode()
    assert f'href="{objective_url(objective(seed_plan, "1.2.1"))}"' in content
    plan_page = reverse("plans:workplan_detail", args=[seed_plan.office.code, seed_plan.period])
    assert f'href="{plan_page}"' in content


def test_strategic_plan_counts_only_the_users_actions(staff_client, seed_plan, sibling_plan):
    response = staff_client.get(plan_url(seed_plan.strategic_plan))
    counts = {o.code: o.action_count for o in response.context["objectives"]}
    assert counts["1.2.1"] == Action.objects.filter(
        work_plan=seed_plan, objectives__code="1.2.1").count()
    assert "Sibling plan" not in text_of(response)


def test_strategic_plan_of_another_region_is_404(client, make_user, other_office, seed_plan):
    client.force_login(make_user("staff", office=other_office))
    assert client.get(plan_url(seed_plan.strategic_plan)).status_code == 404


def test_unknown_strategic_plan_is_404(staff_client, seed_plan):
    assert staff_client.get(
        reverse("framework:strategicplan_detail", args=[10**6])).status_code == 404


def test_strategic_plan_query_count_is_fixed(staff_client, seed_plan, django_assert_num_queries):
    with django_assert_num_queries(STRATEGIC_PLAN_QUERIES):
        assert staff_client.get(plan_url(seed_plan.strategic_plan)).status_code == 200


def test_strategic_plan_query_count_does_not_grow(staff_client, seed_plan, more_plans,
                                                  sibling_plan, django_assert_num_queries):
    for number in range(1, 30):  # objectives nobody cites yet, with milestones
        extra = Objective.objects.create(strategic_plan=seed_plan.strategic_plan,
                                         code=f"9.9.{number}", title=f"Extra {number}")
        extra.milestones.create(number=1)
    with django_assert_num_queries(STRATEGIC_PLAN_QUERIES):
        response = staff_client.get(plan_url(seed_plan.strategic_plan))
    assert response.status_code == 200
    assert len(response.context["work_plans"]) == 3


# --- objective ---------------------------------------------------------------------------------


def _cited(response) -> dict[str, list[int]]:
    """{action code: milestone numbers it names} from the page's context."""
    return {
        action.code: [m.number for ref in action.objective_refs for m in ref.milestones.all()]
        for action in response.context["actions"]
    }


def test_objective_121_lists_action_1s_with_its_milestones(staff_client, seed_plan):
    target = objective(seed_plan, "1.2.1")
    response = staff_client.get(objective_url(target))
    assert response.status_code == 200
    assert _cited(response)["1-(s)"] == [1, 3, 4]
    page = text_of(response)
    assert "RSP objective 1.2.1" in page
    for name in ("1st milestone", "3rd milestone", "4th milestone"):
        assert name in page
    action = Action.objects.get(work_plan=seed_plan, code="1-(s)")
    assert f'href="{reverse("plans:action_detail", args=[action.pk])}"' in (
        response.content.decode())
    assert "Coordinated Border Management" in page  # the action's text
    assert [m.number for m, _ in response.context["milestones"]] == sorted(
        target.milestones.values_list("number", flat=True))
    citing = {m.number: [a.code for a in actions] for m, actions in response.context["milestones"]}
    assert "1-(s)" in citing[1] and "1-(s)" in citing[3] and "1-(s)" in citing[4]
    # Every action of the plan that cites 1.2.1 is listed.
    assert set(_cited(response)) == set(
        Action.objects.filter(work_plan=seed_plan, objectives=target).values_list("code",
                                                                                  flat=True))


def test_objective_page_hides_other_offices_actions(client, make_user, seed_plan, sibling_plan):
    target = objective(seed_plan, "1.2.1")
    client.force_login(make_user("staff"))
    response = client.get(objective_url(target))
    assert {a.work_plan_id for a in response.context["actions"]} == {seed_plan.pk}
    assert "Sibling action" not in text_of(response)

    client.force_login(make_user("viewer", office=sibling_plan.office))
    response = client.get(objective_url(target))
    assert [a.work_plan_id for a in response.context["actions"]] == [sibling_plan.pk]
    assert _cited(response) == {"1-(a)": [1]}


def test_objective_of_another_region_is_404(client, make_user, other_office, seed_plan):
    client.force_login(make_user("staff", office=other_office))
    assert client.get(objective_url(objective(seed_plan, "1.2.1"))).status_code == 404


def test_objective_is_404_for_a_user_without_a_role(client, make_user, seed_plan):
    client.force_login(make_user(None))
    assert client.get(objective_url(objective(seed_plan, "1.2.1"))).status_code == 404


def test_unknown_objective_is_404(staff_client, seed_plan):
    assert staff_client.get(
        reverse("framework:objective_detail", args=[10**6])).status_code == 404


def test_framework_pages_require_login(client, seed_plan):
    for url in (plan_url(seed_plan.strategic_plan),
                objective_url(objective(seed_plan, "1.2.1"))):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


def test_objective_query_count_is_fixed(staff_client, seed_plan, django_assert_num_queries):
    url = objective_url(objective(seed_plan, "1.2.1"))
    with django_assert_num_queries(OBJECTIVE_QUERIES):
        assert staff_client.get(url).status_code == 200


def test_objective_query_count_does_not_grow(staff_client, seed_plan, more_plans, sibling_plan,
                                             django_assert_num_queries):
    # 3.2.2 is cited by many actions, each time in three plans now.
    for code in ("1.2.1", "3.2.2"):
        target = objective(seed_plan, code)
        with django_assert_num_queries(OBJECTIVE_QUERIES):
            response = staff_client.get(objective_url(target))
        assert response.status_code == 200
        assert len({a.work_plan_id for a in response.context["actions"]}) == 3


def test_strategic_plans_are_regional(make_user, other_office, seed_plan):
    """restrict() on regional reference data: the regions of the user's offices."""
    ap_user = make_user("staff")
    esa_user = make_user("staff", office=other_office)
    assert list(StrategicPlan.objects.restrict(ap_user)) == [seed_plan.strategic_plan]
    assert list(StrategicPlan.objects.restrict(esa_user)) == []
    assert Objective.objects.restrict(esa_user).count() == 0
    assert (Objective.objects.restrict(ap_user).count()
            == seed_plan.strategic_plan.objectives.count())
