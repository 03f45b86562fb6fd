"""The real `workplan` command in a process of its own: a fresh database, exit codes, output."""

import os
import subprocess
import sys

import pytest

from workplan.plans.textplan.synthetic import sample_bytes


@pytest.fixture(scope="module")
def workplan(tmp_path_factory):
    home = tmp_path_factory.mktemp("home")
    env = {**os.environ, "WORKPLAN_HOME": str(home),
           "DATABASE_URL": f"sqlite:///{home}/cli.sqlite3"}

    def run(*args, check=True):
        result = subprocess.run([sys.executable, "-m", "workplan", *args], env=env,
                                capture_output=True, text=True, timeout=120)
        if check:
            assert result.returncode == 0, result.stderr
        return result

    run("migrate", "-v", "0")
    return run, home


def test_migrate_alone_gives_a_working_database(workplan, tmp_path):
    run, home = workplan
    plan = tmp_path / "plan.txt"
    plan.write_bytes(sample_bytes())
    out = run("import_plan", str(plan)).stdout  # no --office: ROCB A/P, created by migrate
    assert "(ROCB-AP, 2024-2025): created" in out
    assert "76 activities, 167 action-activity links" in out
    again = run("import_plan", str(plan)).stdout
    assert "(ROCB-AP, 2024-2025): unchanged" in again
    exported = run("export_plan", "2024-2025", "--format", "json").stdout
    assert exported.startswith('{\n  "title": "ROCB A/P Annual Work Plan (2024-2025)"')


def test_bad_input_exits_non_zero_naming_the_line(workplan, tmp_path):
    run, home = workplan
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"Plan (2025-2026)\n\n1. A pillar\n\na) Upon request \xff\xfe\n")
    result = run("import_plan", str(bad), check=False)
    assert result.returncode != 0
    assert "bad.txt: line 5: byte 0xff at column 17 is not valid UTF-8" in result.stderr
    assert "nothing was imported" in result.stderr


def test_an_unmigrated_database_is_named_with_what_to_run(tmp_path):
    env = {**os.environ, "WORKPLAN_HOME": str(tmp_path),
           "DATABASE_URL": f"sqlite:///{tmp_path}/empty.sqlite3"}
    result = subprocess.run([sys.executable, "-m", "workplan", "export", "--list"], env=env,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert f"the database {tmp_path}/empty.sqlite3 has no Workplan tables yet" in result.stderr
    assert "Run `workplan setup` (or `workplan migrate`) first." in result.stderr
