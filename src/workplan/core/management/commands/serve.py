"""``workplan serve``: the web server.

Without ``--prod``: Django's development server (``runserver``) on 127.0.0.1:8000, reloading
on code changes. With ``--prod``: the production server. It refuses to start, saying why, unless
the configuration is a production one (WORKPLAN_ENV=production, DEBUG off, a real secret key);
then it runs the deployment checks (errors stop it, warnings are printed), ``collectstatic``
(skipped when no static file changed since the last one: compressing takes a while),
``migrate`` (unless ``--no-migrate``) and replaces itself with gunicorn, so a service manager
(systemd) supervises gunicorn directly::

    gunicorn workplan.wsgi:application --bind 127.0.0.1:8000 --workers 2*cores+1 \\
        --access-logfile - --timeout 120 --logger-class workplan.core.logmask.GunicornLogger

The logger class masks the secrets of URLs (survey links) in the access and error logs.

Both start the task worker (``workplan db_worker``: e-mail of notifications and survey links,
docs/deployment.md) as a child process that ends with the server (Linux: it gets SIGTERM when
its parent ends, and finishes its current task first); ``--no-worker`` leaves it to a service
of its own.

The default address is the loopback one: the app runs behind a TLS proxy (nginx) on the same
machine; docs/deployment.md.
"""

from __future__ import annotations

import hashlib
import os
import sys

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

DEFAULT_BIND = "127.0.0.1:8000"
MIN_SECRET_KEY = 40
# Keys copied from examples and templates rather than generated.
PLACEHOLDER_KEYS = {"change-me", "changeme", "secret", "secret-key", "your-secret-key",
                    "insecure", "dev", "development", "test"}


def default_workers() -> int:
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        cores = os.cpu_count() or 1
    return 2 * cores + 1


def secret_key_problem(key: str) -> str | None:
    """Why ``key`` is not fit for production, or None."""
    key = (key or "").strip()
    if not key:
        return "the secret key is missing: set WORKPLAN_SECRET_KEY"
    if key.lower() in PLACEHOLDER_KEYS or key.startswith("django-insecure-"):
        return "the secret key is a placeholder, not a random one"
    if len(key) < MIN_SECRET_KEY:
        return (f"the secret key is too short ({len(key)} characters; "
                f"at least {MIN_SECRET_KEY}, 50 recommended)")
    if len(set(key)) < 5:
        return "the secret key is not random (fewer than 5 different characters)"
    return None


# Beside STATIC_ROOT (var/), not in it: WhiteNoise serves everything in STATIC_ROOT.
STAMP = "static.stamp"


def static_fingerprint() -> str:
    """A digest of every static source file (name, size, modification time) and of the
    storage settings: what ``collectstatic`` would read."""
    from django.contrib.staticfiles.finders import get_finders

    digest = hashlib.sha256()
    digest.update(repr((settings.STATIC_URL, settings.STORAGES.get("staticfiles"),
                        getattr(settings, "WHITENOISE_SKIP_COMPRESS_EXTENSIONS", None),
                        getattr(settings, "WHITENOISE_KEEP_ONLY_HASHED_FILES", None))).encode())
    entries = []
    for finder in get_finders():
        for path, storage in finder.list(["CVS", ".*", "*~"]):
            prefix = getattr(storage, "prefix", None) or ""
            stat = os.stat(storage.path(path))
            entries.append(f"{prefix}/{path}\0{stat.st_size}\0{stat.st_mtime_ns}")
    for entry in sorted(entries):
        digest.update(entry.encode("utf-8", "surrogateescape") + b"\n")
    return digest.hexdigest()


def production_problems() -> list[str]:
    """Everything that keeps this configuration from serving production traffic."""
    problems = []
    if not getattr(settings, "PRODUCTION", False):
        problems.append("WORKPLAN_ENV is not 'production' (production settings are off)")
    if settings.DEBUG:
        problems.append("DEBUG is on: unset WORKPLAN_DEBUG (or set it to 0)")
    key_problem = secret_key_problem(settings.SECRET_KEY)
    if key_problem:
        problems.append(key_problem + "; make one with: python3 -c "
                        "'import secrets; print(secrets.token_urlsafe(50))'")
    return problems


def worker_argv() -> list[str]:
    return [sys.executable, "-m", "workplan", "db_worker", "--queue-name", "*"]


def _die_with_parent() -> None:  # pragma: no cover - runs in the child before exec
    """Linux: SIGTERM to the worker when the server process ends (prctl PR_SET_PDEATHSIG);
    the server process is this one, still, after it replaces itself with gunicorn."""
    import ctypes
    import signal

    try:
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)
    except (OSError, AttributeError):
        pass


def start_worker(stdout):
    """Start the task worker as a child of the server: it ends with it."""
    import subprocess

    if "django_tasks_db" not in settings.TASKS.get("default", {}).get("BACKEND", ""):
        return None  # tasks run elsewhere (WORKPLAN_TASKS_BACKEND): no database worker
    stdout.write("Starting the task worker: workplan db_worker")
    return subprocess.Popen(worker_argv(), preexec_fn=_die_with_parent,  # noqa: PLW1509
                            env={**os.environ,
                                 "DJANGO_SETTINGS_MODULE": os.environ.get(
                                     "DJANGO_SETTINGS_MODULE", "workplan.settings")})


class Command(BaseCommand):
    help = ("Serve Workplan: the development server, or with --prod the production server "
            "(checks, collectstatic, migrate, then gunicorn).")
    # runserver and the deployment checks below run the checks themselves.
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("--prod", action="store_true",
                            help="run the production server (gunicorn) after checking the "
                                 "configuration")
        parser.add_argument("--bind", default=DEFAULT_BIND, metavar="HOST:PORT",
                            help=f"address to listen on (default {DEFAULT_BIND})")
        parser.add_argument("--workers", type=int, default=None, metavar="N",
                            help="gunicorn worker processes (--prod; default 2 x cores + 1 = "
                                 f"{default_workers()} here)")
        parser.add_argument("--timeout", type=int, default=120, metavar="SECONDS",
                            help="gunicorn: restart a worker silent for this long (--prod; "
                                 "default 120, for the longest report exports)")
        parser.add_argument("--no-worker", action="store_true",
                            help="do not start the task worker (db_worker) beside the server "
                                 "(run it as a service of its own)")
        parser.add_argument("--no-migrate", action="store_true",
                            help="do not apply migrations before starting (--prod)")

    def handle(self, *args, prod=False, bind=DEFAULT_BIND, workers=None, timeout=120,
               no_migrate=False, no_worker=False, **options):
        if not prod:
            if not no_worker and os.environ.get("RUN_MAIN") != "true":  # not in the reloader
                start_worker(self.stdout)
            call_command("runserver", bind)
            return
        problems = production_problems()
        if problems:
            raise CommandError(
                "refusing to start the production server:\n"
                + "\n".join(f"  - {problem}" for problem in problems)
                + "\n(`workplan serve` without --prod runs the development server.)",
                returncode=2)
        if workers is not None and workers < 1:
            raise CommandError("--workers must be at least 1", returncode=2)
        workers = workers or default_workers()
        if set(settings.ALLOWED_HOSTS) <= {"localhost", "127.0.0.1", "[::1]", "testserver"}:
            self.stderr.write("Note: WORKPLAN_ALLOWED_HOSTS is not set; only requests for "
                              "localhost are answered.")

        verbosity = options.get("verbosity", 1)
        # Errors stop here (CommandError); warnings are printed and the server starts.
        call_command("check", deploy=True, fail_level="ERROR")
        self.collectstatic(verbosity)
        if not no_migrate:
            call_command("migrate", interactive=False, verbosity=verbosity)

        argv = [sys.executable, "-m", "gunicorn", "workplan.wsgi:application",
                "--bind", bind, "--workers", str(workers), "--timeout", str(timeout),
                "--access-logfile", "-",
                # Survey links (the token is the credential) are masked in its logs.
                "--logger-class", "workplan.core.logmask.GunicornLogger"]
        self.stdout.write("Starting: " + " ".join(["gunicorn", *argv[3:]]))
        sys.stdout.flush()
        sys.stderr.flush()
        from django.db import connections

        connections.close_all()
        if not no_worker:
            start_worker(self.stdout)
        # gunicorn imports the settings again; the same environment picks the same ones.
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "workplan.settings")
        os.execv(sys.executable, argv)

    def collectstatic(self, verbosity: int) -> None:
        root = settings.STATIC_ROOT
        stamp = os.path.join(os.path.dirname(os.path.normpath(root)), STAMP)
        fingerprint = static_fingerprint()
        try:
            with open(stamp, encoding="ascii") as handle:
                done = handle.read().strip() == fingerprint
        except OSError:
            done = False
        if done and os.path.exists(os.path.join(root, "staticfiles.json")):
            self.stdout.write("Static files are up to date (collectstatic skipped).")
            return
        call_command("collectstatic", interactive=False, verbosity=verbosity)
        with open(stamp, "w", encoding="ascii") as handle:
            handle.write(fingerprint + "\n")
