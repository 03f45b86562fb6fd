"""``workplan demo --scale small|large``: fill demonstration data (deterministic).

``small`` fills a plausible year for one office (``--office``, default ROCB-AP): delivery,
surveys, KPI data, publications and its users' notifications, as ``workplan setup`` does;
``large`` builds six WCO regional offices over ten fiscal years (``delivery/demo_large.py``),
with ``--offices``, ``--years``, ``--events-per-year`` and ``--participants-per-event`` for
smaller runs. Progress goes to stderr, the final counts to stdout.
"""

import argparse
import datetime as dt
import time

from django.core.management.base import BaseCommand, CommandError

from workplan.delivery.demo import counts_text, populate
from workplan.delivery.demo_large import OFFICES, DemoAlreadyLoaded, LargeDemo
from workplan.directory.models import Office


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {text!r}") from None


class Command(BaseCommand):
    help = ("Fill demonstration data. --scale small: the office's latest plan year (partners, "
            "experts, about 150 events, 4,000 participations, requests, surveys, KPI data, "
            "publications, notifications). --scale large: six "
            "WCO regional offices over ten fiscal years (about 20,000 events and 500,000 "
            "participations).")

    def add_arguments(self, parser):
        parser.add_argument("--scale", choices=["small", "large"], default="small")
        parser.add_argument("--seed", type=int, default=2024)
        parser.add_argument("--office", default="ROCB-AP",
                            help="small scale: the office to fill")
        parser.add_argument("--today", type=_date, default=None,
                            help="small scale: the day taken as today, YYYY-MM-DD (what is "
                                 "past is held, what is open is open; default: today)")
        parser.add_argument("--offices", type=int, default=len(OFFICES),
                            help=f"large scale: how many offices (1-{len(OFFICES)}, ROCB-AP "
                                 "first)")
        parser.add_argument("--years", type=int, default=10,
                            help="large scale: how many fiscal years, ending with 2025-2026")
        parser.add_argument("--events-per-year", type=int, default=330,
                            help="large scale: events per office and year")
        parser.add_argument("--participants-per-event", type=int, default=25,
                            help="large scale: mean participants of a national held event")

    def handle(self, *args, scale, seed, office, today=None, **options):
        if scale == "large":
            return self.large(seed, options)
        try:
            the_office = Office.objects.select_related("region").get(code__iexact=office)
        except Office.DoesNotExist:
            raise CommandError(f"no office with code {office!r}") from None
        if the_office.events.exists():
            raise CommandError(f"{the_office.code} already has events; the demo fills an "
                               "office with none")
        if not the_office.work_plans.exists():
            raise CommandError(f"{the_office.code} has no work plan: import one first")
        self.stdout.write("Demo data:")
        for line in counts_text(populate(the_office, seed=seed, today=today)):
            self.stdout.write("    " + line)

    def large(self, seed: int, options: dict) -> None:
        try:
            demo = LargeDemo(seed=seed, offices=options["offices"], years=options["years"],
                             events_per_year=options["events_per_year"],
                             participants_per_event=options["participants_per_event"])
        except ValueError as error:
            raise CommandError(str(error)) from None
        started = time.monotonic()
        err = self.stderr

        def progress(line: str) -> None:
            err.write(line, style_func=lambda text: text)
            err.flush()

        try:
            counts = demo.run(progress)
        except DemoAlreadyLoaded as error:
            raise CommandError(str(error)) from None
        seconds = time.monotonic() - started
        self.stdout.write("Large demo data: " + ", ".join(
            f"{v:,} {k.replace('_', ' ')}" for k, v in counts.items()))
        self.stdout.write(f"Built in {seconds:.1f} s.")
