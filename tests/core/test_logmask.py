"""Secrets in URLs are masked in every log (core/logmask.py; docs/surveys.md "Tokens").

The real production server's logs are read in tests/core/test_production.py; here: the one list
of secret-carrying URLs against the URL configuration, the masking itself, and Django's own
loggers through the handler the settings configure.
"""

from __future__ import annotations

import io
import logging
import secrets

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from workplan.core.logmask import MASK, SECRET_URLS, MaskSecrets, mask

SECRET_NAMES = {"token", "secret", "key", "signature"}


def walk(patterns, prefix=""):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            namespace = f"{entry.namespace}:" if entry.namespace else ""
            yield from walk(entry.url_patterns, prefix + namespace)
        elif isinstance(entry, URLPattern) and entry.name:
            yield prefix + entry.name, entry.pattern.converters


def test_every_url_with_a_secret_in_its_path_is_listed():
    """A new URL with a ``<token>`` (a registration link, say) must join SECRET_URLS."""
    carrying = {name for name, converters in walk(get_resolver().url_patterns)
                if SECRET_NAMES & set(converters)}
    assert carrying, "no URL with a token found: the walk is broken"
    assert carrying <= {url.name for url in SECRET_URLS}, carrying


@pytest.mark.parametrize("url", SECRET_URLS, ids=lambda url: url.name)
def test_each_listed_url_is_masked_as_reversed(url):
    secret = secrets.token_urlsafe(32)
    kwargs = {name: secret if name == "token" else "MQ" for name in url.kwargs}
    path = reverse(url.name, kwargs=kwargs)
    line = f'127.0.0.1 - - "GET {path} HTTP/1.1" 200 512 "https://w.example{path}" "Mozilla"'
    masked = mask(line)
    assert secret not in masked
    assert masked.count(MASK) == 2
    assert masked == line.replace(secret, MASK)


@pytest.mark.parametrize("text, expected", [
    ("GET /surveys/r/abc-DEF_123/ HTTP/1.1", f"GET /surveys/r/{MASK}/ HTTP/1.1"),
    ("Not Found: /surveys/r/abc", f"Not Found: /surveys/r/{MASK}"),
    ("GET /surveys/r/abc/?page=2", f"GET /surveys/r/{MASK}/?page=2"),
    ("GET /surveys/r/abc-DEF_123/certificate.pdf HTTP/1.1",
     f"GET /surveys/r/{MASK}/certificate.pdf HTTP/1.1"),
    ("/prefix/surveys/r/abc/", f"/prefix/surveys/r/{MASK}/"),
    ("GET /events/?token=s3cr3t&page=2 HTTP/1.1", f"GET /events/?token={MASK}&page=2 HTTP/1.1"),
    ("/x/?a=1&Password=hunter2", f"/x/?a=1&Password={MASK}"),
    ("Authorization leaked: wpt_" + "A" * 43, f"Authorization leaked: {MASK}"),
    ("/accounts/reset/MQ/c5k-0123abcdef/", f"/accounts/reset/MQ/{MASK}/"),
    # What is not a secret stays readable.
    ("/accounts/reset/MQ/set-password/", "/accounts/reset/MQ/set-password/"),
    ("GET /surveys/ HTTP/1.1", "GET /surveys/ HTTP/1.1"),
    ("GET /surveys/results/3/ HTTP/1.1", "GET /surveys/results/3/ HTTP/1.1"),
    ("/delivery/events/?keyword=aeo", "/delivery/events/?keyword=aeo"),
    ("", ""),
])
def test_mask(text, expected):
    assert mask(text) == expected


def console_handler() -> logging.Handler:
    handler = next(h for h in logging.getLogger("django").handlers
                   if any(isinstance(f, MaskSecrets) for f in h.filters))
    # The same handler serves the development server's log.
    assert handler in logging.getLogger("django.server").handlers
    return handler


@pytest.fixture
def captured():
    """What the settings' console handler (with its filter) writes."""
    handler = console_handler()
    stream = io.StringIO()
    previous = handler.setStream(stream)
    try:
        yield stream
    finally:
        handler.setStream(previous)


@pytest.mark.django_db
def test_django_request_log_masks_the_link_of_a_404(client, captured):
    token = secrets.token_urlsafe(32)
    assert client.get(f"/surveys/r/{token}/").status_code == 404
    logged = captured.getvalue()
    assert f"Not Found: /surveys/r/{MASK}/" in logged, logged
    assert token not in logged


def test_development_server_log_and_tracebacks_are_masked(captured):
    token = secrets.token_urlsafe(32)
    logging.getLogger("django.server").info('"%s" %s %s', f"GET /surveys/r/{token}/ HTTP/1.1",
                                            "200", "512")
    try:
        raise ValueError(f"no invitation for /surveys/r/{token}/")
    except ValueError:
        logging.getLogger("django.request").exception("Internal Server Error: %s",
                                                      f"/surveys/r/{token}/")
    logged = captured.getvalue()
    assert f'"GET /surveys/r/{MASK}/ HTTP/1.1" 200 512' in logged
    assert f"Internal Server Error: /surveys/r/{MASK}/" in logged
    assert f"ValueError: no invitation for /surveys/r/{MASK}/" in logged
    assert token not in logged
