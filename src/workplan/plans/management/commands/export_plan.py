"""``workplan export_plan PERIOD --format json|txt|docx|xlsx [--office CODE] [-o FILE]``."""

import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from workplan.directory.models import Office
from workplan.plans.export import FORMATS, export_plan
from workplan.plans.models import WorkPlan


class Command(BaseCommand):
    help = "Export a work plan: canonical JSON, the published text layout, Word or Excel."

    def add_arguments(self, parser):
        parser.add_argument("period", help="fiscal year, e.g. 2024-2025")
        parser.add_argument("--format", default="json", choices=sorted(FORMATS))
        parser.add_argument("--office", default="ROCB-AP")
        parser.add_argument("-o", "--output", help="file to write (default: standard output)")

    def handle(self, *args, period, format, office, output, **options):
        plan = (WorkPlan.objects.filter(office__code__iexact=office, period=period)
                .select_related("office", "office__region").first())
        if plan is None:
            if not Office.objects.filter(code__iexact=office).exists():
                raise CommandError(f"no office with code {office!r}")
            known = ", ".join(WorkPlan.objects.filter(office__code__iexact=office)
                              .values_list("period", flat=True)) or "none"
            raise CommandError(f"{office} has no work plan for {period} (plans: {known})")
        filename, content_type, data = export_plan(plan, format)
        if output:
            Path(output).write_bytes(data)
            self.stderr.write(f"wrote {output} ({len(data):,} bytes)")
        elif content_type.startswith(("text/", "application/json")):
            sys.stdout.buffer.write(data)
            sys.stdout.flush()
        else:
            raise CommandError(f"{format} is binary: give a file with -o (e.g. -o {filename})")
