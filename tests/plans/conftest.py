# The shared fixtures (office, seed_bytes, seed_plan, make_user) live in tests/conftest.py.

import pytest


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """Users made for page tests never sign in with a password: hash it cheaply."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
