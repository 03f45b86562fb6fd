"""``workplan load_directory``: refresh the shipped members, groups and office (idempotent)."""

from django.core.management.base import BaseCommand

from workplan.directory.services import load_region


class Command(BaseCommand):
    help = "Load or refresh the Asia/Pacific members, their aliases and groups, and ROCB A/P."

    def handle(self, *args, **options):
        created = load_region()
        self.stdout.write(
            f"directory loaded: {created['members']} new members, {created['groups']} new "
            f"groups, {created['offices']} new offices"
        )
