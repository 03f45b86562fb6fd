"""Helpers of the concurrent-edit tests (the two people are the ``editors`` fixture): each has
a browser session of their own, opens the same edit page and reads the version its form
carries."""

from __future__ import annotations

import re

from django.test import Client

VERSION = re.compile(r'name="version" value="(\d+)"')


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def opened_version(client: Client, url: str) -> int:
    """Open the edit page as ``client`` and read the version its form carries."""
    response = client.get(url)
    assert response.status_code == 200
    return int(VERSION.search(response.content.decode()).group(1))

