"""The whole content of a Workplan database, for comparing one with another (the backup
tests): every table of every installed app as a sorted list of rows (values of every column),
the canonical JSON of every work plan, and the sha256 of every file under MEDIA_ROOT.

Run as ``python -m tests.core.backup_tables [--probe] [--backup FILE]`` (with DATABASE_URL
and WORKPLAN_HOME set) it prints that content as JSON; ``--probe`` then adds rows to a few
tables and rolls them back (``probe_new_rows``), ``--backup`` writes a backup of the database
with ``workplan backup`` (outside any transaction, as in production).
"""

from __future__ import annotations

import datetime as dt
import decimal
import hashlib
import json
import sys
import uuid
from pathlib import Path

# Left out of the comparison: the tables a backup leaves out and a restore does not recreate.
NOT_COMPARED_APPS = {"sessions", "axes"}


def _plain(value):
    if isinstance(value, (dt.datetime, dt.date, dt.time)):
        return value.isoformat()
    if isinstance(value, (decimal.Decimal, uuid.UUID, dt.timedelta)):
        return str(value)
    if isinstance(value, (bytes, memoryview)):
        return bytes(value).hex()
    if isinstance(value, (dict, list)):
        return json.dumps(value, sort_keys=True)
    return value


def table_rows(using: str = "default") -> dict[str, list]:
    """{model label: rows} of every table (models of every app, link tables, history)."""
    from django.apps import apps

    tables = {}
    for model in apps.get_models(include_auto_created=True):
        meta = model._meta
        if meta.proxy or not meta.managed or meta.app_label in NOT_COMPARED_APPS:
            continue
        columns = [f.attname for f in meta.concrete_fields]
        rows = model._base_manager.using(using).order_by("pk").values_list(*columns)
        tables[meta.label_lower] = [[_plain(v) for v in row] for row in rows]
    return tables


def plan_exports() -> dict[str, object]:
    """{office code/period: canonical JSON} of every work plan."""
    from workplan.plans.export import export_plan
    from workplan.plans.models import WorkPlan

    return {f"{plan.office.code}/{plan.period}": json.loads(export_plan(plan, "json")[2])
            for plan in WorkPlan.objects.select_related("office", "office__region")
            .order_by("office__code", "period")}


def media_digests(root) -> dict[str, str]:
    root = Path(root)
    return {path.relative_to(root).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
            for path in sorted(root.rglob("*")) if path.is_file()} if root.is_dir() else {}


def content() -> dict:
    """Everything above, as plain JSON values."""
    from django.conf import settings

    return json.loads(json.dumps({"tables": table_rows(), "plans": plan_exports(),
                                  "media": media_digests(settings.MEDIA_ROOT)}))


def probe_new_rows() -> None:
    """Add a user, a person, an event (with its history record) and a participation, then
    roll back: after a restore the ids must continue past the restored ones (PostgreSQL's
    sequences reset), or this fails with a duplicate key."""
    from django.contrib.auth import get_user_model
    from django.db import transaction

    from workplan.delivery.models import Event, Participation
    from workplan.directory.models import Office, Person

    with transaction.atomic():
        office = Office.objects.order_by("pk").first()
        get_user_model().objects.create_user("probe-after-restore")
        person = Person.objects.create(office=office, full_name="Probe After Restore")
        event = Event.objects.create(office=office, title="Probe", kind="workshop",
                                     level="national", start_date=dt.date(2025, 1, 6),
                                     end_date=dt.date(2025, 1, 7))
        Participation.objects.create(event=event, person=person)
        transaction.set_rollback(True)


def main(argv: list[str]) -> None:
    import os

    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "workplan.settings")
    django.setup()
    found = content()
    if "--probe" in argv:
        probe_new_rows()
    if "--backup" in argv:
        from django.core.management import call_command

        call_command("backup", "-o", argv[argv.index("--backup") + 1], stdout=sys.stderr)
    json.dump(found, sys.stdout)


if __name__ == "__main__":
    main(sys.argv[1:])
