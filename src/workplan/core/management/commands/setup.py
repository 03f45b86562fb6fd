"""``workplan setup``: make a working installation; running it again keeps the data.

Migrates (which loads the directory and creates ROCB A/P), imports the sample plan when the
office has no plan yet and fills its year with demonstration data (``--no-demo`` to skip:
delivery, surveys, KPI data, publications and the admin's notifications, as ``workplan demo``
does), and creates an ``admin`` account whose random password is printed once. ``make run``
calls it before serving.
"""

import secrets
from importlib import resources

from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand

SAMPLE = "rocb-ap-awp-2024-2025.txt"


class Command(BaseCommand):
    help = "Migrate, import the sample plan and create an admin account (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument("--no-sample", action="store_true",
                            help="do not import the sample plan")
        parser.add_argument("--no-demo", action="store_true",
                            help="do not fill the sample year with demonstration data")

    def handle(self, *args, no_sample=False, no_demo=False, **options):
        from workplan.core.models import Membership, Role
        from workplan.directory.models import Office
        from workplan.plans.services import import_plan

        call_command("migrate", interactive=False, verbosity=0)
        self.stdout.write("Database migrated (members of the region and ROCB A/P loaded).")
        office = Office.objects.select_related("region").get(code="ROCB-AP")
        # The account first, so the demonstration's notifications reach it.
        User = get_user_model()
        password = None
        if not User.objects.filter(is_superuser=True).exists():
            password = secrets.token_urlsafe(12)
            user = User.objects.create_superuser("admin", "admin@localhost", password)
            Membership.objects.get_or_create(user=user, office=office,
                                             defaults={"role": Role.ADMIN})
        if not no_sample and not office.work_plans.exists():
            data = resources.files("workplan.plans").joinpath("data", SAMPLE).read_bytes()
            report = import_plan(data, office, source_name=SAMPLE)
            self.stdout.write(f"Sample plan imported: {report.lines()[1].strip()}")
            if not no_demo and not office.events.exists():
                from workplan.delivery.demo import counts_text, populate

                self.stdout.write(
                    "Demonstration data loaded for the sample year (for real work, start from "
                    "an empty database with: workplan setup --no-demo):")
                for line in counts_text(populate(office, seed=2024)):
                    self.stdout.write("    " + line)
        if password is not None:
            self.stdout.write(self.style.SUCCESS(
                "\nAn administrator account was created. Its password is shown only now:\n"
                f"    user: admin\n    password: {password}\n"
                "Change it after signing in (or run: workplan changepassword admin).\n"))
        else:
            self.stdout.write("Administrator account already exists; keeping it.")
