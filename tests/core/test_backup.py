"""``workplan backup`` and ``workplan restore`` (core/backup.py).

The round trip runs as in production: a year of demonstration data (the small delivery demo,
surveys with responses, KPI data, publications), users with roles, a group with permissions,
an API token, an event document, edits with history, is backed up here; a fresh database (a
new SQLite file, or a new PostgreSQL database in the test cluster) is migrated and restored by
``python -m workplan`` in subprocesses; every table, every plan's canonical JSON and every
file must come back the same. The refusals run here, on the test database (freshly migrated
at the start of every test), and must leave it as it was.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import os
import subprocess
import sys
import time
import zipfile
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from workplan.core import backup
from workplan.core.models import Role

from .backup_tables import content

ROOT = Path(__file__).resolve().parents[2]
TODAY = dt.date(2024, 11, 30)  # evaluations of the events held by then: a third of the demo
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"

pytestmark = pytest.mark.django_db


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


# --- a fresh database, migrated by a subprocess ------------------------------------------------


@dataclass
class FreshDatabase:
    env: dict
    home: Path
    migrating: subprocess.Popen

    def run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        done = subprocess.run([sys.executable, *args], cwd=ROOT, env=self.env,
                              capture_output=True, text=True, timeout=300)
        if check:
            assert done.returncode == 0, f"{args} failed:\n{done.stdout}\n{done.stderr}"
        return done

    def wait_migrated(self) -> None:
        output, _ = self.migrating.communicate(timeout=300)
        assert self.migrating.returncode == 0, f"migrate failed:\n{output}"


def _postgres_params(settings_dict: dict, dbname: str) -> dict:
    return {"host": settings_dict["HOST"] or None, "port": settings_dict["PORT"] or None,
            "user": settings_dict["USER"] or None,
            "password": settings_dict["PASSWORD"] or None, "dbname": dbname}


@pytest.fixture
def fresh_database(db, tmp_path):
    """A new, empty database beside the test database, being migrated by ``workplan
    migrate`` in a subprocess from the start of the test (it takes a while; the test builds
    its data meanwhile)."""
    home = tmp_path / "fresh-home"
    home.mkdir()
    env = {key: value for key, value in os.environ.items()
           if key not in ("WORKPLAN_ENV", "DATABASE_URL")}
    env.update(WORKPLAN_HOME=str(home), DJANGO_SETTINGS_MODULE="workplan.settings",
               PYTHONUNBUFFERED="1")
    settings_dict = connection.settings_dict
    dropped = None
    if connection.vendor == "sqlite":
        env["DATABASE_URL"] = f"sqlite:///{home / 'fresh.sqlite3'}"
    else:
        import psycopg

        name = f"{settings_dict['NAME']}_restore_{os.getpid()}"
        with psycopg.connect(**_postgres_params(settings_dict, "postgres"),
                             autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
            admin.execute(f'CREATE DATABASE "{name}"')
        user = quote(settings_dict["USER"] or "")
        password = f":{quote(settings_dict['PASSWORD'])}" if settings_dict["PASSWORD"] else ""
        env["DATABASE_URL"] = (f"postgres://{user}{password}@{settings_dict['HOST']}:"
                               f"{settings_dict['PORT']}/{name}")
        dropped = name
    migrating = subprocess.Popen([sys.executable, "-m", "workplan", "migrate", "-v0"],
                                 cwd=ROOT, env=env, stdout=subprocess.PIPE,
                                 stderr=subprocess.STDOUT, text=True)
    try:
        yield FreshDatabase(env, home, migrating)
    finally:
        if migrating.poll() is None:
            migrating.kill()
            migrating.wait()
        if dropped:
            import psycopg

            with psycopg.connect(**_postgres_params(settings_dict, "postgres"),
                                 autocommit=True) as admin:
                admin.execute(f'DROP DATABASE IF EXISTS "{dropped}" WITH (FORCE)')


# --- a year of data ---------------------------------------------------------------------------


@pytest.fixture
def world(office, seed_plan, make_user, media, settings):
    """The small demo and its surveys, KPI data and publications; users of every role, a
    group with permissions, an API token, an event document, edits with history, an admin
    log entry."""
    from django.contrib.admin.models import CHANGE, LogEntry
    from django.contrib.auth.models import Group, Permission
    from django.contrib.contenttypes.models import ContentType

    from workplan.api.auth import issue_token
    from workplan.delivery.demo import Demo
    from workplan.delivery.models import Event
    from workplan.delivery.services import add_attachment
    from workplan.directory.models import Member, Person
    from workplan.indicators.demo import populate_demo as populate_kpis
    from workplan.reports.demo import populate_demo as populate_publications
    from workplan.surveys.demo import populate_demo as populate_surveys

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    Demo(office).run()
    populate_surveys(office, seed=2024, today=TODAY)
    populate_kpis(office, seed=2024)
    populate_publications(office, seed=2024)
    lao = Member.objects.get(iso3="LAO")
    admin = make_user(Role.ADMIN, username="admin", is_staff=True, is_superuser=True)
    staff = make_user(Role.STAFF, username="staff")
    make_user(Role.FOCAL_POINT, username="focal", member=lao)
    make_user(Role.VIEWER, username="viewer")
    expert_user = make_user(Role.EXPERT, username="expert")
    Person.objects.filter(pk=Person.objects.filter(member=lao).order_by("pk")
                          .values("pk")[:1]).update(user=expert_user)
    editors = Group.objects.create(name="editors")
    editors.permissions.set(Permission.objects.filter(codename__in=["change_event",
                                                                    "view_person"]))
    staff.groups.add(editors)
    staff.user_permissions.add(Permission.objects.get(codename="add_event"))
    issue_token(staff, name="regional website", read_only=True)
    event = Event.objects.filter(office=office, status="held").order_by("pk").first()
    add_attachment(event, name="Agenda final.pdf", data=PDF, kind="agenda", user=staff)
    event.title += " (revised)"
    event._history_user = staff
    event.save()
    lao.aliases = [*lao.aliases, "Laos (test)"]
    lao._history_user = admin
    lao.save()
    LogEntry.objects.create(user=admin, content_type=ContentType.objects.get_for_model(Event),
                            object_id=str(event.pk), object_repr=str(event)[:200],
                            action_flag=CHANGE, change_message="[]")
    return office


# --- the round trip ---------------------------------------------------------------------------


def test_backup_then_restore_into_a_fresh_database_gives_back_everything(
        fresh_database, world, media, tmp_path):
    path = tmp_path / "workplan-backup.zip"
    out, err = io.StringIO(), io.StringIO()
    started = time.monotonic()
    call_command("backup", "-o", str(path), stdout=out, stderr=err)
    seconds = time.monotonic() - started
    print(f"backup of the small demo: {path.stat().st_size / 1e6:.2f} MB in {seconds:.1f} s")
    assert "Backup written to" in out.getvalue()
    assert "delivery.participation:" in err.getvalue()  # progress, on stderr
    before = content()
    assert len(before["media"]) == 1 and before["plans"]
    for name in ("auth.user", "auth.group_permissions", "core.apitoken", "core.membership",
                 "delivery.historicalevent", "delivery.attachment", "surveys.answer",
                 "directory.historicalmember", "admin.logentry", "auth.user_groups"):
        assert before["tables"][name], f"the test data has no {name}"

    with zipfile.ZipFile(path) as archive:
        manifest = json.loads(archive.read("manifest.json"))
        names = set(archive.namelist())
    assert manifest["format_version"] == backup.FORMAT_VERSION
    assert manifest["database_vendor"] == connection.vendor
    assert manifest["migrations"]["directory"][:2] == ["0001_initial", "0002_load_asia_pacific"]
    assert {"sessions.session", "auth.permission", "contenttypes.contenttype",
            "axes.accessattempt"} <= set(manifest["excluded"])
    assert set(manifest["members"]) == names - {"manifest.json"}
    assert manifest["tables"]["delivery.participation"]["rows"] == \
        len(before["tables"]["delivery.participation"])
    assert manifest["media"]["files"] == 1 and manifest["media"]["missing"] == []

    fresh_database.wait_migrated()
    restored = fresh_database.run("-m", "workplan", "restore", str(path))
    assert "Restored" in restored.stdout
    second = tmp_path / "second.zip"
    after = json.loads(fresh_database.run("-m", "tests.core.backup_tables", "--probe",
                                          "--backup", str(second)).stdout)

    assert after["tables"].keys() == before["tables"].keys()
    for name, rows in before["tables"].items():
        assert len(after["tables"][name]) == len(rows), name
        assert after["tables"][name] == rows, name
    assert after["plans"] == before["plans"]
    assert after["media"] == before["media"]
    # A backup of the restored database, taken outside any transaction as in production,
    # holds the same rows, byte for byte.
    with zipfile.ZipFile(second) as archive:
        again = json.loads(archive.read("manifest.json"))
    assert {n: m for n, m in again["members"].items()} == manifest["members"]


# --- refusals ---------------------------------------------------------------------------------


@pytest.fixture
def empty_backup(media, tmp_path):
    """A backup of the freshly migrated test database, with two files under MEDIA_ROOT."""
    (media / "events" / "1").mkdir(parents=True)
    (media / "events" / "1" / "agenda.pdf").write_bytes(PDF)
    (media / "notes.txt").write_text("kept\n")
    path = tmp_path / "empty.zip"
    backup.create_backup(path)
    return path


def files_under(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes()
            for p in sorted(Path(root).rglob("*")) if p.is_file()}


def refused(path, match: str) -> str:
    with pytest.raises(CommandError, match=match) as caught:
        call_command("restore", str(path), stdout=io.StringIO(), stderr=io.StringIO())
    return str(caught.value)


def test_a_backup_of_a_freshly_migrated_database_restores(empty_backup, media):
    import shutil

    before = content()
    shutil.rmtree(media)
    out = io.StringIO()
    call_command("restore", str(empty_backup), stdout=out, stderr=io.StringIO())
    assert "Restored" in out.getvalue() and "2 file(s) (2 written)" in out.getvalue()
    assert content() == before
    assert backup.records_people_entered() == {}


def test_check_only_reads_the_archive(empty_backup):
    out = io.StringIO()
    call_command("restore", str(empty_backup), "--check", stdout=out)
    assert "every checksum matches" in out.getvalue()


@pytest.mark.parametrize("make, named", [
    ("user", "auth.user: 1"),
    ("plan", "plans.workplan: 1"),
    ("member", "directory.member: 1"),
])
def test_refuses_a_database_that_holds_records(empty_backup, media, make_user, request,
                                               make, named):
    if make == "user":
        make_user(None)
    elif make == "plan":
        request.getfixturevalue("seed_plan")
    else:
        request.getfixturevalue("other_office")  # a region, a member, an office of its own
    (media / "notes.txt").unlink()
    before, files = content(), files_under(media)
    message = refused(empty_backup, "records people entered")
    assert named in message and "freshly migrated" in message
    assert content() == before and files_under(media) == files


def test_history_of_a_loaded_record_counts_as_entered(office):
    office.name += " (renamed)"
    office.save()
    assert backup.records_people_entered() == {"directory.historicaloffice": 1}


def rewrite(source: Path, target: Path, *, change=None, drop=(), add=(), manifest=None):
    """Copy a backup member by member: ``change`` maps a member name to a function of its
    bytes, ``drop`` leaves members out, ``add`` appends (name, bytes), ``manifest`` edits the
    manifest (dict -> None)."""
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w") as new:
        for name in old.namelist():
            data = old.read(name)
            if name in drop:
                continue
            if name == "manifest.json" and manifest:
                loaded = json.loads(data)
                manifest(loaded)
                data = json.dumps(loaded).encode()
            elif change and name in change:
                data = change[name](data)
            new.writestr(name, data)
        for name, data in add:
            new.writestr(zipfile.ZipInfo(name), data)
    return target


def flip(data: bytes) -> bytes:
    middle = len(data) // 2
    return data[:middle] + bytes([data[middle] ^ 0x20]) + data[middle + 1:]


def flip_in_member(path: Path, name: str) -> bytes:
    """The archive's bytes with one byte flipped in the middle of ``name``'s stored data."""
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as archive:
        info = archive.getinfo(name)
    header = info.header_offset
    name_length = int.from_bytes(data[header + 26:header + 28], "little")
    extra_length = int.from_bytes(data[header + 28:header + 30], "little")
    start = header + 30 + name_length + extra_length
    data[start + info.compress_size // 2] ^= 0x20
    return bytes(data)


@pytest.mark.parametrize("damage, match", [
    ("member changed", "data/directory.member.jsonl does not match its checksum"),
    ("byte flipped in compressed rows", "damaged: data/directory.member.jsonl"),
    ("byte flipped in a stored file", "damaged: media/events/1/agenda.pdf"),
    ("member missing", "missing, e.g. data/auth.user.jsonl"),
    ("cut short", "not a zip file, or is damaged"),
    ("not a zip", "not a zip file"),
    ("no manifest", "has no manifest.json"),
    ("member added", "which its manifest does not list"),
])
def test_refuses_a_damaged_archive(empty_backup, media, tmp_path, damage, match):
    path = tmp_path / "damaged.zip"
    if damage == "member changed":
        rewrite(empty_backup, path, change={"data/directory.member.jsonl": flip})
    elif damage.startswith("byte flipped"):
        member = "data/directory.member.jsonl" if "rows" in damage else \
            "media/events/1/agenda.pdf"
        path.write_bytes(flip_in_member(empty_backup, member))
    elif damage == "member missing":
        rewrite(empty_backup, path, drop={"data/auth.user.jsonl"})
    elif damage == "cut short":
        path.write_bytes(empty_backup.read_bytes()[:-2000])
    elif damage == "not a zip":
        path.write_text("member,iso3\nLao,LAO\n")
    elif damage == "no manifest":
        rewrite(empty_backup, path, drop={"manifest.json"})
    else:
        rewrite(empty_backup, path, add=[("media/extra.txt", b"unlisted")])
    import shutil

    shutil.rmtree(media)
    before = content()
    message = refused(path, match)
    assert message.startswith("refused")
    assert content() == before and not media.exists()


def _future(manifest):
    manifest["migrations"]["plans"].append("0099_future")


def _past(manifest):
    manifest["migrations"]["plans"].pop()


@pytest.mark.parametrize("edit, match", [
    (lambda m: m.update(format_version=2), "format version 2; this Workplan"),
    (lambda m: m.update(format="something-else"), "not a Workplan backup"),
    (_future, "the backup has 1 migration.s. this database has not applied "
              r"\(plans.0099_future\)"),
    (_past, "this database has 1 migration.s. the backup was not made with"),
])
def test_refuses_a_mismatched_manifest(empty_backup, tmp_path, edit, match):
    path = rewrite(empty_backup, tmp_path / "mismatched.zip", manifest=edit)
    before = content()
    refused(path, match)
    assert content() == before


@pytest.mark.parametrize("name", [
    "media/../../escaped.txt",
    "media/events/../../../escaped.txt",
    "/tmp/escaped.txt",
    "data/../escaped.txt",
    "media\\..\\..\\escaped.txt",
    "C:/escaped.txt",
])
def test_refuses_member_names_that_lead_out_of_their_folder(empty_backup, media, tmp_path,
                                                            name):
    data = b"escaped\n"

    def listed(manifest):
        manifest["members"][name] = {"sha256": hashlib.sha256(data).hexdigest(),
                                     "size": len(data)}

    path = rewrite(empty_backup, tmp_path / "evil.zip", add=[(name, data)], manifest=listed)
    with zipfile.ZipFile(path) as archive:
        assert name in archive.namelist()  # stored as given
    before = content()
    message = refused(path, "points outside its folder")
    assert repr(name) in message
    assert content() == before
    assert not list(tmp_path.rglob("escaped.txt")) and not Path("/tmp/escaped.txt").exists()


def test_refuses_rows_that_do_not_hold_together(empty_backup, tmp_path):
    """A backup whose checksums match but whose rows name missing rows (here: an office role
    of a user the backup does not hold) is refused by the foreign-key check at the end."""
    row = json.dumps({"model": "core.membership", "pk": 7, "fields": {
        "created": "2025-01-06T08:00:00+00:00", "modified": "2025-01-06T08:00:00+00:00",
        "user": 999, "office": 1, "role": "staff", "member": None}}) + "\n"
    data = row.encode()
    name = "data/core.membership.jsonl"

    def listed(manifest):
        manifest["members"][name] = {"sha256": hashlib.sha256(data).hexdigest(),
                                     "size": len(data)}
        manifest["tables"]["core.membership"]["rows"] = 1

    path = rewrite(empty_backup, tmp_path / "dangling.zip", change={name: lambda _: data},
                   manifest=listed)
    before = content()
    refused(path, "do not hold together")
    assert content() == before


def test_refuses_rows_that_cannot_be_inserted(empty_backup, tmp_path):
    """The same region twice (a primary key repeated): refused, naming the table."""
    name = "data/directory.region.jsonl"
    with zipfile.ZipFile(empty_backup) as archive:
        data = archive.read(name) * 2

    def listed(manifest):
        manifest["members"][name] = {"sha256": hashlib.sha256(data).hexdigest(),
                                     "size": len(data)}
        manifest["tables"]["directory.region"]["rows"] *= 2

    path = rewrite(empty_backup, tmp_path / "twice.zip", change={name: lambda _: data},
                   manifest=listed)
    before = content()
    refused(path, "rows of directory.region cannot be inserted")
    assert content() == before


def test_refuses_to_overwrite_a_file_with_other_content(empty_backup, media):
    (media / "events" / "1" / "agenda.pdf").write_bytes(PDF + b"changed")
    before = content()
    refused(empty_backup, r"agenda.pdf exists with other content")
    assert content() == before
    assert (media / "events" / "1" / "agenda.pdf").read_bytes() == PDF + b"changed"


def test_a_failure_midway_rolls_back_rows_and_files(empty_backup, media, monkeypatch):
    import shutil

    shutil.rmtree(media)
    write = backup._write_media_files

    def fails_after_writing(archive, todo, created):
        write(archive, todo, created)
        assert created and all(path.exists() for path in created)
        raise OSError("disk full")

    monkeypatch.setattr(backup, "_write_media_files", fails_after_writing)
    from workplan.directory.models import Member

    Member.objects.filter(iso3="LAO").update(name="changed before restore")
    before = content()
    refused(empty_backup, "disk full")
    assert content() == before  # the rows deleted and inserted by the restore: back as before
    assert files_under(media) == {}


def test_a_failed_backup_leaves_no_file(empty_backup, media, tmp_path, monkeypatch):
    target = tmp_path / "nightly.zip"
    target.write_bytes(b"yesterday's backup")

    def fails(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(backup, "_write_media", fails)
    with pytest.raises(CommandError, match="disk full"):
        call_command("backup", "-o", str(target), stdout=io.StringIO(), stderr=io.StringIO())
    assert target.read_bytes() == b"yesterday's backup"
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        ["empty.zip", "media", "nightly.zip"])


def test_refuses_to_write_inside_media_root(media):
    media.mkdir(parents=True, exist_ok=True)
    with pytest.raises(CommandError, match="inside MEDIA_ROOT"):
        call_command("backup", "-o", str(media / "backup.zip"), stdout=io.StringIO(),
                     stderr=io.StringIO())
