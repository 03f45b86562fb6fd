"""The "API tokens" page: create (shown once), list, revoke; one's own tokens only."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from workplan.core.models import ApiToken

pytestmark = pytest.mark.django_db


def test_create_shows_the_token_once_and_it_works(client, make_user):
    user = make_user("viewer")
    client.force_login(user)
    assert client.get(reverse("core:token_create")).status_code == 200
    day = timezone.now().date() + dt.timedelta(days=30)
    response = client.post(reverse("core:token_create"), {
        "name": "Power Query", "expires_on": day.isoformat(), "read_only": "on"})
    assert response.status_code == 200
    assert "no-cache" in response["Cache-Control"] or "no-store" in response["Cache-Control"]
    token = ApiToken.objects.get(user=user)
    raw = response.context["raw"]
    assert raw.startswith(token.prefix) and raw in response.content.decode()
    assert token.read_only and token.name == "Power Query"
    assert token.expires_at == dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min,
                                                   tzinfo=dt.UTC)
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {raw}")
    assert api.get("/api/v1/me/").json()["username"] == user.username
    listing = client.get(reverse("core:token_list")).content.decode()
    assert token.prefix in listing and raw not in listing and "Power Query" in listing


@pytest.mark.parametrize("data, field", [
    ({"name": ""}, "name"),
    ({"name": "x", "expires_on": "2001-01-01"}, "expires_on"),
    ({"name": "x", "expires_on": "not a date"}, "expires_on"),
    ({"name": "x", "expires_on": "2999-01-01"}, "expires_on"),
])
def test_bad_input_creates_nothing(client, make_user, data, field):
    client.force_login(make_user("staff"))
    response = client.post(reverse("core:token_create"), data)
    assert response.status_code == 400
    assert field in response.context["form"].errors
    assert not ApiToken.objects.exists()


def test_names_are_unique_among_live_tokens(client, make_user):
    client.force_login(make_user("staff"))
    client.post(reverse("core:token_create"), {"name": "site"})
    response = client.post(reverse("core:token_create"), {"name": "Site"})
    assert response.status_code == 400 and "name" in response.context["form"].errors
    assert ApiToken.objects.count() == 1


def test_revoke_own_token_only(client, make_user, token_for):
    owner, other = make_user("staff"), make_user("staff")
    raw = token_for(owner, name="mine")
    token = ApiToken.objects.get()
    client.force_login(other)
    response = client.post(reverse("core:token_revoke"), {"token": token.pk})
    assert response.status_code == 404
    assert reverse("core:token_list") and "mine" not in client.get(
        reverse("core:token_list")).content.decode()
    client.force_login(owner)
    response = client.post(reverse("core:token_revoke"), {"token": token.pk})
    assert response.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {raw}")
    assert api.get("/api/v1/me/").status_code == 401
    assert "revoked" in client.get(reverse("core:token_list")).content.decode()
    assert client.post(reverse("core:token_revoke"), {"token": "x"}).status_code == 404
