"""``workplan notifications digest``: queue each user's daily digest (run once a day by cron,
docs/deployment.md). ``workplan notifications failed``: list the sends that failed."""

from django.core.management.base import BaseCommand

from workplan.notifications import services
from workplan.notifications.models import SendFailure


class Command(BaseCommand):
    help = "Queue the daily digests (digest) or list failed sends (failed)."

    def add_arguments(self, parser):
        parser.add_argument("what", choices=["digest", "failed"])

    def handle(self, *args, what, **options):
        if what == "digest":
            count = services.queue_digests()
            self.stdout.write(f"{count} digest(s) queued.")
            return
        rows = SendFailure.objects.filter(resolved_at__isnull=True).select_related("office")
        for row in rows:
            self.stdout.write(f"{row.created:%Y-%m-%d %H:%M}  {row.office or '-'}  "
                              f"{row.recipient}  {row.what[:60]}  ({row.error})")
        self.stdout.write(f"{rows.count()} failed send(s).")
