#!/usr/bin/env python3
"""The API under gunicorn on loopback: requests per second and median latency of the events
list and the IPTT, on a database that already holds the data (e.g. ``workplan demo --scale
large``).

    measure(database_url, token, scale="large") -> rows
        starts gunicorn (2 sync workers, 127.0.0.1, a free port) on ``database_url``, sends
        GET requests from a few client threads (http.client, keep-alive) for a bounded number
        of requests and seconds per endpoint, and returns one row per endpoint:
        {"name", "scale", "db", "median_ms", "queries", "floor_ms": None, "peak_rss_mb", "rps"}
        (``queries``: SQL queries of one request, counted in a separate process;
        ``peak_rss_mb``: the largest peak RSS of gunicorn's processes).

    make_token(database_url) -> str
        a read-only API token of an office staff user of ROCB-AP (created once, in a separate
        process so that the settings read ``database_url``).

From the command line: ``python bench/api_case.py DATABASE_URL [large]`` prints the rows as
JSON lines (creating a token). Traffic goes to 127.0.0.1 only, and every loop is bounded.
"""

from __future__ import annotations

import http.client
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"
WORKERS = 2
CLIENTS = 4
WARMUP = 2
# (name, path template, requests, seconds at most)
ENDPOINTS = [
    ("api_events_list", "/api/v1/events/?page_size=50", 300, 20.0),
    ("api_events_list_filtered", "/api/v1/events/?page_size=50&status=held&fy={fy}", 200, 20.0),
    ("api_iptt", "/api/v1/iptt/{plan}/", 60, 30.0),
    ("api_iptt_by_member", "/api/v1/iptt/{plan}/?dimension=member", 40, 30.0),
]


def _env(database_url: str, home: str) -> dict:
    return {**os.environ, "DATABASE_URL": database_url, "WORKPLAN_HOME": home,
            "WORKPLAN_DEBUG": "0", "WORKPLAN_LOG_LEVEL": "WARNING",
            "WORKPLAN_ALLOWED_HOSTS": f"{HOST},localhost",
            "DJANGO_SETTINGS_MODULE": "workplan.settings",
            "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT / "src"),
                                                        os.environ.get("PYTHONPATH")]))}


def _db_label(database_url: str) -> str:
    return "postgresql" if database_url.startswith(("postgres", "postgresql")) else "sqlite"


_HOMES: dict[str, str] = {}


def _home_for(database_url: str) -> str:
    """WORKPLAN_HOME for the processes (its var/ holds the development secret key)."""
    if os.environ.get("WORKPLAN_HOME"):
        return os.environ["WORKPLAN_HOME"]
    if database_url not in _HOMES:
        _HOMES[database_url] = tempfile.mkdtemp(prefix="workplan-api-bench-")
    return _HOMES[database_url]


def _run_self(mode: str, database_url: str, home: str, *args: str) -> list[dict]:
    out = subprocess.run([sys.executable, __file__, f"--{mode}", *args],
                         env=_env(database_url, home), check=True, capture_output=True,
                         text=True).stdout
    return [json.loads(line) for line in out.splitlines() if line.startswith("{")]


def make_token(database_url: str) -> str:
    return _run_self("token", database_url, _home_for(database_url))[-1]["token"]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def _wait_until_up(port: int, proc: subprocess.Popen, seconds: float = 60.0) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {proc.returncode}")
        try:
            with socket.create_connection((HOST, port), timeout=1):
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("gunicorn did not start in time")


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                found.append(int(entry.name))
    return found


def _peak_rss_mb(pids: list[int]) -> float | None:
    peaks = []
    for pid in pids:
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    peaks.append(int(line.split()[1]) / 1024)
        except OSError:
            continue
    return round(max(peaks), 1) if peaks else None


def _get(conn: http.client.HTTPConnection, path: str, headers: dict) -> tuple[int, bytes]:
    conn.request("GET", path, headers=headers)
    response = conn.getresponse()
    return response.status, response.read()


def _load(port: int, path: str, token: str, total: int, seconds: float) -> dict:
    """``total`` GETs of ``path`` from CLIENTS threads, stopping after ``seconds``."""
    headers = {"Authorization": f"Token {token}", "Accept": "application/json",
               "Host": HOST}
    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    remaining = [total]
    deadline = time.monotonic() + seconds

    def client():
        conn = http.client.HTTPConnection(HOST, port, timeout=120)
        try:
            while time.monotonic() < deadline:
                with lock:
                    if remaining[0] <= 0:
                        return
                    remaining[0] -= 1
                started = time.perf_counter()
                status, body = _get(conn, path, headers)
                elapsed = time.perf_counter() - started
                with lock:
                    if status == 200:
                        latencies.append(elapsed)
                    else:
                        errors.append(f"{status}: {body[:200]!r}")
        finally:
            conn.close()

    threads = [threading.Thread(target=client) for _ in range(CLIENTS)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - started
    if errors:
        raise RuntimeError(f"{path}: {len(errors)} failed requests, e.g. {errors[0]}")
    return {"median_ms": round(statistics.median(latencies) * 1000, 1),
            "rps": round(len(latencies) / wall, 1), "requests": len(latencies)}


def start_gunicorn(port: int, workers: int, env: dict, home: str) -> subprocess.Popen:
    """gunicorn on 127.0.0.1:``port`` in a process group of its own (``stop_gunicorn``)."""
    return subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "workplan.wsgi:application", "--bind",
         f"{HOST}:{port}", "--workers", str(workers), "--worker-class", "sync",
         "--timeout", "120", "--log-level", "warning"],
        env=env, cwd=home, start_new_session=True)


def stop_gunicorn(proc: subprocess.Popen) -> None:
    os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()


def measure(database_url: str, token: str, scale: str = "large") -> list[dict]:
    home = _home_for(database_url)
    context = _run_self("context", database_url, home)[-1]
    paths = {name: template.format(**context) for name, template, _n, _s in ENDPOINTS}
    queries = {row["path"]: row["queries"]
               for row in _run_self("queries", database_url, home, token, *paths.values())}
    port = _free_port()
    proc = start_gunicorn(port, WORKERS, _env(database_url, home), home)
    rows = []
    try:
        _wait_until_up(port, proc)
        conn = http.client.HTTPConnection(HOST, port, timeout=120)
        for name, _template, total, seconds in ENDPOINTS:
            path = paths[name]
            for _ in range(WARMUP):  # each worker loads its code and caches
                status, body = _get(conn, path, {"Authorization": f"Token {token}",
                                                 "Host": HOST})
                if status != 200:
                    raise RuntimeError(f"{path}: {status} {body[:300]!r}")
            result = _load(port, path, token, total, seconds)
            rows.append({"name": name, "scale": scale, "db": _db_label(database_url),
                         "median_ms": result["median_ms"], "queries": queries.get(path),
                         "floor_ms": None,
                         "peak_rss_mb": _peak_rss_mb([proc.pid, *_children(proc.pid)]),
                         "rps": result["rps"]})
        conn.close()
    finally:
        stop_gunicorn(proc)
    return rows


# --- the helper processes (Django set up on the given DATABASE_URL) ---------------------------


def _setup():
    import django

    django.setup()


def staff_user(username: str):
    """An office staff user of ROCB-AP with no password (created once)."""
    from django.contrib.auth import get_user_model

    from workplan.core.models import Membership
    from workplan.directory.models import Office

    user, created = get_user_model().objects.get_or_create(username=username)
    if created:
        user.set_unusable_password()
        user.save()
        Membership.objects.create(user=user, office=Office.objects.get(code="ROCB-AP"),
                                  role="staff")
    return user


def _token_main() -> None:
    _setup()
    from workplan.api.auth import issue_token

    _token, raw = issue_token(staff_user("api-bench"), name=f"bench {time.time():.0f}",
                              read_only=True)
    print(json.dumps({"token": raw}))


def _context_main() -> None:
    """The newest plan of ROCB-AP (the IPTT measured) and the fiscal year of its events."""
    _setup()
    from workplan.plans.models import WorkPlan

    plan = WorkPlan.objects.filter(office__code="ROCB-AP").order_by("-start_year").first()
    print(json.dumps({"plan": plan.pk, "fy": plan.start_year}))


def _queries_main(token: str, paths: list[str]) -> None:
    _setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_AUTHORIZATION=f"Token {token}", HTTP_HOST=HOST)
    for path in paths:
        client.get(path)  # the token's "last used" is written at most once a minute
        with CaptureQueriesContext(connection) as captured:
            response = client.get(path)
        assert response.status_code == 200, (path, response.status_code)
        print(json.dumps({"path": path, "queries": len(captured.captured_queries)}))


def main(argv: list[str]) -> int:
    if argv and argv[0] == "--token":
        _token_main()
    elif argv and argv[0] == "--context":
        _context_main()
    elif argv and argv[0] == "--queries":
        _queries_main(argv[1], argv[2:])
    elif argv:
        database_url = argv[0]
        scale = argv[1] if len(argv) > 1 else "large"
        for row in measure(database_url, make_token(database_url), scale=scale):
            print(json.dumps(row))
    else:
        print(__doc__)
        return 2
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
