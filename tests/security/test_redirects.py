"""Open redirects: a ``next`` (or a Referer) pointing off the site is never followed.

The places that redirect to an address the request names (``grep -rn "next"`` and
``url_has_allowed_host_and_scheme`` in src/: the project's own views redirect only to URLs
they build themselves) are Django's: the sign-in page (``?next=`` and the hidden field it
carries), the sign-out, the language switch in every page's footer (``next`` and the Referer)
and the admin's sign-in. Each gets every form of off-site address below and must answer with
an address on this site; an on-site ``next`` is kept (so the check could fail).
"""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.urls import reverse

from tests.conftest import TEST_PASSWORD

pytestmark = pytest.mark.django_db

OFF_SITE = [
    "https://evil.example/",
    "http://evil.example",
    "//evil.example",
    "///evil.example",
    "/\\evil.example",
    "\\\\evil.example",
    "\\/evil.example",
    "/\t/evil.example",
    "https:evil.example",
    "http://testserver@evil.example/",
    "https://evil.example\\@testserver/",
    "javascript:alert(1)",
    "JaVaScRiPt:alert(document.domain)",
    "data:text/html,<script>alert(1)</script>",
    " //evil.example",
]
ON_SITE = "/delivery/events/?kind=workshop"


def assert_on_site(location: str, given: str) -> None:
    parts = urlsplit(location)
    assert parts.scheme in ("", "http"), (given, location)
    assert parts.netloc in ("", "testserver"), (given, location)
    assert location.startswith("/") and not location.startswith(("//", "/\\")), (given, location)
    assert "evil" not in location and "javascript" not in location.lower(), (given, location)


def sign_in(client, username: str, next_url: str, *, via: str = "query"):
    url = reverse("login")
    data = {"username": username, "password": TEST_PASSWORD}
    if via == "query":
        return client.post(f"{url}?next={_quote(next_url)}", data)
    return client.post(url, {**data, "next": next_url})


def _quote(value: str) -> str:
    from urllib.parse import quote

    return quote(value, safe="")


@pytest.mark.parametrize("via", ["query", "field"])
def test_sign_in_never_sends_off_site(client, make_user, via):
    user = make_user("staff")
    for next_url in OFF_SITE:
        response = sign_in(client, user.username, next_url, via=via)
        assert response.status_code == 302, (next_url, response.status_code)
        assert_on_site(response["Location"], next_url)
        assert response["Location"] == settings.LOGIN_REDIRECT_URL
        client.logout()
    # The control: an address on the site is followed.
    response = sign_in(client, user.username, ON_SITE, via=via)
    assert response.status_code == 302 and response["Location"] == ON_SITE


def test_the_sign_in_page_does_not_carry_an_off_site_next(client):
    """The hidden ``next`` field is filled from the query: off-site it is left empty, and
    whatever it holds is escaped. (The language form of the footer carries the page's own
    path with its query, URL-encoded: the language switch checks it, see below.)"""
    for next_url in OFF_SITE:
        page = client.get(f"{reverse('login')}?next={_quote(next_url)}").content.decode()
        assert "<script>alert(1)" not in page, next_url
        assert 'name="next" value=""' in page, next_url
    # A relative address is on the site (kept), and shown escaped.
    relative = _quote('x"><script>alert(1)</script>')
    text = client.get(f"{reverse('login')}?next={relative}").content.decode()
    assert "<script>alert(1)" not in text
    assert 'name="next" value="x&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"' in text
    page = client.get(f"{reverse('login')}?next={_quote(ON_SITE)}").content.decode()
    assert 'name="next" value="/delivery/events/?kind=workshop"' in page


def test_sign_out_never_sends_off_site(client, make_user):
    user = make_user("viewer")
    for next_url in OFF_SITE:
        client.force_login(user)
        response = client.post(f"{reverse('logout')}?next={_quote(next_url)}")
        assert response.status_code == 302, next_url
        assert_on_site(response["Location"], next_url)
        assert response["Location"] == reverse("login")
        client.force_login(user)
        response = client.post(reverse("logout"), {"next": next_url})
        assert_on_site(response["Location"], next_url)
    client.force_login(user)
    response = client.post(reverse("logout"), {"next": ON_SITE})
    assert response["Location"] == ON_SITE


def test_language_switch_never_sends_off_site(client, make_user):
    client.force_login(make_user("staff"))
    url = reverse("set_language")
    for next_url in OFF_SITE:
        response = client.post(url, {"language": "fr", "next": next_url})
        assert response.status_code == 302, next_url
        assert_on_site(response["Location"], next_url)
        # Without ``next`` the Referer is used: off-site, it is not followed either.
        response = client.post(url, {"language": "en"}, HTTP_REFERER=next_url)
        assert response.status_code in (204, 302), next_url
        if response.status_code == 302:
            assert_on_site(response["Location"], next_url)
    response = client.post(url, {"language": "fr", "next": ON_SITE})
    assert response["Location"] == ON_SITE


def test_admin_sign_in_never_sends_off_site(client, django_user_model):
    django_user_model.objects.create_superuser("root-redirect", "r@x.example", TEST_PASSWORD)
    for next_url in OFF_SITE[:6]:
        response = client.post(f"{reverse('admin:login')}?next={_quote(next_url)}",
                               {"username": "root-redirect", "password": TEST_PASSWORD,
                                "next": next_url})
        assert response.status_code == 302, next_url
        assert_on_site(response["Location"], next_url)
        client.logout()


def test_sign_in_required_keeps_only_the_path(client):
    """A page that needs a session sends to the sign-in page with the page's own path."""
    response = client.get("/delivery/events/?q=x", HTTP_HOST="testserver")
    assert response.status_code == 302
    location = response["Location"]
    assert location.startswith(reverse("login") + "?next=/delivery/events/")
    assert_on_site(location, "/delivery/events/")
