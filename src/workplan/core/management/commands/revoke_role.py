"""``workplan revoke_role USERNAME OFFICE``: take away someone's role in an office."""

from django.core.management.base import BaseCommand, CommandError

from workplan.core.management.roles import find_office, find_user
from workplan.core.models import Role
from workplan.core.services import RoleError, revoke_role


class Command(BaseCommand):
    help = ("Take away a user's role in an office: they no longer see or change anything of "
            "it. The office's only admin cannot be removed (make another admin first).")

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("office", help="office code, e.g. ROCB-AP")

    def handle(self, *args, username, office, **options):
        user = find_user(username)
        the_office = find_office(office)
        try:
            removed = revoke_role(user, the_office)
        except RoleError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(f"{username} is no longer {Role(removed.role).label} of "
                          f"{the_office.code} and holds no role there")
