"""``workplan import_plan FILE [--office CODE] [--dry-run]``: import a published work plan."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from workplan.directory.models import Office
from workplan.plans.services import import_plan
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

    def handle(self, *args, file, office, dry_run, period, **options):
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
                                 period=period)
        except PlanSyntaxError as exc:
            raise CommandError(f"{name}: {exc}; nothing was imported") from None
        for line in report.lines():
            self.stdout.write(line)
        if dry_run:
            self.stdout.write(self.style.WARNING("Dry run: nothing was written."))
