"""``workplan grant_role USERNAME OFFICE ROLE [--member ISO3]``: give someone a role."""

from django.core.management.base import BaseCommand, CommandError

from workplan.core.management.roles import find_office, find_user
from workplan.core.models import Role
from workplan.core.services import RoleError, assign_role
from workplan.directory.models import Member


class Command(BaseCommand):
    help = ("Give a user a role in an office: admin, staff, focal_point, expert or viewer. "
            "It replaces the role they held there, and with it what that role gave.")

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("office", help="office code, e.g. ROCB-AP")
        parser.add_argument("role", choices=[r.value for r in Role])
        parser.add_argument("--member", help="ISO 3166 alpha-3 of a focal point's member")

    def handle(self, *args, username, office, role, member, **options):
        user = find_user(username)
        the_office = find_office(office)
        the_member = None
        if member:
            the_member = Member.objects.filter(iso3__iexact=member).first()
            if the_member is None:
                raise CommandError(f"no member with ISO code {member!r}")
        if role == Role.FOCAL_POINT and the_member is None:
            raise CommandError("a focal point needs --member ISO3")
        try:
            assign_role(user, the_office, role, member=the_member)
        except RoleError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(f"{username} is now {Role(role).label} of {the_office.code}")
