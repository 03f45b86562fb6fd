import pytest
from django.core.management import call_command
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_login_page_renders(client):
    response = client.get(reverse("login"))
    assert response.status_code == 200
    assert b"Sign in" in response.content
    assert b'id="main"' in response.content


def test_home_redirects_anonymous_users_to_login(client):
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_home_renders_for_signed_in_user(client, django_user_model):
    user = django_user_model.objects.create_user("alice", password="unused-password-1")
    client.force_login(user)
    response = client.get("/", follow=True)
    assert response.status_code == 200
    assert b"Sign out" in response.content


def test_system_checks_pass():
    call_command("check", fail_level="WARNING")
