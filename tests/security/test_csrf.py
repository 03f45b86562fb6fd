"""Cross-site request forgery: a POST without the CSRF token is refused everywhere, changes
nothing, and the pages a forged link can reach (GET) change nothing either.

The web: every URL pattern of the project's apps (walked from the URL resolver, the way the
permission matrix walks it, its parameters filled from the matrix's world), plus the sign-in,
sign-out, password, language and admin pages, POSTed by a signed-in office admin with
``Client(enforce_csrf_checks=True)``: 403 "CSRF verification failed", database unchanged. A
cross-site ``Origin`` is refused even with the token. The API: every write of every route
(the API matrix's ``ROUTES``) with session authentication and no ``X-CSRFToken``: 403.
"""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from tests.api.test_matrix import ROUTES, _subjects, url_of
from tests.test_permission_matrix import PAGES, _fingerprint, app_patterns, post_data, url_for

pytestmark = pytest.mark.django_db

# Django's own pages that take a POST.
DJANGO_POSTS = ["login", "logout", "password_change", "password_reset", "set_language",
                "admin:login", "admin:logout", "admin:directory_partner_add",
                "admin:auth_user_add", "admin:core_membership_add"]


def _variant(page) -> str | None:
    return "office" if page.subject is not None else None


def _every_url(world) -> list[tuple[str, str, dict]]:
    """(name, URL, data that would succeed) for every pattern of the apps."""
    urls = []
    for name, _pattern in app_patterns():
        page = PAGES[name]
        variant = _variant(page)
        if page.public:
            variant = "own"  # a live survey link
        urls.append((name, url_for(name, page, world, variant), post_data(name, world, variant)))
    return urls


def _csrf_refused(response) -> bool:
    return response.status_code == 403 and b"CSRF" in response.content


def test_posts_without_the_token_are_refused_everywhere(sec_world):
    world = sec_world
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.users["admin"])
    urls = _every_url(world) + [(name, reverse(name), {}) for name in DJANGO_POSTS]
    # Every page that changes something is among them.
    posting = {name for name, page in PAGES.items() if page.kind in ("change", "post")}
    assert posting <= {name for name, _url, _data in urls} and len(posting) >= 35
    before = _fingerprint()
    wrong = []
    for name, url, data in urls:
        response = client.post(url, data)
        if not _csrf_refused(response):
            wrong.append(f"{name} {url}: {response.status_code}")
    assert not wrong, "\n  ".join(["POST without a CSRF token not refused:", *wrong])
    assert _fingerprint() == before
    assert client.get(reverse("core:token_list")).wsgi_request.user.is_authenticated  # still in

    # The control: the same POST with the token (from the cookie a page set) goes through.
    event = world.objects["event"]["office"]
    client.get(reverse("delivery:event_detail", args=[event.pk]))
    token = client.cookies["csrftoken"].value
    response = client.post(reverse("delivery:event_transition", args=[event.pk]),
                           {**post_data("delivery:event_transition", world, "office"),
                            "csrfmiddlewaretoken": token})
    assert response.status_code == 302
    event.refresh_from_db()
    assert event.status == "cancelled"


def test_a_cross_site_origin_is_refused_even_with_the_token(sec_world):
    world = sec_world
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.users["admin"])
    request = world.objects["request"]["office"]
    client.get(reverse("delivery:request_detail", args=[request.pk]))
    token = client.cookies["csrftoken"].value
    url = reverse("delivery:request_transition", args=[request.pk])
    data = {**post_data("delivery:request_transition", world, "office"),
            "csrfmiddlewaretoken": token}
    response = client.post(url, data, HTTP_ORIGIN="https://evil.example")
    assert _csrf_refused(response)
    response = client.post(url, {**data, "csrfmiddlewaretoken": "forged" * 6})
    assert _csrf_refused(response)
    request.refresh_from_db()
    assert request.status == "received"
    response = client.post(url, data, HTTP_ORIGIN="http://testserver")
    assert response.status_code == 302
    request.refresh_from_db()
    assert request.status == "accepted"


def test_public_survey_link_and_sign_in_need_the_token(sec_world):
    """Without a session: the survey answered by link and the sign-in form (login CSRF)."""
    world = sec_world
    client = Client(enforce_csrf_checks=True)
    link = world.objects["link"]["own"]
    before = _fingerprint()
    response = client.post(reverse("surveys:respond", args=[link.raw_token]), {})
    assert _csrf_refused(response)
    response = client.post(reverse("login"), {"username": "matrix-admin", "password": "x"})
    assert _csrf_refused(response)
    assert _fingerprint() == before


def test_api_session_writes_need_the_token(sec_world):
    world = sec_world
    objects = _subjects(world)
    api = APIClient(enforce_csrf_checks=True)
    api.force_login(world.users["admin"])
    before = _fingerprint()
    wrong, tried = [], 0
    for name, route in ROUTES.items():
        for method, write in route.writes.items():
            variant = "office" if route.subject else None
            url = url_of(name, route, objects, variant)
            data = write.data(world, variant) if write.data else None
            response = getattr(api, method)(url, data, format="json")
            tried += 1
            if response.status_code != 403 or "CSRF" not in response.json().get("detail", ""):
                wrong.append(f"{method.upper()} {url}: {response.status_code}")
    assert not wrong, "\n  ".join(["API session writes without X-CSRFToken:", *wrong])
    assert tried >= 12
    assert _fingerprint() == before
    # Reads need no token; the control write with it succeeds.
    assert api.get(reverse("api:event-list")).status_code == 200
    api.get(reverse("core:token_list"))
    event = world.objects["event"]["office"]
    response = api.patch(reverse("api:event-detail", args=[event.pk]),
                         {"title": "With the token", "version": event.version}, format="json",
                         HTTP_X_CSRFTOKEN=api.cookies["csrftoken"].value)
    assert response.status_code == 200, response.content


def test_pages_reached_by_get_change_nothing(sec_world):
    """A forged link or image makes a GET: every page of the apps, as the office admin and
    (the survey link) as anyone, leaves the database as it was."""
    world = sec_world
    client = Client()
    client.force_login(world.users["admin"])
    before = _fingerprint()
    statuses = {}
    for name, url, _data in _every_url(world):
        statuses[name] = client.get(url).status_code
    assert _fingerprint() == before
    assert statuses["delivery:event_update"] == 200 and statuses["surveys:respond"] == 200
    assert statuses["delivery:event_transition"] == 405  # POST only
