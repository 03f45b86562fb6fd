"""The plan's web pages: content, scoping (404 outside the user's offices), filters, exports
and fixed query counts."""

import io
import json

import pytest
from django.urls import reverse
from django.utils.html import escape

from workplan.core.models import Role
from workplan.directory.querysets import member_index
from workplan.plans.models import ActionActivity, Activity
from workplan.plans.services import import_plan
from workplan.plans.textplan.synthetic import scaled_plan_text

pytestmark = pytest.mark.django_db

# Queries of a signed-in office member's request: session, user, the user's office roles.
AUTH = 3
# Plan page: plan (with counts), pillars, members of the member filter, actions, references,
# milestones, KPIs, links with activities, the activities' members, their other links.
PLAN_PAGE = AUTH + 10
# Action page: action, references, milestones, KPIs, links, members, the activities' links,
# the KPIs no longer in the plan (archived by a re-import); its delivery: events (with their
# headcount), requests; its KPIs' progress (indicators.iptt.compute: KPIs, targets, facts).
ACTION_PAGE = AUTH + 13
# Activity page: activity (with plan and office), members, links with their actions; its
# delivery: events (with their headcount), requests.
ACTIVITY_PAGE = AUTH + 5
# Plan list: plans with office and counts.
PLAN_LIST = AUTH + 1


@pytest.fixture
def viewer(make_user):
    return make_user(Role.VIEWER)


@pytest.fixture
def signed_in(client, viewer):
    client.force_login(viewer)
    return client


@pytest.fixture
def stranger(client, make_user):
    """Signed in, but with no role in any office."""
    client.force_login(make_user(None))
    return client


def plan_url(plan, **query):
    url = reverse("plans:workplan_detail", args=[plan.office.code, plan.period])
    if query:
        url += "?" + "&".join(f"{k}={v}" for k, v in query.items())
    return url


def text(response) -> str:
    return response.content.decode()


# --- the plan list -------------------------------------------------------------------------


def test_pages_require_sign_in(client, seed_plan):
    action = seed_plan.actions.first()
    for url in [reverse("plans:workplan_list"), plan_url(seed_plan), action.get_absolute_url(),
                reverse("plans:workplan_import"),
                reverse("plans:workplan_export", args=["ROCB-AP", "2024-2025", "json"])]:
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_plan_list_shows_the_office_plans_with_counts(signed_in, seed_plan):
    response = signed_in.get(reverse("plans:workplan_list"))
    assert response.status_code == 200
    page = text(response)
    assert "ROCB A/P Annual Work Plan (2024-2025)" in page
    assert plan_url(seed_plan) in page
    assert ">55<" in page and ">76<" in page
    assert "Import a plan" not in page  # a viewer may not import


def test_home_links_to_the_plan(signed_in):
    response = signed_in.get("/")
    assert response.status_code == 200
    assert f'href="{reverse("plans:workplan_list")}"' in response.content.decode()


def test_plan_list_offers_import_to_office_admins(client, make_user, seed_plan):
    client.force_login(make_user(Role.ADMIN))
    assert "Import a plan" in text(client.get(reverse("plans:workplan_list")))


def test_user_without_a_role_sees_no_plan(stranger, seed_plan):
    response = stranger.get(reverse("plans:workplan_list"))
    assert response.status_code == 200
    assert "Annual Work Plan" not in text(response)
    assert "no work plan" in text(response)


# --- the plan page -------------------------------------------------------------------------


def test_plan_page_shows_pillars_actions_and_activities(signed_in, seed_plan):
    response = signed_in.get(plan_url(seed_plan))
    assert response.status_code == 200
    page = text(response)
    # pillar navigation and sections
    for number in (1, 2, 3, 4):
        assert f'href="#pillar-{number}"' in page and f'id="pillar-{number}"' in page
    # an action: code, text, badges, RSP reference to the objective page, milestones, KPI
    assert "1-(a)" in page and "Upon request, assist Member&#x27;s effort" in page
    assert "Upon request</span>" in page and "Office-specific</span>" in page
    assert "milestones 1, 2" in page  # 1-(d): RSP 1.1.2 – 1st-2nd milestones
    reference = seed_plan.actions.get(code="1-(a)").references.get()
    assert reverse("framework:objective_detail", args=[reference.objective.pk]) in page
    assert "Number of implementing Members" in page
    # activities: kind, member chips linking to the member page, "also serves"
    assert "National workshop</span>" in page
    assert reverse("directory:member_detail", args=["IRN"]) in page
    assert "Also serves" in page
    # see-also-only links are marked
    see_also = ActionActivity.objects.filter(action__work_plan=seed_plan, listed=False).count()
    assert see_also == 21
    assert page.count("via See also</span>") == see_also
    # the warnings panel and the exports
    assert "Import warnings" in page and "unknown-member" in page
    for fmt in ("json", "txt", "docx", "xlsx"):
        assert reverse("plans:workplan_export", args=["ROCB-AP", "2024-2025", fmt]) in page


def test_listed_activities_come_first_in_listed_order(signed_in, seed_plan):
    action = seed_plan.actions.get(code="1-(h)")
    links = list(action.activity_links.order_by("listed_position"))
    listed = [link.listed_title for link in links if link.listed]
    see_also = [link.activity.title for link in links if not link.listed]
    assert listed and see_also
    page = text(signed_in.get(action.get_absolute_url()))
    positions = [page.index(title) for title in listed + see_also]
    assert positions[: len(listed)] == sorted(positions[: len(listed)])
    assert max(positions[: len(listed)]) < min(positions[len(listed):])


@pytest.mark.parametrize("query, shown, hidden", [
    ({"kind": "regional_workshop"}, ["Regional workshop on Accreditation"],
     ["National workshop on Risk Management for Iran"]),
    ({"member": "IRN"}, ["National workshop on Risk Management for Iran"],
     ["National Workshop on RM for Timor-Leste"]),
    ({"pillar": "2"}, ['id="pillar-2"'], ['id="pillar-1"']),
])
def test_plan_filters(signed_in, seed_plan, query, shown, hidden):
    page = text(signed_in.get(plan_url(seed_plan, **query)))
    page = page[page.index('id="plan-content"'):]  # not the warnings panel
    for words in shown:
        assert words in page
    for words in hidden:
        assert words not in page


def test_filter_by_htmx_returns_the_content_only(signed_in, seed_plan):
    response = signed_in.get(plan_url(seed_plan, kind="survey"), headers={
        "HX-Request": "true", "HX-Target": "plan-content"})
    assert response.status_code == 200
    page = text(response)
    assert page.lstrip().startswith('<div id="plan-content"') and "<html" not in page
    surveys = Activity.objects.filter(work_plan=seed_plan, kind="survey")
    assert surveys and all(activity.title in page for activity in surveys)


def test_invalid_filter_is_reported_and_ignored(signed_in, seed_plan):
    response = signed_in.get(plan_url(seed_plan, kind="picnic"))
    assert response.status_code == 200
    assert "Select a valid choice" in text(response)
    assert 'id="pillar-4"' in text(response)


def test_unknown_plan_is_404(signed_in, seed_plan):
    assert signed_in.get(reverse("plans:workplan_detail",
                                 args=["ROCB-AP", "2030-2031"])).status_code == 404


def test_plan_action_activity_of_other_offices_are_404(stranger, seed_plan):
    action = seed_plan.actions.first()
    activity = seed_plan.activities.first()
    for url in [plan_url(seed_plan), action.get_absolute_url(), activity.get_absolute_url(),
                reverse("plans:workplan_export", args=["ROCB-AP", "2024-2025", "json"])]:
        assert stranger.get(url).status_code == 404, url


def test_role_in_another_office_does_not_open_this_one(client, make_user, other_office,
                                                       seed_plan):
    client.force_login(make_user(Role.ADMIN, office=other_office))
    assert client.get(plan_url(seed_plan)).status_code == 404
    assert client.get(seed_plan.actions.first().get_absolute_url()).status_code == 404


# --- action and activity pages ---------------------------------------------------------------


def test_action_page(signed_in, seed_plan):
    action = seed_plan.actions.get(code="1-(h)")
    response = signed_in.get(action.get_absolute_url())
    assert response.status_code == 200
    page = text(response)
    assert "1-(h)" in page and escape(action.text) in page
    assert "RSP 1.1.3 – milestone 2" in page
    kpi = action.indicators.get()  # links to its page, with its measure's label
    assert f'<a href="{kpi.get_absolute_url()}">Number of implementing Members</a>' in page
    assert "Members by adoption status" in page
    assert "12 activities" in page
    # How the importer read the links is secondary: in the "As imported" disclosures.
    imported = page[page.index('id="activities-title"'):]
    assert "<summary>As imported</summary>" in imported
    assert "listed here (no. 1)" in imported
    assert "Named in the See also of" in imported
    assert imported.count("<li>via See also</li>") == action.activity_links.filter(
        see_also=True).count()


def test_activity_page(signed_in, seed_plan):
    activity = Activity.objects.get(work_plan=seed_plan, unknown_members=["Guinea"])
    response = signed_in.get(activity.get_absolute_url())
    assert response.status_code == 200
    page = text(response)
    assert activity.title in page and "Sub-regional workshop" in page
    assert "“Guinea” is not a member" in page
    for iso3 in ("FJI", "PNG", "WSM", "TLS", "TON", "VUT"):
        assert reverse("directory:member_detail", args=[iso3]) in page
    links = list(activity.action_links.select_related("action"))
    assert f"Serves {len(links)} actions" in page
    for link in links:
        assert link.action.get_absolute_url() in page
    assert "listed</span>" in page and "via See also</span>" in page
    assert f"<div>{activity.source_line}</div>" in page


# --- exports ---------------------------------------------------------------------------------


def export(client, fmt):
    return client.get(reverse("plans:workplan_export", args=["ROCB-AP", "2024-2025", fmt]))


def test_export_json(signed_in, seed_plan):
    response = export(signed_in, "json")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response["Content-Disposition"] == 'attachment; filename="rocb-ap-awp-2024-2025.json"'
    plan = json.loads(response.content)
    assert plan["period"] == "2024-2025" and len(plan["pillars"]) == 4
    assert len(plan["activities"]) == 76


def test_export_text_imports_back_unchanged(signed_in, seed_plan, office):
    response = export(signed_in, "txt")
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
    assert response.content.decode().lstrip().startswith("ROCB A/P Annual Work Plan")
    assert import_plan(response.content, office, dry_run=True).outcome == "unchanged"


def test_export_word_has_a_table_per_pillar(signed_in, seed_plan):
    from docx import Document

    response = export(signed_in, "docx")
    assert response.status_code == 200
    assert 'filename="rocb-ap-awp-2024-2025.docx"' in response["Content-Disposition"]
    document = Document(io.BytesIO(response.content))
    assert len(document.tables) == 4
    assert document.tables[0].rows[1].cells[0].text.startswith("a)")


def test_export_excel_has_a_row_per_link_and_per_action_without_one(signed_in, seed_plan):
    from openpyxl import load_workbook

    response = export(signed_in, "xlsx")
    assert response.status_code == 200
    assert 'filename="rocb-ap-awp-2024-2025.xlsx"' in response["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.content)).active
    without = seed_plan.actions.filter(activity_links__isnull=True).count()
    assert without > 0
    assert sheet.max_row == 1 + 167 + without  # header, links, actions with no activity
    assert sheet.cell(1, 2).value == "Action" and sheet.cell(2, 2).value == "1-(a)"


def test_unknown_export_format_is_404(signed_in, seed_plan):
    assert export(signed_in, "pdf").status_code == 404


# --- query counts: fixed, whatever the size of the plan ------------------------------------


@pytest.fixture
def big_plan(office):
    """The sample plan three times over (12 pillars, 165 actions), as 2025-2026."""
    data = scaled_plan_text(3, member_index(office.region)).encode()
    return import_plan(data, office, period="2025-2026").work_plan


def test_query_counts_do_not_grow_with_the_plan(signed_in, django_assert_num_queries, seed_plan,
                                                big_plan):
    assert big_plan.actions.count() == 3 * seed_plan.actions.count()
    for plan in (seed_plan, big_plan):
        action = plan.actions.get(code="1-(h)")
        activity = plan.activities.order_by("-position").first()
        pages = [
            (plan_url(plan), PLAN_PAGE),
            (plan_url(plan, kind="national_workshop", member="THA"), PLAN_PAGE),
            (plan_url(plan, pillar=1), PLAN_PAGE),
            (action.get_absolute_url(), ACTION_PAGE),
            (activity.get_absolute_url(), ACTIVITY_PAGE),
            (reverse("plans:workplan_list"), PLAN_LIST),
        ]
        for url, queries in pages:
            with django_assert_num_queries(queries):
                response = signed_in.get(url)
            assert response.status_code == 200, url
