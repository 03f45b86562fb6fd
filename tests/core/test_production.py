"""Production settings and server (docs/deployment.md).

- The security headers of every response (Content-Security-Policy, Permissions-Policy,
  Cross-Origin-Opener-Policy ...), the relaxed policy of the API docs only, the client address
  behind a proxy, the secret-key rules of ``workplan serve --prod``.
- ``workplan check --deploy`` with a production environment: no security warning, no error.
- ``workplan serve --prod`` refuses each bad configuration, saying why, with a non-zero exit.
- A real start: ``workplan serve --prod`` in a temp WORKPLAN_HOME on SQLite (collectstatic,
  migrate, gunicorn), answering the sign-in page with the headers and a static file through
  WhiteNoise, never the uploaded files. Its process group is always ended.

The subprocesses run ``python -m workplan`` (the ``workplan`` console script's ``main``) with
an environment cleared of every WORKPLAN_* and DATABASE_URL variable of the test run.
"""

from __future__ import annotations

import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.http import HttpResponse
from django.test import RequestFactory, override_settings

from workplan.core import security
from workplan.core.management.commands.serve import secret_key_problem

CSP = ("default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
       "script-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; "
       "frame-ancestors 'none'")

# --- headers in the test client ------------------------------------------------------------


@pytest.mark.django_db
def test_every_page_has_the_content_security_policy(client):
    response = client.get("/accounts/login/")
    assert response.status_code == 200
    assert response["Content-Security-Policy"] == CSP
    assert "camera=()" in response["Permissions-Policy"]
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"
    # Not-found pages (no view ran) and the schema get the strict policy too.
    assert client.get("/nothing/here/")["Content-Security-Policy"] == CSP
    assert client.get("/api/schema/")["Content-Security-Policy"] == CSP


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/api/docs/", "/api/redoc/"])
def test_only_the_api_docs_get_the_relaxed_policy(client, url):
    """Swagger UI and Redoc start with an inline script: allowed there, nowhere else."""
    response = client.get(url)
    assert response.status_code == 200
    policy = response["Content-Security-Policy"]
    assert "script-src 'self' 'unsafe-inline'" in policy
    assert "frame-ancestors 'none'" in policy and "object-src 'none'" in policy
    assert "script-src 'self';" in client.get("/accounts/login/")["Content-Security-Policy"]


def test_our_templates_have_no_inline_scripts():
    """The strict policy holds because no template of ours has an inline script or an event
    handler attribute (scripts are static files: htmx, django-htmx)."""
    root = Path(security.__file__).resolve().parents[1]
    inline_script = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE)
    handler = re.compile(r"\son[a-z]+\s*=", re.IGNORECASE)
    offenders = []
    for template in root.rglob("templates/**/*.html"):
        text = template.read_text(encoding="utf-8")
        if inline_script.search(text) or handler.search(text) or "javascript:" in text:
            offenders.append(str(template.relative_to(root)))
    assert not offenders, offenders


def test_a_view_can_carry_its_own_policy():
    factory = RequestFactory()

    @security.content_security_policy("default-src 'none'")
    def own(request):
        return HttpResponse("ok")

    def plain(request):
        return HttpResponse("ok")

    for view, expected in ((own, "default-src 'none'"), (plain, CSP)):
        request = factory.get("/")
        request.resolver_match = None
        middleware = security.SecurityHeadersMiddleware(view)
        middleware.process_view(request, view, (), {})
        assert middleware(request)["Content-Security-Policy"] == expected

    exempt = security.content_security_policy(None)(lambda request: HttpResponse("ok"))
    request = factory.get("/")
    middleware = security.SecurityHeadersMiddleware(exempt)
    middleware.process_view(request, exempt, (), {})
    assert "Content-Security-Policy" not in middleware(request)


@pytest.mark.django_db
def test_uploaded_files_have_no_public_url(client, settings, tmp_path):
    """Attachments and publication files are sent only by the views that check access
    (tests/delivery, tests/reports); nothing answers under MEDIA_URL."""
    settings.MEDIA_ROOT = tmp_path
    (tmp_path / "events" / "1").mkdir(parents=True)
    (tmp_path / "events" / "1" / "agenda.pdf").write_bytes(b"%PDF-1.4 secret")
    assert client.get("/media/events/1/agenda.pdf").status_code == 404


def test_the_client_address_behind_a_proxy():
    meta = {"REMOTE_ADDR": "127.0.0.1", "HTTP_X_FORWARDED_FOR": "6.6.6.6, 203.0.113.7"}
    # nginx appends the address it saw; whatever the client sent stays on the left.
    assert security.forwarded_address(meta, 1) == "203.0.113.7"
    assert security.forwarded_address(meta, 2) == "6.6.6.6"
    assert security.forwarded_address(meta, 3) is None
    assert security.forwarded_address(meta, 0) is None
    # Straight from the Internet (not through the proxy): the header is not believed.
    assert security.forwarded_address({**meta, "REMOTE_ADDR": "8.8.4.4"}, 1) is None
    assert security.forwarded_address(
        {"REMOTE_ADDR": "10.0.0.2", "HTTP_X_FORWARDED_FOR": "not-an-address"}, 1) is None

    seen = {}

    def view(request):
        seen["address"] = request.META["REMOTE_ADDR"]
        return HttpResponse("ok")

    request = RequestFactory().get("/", REMOTE_ADDR="127.0.0.1",
                                   HTTP_X_FORWARDED_FOR="203.0.113.7")
    with override_settings(WORKPLAN_PROXY_COUNT=1):
        security.ForwardedClientAddressMiddleware(view)(request)
    assert seen["address"] == "203.0.113.7"


@pytest.mark.parametrize("key, problem", [
    ("", "missing"),
    ("change-me", "placeholder"),
    ("django-insecure-" + "x1y2z3" * 10, "placeholder"),
    ("a1b2c3d4e5" * 3, "too short"),
    ("ab" * 30, "not random"),
    (secrets.token_urlsafe(50), None),
])
def test_secret_key_rules(key, problem):
    found = secret_key_problem(key)
    assert (found is None) if problem is None else (problem in found)


# --- subprocesses ----------------------------------------------------------------------------


def clean_env(home: Path, **extra: str) -> dict[str, str]:
    # No DJANGO_* either: the browser tests set DJANGO_ALLOW_ASYNC_UNSAFE in this process, and a
    # real deployment never has it (check --deploy refuses it).
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("WORKPLAN_", "DJANGO_")) and k != "DATABASE_URL"}
    env.update(WORKPLAN_HOME=str(home), PYTHONUNBUFFERED="1", **extra)
    return env


def production_env(home: Path, **extra: str) -> dict[str, str]:
    values = {
        "WORKPLAN_ENV": "production",
        "WORKPLAN_SECRET_KEY": secrets.token_urlsafe(50),
        "WORKPLAN_ALLOWED_HOSTS": "workplan.example.org",
        "DATABASE_URL": "postgres://workplan:pw@127.0.0.1:1/workplan",  # never connected to
    }
    values.update(extra)
    return clean_env(home, **{k: v for k, v in values.items() if v is not None})


def workplan(*args: str, env: dict[str, str], cwd: Path, timeout: float = 180):
    """Run ``workplan ARGS`` in its own process group; the group is killed whatever happens
    (a server that starts when it should have refused must not outlive the test)."""
    process = subprocess.Popen([sys.executable, "-m", "workplan", *args], env=env, cwd=cwd,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               start_new_session=True)
    try:
        stdout, stderr = process.communicate(timeout=timeout)
    finally:
        stop(process)
    return process.returncode, stdout, stderr


def stop(process: subprocess.Popen) -> None:
    """End the process group: SIGTERM, then SIGKILL. The group may outlive its leader
    (gunicorn's workers, the task worker), and a process that ended is gone only once the
    system reaps it: each step waits, up to its time, for the whole group to go."""
    for sig, wait in ((signal.SIGTERM, 20), (signal.SIGKILL, 10)):
        try:
            os.killpg(process.pid, sig)
        except ProcessLookupError:
            pass
        deadline = time.monotonic() + wait
        try:
            process.wait(timeout=wait)
        except subprocess.TimeoutExpired:
            continue
        while time.monotonic() < deadline:
            try:
                os.killpg(process.pid, 0)
            except ProcessLookupError:
                return
            time.sleep(0.2)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# Owned by the API (drf-spectacular's schema check, run by --deploy): four filter methods of
# delivery/filters.py without a type hint on ``value``. Not a deployment setting.
@pytest.mark.parametrize("database", ["postgres", "sqlite"])
def test_check_deploy_is_clean_in_production(tmp_path, database):
    extra = {}
    if database == "sqlite":
        extra = {"DATABASE_URL": "sqlite:///var/check.sqlite3", "WORKPLAN_ALLOW_SQLITE": "1"}
    code, stdout, stderr = workplan("check", "--deploy", env=production_env(tmp_path, **extra),
                                    cwd=tmp_path)
    output = stdout + stderr
    assert code == 0, output
    issues = [line for line in output.splitlines() if re.match(r"^\S*: \(\w+\.[EWIC]\d+\)", line)]
    assert not issues, output
    assert "ERRORS:" not in output
    assert "System check identified no issues" in output


def test_the_workers_of_a_production_server_share_the_rate_limit_counts(tmp_path):
    """Two processes (as two gunicorn workers) count against one limit of 3 survey-link
    requests: the second's second request is over it."""
    env = production_env(tmp_path, DATABASE_URL="sqlite:///var/check.sqlite3",
                         WORKPLAN_ALLOW_SQLITE="1")
    count = ("from workplan.surveys import ratelimit; "
             "print([ratelimit._hit('ip', '203.0.113.9', 3, 600, 6e8) is None "
             "for _ in range(2)])")
    seen = [workplan("shell", "--no-imports", "-c", count, env=env, cwd=tmp_path)
            for _worker in range(2)]
    assert [(code, stdout.strip()) for code, stdout, _err in seen] == [
        (0, "[True, True]"), (0, "[True, False]")], seen
    assert (tmp_path / "var" / "cache" / "django").is_dir()


def test_production_refuses_sqlite_unless_allowed(tmp_path):
    env = production_env(tmp_path, DATABASE_URL=None)
    code, stdout, stderr = workplan("check", env=env, cwd=tmp_path)
    assert code != 0
    assert "set DATABASE_URL" in stderr and "WORKPLAN_ALLOW_SQLITE=1" in stderr
    env["WORKPLAN_ALLOW_SQLITE"] = "1"
    code, stdout, stderr = workplan("check", env=env, cwd=tmp_path)
    assert code == 0, stdout + stderr


@pytest.mark.parametrize("case, changes, message", [
    ("development", {"WORKPLAN_ENV": None}, "WORKPLAN_ENV is not 'production'"),
    ("debug", {"WORKPLAN_DEBUG": "1"}, "DEBUG is on"),
    ("short key", {"WORKPLAN_SECRET_KEY": "k3y-" + "a1b2" * 5}, "secret key is too short"),
    ("placeholder key", {"WORKPLAN_SECRET_KEY": "django-insecure-" + "q7w8e9" * 8},
     "secret key is a placeholder"),
    ("no key", {"WORKPLAN_SECRET_KEY": None}, "WORKPLAN_SECRET_KEY must be set"),
    ("sqlite", {"DATABASE_URL": None}, "runs on PostgreSQL"),
])
def test_serve_prod_refuses_a_bad_configuration(tmp_path, case, changes, message):
    env = production_env(tmp_path, **changes)
    code, stdout, stderr = workplan("serve", "--prod", "--bind", f"127.0.0.1:{free_port()}",
                                    "--workers", "1", env=env, cwd=tmp_path, timeout=60)
    assert code != 0, f"{case}: started anyway\n{stdout}{stderr}"
    assert message in stderr, stderr
    assert "Starting: gunicorn" not in stdout
    assert not (tmp_path / "var" / "static.stamp").exists()  # nothing was prepared


def get(url: str, **headers: str):
    request = urllib.request.Request(url, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


class Server:
    """A running ``workplan serve --prod``: its address, home folder, process and log."""

    def __init__(self, base: str, home: Path, env: dict[str, str], process, log: Path):
        self.base, self.home, self.env, self.process, self.log = base, home, env, process, log

    def output(self) -> str:
        return self.log.read_text()


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """One production server for the module (collectstatic and migrate take minutes on a busy
    machine): SQLite in a temp WORKPLAN_HOME, one worker, a file uploaded where nothing may
    serve it. Its process group is ended, and checked ended, at the end."""
    tmp_path = tmp_path_factory.mktemp("serve")
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = production_env(tmp_path, DATABASE_URL="sqlite:///var/workplan.sqlite3",
                         WORKPLAN_ALLOW_SQLITE="1", WORKPLAN_SSL_REDIRECT="0",
                         WORKPLAN_ALLOWED_HOSTS="127.0.0.1,workplan.example.org")
    media = tmp_path / "var" / "media" / "events" / "1"
    media.mkdir(parents=True)
    (media / "agenda.pdf").write_bytes(b"%PDF-1.4 private")
    log_path = tmp_path / "serve.log"
    log = log_path.open("w+")
    process = subprocess.Popen(
        [sys.executable, "-m", "workplan", "serve", "--prod", "--bind", f"127.0.0.1:{port}",
         "--workers", "1"],
        env=env, cwd=tmp_path, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        deadline = time.monotonic() + 300
        while True:
            assert process.poll() is None, f"serve exited ({process.returncode}):\n" + (
                log_path.read_text())
            try:
                get(f"{base}/accounts/login/")
                break
            except OSError:
                assert time.monotonic() < deadline, log_path.read_text()
                time.sleep(0.5)
        yield Server(base, tmp_path, env, process, log_path)
    finally:
        stop(process)
        log.close()
    with pytest.raises(ProcessLookupError):
        os.killpg(process.pid, 0)


def test_serve_prod_starts_gunicorn_with_the_security_headers(server):
    base = server.base
    status, headers, body = get(f"{base}/accounts/login/")
    assert status == 200, body[:500]
    assert headers["Server"].startswith("gunicorn")
    assert headers["Content-Security-Policy"] == CSP
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["Referrer-Policy"] == "same-origin"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Cross-Origin-Opener-Policy"] == "same-origin"
    assert "Strict-Transport-Security" not in headers  # plain http here: HTTPS only
    cookie = headers["Set-Cookie"]
    assert "csrftoken=" in cookie and "Secure" in cookie and "SameSite=Lax" in cookie

    # The stylesheet the page links (its hashed name), from WhiteNoise, compressed and
    # cached for good.
    css = re.search(rb'href="(/static/core/workplan\.[0-9a-f]{12}\.css)"', body)
    assert css, body[:1000]
    status, headers, content = get(base + css.group(1).decode(), **{"Accept-Encoding": "gzip"})
    assert status == 200 and headers["Content-Type"].startswith("text/css")
    assert headers["Content-Encoding"] == "gzip"
    assert "immutable" in headers["Cache-Control"]
    assert headers["Content-Security-Policy"] == CSP

    # Uploaded files: never from a public URL.
    assert get(f"{base}/media/events/1/agenda.pdf")[0] == 404
    assert get(f"{base}/static/../media/events/1/agenda.pdf")[0] == 404

    output = server.output()
    assert "Starting: gunicorn workplan.wsgi:application" in output
    assert "--workers 1" in output
    assert "--logger-class workplan.core.logmask.GunicornLogger" in output
    assert (server.home / "var" / "static.stamp").exists()


# An open survey with one invitation, in the server's database; prints the link's token.
OPEN_SURVEY = """
from workplan.directory.models import Office
from workplan.surveys import services
office = Office.objects.get(code="ROCB-AP")
survey = services.create_survey(office=office, kind="custom", fiscal_year=2024, title="Logs")
services.add_question(survey, kind="number", text="How many?", code="count")
services.move_survey(survey, "open")
services.invite(survey, [{"email": "x@customs.example"}])
invitation = survey.invitations.get()
raw = services.issue_token(invitation)
invitation.save()
print(raw)
"""


def wait_for(server, text: str) -> str:
    """The server's log once it holds ``text`` (gunicorn writes each line as it is done)."""
    deadline = time.monotonic() + 20
    while text not in (output := server.output()):
        assert time.monotonic() < deadline, f"{text!r} never logged:\n{output}"
        time.sleep(0.2)
    return output


def test_serve_prod_logs_survey_links_masked(server):
    """The access log (request line and referrer), Django's "Not Found" line and the error
    log never hold a survey link's token; the masked form of the link is there instead."""
    code, stdout, stderr = workplan("shell", "--no-imports", "-c", OPEN_SURVEY, env=server.env,
                                    cwd=server.home, timeout=120)
    assert code == 0, stdout + stderr
    token = stdout.strip().splitlines()[-1]
    assert re.fullmatch(r"[A-Za-z0-9_-]{43}", token), stdout
    unknown = secrets.token_urlsafe(32)

    status, _headers, body = get(f"{server.base}/surveys/r/{token}/")
    assert status == 200 and b"How many?" in body, body[:500]
    # A page the survey form loads sends the link as its referrer (same-origin policy).
    status, _headers, _body = get(f"{server.base}/accounts/login/?next=/x/",
                                  Referer=f"{server.base}/surveys/r/{token}/")
    assert status == 200
    # An unknown link: a 404, which Django's request logger reports with its path.
    assert get(f"{server.base}/surveys/r/{unknown}/?token={unknown}")[0] == 404

    # gunicorn writes a request's access line after its response: wait for the last one
    wait_for(server, "Not Found: /surveys/r/[masked]/")
    output = wait_for(server, '"GET /surveys/r/[masked]/?token=[masked] HTTP/1.1" 404')
    assert token not in output and unknown not in output, output
    assert '"GET /surveys/r/[masked]/ HTTP/1.1" 200' in output, output
    assert f'"{server.base}/surveys/r/[masked]/"' in output, output  # the referrer
    assert '"GET /surveys/r/[masked]/?token=[masked] HTTP/1.1" 404' in output, output
