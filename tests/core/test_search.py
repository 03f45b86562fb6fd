"""Search across the office's records: people, partners, events, requests, publications,
actions (text, code) and activities (title)."""

import pytest
from django.urls import reverse

from workplan.core.models import Role
from workplan.directory.querysets import member_index
from workplan.plans.services import import_plan
from workplan.plans.textplan.synthetic import scaled_plan_text

pytestmark = pytest.mark.django_db

URL = "/search/"
# session, user, the user's office roles, then one per kind: people, partners, events,
# requests, publications, actions, activities
SEARCH_QUERIES = 10


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def signed_in(client, make_user):
    client.force_login(make_user(Role.VIEWER))
    return client


def test_url_name():
    assert reverse("core:search") == URL


def test_search_requires_sign_in(client):
    response = client.get(URL, {"q": "risk"})
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_empty_search_shows_the_form(signed_in):
    response = signed_in.get(URL)
    assert response.status_code == 200
    page = response.content.decode()
    assert 'name="q"' in page and 'hx-get="/search/"' in page
    assert 'hx-trigger="keyup changed delay:300ms, search"' in page
    assert "<label" in page


def test_results_grouped_and_linked(signed_in, seed_plan):
    response = signed_in.get(URL, {"q": "risk management"})
    assert response.status_code == 200
    page = response.content.decode()
    assert 'id="results-actions"' in page and 'id="results-activities"' in page
    action = seed_plan.actions.get(code="1-(a)")
    assert action.get_absolute_url() in page
    activity = seed_plan.activities.get(title="National workshop on Risk Management for Iran")
    assert activity.get_absolute_url() in page
    # grouped: every action link comes before the activities' heading
    assert page.index(action.get_absolute_url()) < page.index('id="results-activities"')
    assert page.index('id="results-activities"') < page.index(activity.get_absolute_url())


@pytest.mark.parametrize("query", ["1-(h)", "1-h", "1h", "1 (H)"])
def test_search_by_action_code(signed_in, seed_plan, query):
    page = signed_in.get(URL, {"q": query}).content.decode()
    action = seed_plan.actions.get(code="1-(h)")
    assert action.get_absolute_url() in page


def test_htmx_gets_the_results_only(signed_in, seed_plan):
    response = signed_in.get(URL, {"q": "survey"},
                             headers={"HX-Request": "true", "HX-Target": "search-results"})
    page = response.content.decode()
    assert page.lstrip().startswith('<div id="search-results"') and "<html" not in page
    assert "/plans/activities/" in page


def test_too_short_and_unmatched_queries(signed_in, seed_plan):
    assert "Type at least 2 characters" in signed_in.get(URL, {"q": "a"}).content.decode()
    assert "Nothing you may see matches" in signed_in.get(
        URL, {"q": "zebra crossing"}).content.decode()


def test_user_without_a_role_finds_nothing(client, make_user, seed_plan):
    client.force_login(make_user(None))
    page = client.get(URL, {"q": "risk"}).content.decode()
    assert "Nothing you may see matches" in page
    assert "/plans/actions/" not in page and "/plans/activities/" not in page


def test_other_office_plans_are_not_found(client, make_user, other_office, seed_plan):
    client.force_login(make_user(Role.ADMIN, office=other_office))
    page = client.get(URL, {"q": "workshop"}).content.decode()
    assert "/plans/activities/" not in page


def test_query_count_is_fixed(signed_in, seed_plan, office, django_assert_num_queries):
    with django_assert_num_queries(SEARCH_QUERIES):
        small = signed_in.get(URL, {"q": "workshop"})
    import_plan(scaled_plan_text(3, member_index(office.region)).encode(), office,
                period="2025-2026")
    with django_assert_num_queries(SEARCH_QUERIES):
        big = signed_in.get(URL, {"q": "workshop"})
    assert small.status_code == big.status_code == 200
    # more plans, more hits (up to the shown limit), same queries
    assert big.content.count(b"/plans/activities/") > small.content.count(b"/plans/activities/")
