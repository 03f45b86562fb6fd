"""Planning the next year in a real browser: from the seed year draft 2025-2026, accept
suggestions (one by htmx, the rest at once), edit an action and an activity, move an action
(htmx), send for review, adopt, and read the differences against 2024-2025."""

import re

import pytest
from django.urls import reverse

from tests.conftest import TEST_PASSWORD
from workplan.plans.models import Activity, PlanSuggestion, WorkPlan

from .a11y import assert_accessible
from .helpers import shot, sign_in


@pytest.fixture
def planner(make_user):
    return make_user("staff", username="ap-planner")


def test_plan_the_next_year(page, planner, seed_plan):
    plan_path = reverse("plans:workplan_detail", args=["ROCB-AP", "2024-2025"])
    sign_in(page, "ap-planner", TEST_PASSWORD, next_path=plan_path)

    # 1. Draft 2025-2026 from the seed year: the suggestions page.
    page.get_by_role("button", name="Draft next year's plan from this one").click()
    page.wait_for_url("**/plans/ROCB-AP/2025-2026/suggestions/")
    draft = WorkPlan.objects.get(period="2025-2026")
    assert draft.status == "draft"
    assert_accessible(page)
    shot(page, "planning-1-suggestions")

    # 2. Accept one suggestion in place (htmx), then the rest at once.
    first = PlanSuggestion.objects.filter(work_plan=draft, kind="standing").first()
    item = page.locator(f"#suggestion-{first.pk}")
    item.get_by_role("button", name="Accept").click()
    page.locator(f"#suggestion-{first.pk}").get_by_text("Accepted").wait_for()
    assert page.url.endswith("/2025-2026/suggestions/")  # no page load
    page.get_by_role("button", name=re.compile("^Accept the .* still proposed")).click()
    page.wait_for_load_state()
    assert not PlanSuggestion.objects.filter(work_plan=draft, status="pending").exists()
    assert Activity.objects.filter(work_plan=draft).count() > 0

    # 3. Edit action 1-(a).
    page.goto(reverse("plans:workplan_edit", args=["ROCB-AP", "2025-2026"]))
    assert_accessible(page)
    page.get_by_role("link", name="Edit 1-(a)").click()
    page.get_by_label("Text").fill("Upon request, support Members with the WCO Risk "
                                   "Management Compendium")
    page.get_by_role("button", name="Save", exact=True).click()
    page.wait_for_url("**/2025-2026/edit/**")
    assert page.get_by_text("support Members with the WCO Risk Management").first.is_visible()

    # 4. Move 1-(b) above 1-(a), in place (htmx).
    page.locator("#edit-1-\\(b\\)").get_by_role("button", name="Up").first.click()
    page.locator("#edit-pillar-1 ol > li").first.locator("strong", has_text="1-(b)").wait_for()

    # 5. Edit an activity: its title.
    activity = Activity.objects.filter(work_plan=draft).order_by("position").first()
    page.goto(reverse("plans:activity_edit", args=[activity.pk]))
    page.get_by_label("Title").fill(activity.title + " (second phase)")
    page.get_by_role("button", name="Save", exact=True).click()
    page.wait_for_url("**/2025-2026/edit/")
    activity.refresh_from_db()
    assert activity.title.endswith("(second phase)")

    # 6. Send for review, adopt.
    page.goto(reverse("plans:workplan_versions", args=["ROCB-AP", "2025-2026"]))
    page.get_by_role("button", name="Send for review").click()
    page.get_by_role("button", name="Adopt").click()
    page.wait_for_load_state()
    draft.refresh_from_db()
    assert draft.status == "adopted"
    assert_accessible(page)
    shot(page, "planning-2-versions", full_page=True)

    # 7. The differences against 2024-2025.
    page.get_by_label("From").select_option("previous")
    page.get_by_role("button", name="Show the differences").click()
    page.wait_for_url("**/2025-2026/diff/**")
    assert page.get_by_text("support Members with the WCO Risk Management").first.is_visible()
    assert page.get_by_text(activity.title).first.is_visible()
    assert_accessible(page)
    shot(page, "planning-3-diff", full_page=True)
