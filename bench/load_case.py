#!/usr/bin/env python3
"""A load test on loopback: many concurrent users of one office against gunicorn in production
settings, for a bounded time, on a database that already holds the data
(``report_case.py build large``: six offices over ten years).

    load_case.py measure SCALE        (DATABASE_URL and WORKPLAN_HOME in the environment)

Before the run, a helper process prepares what the users need: a staff user's session (page
views), a read-only API token (API reads) and an open workshop evaluation with one personal
link per respondent (survey submissions). Then ``USERS`` client threads, for ``SECONDS``
seconds, each pick a task by weight:

- page views as office staff: the dashboard, the IPTT, the events list, an event, the plan;
- API reads with the token: the events list (filtered), the IPTT, the requests list;
- survey submissions: open a personal link (GET, which sets the CSRF cookie), answer every
  question and POST; each link is used once.

Every response other than 200 (or the 302 that follows a saved survey) is an error. After the
run the responses are counted back in the database: every submission the server confirmed must
be there, each with all its answers. Prints one JSON line per task kind and one for the whole
mix: {"name", "scale", "db", "median_ms", "p95_ms", "rps", "requests", "errors", ...}.

Traffic goes to 127.0.0.1 only; every loop is bounded by time and by the number of links.
"""

from __future__ import annotations

import http.client
import json
import os
import random
import re
import secrets
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from importlib import import_module
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent))

from api_case import (  # noqa: E402
    HOST,
    _children,
    _db_label,
    _free_port,
    _peak_rss_mb,
    _wait_until_up,
    staff_user,
    start_gunicorn,
    stop_gunicorn,
)

ROOT = Path(__file__).resolve().parent.parent
USERS = int(os.environ.get("LOAD_USERS", "16"))
SECONDS = float(os.environ.get("LOAD_SECONDS", "60"))
WORKERS = 4
LINKS = 400  # survey links prepared; the per-address rate limit is raised for the run
WEIGHTS = {"page": 5, "api": 4, "survey": 2}
CSRF_INPUT = re.compile(rb'name="csrfmiddlewaretoken" value="([^"]+)"')


def _env(database_url: str, home: str) -> dict:
    return {**os.environ, "DATABASE_URL": database_url, "WORKPLAN_HOME": home,
            "WORKPLAN_ENV": "production", "WORKPLAN_DEBUG": "0",
            "WORKPLAN_SECRET_KEY": _secret(home), "WORKPLAN_SSL_REDIRECT": "0",
            "WORKPLAN_ALLOW_SQLITE": "1", "WORKPLAN_LOG_LEVEL": "WARNING",
            "WORKPLAN_ALLOWED_HOSTS": f"{HOST},localhost",
            "WORKPLAN_SURVEY_IP_LIMIT": str(LINKS * 4),
            "DJANGO_SETTINGS_MODULE": "workplan.settings",
            "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT / "src"),
                                                        os.environ.get("PYTHONPATH")]))}


def _secret(home: str) -> str:
    path = Path(home) / "load-secret"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50))
    return path.read_text()


def _run_self(mode: str, database_url: str, home: str) -> dict:
    out = subprocess.run([sys.executable, __file__, mode], env=_env(database_url, home),
                         check=True, capture_output=True, text=True, cwd=home).stdout
    return json.loads(out.strip().splitlines()[-1])


# --- the helper processes (Django set up on the given DATABASE_URL) ---------------------------


def _setup():
    import django

    django.setup()


def _prepare_main() -> None:
    """The session, the token, the links and the URLs the users will visit."""
    _setup()
    from django.conf import settings
    from django.contrib.auth import (
        BACKEND_SESSION_KEY,
        HASH_SESSION_KEY,
        SESSION_KEY,
    )
    from django.core.management import call_command
    from django.db import transaction
    from django.urls import reverse

    from workplan.api.auth import issue_token
    from workplan.delivery.models import Event
    from workplan.directory.models import Member, Office
    from workplan.plans.models import WorkPlan
    from workplan.surveys import services
    from workplan.surveys.models import Invitation

    call_command("collectstatic", interactive=False, verbosity=0)
    office = Office.objects.get(code="ROCB-AP")
    user = staff_user("load-staff")
    store = import_module(settings.SESSION_ENGINE).SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.create()
    _token, raw_token = issue_token(user, name=f"load {time.time():.0f}", read_only=True)

    plan = WorkPlan.objects.filter(office=office).order_by("-start_year").first()
    period = plan.period
    events = list(Event.objects.filter(office=office).order_by("-start_date")
                  .values_list("pk", flat=True)[:50])
    event = (Event.objects.filter(office=office, status="held", level="regional")
             .exclude(surveys__kind="evaluation").order_by("-start_date").first())
    with transaction.atomic():
        survey, _ = services.create_event_survey(event, "evaluation")
        survey.title = f"[load] {survey.title}"[:300]
        survey.save(update_fields=["title"])
        services.move_survey(survey, "open")
        members = list(Member.objects.filter(region_id=office.region_id).order_by("pk"))
        links = []
        for i in range(LINKS):
            invitation = Invitation(survey=survey, email=f"load-{i}@respondents.example",
                                    name=f"Respondent {i}", member=members[i % len(members)])
            raw = services.issue_token(invitation)
            invitation.save()
            links.append(reverse("surveys:respond", args=[raw]))
    answers = {}
    for question in survey.questions.all():
        if question.kind == "rating":
            answers[f"q{question.pk}"] = "4"
        elif question.kind == "number":
            answers[f"q{question.pk}"] = "3"
        elif question.kind in ("single", "multiple"):
            answers[f"q{question.pk}"] = question.choices[0]["value"]
        elif question.kind == "ranking":
            for place, choice in enumerate(question.choices[:question.ranks], start=1):
                answers[f"q{question.pk}_{place}"] = choice["value"]
        else:
            answers[f"q{question.pk}"] = "Risk profiling at the border, shared with colleagues."
    pages = [reverse("indicators:dashboard", args=[office.code, period]),
             reverse("indicators:iptt", args=[office.code, period]),
             reverse("delivery:event_list"),
             reverse("plans:workplan_detail", args=[office.code, period]),
             *[reverse("delivery:event_detail", args=[pk]) for pk in events[:20]]]
    api = ["/api/v1/events/?page_size=50",
           f"/api/v1/events/?page_size=50&status=held&fy={plan.start_year}",
           f"/api/v1/iptt/{plan.pk}/",
           "/api/v1/requests/?page_size=50"]
    print(json.dumps({"session": store.session_key, "token": raw_token, "survey": survey.pk,
                      "questions": survey.questions.count(), "links": links,
                      "answers": answers, "pages": pages, "api": api}))


def _count_main() -> None:
    """The survey's responses and answers as the database holds them after the run."""
    _setup()
    from workplan.surveys.models import Answer, Invitation, Response

    survey = int(os.environ["LOAD_SURVEY"])
    print(json.dumps({
        "responses": Response.objects.filter(survey_id=survey).count(),
        "answers": Answer.objects.filter(response__survey_id=survey).count(),
        "responded": Invitation.objects.filter(survey_id=survey, responded=True).count()}))


# --- the users ---------------------------------------------------------------------------------


class Recorder:
    def __init__(self):
        self.lock = threading.Lock()
        self.latencies: dict[str, list[float]] = {kind: [] for kind in WEIGHTS}
        self.errors: list[str] = []
        self.submitted = 0

    def add(self, kind: str, seconds: float, ok: bool, what: str) -> None:
        with self.lock:
            self.latencies[kind].append(seconds)
            if not ok:
                self.errors.append(what)


def _request(conn, method: str, path: str, headers: dict, body: bytes | None = None):
    conn.request(method, path, body=body, headers=headers)
    response = conn.getresponse()
    return response.status, response.getheaders(), response.read()


def _user(port: int, plan: dict, links: list[str], links_lock: threading.Lock,
          recorder: Recorder, deadline: float, seed: int) -> None:
    rng = random.Random(seed)
    kinds = [kind for kind, weight in WEIGHTS.items() for _ in range(weight)]
    conn = http.client.HTTPConnection(HOST, port, timeout=120)
    session = {"Host": HOST, "Cookie": f"sessionid={plan['session']}"}
    api = {"Host": HOST, "Authorization": f"Token {plan['token']}",
           "Accept": "application/json"}
    try:
        while time.monotonic() < deadline:
            kind = rng.choice(kinds)
            if kind == "page":
                path = rng.choice(plan["pages"])
                started = time.perf_counter()
                status, _h, _body = _request(conn, "GET", path, session)
                recorder.add(kind, time.perf_counter() - started, status == 200,
                             f"GET {path}: {status}")
            elif kind == "api":
                path = rng.choice(plan["api"])
                started = time.perf_counter()
                status, _h, _body = _request(conn, "GET", path, api)
                recorder.add(kind, time.perf_counter() - started, status == 200,
                             f"GET {path}: {status}")
            else:
                with links_lock:
                    if not links:
                        continue
                    link = links.pop()
                _submit(conn, link, plan["answers"], recorder)
    finally:
        conn.close()


def _submit(conn, link: str, answers: dict, recorder: Recorder) -> None:
    """Open the link, then send the answers with the form's CSRF token: one latency each."""
    started = time.perf_counter()
    status, headers, body = _request(conn, "GET", link, {"Host": HOST})
    recorder.add("survey", time.perf_counter() - started, status == 200,
                 f"GET {link}: {status}")
    found = CSRF_INPUT.search(body)
    cookie = next((value.split(";", 1)[0] for name, value in headers
                   if name.lower() == "set-cookie" and value.startswith("csrftoken=")), None)
    if status != 200 or not found or not cookie:
        recorder.add("survey", 0.0, False, f"{link}: no form or CSRF cookie")
        return
    form = urlencode({**answers, "csrfmiddlewaretoken": found.group(1).decode()}).encode()
    started = time.perf_counter()
    status, _h, body = _request(conn, "POST", link, {
        "Host": HOST, "Cookie": cookie, "Referer": f"http://{HOST}{link}",
        "Content-Type": "application/x-www-form-urlencoded"}, form)
    ok = status == 302
    recorder.add("survey", time.perf_counter() - started, ok,
                 f"POST {link}: {status} {body[:200]!r}")
    if ok:
        with recorder.lock:
            recorder.submitted += 1


def _warm_up(port: int, plan: dict) -> None:
    """Each worker imports the code and fills its caches before the clock starts: every page
    and API path, from as many connections as there are workers, not timed."""
    session = {"Host": HOST, "Cookie": f"sessionid={plan['session']}"}
    api = {"Host": HOST, "Authorization": f"Token {plan['token']}"}

    def one():
        conn = http.client.HTTPConnection(HOST, port, timeout=300)
        try:
            for path in plan["pages"][:5]:
                _request(conn, "GET", path, session)
            for path in plan["api"]:
                _request(conn, "GET", path, api)
        finally:
            conn.close()

    threads = [threading.Thread(target=one) for _ in range(WORKERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def _summary(name: str, latencies: list[float], wall: float, scale: str, db: str) -> dict:
    ordered = sorted(latencies)
    p95 = ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))] if ordered else 0
    return {"name": name, "scale": scale, "db": db,
            "median_ms": round(statistics.median(ordered) * 1000, 1) if ordered else None,
            "p95_ms": round(p95 * 1000, 1), "rps": round(len(ordered) / wall, 1),
            "requests": len(ordered), "queries": None, "floor_ms": None}


def measure(scale: str) -> None:
    database_url = os.environ["DATABASE_URL"]
    home = os.environ.get("WORKPLAN_HOME") or tempfile.mkdtemp(prefix="workplan-load-")
    db = _db_label(database_url)
    plan = _run_self("--prepare", database_url, home)
    links = list(plan["links"])
    port = _free_port()
    proc = start_gunicorn(port, WORKERS, _env(database_url, home), home)
    recorder = Recorder()
    try:
        _wait_until_up(port, proc)
        _warm_up(port, plan)
        deadline = time.monotonic() + SECONDS
        lock = threading.Lock()
        users = [threading.Thread(target=_user, args=(port, plan, links, lock, recorder,
                                                      deadline, seed))
                 for seed in range(USERS)]
        started = time.perf_counter()
        for user in users:
            user.start()
        for user in users:
            user.join()
        wall = time.perf_counter() - started
        rss = _peak_rss_mb([proc.pid, *_children(proc.pid)])
    finally:
        stop_gunicorn(proc)
    counted = json.loads(subprocess.run(
        [sys.executable, __file__, "--count"], env={**_env(database_url, home),
                                                    "LOAD_SURVEY": str(plan["survey"])},
        check=True, capture_output=True, text=True, cwd=home).stdout.strip().splitlines()[-1])
    lost = recorder.submitted - counted["responses"]
    answers_expected = counted["responses"] * plan["questions"]
    everything = [s for kind in WEIGHTS for s in recorder.latencies[kind]]
    for kind in WEIGHTS:
        print(json.dumps({**_summary(f"load {kind}", recorder.latencies[kind], wall, scale, db),
                          "peak_rss_mb": rss}))
    print(json.dumps({**_summary("load mix", everything, wall, scale, db), "peak_rss_mb": rss,
                      "errors": len(recorder.errors), "users": USERS, "seconds": SECONDS,
                      "workers": WORKERS, "submitted": recorder.submitted,
                      "counted_back": counted["responses"], "lost": lost,
                      "answers_counted": counted["answers"],
                      "answers_expected": answers_expected,
                      "first_errors": recorder.errors[:5]}))
    if recorder.errors or lost or counted["answers"] != answers_expected:
        print(f"load test failed: {len(recorder.errors)} errors, {lost} lost submissions, "
              f"e.g. {recorder.errors[:3]}", file=sys.stderr)
        raise SystemExit(1)


if __name__ == "__main__":
    if sys.argv[1] == "--prepare":
        _prepare_main()
    elif sys.argv[1] == "--count":
        _count_main()
    else:
        {"measure": measure}[sys.argv[1]](sys.argv[2])
