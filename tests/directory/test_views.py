"""The member pages: content, scope (404 outside it) and fixed query counts."""

import re

import pytest
from django.urls import reverse

from workplan.directory.models import Member
from workplan.plans.models import ActionActivity, Activity

pytestmark = pytest.mark.django_db

# session, user, the user's office roles, the latest plans, the members with their counts.
MEMBER_LIST_QUERIES = 5
# session, user, roles, the member, its groups, its activities (with plans), their actions,
# the RSP references (with objectives) of those actions, the member's people (a page an
# office admin opens asks one more: whether they may edit the member's names).
MEMBER_DETAIL_QUERIES = 9

AEO = "National workshop on AEO for Lao People's Dem. Rep., Vanuatu, and Vietnam"
CITES = "National workshop to enhance the capacity to enforce CITES for Lao People's Dem. Rep."
HS_PALAU = "National Workshop on HS for Nepal and Palau, Republic of"


@pytest.fixture
def staff_client(client, make_user):
    client.force_login(make_user("staff"))
    return client


def member_url(iso3):
    return reverse("directory:member_detail", args=[iso3])


def text_of(response) -> str:
    """The page's text with tags stripped and whitespace collapsed (HTML entities decoded)."""
    import html

    body = re.sub(r"<[^>]+>", " ", response.content.decode())
    return re.sub(r"\s+", " ", html.unescape(body))


# --- member list -------------------------------------------------------------------------------


def test_member_list_shows_35_members_in_4_sub_regions(staff_client, seed_plan):
    response = staff_client.get(reverse("directory:member_list"))
    assert response.status_code == 200
    members = list(response.context["members"])
    assert len(members) == 35
    assert len({m.sub_region for m in members}) == 4
    html = response.content.decode()
    assert html.count('<h3 id="sub-region-') == 4
    assert html.count('<tr>') == 35 + 4  # a body row per member, a header row per table
    page = text_of(response)
    assert "Lao PDR" in page  # the WCO name
    assert "Lao People's Dem. Rep." in page  # an alias
    assert "SIE" in page
    assert seed_plan.title in page


def test_member_list_counts_activities_of_the_latest_plan(staff_client, seed_plan):
    response = staff_client.get(reverse("directory:member_list"))
    counts = {m.iso3: m.planned_count for m in response.context["members"]}
    expected = {
        m.iso3: Activity.objects.filter(work_plan=seed_plan, members=m).count()
        for m in Member.objects.filter(region=seed_plan.office.region)
    }
    assert counts == expected
    assert counts["LAO"] >= 3  # AEO, CITES and CEN workshops at least
    lao = Member.objects.get(iso3="LAO")
    assert f'href="{lao.get_absolute_url()}"' in response.content.decode()


def test_member_list_counts_only_the_latest_plan(staff_client, seed_plan, more_plans):
    response = staff_client.get(reverse("directory:member_list"))
    assert [p.period for p in response.context["latest_plans"]] == ["2025-2026"]
    counts = {m.iso3: m.planned_count for m in response.context["members"]}
    lao_seed = Activity.objects.filter(work_plan=seed_plan, members__iso3="LAO").count()
    assert counts["LAO"] == 2 * lao_seed  # the 2025-2026 plan is the seed twice over


def test_member_list_query_count_is_fixed(staff_client, seed_plan, django_assert_num_queries):
    with django_assert_num_queries(MEMBER_LIST_QUERIES):
        assert staff_client.get(reverse("directory:member_list")).status_code == 200


def test_member_list_query_count_does_not_grow(staff_client, seed_plan, more_plans,
                                               sibling_plan, django_assert_num_queries):
    with django_assert_num_queries(MEMBER_LIST_QUERIES):
        assert staff_client.get(reverse("directory:member_list")).status_code == 200


def test_member_list_without_plans(staff_client, office):
    response = staff_client.get(reverse("directory:member_list"))
    assert response.status_code == 200
    assert {m.planned_count for m in response.context["members"]} == {0}
    assert "No work plan has been imported yet" in text_of(response)


def test_member_list_is_scoped_to_the_users_regions(client, make_user, other_office, seed_plan):
    client.force_login(make_user("staff", office=other_office))
    response = client.get(reverse("directory:member_list"))
    assert response.status_code == 200
    assert [m.iso3 for m in response.context["members"]] == ["KEN"]
    assert "Lao" not in text_of(response)


def test_member_list_shows_nothing_to_a_user_without_a_role(client, make_user, seed_plan):
    client.force_login(make_user(None))
    response = client.get(reverse("directory:member_list"))
    assert response.status_code == 200
    assert list(response.context["members"]) == []


def test_member_pages_require_login(client, seed_plan):
    for url in (reverse("directory:member_list"), member_url("LAO")):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


def test_nav_shows_members(staff_client, office):
    response = staff_client.get(reverse("directory:member_list"))
    assert f'href="{reverse("directory:member_list")}" aria-current="page"' in (
        response.content.decode()
    )


# --- member detail -----------------------------------------------------------------------------


def _activities(response) -> dict[str, list[str]]:
    """{activity title: [codes of the actions of its group]} from the page's context."""
    found = {}
    for entry in response.context["plans"]:
        for group in entry.groups:
            for activity in group.activities:
                found[activity.title] = [a.code for a in group.actions]
    return found


def test_lao_page_lists_its_workshops(staff_client, seed_plan):
    response = staff_client.get(member_url("LAO"))
    assert response.status_code == 200
    page = text_of(response)
    assert "Lao People's Dem. Rep." in page  # alias
    assert "ASEAN" in page and "All Countries" in page  # groups
    assert AEO in page
    assert CITES in page
    activities = _activities(response)
    assert activities[AEO] == ["1-(d)", "1-(e)", "1-(u)", "1-(hh)"]
    assert activities[CITES] == ["1-(cc)", "1-(ii)"]
    # The AEO regional workshop for "All Countries" serves the same actions: same group.
    groups = [g for entry in response.context["plans"] for g in entry.groups]
    aeo_group = next(g for g in groups if AEO in [a.title for a in g.activities])
    assert len(aeo_group.activities) == 2

    html = response.content.decode()
    aeo = Activity.objects.get(work_plan=seed_plan, title=AEO)
    assert f'href="{reverse("plans:activity_detail", args=[aeo.pk])}"' in html
    for link in ActionActivity.objects.filter(activity=aeo).select_related("action"):
        assert f'href="{reverse("plans:action_detail", args=[link.action.pk])}"' in html
    assert "National workshop" in page  # the kind
    # The RSP objectives the AEO group's actions cite link to the objective pages.
    assert [o.code for o in aeo_group.objectives] == ["1.1.2", "1.2.2", "3.2.2"]
    for cited in aeo_group.objectives:
        assert f'href="{reverse("framework:objective_detail", args=[cited.pk])}"' in html
    # Every activity of the plan that names LAO is there, once.
    expected = set(Activity.objects.filter(work_plan=seed_plan, members__iso3="LAO")
                   .values_list("title", flat=True))
    assert set(activities) == expected
    assert sum(e.activity_count for e in response.context["plans"]) == len(expected)


def test_palau_page_lists_the_hs_workshop(staff_client, seed_plan):
    response = staff_client.get(member_url("PLW"))
    assert response.status_code == 200
    page = text_of(response)
    assert HS_PALAU in page
    assert "Palau" in page
    assert _activities(response)[HS_PALAU] == ["1-(i)", "1-(j)", "1-(hh)"]


def test_member_page_accepts_a_lower_case_code(staff_client, seed_plan):
    assert staff_client.get(member_url("lao")).status_code == 200


def test_member_page_without_activities(staff_client, office):
    response = staff_client.get(member_url("LAO"))
    assert response.status_code == 200
    assert "None of your office's plans has an activity for this member." in text_of(response)


def test_member_page_groups_by_plan_newest_first(staff_client, seed_plan, more_plans):
    response = staff_client.get(member_url("LAO"))
    assert [e.plan.period for e in response.context["plans"]] == [
        "2025-2026", "2024-2025", "2023-2024"]


def test_unknown_member_is_404(staff_client, seed_plan):
    assert staff_client.get(member_url("XYZ")).status_code == 404


def test_member_of_another_region_is_404(client, make_user, other_office, seed_plan):
    client.force_login(make_user("staff", office=other_office))
    assert client.get(member_url("LAO")).status_code == 404
    assert client.get(member_url("KEN")).status_code == 200


def test_member_page_is_404_for_a_user_without_a_role(client, make_user, seed_plan):
    client.force_login(make_user(None))
    assert client.get(member_url("LAO")).status_code == 404


def test_member_page_hides_other_offices_activities(client, make_user, seed_plan, sibling_plan):
    client.force_login(make_user("staff"))
    response = client.get(member_url("LAO"))
    assert "Sibling secret workshop" not in text_of(response)
    assert [e.plan for e in response.context["plans"]] == [seed_plan]

    client.force_login(make_user("viewer", office=sibling_plan.office))
    response = client.get(member_url("LAO"))
    assert [e.plan for e in response.context["plans"]] == [sibling_plan]
    assert "Sibling secret workshop for Lao" in text_of(response)


def test_member_detail_query_count_is_fixed(staff_client, seed_plan, django_assert_num_queries):
    with django_assert_num_queries(MEMBER_DETAIL_QUERIES):
        assert staff_client.get(member_url("LAO")).status_code == 200


def test_member_detail_query_count_does_not_grow(staff_client, seed_plan, more_plans,
                                                 sibling_plan, django_assert_num_queries):
    for iso3 in ("LAO", "PLW", "AUS"):
        with django_assert_num_queries(MEMBER_DETAIL_QUERIES):
            assert staff_client.get(member_url(iso3)).status_code == 200
