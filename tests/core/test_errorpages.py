"""The DEBUG error page hides credentials inside values (core/errorpages.py): DATABASE_URL's
password, any URL's, in the settings, the request's environment and the traceback."""

from __future__ import annotations

import secrets
import sys

import pytest
from django.test import RequestFactory
from django.views.debug import get_default_exception_reporter_filter, technical_500_response

from workplan.core.errorpages import CredentialsFilter

SUBSTITUTE = CredentialsFilter.cleansed_substitute


def failing_connect(url: str, password: str, cache_password: str):
    # What a database driver holds when it fails: the parameters, password among them.
    conn_params = {"host": "db.example.org", "user": "workplan", "password": password}
    nested = [("cache", f"redis://:{cache_password}@cache.example.org:6379/0")]
    raise ConnectionError(f"cannot reach {conn_params['host']} ({len(nested)} {len(url)})")


def error_page(request, url: str, password: str, cache_password: str) -> str:
    """The technical 500 page of an error raised with passwords in its frames' variables
    (never in the source lines the page quotes)."""
    try:
        failing_connect(url, password, cache_password)
    except ConnectionError:
        response = technical_500_response(request, *sys.exc_info())
    assert response.status_code == 500
    return response.content.decode()


@pytest.mark.parametrize("accept", ["text/html", "text/plain"])
def test_the_debug_error_page_hides_every_password(settings, accept):
    assert isinstance(get_default_exception_reporter_filter(), CredentialsFilter)
    pw = {name: f"{name}-{secrets.token_hex(6)}" for name in (
        "db", "mail", "frame", "redis", "local", "dsn", "query", "env", "pgpass")}
    settings.DEBUG = True
    settings.DATABASE_URL = f"postgres://workplan:{pw['db']}@db.example.org:5432/workplan"
    settings.WORKPLAN_EMAIL_URL = f"smtp+tls://mailer:{pw['mail']}@smtp.example.org:587"
    settings.SENTRY_DSN = f"https://{pw['dsn']}@o1.ingest.example.org/1"
    settings.BACKUP_URL = f"postgres:///workplan?host=/run/pg&password={pw['query']}"
    request = RequestFactory().get("/boom/", HTTP_ACCEPT=accept,
                                   DATABASE_URL=f"postgres://workplan:{pw['env']}@db/workplan",
                                   PGPASSWORD=pw["pgpass"])
    page = error_page(request, f"postgres://workplan:{pw['local']}@db.example.org/workplan",
                      pw["frame"], pw["redis"])
    for name, password in pw.items():
        assert password not in page, name
    # Redacted, not removed: what one debugs with stays.
    assert f"postgres://workplan:{SUBSTITUTE}@db.example.org:5432/workplan" in page
    assert f"smtp+tls://mailer:{SUBSTITUTE}@smtp.example.org:587" in page
    assert f"https://{SUBSTITUTE}@o1.ingest.example.org/1" in page
    assert f"password={SUBSTITUTE}" in page
    assert "DATABASE_URL" in page and "ConnectionError" in page
    if accept == "text/html":  # the traceback's variables are shown, redacted
        assert "cache.example.org" in page and "conn_params" in page


@pytest.mark.parametrize("text, expected", [
    ("postgres://u:p@h/db", f"postgres://u:{SUBSTITUTE}@h/db"),
    ("redis://:p@h:6379/0", f"redis://:{SUBSTITUTE}@h:6379/0"),
    ("postgres://u@h/db", "postgres://u@h/db"),  # no password: nothing to hide
    ("postgres:///db?password=p&sslmode=require",
     f"postgres:///db?password={SUBSTITUTE}&sslmode=require"),
    ("sqlite:///var/workplan.sqlite3", "sqlite:///var/workplan.sqlite3"),
    ("see https://example.org/a:b@c", "see https://example.org/a:b@c"),  # not userinfo
    ("plain text", "plain text"),
])
def test_redact(text, expected):
    assert CredentialsFilter().redact(text) == expected


def test_a_cyclic_variable_does_not_hang_the_page():
    loop: list = []
    loop.append(loop)
    deep = {"a": {"b": {"c": {"d": {"e": "postgres://u:deep-pw@h/db"}}}}}
    cleansed = CredentialsFilter()._cleanse_variable([loop, deep], 0)
    assert cleansed[0][0][0][0] is loop  # walked a few levels, then left as is
