"""``workplan grant_role USERNAME OFFICE ROLE [--member ISO3]``: give someone a role."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from workplan.core.models import Role
from workplan.core.services import assign_role
from workplan.directory.models import Member, Office


class Command(BaseCommand):
    help = "Give a user a role in an office: admin, staff, focal_point, expert or viewer."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("office", help="office code, e.g. ROCB-AP")
        parser.add_argument("role", choices=[r.value for r in Role])
        parser.add_argument("--member", help="ISO 3166 alpha-3 of a focal point's member")

    def handle(self, *args, username, office, role, member, **options):
        User = get_user_model()
        try:
            user = User.objects.get(username=username)
        except User.DoesNotExist:
            raise CommandError(f"no user {username!r} (create one with createsuperuser or "
                               "in the admin)") from None
        try:
            the_office = Office.objects.get(code__iexact=office)
        except Office.DoesNotExist:
            raise CommandError(f"no office with code {office!r}") from None
        the_member = None
        if member:
            the_member = Member.objects.filter(iso3__iexact=member).first()
            if the_member is None:
                raise CommandError(f"no member with ISO code {member!r}")
        if role == Role.FOCAL_POINT and the_member is None:
            raise CommandError("a focal point needs --member ISO3")
        assign_role(user, the_office, role, member=the_member)
        self.stdout.write(f"{username} is now {Role(role).label} of {the_office.code}")
