"""Helpers of the concurrent-edit tests (the two people are the ``editors`` fixture): each has
a browser session of their own, opens the same edit page and reads the version its form
carries; ``opened`` reads a whole form (an admin page's) as a browser would post it."""

from __future__ import annotations

import re
from html.parser import HTMLParser

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


class FormValues(HTMLParser):
    """What a browser would post from a page's main form: its fields' current values."""

    def __init__(self):
        super().__init__()
        self.values: dict[str, list[str]] = {}
        self.select = self.textarea = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        name = a.get("name")
        if tag == "input" and name and a.get("type") not in ("submit", "button", "file"):
            if a.get("type") in ("checkbox", "radio") and "checked" not in a:
                return
            default = "on" if a.get("type") in ("checkbox", "radio") else ""
            self.values.setdefault(name, []).append(a.get("value") or default)
        elif tag == "select" and name:
            self.select = name
            self.values.setdefault(name, [])
        elif tag == "option" and self.select and "selected" in a:
            self.values[self.select].append(a.get("value") or "")
        elif tag == "textarea" and name:
            self.textarea = name
            self.values[name] = [""]

    def handle_endtag(self, tag):
        if tag == "select":
            self.select = None
        elif tag == "textarea" and self.textarea:
            text = self.values[self.textarea][0]
            self.values[self.textarea][0] = text[1:] if text.startswith("\n") else text
            self.textarea = None

    def handle_data(self, data):
        if self.textarea:
            self.values[self.textarea][0] += data


def opened(client: Client, url: str) -> dict[str, list[str]]:
    page = client.get(url)
    assert page.status_code == 200
    parser = FormValues()
    parser.feed(page.content.decode())
    return parser.values
