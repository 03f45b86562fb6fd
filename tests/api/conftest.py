"""Fixtures of the API tests: an API client, tokens, and the permission matrix's world."""

import pytest
from rest_framework.test import APIClient

from tests.test_permission_matrix import world  # noqa: F401  (the web matrix's world)
from workplan.api.auth import issue_token


@pytest.fixture
def api():
    return APIClient()


@pytest.fixture
def token_for():
    """``token_for(user, read_only=False, expires_at=None, name="test")``: a raw token."""

    def make(user, *, name="test", read_only=False, expires_at=None):
        return issue_token(user, name=name, read_only=read_only, expires_at=expires_at)[1]

    return make


@pytest.fixture
def staff_api(api, make_user, token_for):
    """An API client authenticated as office staff of ROCB-AP with a token."""
    user = make_user("staff")
    api.credentials(HTTP_AUTHORIZATION=f"Token {token_for(user)}")
    api.user = user
    return api
