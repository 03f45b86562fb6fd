"""An office admin's journey through the pages, in a real browser: sign in through the form,
open the plan, follow a member chip, follow an RSP reference, search. Each step is checked
for basic accessibility and photographed (var/screenshots/journey-*.png)."""

import re

import pytest
from django.urls import reverse

from tests.conftest import TEST_PASSWORD

from .a11y import assert_accessible
from .helpers import DESKTOP, PHONE, horizontal_overflow, shot, sign_in

AEO = "National workshop on AEO for Lao People's Dem. Rep., Vanuatu, and Vietnam"
CBM = "National workshop on Coordinated Border Management for Nepal"


@pytest.fixture
def office_admin(make_user):
    return make_user("admin", username="ap-admin", first_name="Ada", last_name="Admin")


def test_office_admin_journey(page, office_admin, seed_plan):
    plan_path = reverse("plans:workplan_detail", args=[seed_plan.office.code, seed_plan.period])

    # 1. The plan page asks for a sign-in; sign in through the form and land on the plan.
    page.goto(plan_path)
    assert "/accounts/login/" in page.url
    assert_accessible(page, landmarks=("main", "header"))  # the login page has no menu
    shot(page, "journey-1-login")
    sign_in(page, "ap-admin", TEST_PASSWORD, next_path=plan_path)
    assert page.url.endswith(plan_path)

    # 2. The plan.
    assert page.locator("h1").inner_text().strip() == seed_plan.title
    assert page.get_by_text(AEO).first.is_visible()
    assert_accessible(page)
    shot(page, "journey-2-plan")

    # 3. A member chip: Lao PDR, under the AEO workshop.
    member_path = reverse("directory:member_detail", args=["LAO"])
    page.locator(f'main a[href="{member_path}"]:visible').first.click()
    page.wait_for_url(f"**{member_path}")
    assert page.locator("h1").inner_text().strip() == "Lao PDR"
    assert page.get_by_role("link", name=AEO).is_visible()
    assert page.get_by_role("link", name=re.compile("CITES")).first.is_visible()
    assert_accessible(page)
    shot(page, "journey-3-member", full_page=True)

    # 4. An RSP reference of the actions the AEO workshop serves.
    page.get_by_role("link", name="RSP 1.1.2").first.click()
    page.wait_for_url("**/framework/objectives/*/")
    assert page.locator("h1").inner_text().strip() == "RSP objective 1.1.2"
    assert page.get_by_role("link", name="1-(d)").first.is_visible()
    assert_accessible(page)
    shot(page, "journey-4-objective", full_page=True)

    # 5. The search box (menu → Search), by words of an activity.
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Search").click()
    page.wait_for_url("**/search/**")
    box = page.get_by_role("searchbox")
    box.fill("Coordinated Border Management")
    box.press("Enter")
    page.wait_for_url(re.compile(r"/search/\?.*q=Coordinated"))
    page.wait_for_load_state("networkidle")
    assert page.get_by_role("link", name=CBM).first.is_visible()
    assert_accessible(page)
    shot(page, "journey-5-search")

    # 6. The plan on a phone: no sideways scrolling.
    page.set_viewport_size(PHONE)
    page.goto(plan_path)
    assert_accessible(page)
    shot(page, "journey-6-plan-375")
    assert horizontal_overflow(page) == 0
    page.set_viewport_size(DESKTOP)


@pytest.mark.parametrize("width", [PHONE["width"], DESKTOP["width"]])
def test_directory_and_framework_pages_fit_the_screen(page, make_user, seed_plan, width):
    """The member list, a member, the strategic plan and an objective: accessible, and no
    wider than the screen at 375px and 1280px."""
    from workplan.framework.models import Objective

    make_user("staff", username="ap-staff")
    objective = Objective.objects.get(strategic_plan=seed_plan.strategic_plan, code="1.2.1")
    pages = {
        "members": reverse("directory:member_list"),
        "member-plw": reverse("directory:member_detail", args=["PLW"]),
        "strategic-plan": reverse("framework:strategicplan_detail",
                                  args=[seed_plan.strategic_plan_id]),
        "objective-121": reverse("framework:objective_detail", args=[objective.pk]),
    }
    page.set_viewport_size({"width": width, "height": 900})
    sign_in(page, "ap-staff", TEST_PASSWORD, next_path=pages["members"])
    for name, path in pages.items():
        page.goto(path)
        assert page.locator("h1").count() == 1
        assert_accessible(page)
        shot(page, f"{name}-{width}", full_page=True)
        assert horizontal_overflow(page) == 0, f"{path} scrolls sideways at {width}px"
