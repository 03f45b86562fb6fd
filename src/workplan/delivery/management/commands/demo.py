"""``workplan demo --scale small``: fill a plausible year of delivery (deterministic)."""

from django.core.management.base import BaseCommand, CommandError

from workplan.delivery.demo import Demo
from workplan.directory.models import Office


class Command(BaseCommand):
    help = ("Fill the office's latest plan year with demonstration delivery data: partners, "
            "experts, about 150 events, 4,000 participations, requests.")

    def add_arguments(self, parser):
        parser.add_argument("--scale", choices=["small"], default="small")
        parser.add_argument("--seed", type=int, default=2024)
        parser.add_argument("--office", default="ROCB-AP")

    def handle(self, *args, scale, seed, office, **options):
        try:
            the_office = Office.objects.select_related("region").get(code__iexact=office)
        except Office.DoesNotExist:
            raise CommandError(f"no office with code {office!r}") from None
        if the_office.events.exists():
            raise CommandError(f"{the_office.code} already has events; the demo fills an "
                               "office with none")
        if not the_office.work_plans.exists():
            raise CommandError(f"{the_office.code} has no work plan: import one first")
        counts = Demo(the_office, seed=seed).run()
        self.stdout.write("Demo data: " + ", ".join(f"{v:,} {k}" for k, v in counts.items()))
