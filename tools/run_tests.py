#!/usr/bin/env python3
"""Run the test suite on SQLite, then on a throwaway PostgreSQL cluster.

Usage: python tools/run_tests.py [pytest args...]      (``make test ARGS="-k smoke -x"``)

Environment:
    WORKPLAN_TEST_DB=sqlite|postgres|both   which databases to run on (default: both)
    CI=true    a missing PostgreSQL is an error, and every skipped test fails (WORKPLAN_NO_SKIP=1)
    WORKPLAN_BROWSER_ON=both   the browser tests on PostgreSQL too (default: on SQLite only when
               both databases run; see ``browser_once``)

The PostgreSQL cluster lives in a temp folder, listens on 127.0.0.1 on a free port (its unix
socket also sits in the temp folder), uses trust auth, and is stopped and deleted afterwards,
whatever happens. When run as root, the cluster runs as the ``postgres`` OS user (initdb
refuses root).
"""

from __future__ import annotations

import glob
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PG_ROLE = "workplan"
PG_DB = "workplan"
# pytest's last line: "==== 3 passed, 1 skipped in 2.10s ====" (without the "=" under -q).
SUMMARY_RE = re.compile(r"^=*\s*((?:\d+ \w+|no tests ran)[^=]* in [0-9.]+s\b[^=]*?)\s*=*$")
ANSI_RE = re.compile(r"\x1b\[[0-9;]*m")


@dataclass
class Result:
    database: str
    code: int | None  # None: not run
    summary: str
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        # pytest exit code 5 ("no tests collected") counts as a failure.
        return self.code == 0


def banner(text: str) -> None:
    line = "#" * 78
    say(f"\n{line}\n# {text}\n{line}\n\n")


def is_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in {"1", "true", "yes"}


# When both databases run at once, each run's output is kept and printed when it ends.
_RUNNING: list[subprocess.Popen] = []
_buffered = threading.local()


def say(text: str) -> None:
    lines = getattr(_buffered, "lines", None)
    if lines is None:
        sys.stdout.write(text)
        sys.stdout.flush()
    else:
        lines.append(text)


def run_pytest(database: str, database_url: str, home: Path, args: list[str]) -> Result:
    env = dict(os.environ)
    env["DATABASE_URL"] = database_url
    env["WORKPLAN_HOME"] = str(home)
    env.setdefault("DJANGO_SETTINGS_MODULE", "workplan.settings")
    env["PYTHONUNBUFFERED"] = "1"
    if is_ci():
        env["WORKPLAN_NO_SKIP"] = "1"
    cmd = [sys.executable, "-m", "pytest"]
    if sys.stdout.isatty() and not any(a.startswith("--color") for a in args):
        cmd.append("--color=yes")
    cmd += args
    say(f"$ DATABASE_URL={database_url} {' '.join(cmd)}\n")
    started = time.monotonic()
    summary = ""
    # Stream the output live and remember pytest's final "N passed in Xs" line.
    with subprocess.Popen(
        cmd,
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        errors="replace",
        bufsize=1,
    ) as proc:
        assert proc.stdout is not None
        _RUNNING.append(proc)
        try:
            for line in proc.stdout:
                say(line)
                match = SUMMARY_RE.match(ANSI_RE.sub("", line.strip()))
                if match:
                    summary = match.group(1)
            code = proc.wait()
        except BaseException:
            proc.terminate()
            raise
        finally:
            _RUNNING.remove(proc)
    seconds = time.monotonic() - started
    if code == 5:
        summary = (summary or "") + " (no tests collected: counted as a failure)"
    return Result(database, code, summary.strip() or f"pytest exit code {code}", seconds)


# --- SQLite -----------------------------------------------------------------------------------


def run_sqlite(args: list[str]) -> Result:
    banner("Test run on SQLite")
    with tempfile.TemporaryDirectory(prefix="workplan-sqlite-") as tmp:
        url = f"sqlite:///{Path(tmp) / 'workplan.sqlite3'}"
        return run_pytest("SQLite", url, Path(tmp), args)


# --- PostgreSQL -------------------------------------------------------------------------------


def find_pg_bindir() -> Path | None:
    """Directory holding initdb and pg_ctl: from PATH, else the newest /usr/lib/postgresql/*/bin."""
    initdb, pg_ctl = shutil.which("initdb"), shutil.which("pg_ctl")
    if initdb and pg_ctl and Path(initdb).parent == Path(pg_ctl).parent:
        return Path(initdb).parent

    def version(path: str) -> tuple[int, ...]:
        name = Path(path).parent.name
        return tuple(int(p) for p in re.findall(r"\d+", name)) or (0,)

    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=version, reverse=True)
    for candidate in candidates:
        path = Path(candidate)
        if (path / "initdb").exists() and (path / "pg_ctl").exists():
            return path
    return None


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class PostgresCluster:
    """A throwaway cluster in a temp folder; use as a context manager."""

    def __init__(self, bindir: Path):
        self.bindir = bindir
        self.as_root = os.geteuid() == 0
        self.tmp: Path | None = None
        self.started = False
        self.port = 0

    # Commands run as `postgres` when we are root (initdb and postgres refuse to run as root).
    def _cmd(self, *args: str) -> list[str]:
        cmd = [str(self.bindir / args[0]), *args[1:]]
        return ["runuser", "-u", "postgres", "--", *cmd] if self.as_root else cmd

    def _run(self, *args: str) -> None:
        assert self.tmp is not None
        proc = subprocess.run(
            self._cmd(*args),
            cwd=self.tmp,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            errors="replace",
        )
        if proc.returncode != 0:
            raise RuntimeError(f"{args[0]} failed ({proc.returncode}):\n{proc.stdout}")

    @property
    def datadir(self) -> Path:
        assert self.tmp is not None
        return self.tmp / "data"

    @property
    def logfile(self) -> Path:
        assert self.tmp is not None
        return self.tmp / "postgres.log"

    def __enter__(self) -> PostgresCluster:
        # /tmp, not $TMPDIR: the postgres user must be able to reach the folder.
        base = "/tmp" if self.as_root else None
        self.tmp = Path(tempfile.mkdtemp(prefix="workplan-pg-", dir=base))
        try:
            self._start()
        except BaseException:
            self.__exit__(None, None, None)
            raise
        return self

    def _start(self) -> None:
        assert self.tmp is not None
        sockdir = self.tmp / "socket"
        sockdir.mkdir()
        if self.as_root:
            shutil.chown(self.tmp, "postgres", "postgres")
            shutil.chown(sockdir, "postgres", "postgres")
        self._run(
            "initdb",
            "-D",
            str(self.datadir),
            "-U",
            "postgres",
            "--auth=trust",
            "-E",
            "UTF8",
            "--no-locale",
            "--no-sync",
            "--no-instructions",
        )
        for attempt in range(3):
            self.port = free_port()
            options = " ".join(
                [
                    "-c listen_addresses=127.0.0.1",
                    f"-p {self.port}",
                    f"-k {sockdir}",
                    "-c fsync=off -c synchronous_commit=off -c full_page_writes=off",
                    "-c max_connections=50",
                ]
            )
            try:
                self._run(
                    "pg_ctl",
                    "-D",
                    str(self.datadir),
                    "-l",
                    str(self.logfile),
                    "-w",
                    "-t",
                    "60",
                    "-o",
                    options,
                    "start",
                )
                break
            except RuntimeError:
                if attempt == 2:
                    raise RuntimeError(f"PostgreSQL did not start:\n{self.log_tail()}") from None
        self.started = True
        print(f"PostgreSQL ({self.bindir}) started on 127.0.0.1:{self.port}, data in {self.tmp}")
        self._create_role()

    def _create_role(self) -> None:
        import psycopg  # from the project's venv

        with psycopg.connect(
            host="127.0.0.1", port=self.port, user="postgres", dbname="postgres", autocommit=True
        ) as conn:
            conn.execute(f"CREATE ROLE {PG_ROLE} LOGIN CREATEDB")
            conn.execute(f"CREATE DATABASE {PG_DB} OWNER {PG_ROLE}")

    @property
    def url(self) -> str:
        return f"postgres://{PG_ROLE}@127.0.0.1:{self.port}/{PG_DB}"

    def log_tail(self, lines: int = 30) -> str:
        try:
            return "\n".join(self.logfile.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no server log)"

    def __exit__(self, *exc: object) -> None:
        # Ignore Ctrl-C while cleaning up, so the cluster is never left running (signal
        # handlers can only be set from the main thread; elsewhere the main thread waits).
        in_main = threading.current_thread() is threading.main_thread()
        previous = signal.signal(signal.SIGINT, signal.SIG_IGN) if in_main else None
        try:
            if self.started:
                try:
                    self._run("pg_ctl", "-D", str(self.datadir), "-m", "immediate", "-w", "stop")
                    print("PostgreSQL stopped.")
                except RuntimeError as error:
                    print(f"warning: could not stop PostgreSQL: {error}", file=sys.stderr)
                self.started = False
            if self.tmp is not None:
                shutil.rmtree(self.tmp, ignore_errors=True)
                self.tmp = None
        finally:
            if in_main:
                signal.signal(signal.SIGINT, previous)


def run_postgres(args: list[str]) -> Result:
    banner("Test run on PostgreSQL (throwaway cluster)")
    bindir = find_pg_bindir()
    if bindir is None:
        message = (
            "PostgreSQL binaries (initdb, pg_ctl) not found on PATH or in "
            "/usr/lib/postgresql/*/bin: the PostgreSQL run is SKIPPED."
        )
        if is_ci():
            print(f"ERROR: {message} CI=true requires it.", file=sys.stderr)
            return Result("PostgreSQL", 1, "PostgreSQL binaries missing (required under CI)")
        print(f"WARNING: {message} Install the `postgresql` package to run it.")
        return Result("PostgreSQL", None, "skipped: PostgreSQL binaries not found")
    try:
        with (
            PostgresCluster(bindir) as cluster,
            tempfile.TemporaryDirectory(prefix="workplan-home-") as home,
        ):
            return run_pytest("PostgreSQL", cluster.url, Path(home), args)
    except RuntimeError as error:
        print(f"ERROR: {error}", file=sys.stderr)
        return Result("PostgreSQL", 1, f"cluster error: {str(error).splitlines()[0]}")


def run_in_parallel(runs, argv: list[str]) -> list[Result]:
    """Both databases at once (the machine has 2 cores and a run is mostly one of them);
    each run's output is printed whole when it ends. WORKPLAN_TEST_PARALLEL=0 runs them
    one after the other, streaming."""
    results: dict[int, Result] = {}

    def work(index, run):
        _buffered.lines = []
        try:
            results[index] = run(argv)
        except BaseException as error:  # reported below, never lost in a thread
            results[index] = Result(run.__name__, 1, f"runner error: {error!r}")
        finally:
            output = "".join(_buffered.lines)
            _buffered.lines = None
            with _print_lock:
                sys.stdout.write(output)
                sys.stdout.flush()

    print("Running the suite on SQLite and on PostgreSQL at the same time; each run's output "
          "follows when it ends (WORKPLAN_TEST_PARALLEL=0 to run them in turn).", flush=True)
    threads = [threading.Thread(target=work, args=(i, run), daemon=True)
               for i, run in enumerate(runs)]
    for thread in threads:
        thread.start()
    try:
        for thread in threads:
            while thread.is_alive():
                thread.join(timeout=0.5)
    except KeyboardInterrupt:
        # Stop the test processes, then let each run's own cleanup (the PostgreSQL cluster's
        # stop) finish before leaving: daemon threads would otherwise die mid-cleanup.
        for proc in list(_RUNNING):
            proc.terminate()
        for thread in threads:
            thread.join(timeout=60)
        raise
    return [results[i] for i in range(len(runs))]


_print_lock = threading.Lock()


def browser_once(args: list[str]) -> list[str]:
    """The whole suite on PostgreSQL, but for the browser tests, when both databases run.

    The browser tests drive pages whose database work the views' own tests already run on
    both; a second pass in Chromium costs two CPU-minutes of a 2-core CI and finds nothing
    the first did not. They run on SQLite (always there). A run naming its tests
    (``make test ARGS=tests/browser``), or WORKPLAN_BROWSER_ON=both, runs them on both."""
    if os.environ.get("WORKPLAN_TEST_DB", "both").strip().lower() != "both":
        return args
    if os.environ.get("WORKPLAN_BROWSER_ON", "").strip().lower() == "both":
        return args
    if any(not arg.startswith("-") for arg in args):
        return args
    return [*args, "--ignore=tests/browser"]


def main(argv: list[str]) -> int:
    # Turn SIGTERM into an exception so `finally` blocks stop the cluster.
    def on_sigterm(signum, frame):
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, on_sigterm)
    which = os.environ.get("WORKPLAN_TEST_DB", "both").strip().lower()
    if which not in {"sqlite", "postgres", "both"}:
        print(f"WORKPLAN_TEST_DB must be sqlite, postgres or both, not {which!r}", file=sys.stderr)
        return 2
    results: list[Result] = []
    runs = ([run_sqlite] if which in {"sqlite", "both"} else []) + (
        [lambda args: run_postgres(browser_once(args))] if which in {"postgres", "both"}
        else [])
    parallel = len(runs) > 1 and os.environ.get("WORKPLAN_TEST_PARALLEL", "1") != "0"
    try:
        if parallel:
            results = run_in_parallel(runs, argv)
        else:
            results = [run(argv) for run in runs]
    except KeyboardInterrupt:
        for proc in list(_RUNNING):
            proc.terminate()
        print("\nInterrupted.", file=sys.stderr)
        return 130

    banner("Summary")
    failed = False
    for result in results:
        if result.code is None:
            status = "SKIPPED"
        elif result.ok:
            status = "PASSED"
        else:
            status = f"FAILED (exit {result.code})"
            failed = True
        print(f"{result.database:<11} {status:<18} {result.summary}  [{result.seconds:.1f}s]")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
