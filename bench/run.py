#!/usr/bin/env python3
"""``make bench``: the project's figures, on SQLite and on a throwaway PostgreSQL.

Prints one table and writes the same rows to ``bench/results.json``: a list of
{"name", "scale", "db", "median_ms", "queries", "floor_ms", "peak_rss_mb"} (null where a figure
does not apply). Later benchmarks add rows here. ``floor_ms`` is the part no database can
remove: for an import, reading and assembling the text alone.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))

from run_tests import PostgresCluster, find_pg_bindir  # noqa: E402

IMPORT_SCALES = [(1, "seed", 5), (5, "x5", 3), (10, "x10", 3), (20, "x20", 3)]
WORLD_SCALES = ["small", "large"]
FAMILIES = {"import", "kpi", "report", "survey", "api", "load", "upload", "plan",
            "registration"}


def run_case(script: str, args: list[str], database_url: str, home: str) -> dict:
    env = {**os.environ, "DATABASE_URL": database_url, "WORKPLAN_HOME": home,
           "WORKPLAN_LOG_LEVEL": "WARNING"}
    out = subprocess.run([sys.executable, str(ROOT / "bench" / script), *args], env=env,
                         check=True, capture_output=True, text=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def import_rows(db: str, url_for) -> list[dict]:
    rows = []
    for scale, label, runs in IMPORT_SCALES:
        with tempfile.TemporaryDirectory(prefix="workplan-bench-") as home:
            result = run_case("import_case.py", [str(scale), str(runs)], url_for(home), home)
        rows.append({"name": "import_plan", "scale": label, "db": db,
                     "median_ms": result["median_ms"], "queries": result["queries"],
                     "floor_ms": result["floor_ms"], "peak_rss_mb": result["peak_rss_mb"],
                     "detail": result})
        print(f"  import {label:>4} on {db}: {result['median_ms']} ms", file=sys.stderr)
    with tempfile.TemporaryDirectory(prefix="workplan-bench-") as home:  # from Word, x20
        result = run_case("plan_case.py", ["word", "20", "3"], url_for(home), home)
    rows.append({**{k: result[k] for k in ("name", "scale", "median_ms", "queries",
                                           "floor_ms", "peak_rss_mb")},
                 "db": db, "detail": result})
    print(f"  import docx x20 on {db}: {result['median_ms']} ms", file=sys.stderr)
    return rows


def run_lines(script: str, args: list[str], database_url: str, home: str) -> list[dict]:
    env = {**os.environ, "DATABASE_URL": database_url, "WORKPLAN_HOME": home,
           "WORKPLAN_LOG_LEVEL": "WARNING"}
    proc = subprocess.run([sys.executable, str(ROOT / "bench" / script), *args], env=env,
                          check=True, stdout=subprocess.PIPE, text=True)
    return [json.loads(line) for line in proc.stdout.splitlines() if line.startswith("{")]


def world_rows(db: str, url_for, families: set[str]) -> list[dict]:
    """Everything measured on built data, at small (one year of ROCB A/P: the sample plan and
    the small demo with surveys, KPI data and publications) and large scale (that plus
    ``workplan demo --scale large``: six offices over ten fiscal years). Each scale's data is
    built once (``report_case.py build``) and every family measures on it, each in processes
    of its own so that peak memory is the case's own."""
    rows = []
    for scale in WORLD_SCALES:
        with tempfile.TemporaryDirectory(prefix="workplan-bench-") as home:
            url = url_for(home, scale)
            built = run_lines("report_case.py", ["build", scale], url, home)[-1]
            print(f"  data {scale} on {db}: built in {built['seconds']} s", file=sys.stderr)
            cases = [("kpi", "kpi_case.py", ["measure", scale]),
                     ("report", "report_case.py", ["measure", scale]),
                     ("survey", "survey_case.py", ["measure", scale]),
                     ("plan", "plan_case.py", ["measure", scale])]
            if scale == "large":
                cases.append(("api", "api_case.py", [url, scale]))
                if db == "postgresql":  # the production set-up; SQLite is for one desk
                    cases.append(("load", "load_case.py", ["measure", scale]))
            for family, script, args in cases:
                if family not in families:
                    continue
                for result in run_lines(script, args, url, home):
                    rows.append({**result, "db": db})
                    floor = f" (floor {result['floor_ms']} ms)" if result.get("floor_ms") else ""
                    rps = f", {result['rps']} req/s" if result.get("rps") else ""
                    print(f"  {result['name']} {scale} on {db}: {result['median_ms']} ms"
                          f"{floor}{rps}", file=sys.stderr)
    return rows


def upload_rows() -> list[dict]:
    """Reading attendance sheets (no database: ``db`` is "none"): peak memory while refusing
    the shared-strings bomb and while reading a 5,000-person sheet, each in its own process
    (the files are built in another, so that building them costs neither)."""
    rows = []
    with tempfile.TemporaryDirectory(prefix="workplan-bench-") as home:
        url = f"sqlite:///{home}/bench.sqlite3"  # settings want one; never connected to
        run_lines("upload_case.py", ["build", home], url, home)
        for kind in ("bomb", "large"):
            result = run_lines("upload_case.py", ["measure", kind, f"{home}/{kind}.xlsx"],
                               url, home)[-1]
            rows.append({**result, "db": "none"})
            print(f"  {result['name']} {result['scale']}: {result['median_ms']} ms, "
                  f"peak {result['peak_rss_mb']} MB (Django alone "
                  f"{result['rss_before_mb']} MB)", file=sys.stderr)
    return rows


def registration_rows(db: str, url_for) -> list[dict]:
    """Certificates of a 200-participant event in one PDF, and the check page of a 2,000-row
    attendance sheet (``registration_case.py``): data built once, each case measured in a
    process of its own."""
    rows = []
    with tempfile.TemporaryDirectory(prefix="workplan-bench-") as home:
        url = url_for(home, "registration")
        run_lines("registration_case.py", ["build", home], url, home)
        for args in (["measure", "certificates"], ["measure", "sheet", home]):
            result = run_lines("registration_case.py", args, url, home)[-1]
            rows.append({**result, "db": db})
            print(f"  {result['name']} {result['scale']} on {db}: {result['median_ms']} ms, "
                  f"peak {result['peak_rss_mb']} MB", file=sys.stderr)
    return rows


def pg_database(cluster, name: str) -> str:
    """A fresh database in the throwaway cluster; its URL."""
    import psycopg

    with psycopg.connect(cluster.url, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name}")
        conn.execute(f"CREATE DATABASE {name}")
    return cluster.url.rsplit("/", 1)[0] + "/" + name


def linearity(rows: list[dict]) -> list[str]:
    notes = []
    for db in sorted({r["db"] for r in rows}):
        mine = {r["scale"]: r for r in rows if r["name"] == "import_plan" and r["db"] == db}
        if "seed" in mine and "x20" in mine:
            per_action = [(s, mine[s]["median_ms"] / mine[s]["detail"]["actions"])
                          for s in ("seed", "x5", "x10", "x20") if s in mine]
            spread = ", ".join(f"{s}: {v:.2f}" for s, v in per_action)
            notes.append(f"{db}: ms per action {spread} (x20/seed time ratio "
                         f"{mine['x20']['median_ms'] / mine['seed']['median_ms']:.1f} for 20x "
                         "the plan)")
    return notes


# Figures some rows add to the common ones (also kept in results.json).
EXTRA = ("rps", "p95_ms", "requests", "errors", "ratio", "submitted", "counted_back", "lost",
         "pages", "typst_peak_rss_mb", "rss_before_mb")


def extra(row: dict) -> str:
    parts = []
    if row.get("rps") is not None:
        parts.append(f"{row['rps']} req/s")
    if row.get("p95_ms") is not None:
        parts.append(f"p95 {row['p95_ms']}")
    if row.get("ratio") is not None:
        parts.append(f"x{row['ratio']} floor")
    if row.get("typst_peak_rss_mb"):
        parts.append(f"typst {row['typst_peak_rss_mb']} MB")
    if row.get("rss_before_mb") is not None:
        parts.append(f"before {row['rss_before_mb']} MB")
    return ", ".join(parts) or "-"


def main() -> int:
    only = set(sys.argv[1:])  # e.g. "kpi" or "import report": run those families
    unknown = only - FAMILIES
    if unknown:
        print(f"unknown families {sorted(unknown)}; choose from {sorted(FAMILIES)}",
              file=sys.stderr)
        return 2
    families = only or FAMILIES
    rows = []
    if "upload" in families:
        rows += upload_rows()
    if "import" in families:
        rows += import_rows("sqlite", lambda home: f"sqlite:///{home}/bench.sqlite3")
    if families - {"import", "upload", "registration"}:
        rows += world_rows("sqlite", lambda home, scale: f"sqlite:///{home}/bench.sqlite3",
                           families)
    if "registration" in families:
        rows += registration_rows("sqlite",
                                  lambda home, scale: f"sqlite:///{home}/bench.sqlite3")
    bindir = find_pg_bindir() if families - {"upload"} else None  # upload: no database
    if bindir is None and families - {"upload"}:
        print("PostgreSQL binaries not found: PostgreSQL rows skipped", file=sys.stderr)
    elif bindir is not None:
        with PostgresCluster(bindir) as cluster:
            if "import" in families:
                rows += import_rows("postgresql", lambda home: cluster.url)
            if families - {"import", "upload", "registration"}:
                rows += world_rows("postgresql",
                                   lambda home, scale: pg_database(cluster, f"bench_{scale}"),
                                   families)
            if "registration" in families:
                rows += registration_rows(
                    "postgresql", lambda home, scale: pg_database(cluster, f"bench_{scale}"))
    header = f"{'name':<32}{'scale':<7}{'db':<12}{'median_ms':>10}{'queries':>9}" \
             f"{'floor_ms':>10}{'peak_rss_mb':>13}  {'extra'}"
    print(header)
    print("-" * len(header))
    for r in rows:
        print(f"{r['name']:<32}{r['scale']:<7}{r['db']:<12}{r['median_ms']:>10}"
              f"{r['queries'] if r['queries'] is not None else '-':>9}"
              f"{r['floor_ms'] if r['floor_ms'] is not None else '-':>10}"
              f"{r['peak_rss_mb'] if r['peak_rss_mb'] is not None else '-':>13}"
              f"  {extra(r)}")
    for note in linearity(rows):
        print(note)
    results = [{**{k: r.get(k) for k in ("name", "scale", "db", "median_ms", "queries",
                                          "floor_ms", "peak_rss_mb")},
                **{k: r[k] for k in EXTRA if r.get(k) is not None}} for r in rows]
    path = ROOT / "bench" / "results.json"
    if only and path.exists():  # a partial run keeps the other families' last figures
        fresh = {(r["name"], r["scale"], r["db"]) for r in results}
        results = [r for r in json.loads(path.read_text())
                   if (r["name"], r["scale"], r["db"]) not in fresh] + results
    path.write_text(json.dumps(results, indent=2) + "\n")
    print(f"wrote {ROOT / 'bench' / 'results.json'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
