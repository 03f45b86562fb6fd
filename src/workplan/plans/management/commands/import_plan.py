"""``workplan import_plan FILE [--office CODE] [--dry-run] [--archive-removed]``: import a
published work plan. A re-import that would archive recorded KPI data (KPIs or actions that
leave the plan) is refused, listing them, unless ``--archive-removed`` says yes to it."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from workplan.directory.models import Office
from workplan.plans.services import ArchiveNotConfirmed, import_plan
from workplan.plans.textplan.parser import PlanSyntaxError

DEFAULT_OFFICE = "ROCB-AP"


class Command(BaseCommand):
    help = ("Import an annual work plan in the published text layout. Prints counts, then every "
            "warning with its line number. The whole plan is written, or nothing.")

    def add_arguments(self, parser):
        parser.add_argument("file", help="the plan as text (UTF-8), or - for standard input")
        parser.add_argument("--office", default=DEFAULT_OFFICE,
                            help=f"office code (default {DEFAULT_OFFICE})")
        parser.add_argument("--dry-run", action="store_true",
                            help="report what the import would do; write nothing")
        parser.add_argument("--period", help="fiscal year, e.g. 2025-2026, when the title "
                            "does not give it")
        parser.add_argument("--archive-removed", action="store_true",
                            help="archive the KPIs and actions that leave the plan holding "
                            "recorded data (targets, values, surveys ...): kept, read-only. "
                            "Without it such an import is refused")

    def handle(self, *args, file, office, dry_run, period, archive_removed, **options):
        try:
            the_office = Office.objects.select_related("region").get(code__iexact=office)
        except Office.DoesNotExist:
            known = ", ".join(Office.objects.values_list("code", flat=True)) or "none"
            raise CommandError(f"no office with code {office!r} (known: {known})") from None
        if file == "-":
            import sys

            data, name = sys.stdin.buffer.read(), "<stdin>"
        else:
            path = Path(file)
            if not path.is_file():
                raise CommandError(f"{file}: no such file")
            data, name = path.read_bytes(), path.name
        try:
            report = import_plan(data, the_office, source_name=name, dry_run=dry_run,
                                 period=period, archive=archive_removed)
        except ArchiveNotConfirmed as refused:
            # the same report the dry run prints, then the refusal
            for line in import_plan(data, the_office, source_name=name, dry_run=True,
                                    period=period).lines():
                self.stdout.write(line)
            raise CommandError(
                f"{name}: the import would archive {len(refused.impacts)} KPIs or actions "
                "with recorded data (listed above); nothing was imported. Run again with "
                "--archive-removed to archive them, or keep them in the file") from None
        except PlanSyntaxError as exc:
            raise CommandError(f"{name}: {exc}; nothing was imported") from None
        for line in report.lines():
            self.stdout.write(line)
        if dry_run:
            self.stdout.write(self.style.WARNING("Dry run: nothing was written."))
