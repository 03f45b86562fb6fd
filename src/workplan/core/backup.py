"""Backups: every record and every uploaded file in one zip file, and the way back.

``create_backup(path)`` writes one zip file:

    manifest.json            what the file holds and how to check it (see ``create_backup``)
    data/<app>.<model>.jsonl one Django-serialized row a line, ordered by primary key, for
                             every table of every installed app (history and link tables too)
    media/<path>             every file under MEDIA_ROOT (event documents, publications)

``restore_backup(path)`` puts it into a freshly migrated database and MEDIA_ROOT, in one
transaction, or refuses with the reason and changes nothing.

Why a zip of serialized rows rather than a database dump (pg_dump, a copy of the SQLite file):
the file reads the same on SQLite and PostgreSQL (an office may start on SQLite and move), it
can be checked member by member before anything is touched, and a restore can prove that it
matches the installation it goes into (the applied migrations travel with it).
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
import os
import re
import shutil
import tempfile
import time
import zipfile
import zlib
from collections.abc import Callable, Iterable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from importlib import import_module
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core import serializers
from django.core.management.color import no_style
from django.core.serializers import jsonl
from django.core.serializers.base import DeserializationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import DatabaseError, IntegrityError, connections, transaction
from django.db.migrations.recorder import MigrationRecorder

FORMAT = "workplan-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
DATA_PREFIX = "data/"
MEDIA_PREFIX = "media/"
CHUNK_SIZE = 2000  # rows read per database round trip, and inserted per batch
PROGRESS_EVERY = 100_000  # rows: a progress line within a big table
# Files that are compressed already: stored as they are (deflating them again costs time only).
STORED_SUFFIXES = {".png", ".jpg", ".jpeg", ".gif", ".webp", ".zip", ".gz", ".docx", ".xlsx",
                   ".pptx", ".pdf", ".mp4"}

# Tables a backup leaves out, and why. Everything else installed is in it.
EXCLUDED_MODELS = {
    "sessions.session": "sign-in sessions are short-lived: after a restore everyone signs in "
                        "again",
    "contenttypes.contenttype": "migrate creates them; rows that refer to one name it by its "
                                "natural key (app label, model)",
    "auth.permission": "migrate creates them; rows that refer to one name it by its natural "
                       "key (codename, app label, model)",
}
EXCLUDED_APPS = {
    "axes": "django-axes' sign-in failure counters and lock-outs expire within the hour; a "
            "restored installation starts with none",
}


class BackupError(Exception):
    """A backup or restore that cannot go ahead; the message says why and what to do."""


# --- what a backup holds ----------------------------------------------------------------------


def label(model) -> str:
    return model._meta.label_lower


def exclusion_reason(model) -> str | None:
    """Why ``model``'s table is left out of backups, or None when it is backed up."""
    meta = model._meta
    return EXCLUDED_MODELS.get(meta.label_lower) or EXCLUDED_APPS.get(meta.app_label)


def backed_up_models() -> list:
    """Every table a backup holds, in INSTALLED_APPS order: the models of every installed app,
    with the link tables of many-to-many fields (written as rows of their own, so that a
    restore inserts them like any table) and the simple-history tables; without the excluded
    ones (``EXCLUDED_MODELS``, ``EXCLUDED_APPS``), proxies and unmanaged models (no table of
    their own)."""
    chosen = []
    for model in apps.get_models(include_auto_created=True):
        meta = model._meta
        if meta.proxy or not meta.managed or meta.swapped or exclusion_reason(model):
            continue
        chosen.append(model)
    return chosen


def excluded_tables() -> dict[str, str]:
    """{model label: reason} of every installed table a backup leaves out."""
    return {label(m): exclusion_reason(m) for m in apps.get_models(include_auto_created=True)
            if exclusion_reason(m)}


def applied_migrations(using: str = "default") -> dict[str, list[str]]:
    """{app label: sorted names} of the migrations recorded in django_migrations: what a
    backup's rows fit. A restore refuses a database whose list differs."""
    applied: dict[str, list[str]] = {}
    for app_label, name in MigrationRecorder(connections[using]).applied_migrations():
        applied.setdefault(app_label, []).append(name)
    return {app_label: sorted(names) for app_label, names in sorted(applied.items())}


def _migration_loaded_keys() -> dict[str, tuple[str, set]]:
    """{model label: (natural key field, keys)} of the rows the data migrations create
    (directory/migrations/0002_load_asia_pacific.py and 0007_partners_oco_pifs.py,
    indicators/migrations/0003_instruments_and_bindings.py), read from the same data they
    load. Every other table of a freshly migrated database is empty, but for the group-member
    links of these groups."""
    from workplan.directory.services import ASIA_PACIFIC, _rows
    from workplan.indicators.services import DATA as INDICATOR_DATA

    with (INDICATOR_DATA / "instruments.csv").open(encoding="utf-8") as handle:
        instruments = {row["code"] for row in csv.DictReader(handle)}
    # the partners directory/migrations/0007_partners_oco_pifs.py adds (OCO, PIFS)
    partners = import_module("workplan.directory.migrations.0007_partners_oco_pifs").PARTNERS
    return {
        "directory.partner": ("name", {name for name, *_rest in partners}),
        "directory.region": ("code", {ASIA_PACIFIC["region"][0]}),
        "directory.office": ("code", {ASIA_PACIFIC["office"]["code"]}),
        "directory.member": ("iso3", {row["iso3"] for row in _rows(ASIA_PACIFIC["members"])}),
        "directory.membergroup": ("name", {row["name"]
                                           for row in _rows(ASIA_PACIFIC["groups"])}),
        "indicators.instrument": ("code", instruments),
    }


def records_people_entered(using: str = "default") -> dict[str, int]:
    """What the database holds beyond what ``workplan migrate`` puts there: {model label:
    rows}, empty for a freshly migrated database. A restore refuses any other database, so
    that it never replaces records somebody entered.

    Counted, table by table (every table a backup holds):

    - every row of a table the data migrations leave empty: users, groups, office roles,
      API tokens, admin log, strategic and work plans, events, people, partners, requests,
      surveys and responses, KPI targets and values, publications, and every history record
      (an edit of a member, an office or an instrument in Workplan's pages leaves one);
    - a row of a table the data migrations fill (regions, offices, members, member groups
      with their members, WCO instruments) that is not one of the rows they create, told by
      its natural key: region code, office code, member ISO3, group name, instrument code;
      a group-member link counts when its group or its member does.

    Not counted: the tables a backup leaves out (sessions, django-axes' sign-in records,
    content types and permissions, which migrate creates).
    """
    keys = _migration_loaded_keys()
    found: dict[str, int] = {}
    for model in backed_up_models():
        name = label(model)
        rows = model._base_manager.using(using)
        if name == "directory.membergroup_members":
            rows = rows.exclude(membergroup__name__in=keys["directory.membergroup"][1],
                                member__iso3__in=keys["directory.member"][1])
        elif name in keys:
            key_field, allowed = keys[name]
            rows = rows.exclude(**{f"{key_field}__in": allowed})
        if rows.exists():
            found[name] = rows.count()
    return found


# --- writing ----------------------------------------------------------------------------------


class _ExactEncoder(DjangoJSONEncoder):
    """DjangoJSONEncoder cuts datetimes and times to milliseconds; a backup keeps them whole
    (history timestamps, ``created``/``modified``), so that restored rows equal the
    originals."""

    def default(self, o):
        if isinstance(o, (dt.datetime, dt.time)):
            return o.isoformat()
        return super().default(o)


class _RowSerializer(jsonl.Serializer):
    """Django's JSON Lines serializer, two changes: a many-to-many field is not written in
    its row (its link table is a member of the backup of its own), and a reference to a
    content type or a permission is written as its natural key (those tables are not in the
    backup: migrate creates them, maybe with other ids)."""

    def __init__(self, natural_keys: dict):
        super().__init__()
        self.natural_keys = natural_keys

    def handle_fk_field(self, obj, field):
        keys = self.natural_keys.get(field.remote_field.model)
        value = getattr(obj, field.attname)
        if keys is not None and value in keys:
            self._current[field.name] = list(keys[value])
        else:  # no natural key known: the id, as Django writes it
            super().handle_fk_field(obj, field)

    def handle_m2m_field(self, obj, field):
        pass

    def end_object(self, obj):
        # One write a row (json.dump would write each token: 40 times more calls).
        self.stream.write(json.dumps(self.get_dump_object(obj), **self.json_kwargs) + "\n")
        self._current = None


def _natural_keys(using: str) -> dict:
    """{model: {pk: natural key}} for the tables a backup leaves out but rows refer to."""
    from django.contrib.auth.models import Permission
    from django.contrib.contenttypes.models import ContentType

    content_types = {pk: (app_label, model) for pk, app_label, model in
                     ContentType.objects.using(using).values_list("pk", "app_label", "model")}
    permissions = {pk: (codename, *content_types[ct]) for pk, codename, ct in
                   Permission.objects.using(using).values_list("pk", "codename",
                                                               "content_type")}
    return {ContentType: content_types, Permission: permissions}


class _HashingWriter:
    """A text stream over a zip member: encodes, counts, hashes and buffers what is written."""

    def __init__(self, raw):
        self.raw = raw
        self.sha256 = hashlib.sha256()
        self.size = 0
        self._buffer: list[str] = []
        self._buffered = 0

    def write(self, text: str) -> None:
        self._buffer.append(text)
        self._buffered += len(text)
        if self._buffered >= 1 << 16:
            self.flush()

    def write_bytes(self, data: bytes) -> None:
        self.flush()
        self.sha256.update(data)
        self.size += len(data)
        self.raw.write(data)

    def flush(self) -> None:
        if self._buffer:
            data = "".join(self._buffer).encode("utf-8")
            self._buffer, self._buffered = [], 0
            self.sha256.update(data)
            self.size += len(data)
            self.raw.write(data)


@contextmanager
def _one_snapshot(using: str):
    """Run the block's reads on one snapshot of the database, so that the backup is
    consistent (no event without its participations because they were added in between).

    PostgreSQL: one REPEATABLE READ, READ ONLY transaction (the SET must be its first
    statement). SQLite: one deferred transaction; in WAL mode its first read fixes the
    snapshot and writers go on meanwhile (the IMMEDIATE mode of the settings would lock them
    out for the whole backup). Inside a caller's transaction (tests) the reads see what that
    transaction sees, and nothing is set.
    """
    connection = connections[using]
    if connection.in_atomic_block:
        yield
        return
    with ExitStack() as stack:
        if connection.vendor == "sqlite":
            connection.ensure_connection()
            previous = connection.transaction_mode
            connection.transaction_mode = "DEFERRED"
            try:
                stack.enter_context(transaction.atomic(using=using))
            finally:
                connection.transaction_mode = previous
        else:
            stack.enter_context(transaction.atomic(using=using))
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        yield


def _counted(rows: Iterable, name: str, progress: Callable[[str], None] | None,
             counter: list[int]) -> Iterator:
    for row in rows:
        counter[0] += 1
        if progress and counter[0] % PROGRESS_EVERY == 0:
            progress(f"  {name}: {counter[0]:,} rows ...")
        yield row


def _file_fields(model) -> list[str]:
    return [f.attname for f in model._meta.concrete_fields
            if f.get_internal_type() in ("FileField", "ImageField")]


def _write_table(archive: zipfile.ZipFile, model, using: str, natural_keys: dict,
                 progress, referenced_files: set[str]) -> tuple[str, int, dict]:
    """Stream one table into ``data/<label>.jsonl``, a chunk of rows at a time."""
    name = f"{DATA_PREFIX}{label(model)}.jsonl"
    file_fields = _file_fields(model)
    rows = model._base_manager.using(using).order_by("pk").iterator(chunk_size=CHUNK_SIZE)
    counter = [0]

    def noting_files(objects):
        for obj in objects:
            for attname in file_fields:
                value = getattr(obj, attname)
                if value and value.name:
                    referenced_files.add(value.name)
            yield obj

    info = zipfile.ZipInfo(name, date_time=time.localtime()[:6])
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = 0o600 << 16
    with archive.open(info, "w", force_zip64=True) as raw:
        writer = _HashingWriter(raw)
        _RowSerializer(natural_keys).serialize(
            _counted(noting_files(rows), label(model), progress, counter),
            stream=writer, cls=_ExactEncoder)
        writer.flush()
    return name, counter[0], {"sha256": writer.sha256.hexdigest(), "size": writer.size}


def media_files(media_root: Path) -> list[tuple[str, Path]]:
    """(relative POSIX path, file) of every regular file under ``media_root``, sorted;
    symbolic links are not followed (they may point anywhere)."""
    found = []
    if not media_root.is_dir():
        return found
    for folder, dirs, files in os.walk(media_root):
        dirs[:] = sorted(d for d in dirs if not os.path.islink(os.path.join(folder, d)))
        for filename in sorted(files):
            path = Path(folder) / filename
            if path.is_symlink() or not path.is_file():
                continue
            found.append((path.relative_to(media_root).as_posix(), path))
    return found


def _write_media(archive: zipfile.ZipFile, relative: str, path: Path) -> tuple[str, dict]:
    name = MEDIA_PREFIX + relative
    stat = path.stat()
    # zip dates start in 1980
    info = zipfile.ZipInfo(name, date_time=max(time.localtime(stat.st_mtime)[:6],
                                               (1980, 1, 1, 0, 0, 0)))
    info.compress_type = (zipfile.ZIP_STORED if path.suffix.lower() in STORED_SUFFIXES
                          else zipfile.ZIP_DEFLATED)
    info.file_size = stat.st_size
    info.external_attr = 0o644 << 16
    with path.open("rb") as source, archive.open(info, "w", force_zip64=True) as raw:
        writer = _HashingWriter(raw)
        while chunk := source.read(1 << 20):
            writer.write_bytes(chunk)
    return name, {"sha256": writer.sha256.hexdigest(), "size": writer.size}


@dataclass
class BackupSummary:
    path: Path
    tables: int
    rows: int
    media_files: int
    media_bytes: int
    size: int
    seconds: float
    missing_files: list[str] = field(default_factory=list)


def create_backup(output: str | os.PathLike, *, using: str = "default",
                  progress: Callable[[str], None] | None = None) -> BackupSummary:
    """Write every record and every uploaded file to the zip file ``output``.

    The rows are read on one snapshot of the database (``_one_snapshot``) and streamed, a
    chunk at a time, into the archive: a large database never sits in memory. The files
    under MEDIA_ROOT follow. ``manifest.json`` comes last: format and version, Workplan and
    Django versions, when, the database vendor, the applied migrations per app, each table's
    row count, the tables left out and why, and the sha256 and size of every other member,
    which a restore checks before it touches anything.

    The archive is written to a temporary file beside ``output`` (mode 600: it holds
    password hashes) and renamed at the end, so a failed backup leaves no partial file and
    an earlier backup of the same name stays whole until the new one is complete.
    """
    started = time.monotonic()
    output = Path(output).resolve()
    media_root = Path(settings.MEDIA_ROOT).resolve()
    if output.is_relative_to(media_root):
        raise BackupError(f"{output} is inside MEDIA_ROOT ({media_root}): the backup would "
                          "back itself up next time; write it elsewhere")
    if not output.parent.is_dir():
        raise BackupError(f"{output.parent} is not a folder")
    say = progress or (lambda line: None)
    members: dict[str, dict] = {}
    tables: dict[str, dict] = {}
    referenced_files: set[str] = set()
    descriptor, temporary = tempfile.mkstemp(dir=output.parent, prefix=f".{output.name}.",
                                             suffix=".partial")
    try:
        with os.fdopen(descriptor, "wb") as handle:
            with zipfile.ZipFile(handle, "w", compression=zipfile.ZIP_DEFLATED,
                                 compresslevel=6) as archive:
                with _one_snapshot(using):
                    migrations = applied_migrations(using)
                    natural_keys = _natural_keys(using)
                    models = backed_up_models()
                    say(f"Reading {len(models)} tables ...")
                    for model in models:
                        name, rows, digest = _write_table(archive, model, using, natural_keys,
                                                          progress, referenced_files)
                        members[name] = digest
                        tables[label(model)] = {"table": model._meta.db_table, "rows": rows,
                                                "member": name}
                        if rows:
                            say(f"  {label(model)}: {rows:,} rows")
                files = media_files(media_root)
                say(f"Copying {len(files):,} files from {media_root} ...")
                media_bytes = 0
                for relative, path in files:
                    name, digest = _write_media(archive, relative, path)
                    members[name] = digest
                    media_bytes += digest["size"]
                present = {relative for relative, _path in files}
                missing = sorted(referenced_files - present)
                manifest = {
                    "format": FORMAT,
                    "format_version": FORMAT_VERSION,
                    "app_version": _app_version(),
                    "django_version": _django_version(),
                    "created_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
                    "database_vendor": connections[using].vendor,
                    "migrations": migrations,
                    "tables": tables,
                    "excluded": excluded_tables(),
                    "media": {"files": len(files), "bytes": media_bytes,
                              "missing": missing},
                    "members": members,
                }
                info = zipfile.ZipInfo(MANIFEST, date_time=time.localtime()[:6])
                info.external_attr = 0o600 << 16
                archive.writestr(info, json.dumps(manifest, indent=1, ensure_ascii=False),
                                 compress_type=zipfile.ZIP_DEFLATED)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, output)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    if missing:
        say(f"Warning: {len(missing)} file(s) that rows name are missing from {media_root} "
            f"(listed in the manifest): {', '.join(missing[:5])}")
    return BackupSummary(path=output, tables=len(tables),
                         rows=sum(t["rows"] for t in tables.values()),
                         media_files=len(files), media_bytes=media_bytes,
                         size=output.stat().st_size, seconds=time.monotonic() - started,
                         missing_files=missing)


def _app_version() -> str:
    from workplan import __version__

    return __version__


def _django_version() -> str:
    import django

    return django.get_version()


# --- reading and checking ---------------------------------------------------------------------

_DRIVE = re.compile(r"^[A-Za-z]:")


def check_member_name(name: str) -> None:
    """Refuse a member name that could write outside its folder or is not ours: absolute
    paths, drive letters, backslashes, ``..`` or empty parts, anything but ``manifest.json``,
    ``data/...`` and ``media/...``."""
    if name == MANIFEST:
        return
    parts = name.split("/")
    if (name.startswith("/") or _DRIVE.match(name) or "\\" in name or "\x00" in name
            or any(part in ("", ".", "..") for part in parts)):
        raise BackupError(f"refused: the archive member name {name!r} points outside its "
                          "folder (absolute path or '..'); the file is not a Workplan backup "
                          "or was tampered with")
    if parts[0] + "/" not in (DATA_PREFIX, MEDIA_PREFIX) or len(parts) < 2:
        raise BackupError(f"refused: unexpected archive member {name!r} (a Workplan backup "
                          "holds manifest.json, data/ and media/ only)")


@dataclass
class Archive:
    """An opened backup whose every member was checked against its manifest."""

    path: Path
    zip: zipfile.ZipFile
    manifest: dict

    def close(self) -> None:
        self.zip.close()


def open_backup(path: str | os.PathLike) -> Archive:
    """Open the backup ``path`` and check it whole before anything is restored from it: a zip
    file, every member name safe, ``manifest.json`` readable and of a known format version,
    every member it lists present with its sha256 and size, nothing unlisted. BackupError
    names the first problem."""
    path = Path(path)
    if not path.is_file():
        raise BackupError(f"refused: {path} does not exist or is not a file")
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as error:
        raise BackupError(f"refused: {path} is not a zip file, or is damaged ({error})") \
            from None
    try:
        manifest = _check_archive(path, archive)
    except BaseException:
        archive.close()
        raise
    return Archive(path, archive, manifest)


def _check_archive(path: Path, archive: zipfile.ZipFile) -> dict:
    names = archive.namelist()
    if len(names) != len(set(names)):
        raise BackupError(f"refused: {path} holds a member twice: damaged or tampered with")
    for name in names:
        check_member_name(name)
    if MANIFEST not in names:
        raise BackupError(f"refused: {path} has no manifest.json: not a Workplan backup, or "
                          "it was cut short")
    try:
        manifest = json.loads(archive.read(MANIFEST))
    except (zipfile.BadZipFile, ValueError, OSError) as error:
        raise BackupError(f"refused: the manifest of {path} is damaged ({error})") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError(f"refused: {path} is not a Workplan backup (its manifest names no "
                          f"format {FORMAT!r})")
    version = manifest.get("format_version")
    if version != FORMAT_VERSION:
        raise BackupError(f"refused: {path} is a backup of format version {version!r}; this "
                          f"Workplan ({_app_version()}) reads version {FORMAT_VERSION} only")
    members = manifest.get("members")
    tables = manifest.get("tables")
    if not isinstance(members, dict) or not isinstance(tables, dict) \
            or not isinstance(manifest.get("migrations"), dict):
        raise BackupError(f"refused: the manifest of {path} is incomplete (members, tables "
                          "or migrations missing)")
    for name in members:
        check_member_name(name)
    present = set(names) - {MANIFEST}
    missing = sorted(set(members) - present)
    if missing:
        raise BackupError(f"refused: {path} is damaged: {len(missing)} member(s) listed in "
                          f"its manifest are missing, e.g. {missing[0]}")
    unlisted = sorted(present - set(members))
    if unlisted:
        raise BackupError(f"refused: {path} holds {unlisted[0]}, which its manifest does "
                          "not list: damaged or tampered with")
    for entry in tables.values():
        if entry.get("member") not in members:
            raise BackupError(f"refused: the manifest of {path} lists a table without its "
                              "rows")
    for name, expected in members.items():
        sha, size = hashlib.sha256(), 0
        try:
            with archive.open(name) as member:
                while chunk := member.read(1 << 20):
                    sha.update(chunk)
                    size += len(chunk)
        except (zipfile.BadZipFile, zlib.error, OSError, EOFError, ValueError) as error:
            raise BackupError(f"refused: {path} is damaged: {name} cannot be read ({error})") \
                from None
        if sha.hexdigest() != expected.get("sha256") or size != expected.get("size"):
            raise BackupError(f"refused: {path} is damaged: {name} does not match its "
                              "checksum in the manifest")
    return manifest


def check_migrations(manifest: dict, using: str = "default") -> None:
    """Refuse a backup whose rows were written under other migrations than this database's:
    the tables would not have the same columns. Names what differs and what to do."""
    theirs = {(app_label, name) for app_label, names in manifest["migrations"].items()
              for name in names}
    ours = {(app_label, name) for app_label, names in applied_migrations(using).items()
            for name in names}
    if theirs == ours:
        return
    only_backup = sorted(f"{a}.{n}" for a, n in theirs - ours)
    only_here = sorted(f"{a}.{n}" for a, n in ours - theirs)
    parts = []
    if only_backup:
        parts.append(f"the backup has {len(only_backup)} migration(s) this database has not "
                     f"applied ({', '.join(only_backup[:5])}): install the Workplan version "
                     f"that made it ({manifest.get('app_version')}) or a later one, and run "
                     "workplan migrate")
    if only_here:
        parts.append(f"this database has {len(only_here)} migration(s) the backup was not "
                     f"made with ({', '.join(only_here[:5])}): restore with the Workplan "
                     f"version that made the backup ({manifest.get('app_version')}), then "
                     "upgrade")
    raise BackupError("refused: the backup does not match this installation: "
                      + "; ".join(parts))


# --- restoring --------------------------------------------------------------------------------


@dataclass
class RestoreSummary:
    tables: int
    rows: int
    media_files: int
    media_written: int
    seconds: float
    manifest: dict


def _media_target(media_root: Path, name: str) -> Path:
    """Where the member ``media/...`` goes: inside MEDIA_ROOT or refused (a symbolic link
    inside MEDIA_ROOT must not lead the file elsewhere either)."""
    relative = name[len(MEDIA_PREFIX):]
    target = (media_root / relative).resolve()
    if not target.is_relative_to(media_root):
        raise BackupError(f"refused: {name} would be written outside MEDIA_ROOT "
                          f"({media_root})")
    return target


def _file_sha256(path: Path) -> str:
    sha = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 20):
            sha.update(chunk)
    return sha.hexdigest()


def _media_plan(archive: Archive, media_root: Path) -> list[tuple[str, Path]]:
    """The media members to write and where; refuses when a file there already has other
    content (it would be overwritten). Files already there with the same content are
    skipped."""
    todo = []
    for name, expected in archive.manifest["members"].items():
        if not name.startswith(MEDIA_PREFIX):
            continue
        target = _media_target(media_root, name)
        if target.exists() or target.is_symlink():
            if not target.is_file() or _file_sha256(target) != expected["sha256"]:
                raise BackupError(f"refused: {target} exists with other content than the "
                                  f"backup's {name}; move it away (nothing was changed)")
            continue
        todo.append((name, target))
    return todo


def _models_of(manifest: dict) -> list:
    """The backup's tables as this installation's models; refuses a table it does not know
    and a table of this installation that the backup lacks."""
    ours = {label(m): m for m in backed_up_models()}
    unknown = sorted(set(manifest["tables"]) - set(ours))
    if unknown:
        raise BackupError(f"refused: the backup holds tables this installation does not "
                          f"have: {', '.join(unknown[:5])}")
    lacking = sorted(set(ours) - set(manifest["tables"]))
    if lacking:
        raise BackupError(f"refused: the backup lacks tables this installation has: "
                          f"{', '.join(lacking[:5])}")
    return [ours[name] for name in manifest["tables"]]


def _insert(model, objects: list, using: str) -> None:
    """Insert rows as loaddata saves them (raw: every value as stored, ``auto_now`` fields
    and pre-save hooks left alone), a batch per statement and without sending model signals
    at all: nothing (simple-history above all) writes side rows during a restore."""
    connection = connections[using]
    fields = list(model._meta.concrete_fields)
    size = max(1, min(CHUNK_SIZE, connection.ops.bulk_batch_size(fields, objects)))
    manager = model._base_manager.using(using)
    for start in range(0, len(objects), size):
        try:
            manager._insert(objects[start:start + size], fields=fields, using=using,
                            raw=True)
        except (DatabaseError, ValueError, TypeError) as error:
            raise BackupError(f"refused: rows of {label(model)} cannot be inserted ({error});"
                              " nothing was changed") from None


def _load_table(archive: Archive, model, using: str, progress) -> int:
    """Stream one ``data/`` member into its table; returns the number of rows."""
    entry = archive.manifest["tables"][label(model)]
    name = entry["member"]
    count = 0
    batch: list = []
    with archive.zip.open(name) as raw:
        lines = io.TextIOWrapper(raw, encoding="utf-8")
        try:
            for deserialized in serializers.deserialize("jsonl", lines, using=using):
                obj = deserialized.object
                if type(obj) is not model:
                    raise BackupError(f"refused: {name} holds a row of {label(obj)}")
                batch.append(obj)
                count += 1
                if len(batch) >= CHUNK_SIZE:
                    _insert(model, batch, using)
                    batch = []
                    if progress and count % PROGRESS_EVERY == 0:
                        progress(f"  {label(model)}: {count:,} rows ...")
        except DeserializationError as error:
            cause = error.__cause__ or error
            raise BackupError(f"refused: row {count + 1} of {name} cannot be loaded "
                              f"({cause}); nothing was changed") from None
        if batch:
            _insert(model, batch, using)
    if count != entry["rows"]:
        raise BackupError(f"refused: {name} holds {count} rows, its manifest says "
                          f"{entry['rows']}; nothing was changed")
    return count


def _write_media_files(archive: Archive, todo: list[tuple[str, Path]],
                       created: list[Path]) -> None:
    for name, target in todo:
        folder = target.parent
        missing_folders = []
        while not folder.exists():
            missing_folders.append(folder)
            folder = folder.parent
        for folder in reversed(missing_folders):
            folder.mkdir()
            created.append(folder)
        descriptor, temporary = tempfile.mkstemp(dir=target.parent, prefix=".restore-")
        try:
            with os.fdopen(descriptor, "wb") as handle, archive.zip.open(name) as member:
                shutil.copyfileobj(member, handle, 1 << 20)
            os.chmod(temporary, 0o644)
            os.replace(temporary, target)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
        created.append(target)


def _remove(created: list[Path]) -> None:
    for path in reversed(created):
        try:
            if path.is_dir():
                path.rmdir()
            else:
                path.unlink()
        except OSError:
            pass


def restore_backup(path: str | os.PathLike, *, using: str = "default",
                   progress: Callable[[str], None] | None = None) -> RestoreSummary:
    """Put the backup ``path`` into this freshly migrated database and MEDIA_ROOT.

    Refuses, changing nothing, when the archive is damaged or not a Workplan backup
    (``open_backup``), when it was made under other migrations (``check_migrations``), when
    the database holds records people entered (``records_people_entered``), or when a file
    under MEDIA_ROOT would be overwritten with other content.

    Then, in one transaction: the rows ``workplan migrate`` loaded (and any session) are
    deleted, the backup's rows are inserted with their own primary keys (``_insert``: raw,
    no signals), PostgreSQL's sequences are moved past them, foreign keys are checked, and
    the files are written. Any failure rolls the rows back and removes the files written so
    far: all or nothing.
    """
    started = time.monotonic()
    say = progress or (lambda line: None)
    archive = open_backup(path)
    created: list[Path] = []
    try:
        manifest = archive.manifest
        check_migrations(manifest, using)
        models = _models_of(manifest)
        media_root = Path(settings.MEDIA_ROOT).resolve()
        connection = connections[using]
        with transaction.atomic(using=using):
            entered = records_people_entered(using)
            if entered:
                shown = ", ".join(f"{name}: {rows:,}" for name, rows
                                  in list(entered.items())[:8])
                more = f" and {len(entered) - 8} more tables" if len(entered) > 8 else ""
                raise BackupError(
                    "refused: the database already holds records people entered ("
                    f"{shown}{more}); a backup is restored only into a freshly migrated "
                    "database (create an empty database, run workplan migrate, then "
                    "restore). Nothing was changed.")
            todo = _media_plan(archive, media_root)
            say(f"Restoring {len(models)} tables from {archive.path} "
                f"(made {manifest.get('created_at')} by Workplan {manifest.get('app_version')}"
                f" on {manifest.get('database_vendor')}) ...")
            from django.contrib.sessions.models import Session

            Session.objects.using(using).all().delete()
            with connection.cursor() as cursor:
                for model in models:
                    cursor.execute(f"DELETE FROM {connection.ops.quote_name(model._meta.db_table)}")
            rows = 0
            for model in models:
                loaded = _load_table(archive, model, using, progress)
                rows += loaded
                if loaded:
                    say(f"  {label(model)}: {loaded:,} rows")
            with connection.cursor() as cursor:
                for statement in connection.ops.sequence_reset_sql(no_style(), models):
                    cursor.execute(statement)
            try:
                connection.check_constraints(
                    table_names=[model._meta.db_table for model in models])
            except (IntegrityError, DatabaseError) as error:
                raise BackupError(f"refused: the backup's rows do not hold together ({error});"
                                  " nothing was changed") from None
            say(f"Writing {len(todo):,} files to {media_root} ...")
            _write_media_files(archive, todo, created)
    except BaseException:
        _remove(created)
        raise
    finally:
        archive.close()
    media_total = sum(1 for name in manifest["members"] if name.startswith(MEDIA_PREFIX))
    return RestoreSummary(tables=len(models), rows=rows, media_files=media_total,
                          media_written=len(todo), seconds=time.monotonic() - started,
                          manifest=manifest)
