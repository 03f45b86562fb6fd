"""API authentication: personal tokens (hashed, prefixed, expiring, read-only, revocable) and
the browser session (with CSRF); passwords are never accepted."""

import base64
import datetime as dt
import hashlib

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from tests.conftest import TEST_PASSWORD
from workplan.core.models import ApiToken
from workplan.delivery.models import Request

pytestmark = pytest.mark.django_db

ME = "/api/v1/me/"


def use(api, raw, keyword="Token"):
    api.credentials(HTTP_AUTHORIZATION=f"{keyword} {raw}")
    return api


def test_without_credentials_is_401_with_a_challenge(api):
    response = api.get(ME)
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"
    assert api.get("/api/v1/events/").status_code == 401


def test_a_token_authenticates_its_user(api, make_user, token_for):
    user = make_user("viewer", username="reader")
    raw = token_for(user, name="website", read_only=True)
    body = use(api, raw).get(ME).json()
    assert body["username"] == "reader"
    assert body["roles"] == [{"office": user.memberships.get().office_id, "role": "viewer",
                              "member": None}]
    assert body["token"] == {"name": "website", "prefix": raw[:12], "read_only": True,
                             "expires_at": None}
    assert use(APIClient(), raw, "Bearer").get(ME).status_code == 200


def test_only_a_hash_and_a_prefix_are_stored(make_user, token_for):
    raw = token_for(make_user("staff"))
    token = ApiToken.objects.get()
    assert raw.startswith("wpt_") and len(raw) > 40
    assert token.key_hash == hashlib.sha256(raw.encode()).hexdigest()
    assert token.prefix == raw[:12]
    stored = repr(list(ApiToken.objects.values_list()))
    assert raw not in stored and raw[12:] not in stored


@pytest.mark.parametrize("header", [
    "Token wpt_not-a-real-token", "Token", "Token a b", "Bearer nope", "Token ünïcode",
])
def test_unknown_or_malformed_tokens_are_401(api, make_user, token_for, header):
    token_for(make_user("staff"))
    response = api.get(ME, HTTP_AUTHORIZATION=header.encode("utf-8").decode("latin-1"))
    assert response.status_code == 401
    assert response.json()["detail"]


def test_revoked_and_expired_tokens_are_401(api, make_user, token_for):
    from workplan.api.auth import revoke_token

    user = make_user("staff")
    raw = token_for(user, name="old")
    assert use(api, raw).get(ME).status_code == 200
    revoke_token(ApiToken.objects.get(name="old"))
    response = use(api, raw).get(ME)
    assert response.status_code == 401 and "revoked" in response.json()["detail"]
    expired = token_for(user, name="expired",
                        expires_at=timezone.now() - dt.timedelta(seconds=1))
    response = use(api, expired).get(ME)
    assert response.status_code == 401 and "expired" in response.json()["detail"]
    later = token_for(user, name="later", expires_at=timezone.now() + dt.timedelta(days=1))
    assert use(api, later).get(ME).status_code == 200


def test_a_disabled_users_token_is_401(api, make_user, token_for):
    user = make_user("staff")
    raw = token_for(user)
    user.is_active = False
    user.save()
    assert use(api, raw).get(ME).status_code == 401


def test_read_only_tokens_read_but_change_nothing(api, make_user, token_for, office):
    user = make_user("staff")
    raw = token_for(user, read_only=True)
    use(api, raw)
    assert api.get("/api/v1/requests/").status_code == 200
    response = api.post("/api/v1/requests/", {"member": "LAO", "topic": "Sneaked in"},
                        format="json")
    assert response.status_code == 403
    assert "read-only" in response.json()["detail"]
    assert not Request.objects.exists()
    # The same user with a read-write token may.
    use(api, token_for(user, name="rw"))
    assert api.post("/api/v1/requests/", {"member": "LAO", "topic": "Filed"},
                    format="json").status_code == 201


def test_last_used_is_written_at_most_once_a_minute(api, make_user, token_for,
                                                    django_assert_num_queries):
    raw = token_for(make_user("staff"))
    token = ApiToken.objects.get()
    assert token.last_used_at is None
    use(api, raw).get(ME)
    token.refresh_from_db()
    first = token.last_used_at
    assert first is not None
    # Within the minute: a read of the token and the roles, no write.
    with django_assert_num_queries(2):
        assert api.get(ME).status_code == 200
    token.refresh_from_db()
    assert token.last_used_at == first
    ApiToken.objects.update(last_used_at=first - dt.timedelta(seconds=61))
    api.get(ME)
    token.refresh_from_db()
    assert token.last_used_at > first


def test_the_session_works_and_enforces_csrf(make_user):
    user = make_user("staff")
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(user)
    assert client.get(ME).json()["token"] is None
    response = client.post("/api/v1/requests/", {"member": "LAO", "topic": "No CSRF"},
                           format="json")
    assert response.status_code == 403 and "CSRF" in response.json()["detail"]
    assert not Request.objects.exists()
    page = client.get(reverse("core:token_list"))  # any page sets the CSRF cookie
    assert page.status_code == 200
    csrf = client.cookies["csrftoken"].value
    response = client.post("/api/v1/requests/", {"member": "LAO", "topic": "With CSRF"},
                           format="json", HTTP_X_CSRFTOKEN=csrf)
    assert response.status_code == 201
    # A token needs no CSRF token: it is not sent by browsers on their own.


def test_passwords_are_not_accepted(api, make_user):
    """No HTTP Basic: the API cannot be used to guess passwords around django-axes."""
    make_user("staff", username="basic")
    credentials = base64.b64encode(f"basic:{TEST_PASSWORD}".encode()).decode()
    response = api.get(ME, HTTP_AUTHORIZATION=f"Basic {credentials}")
    assert response.status_code == 401


def test_a_user_locked_out_by_axes_gets_no_session(client, make_user, settings):
    """django-axes guards the login page the API's sessions come from."""
    make_user("staff", username="guessed")
    for _attempt in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("login"), {"username": "guessed", "password": "wrong"})
    client.post(reverse("login"), {"username": "guessed", "password": TEST_PASSWORD})
    assert client.get(ME).status_code in (401, 403)
