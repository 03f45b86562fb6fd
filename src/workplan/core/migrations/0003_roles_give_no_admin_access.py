"""Roles no longer open the Django admin: undo what ``assign_role`` used to give.

Until now an office admin or staff role also made the user ``is_staff`` and put them in the
"Office admins" / "Office staff" group (admin-site permissions on every office's records).
The admin is now for the installation's operators (superusers) only, and a role is its
membership row and nothing else. So, for every user who is not a superuser and got admin
access from a role (is in one of those groups, or holds an admin or staff role): ``is_staff``
is cleared; then both groups are deleted (with their permissions and members). Superusers
keep everything. Users of other groups an operator made are left as they are.

Reversing it changes nothing: what a role gave before cannot be told apart afterwards, and
the admin would refuse those users anyway.
"""

from django.conf import settings
from django.db import migrations

ROLE_GROUPS = ("Office admins", "Office staff")
ADMIN_ROLES = ("admin", "staff")


def take_back_admin_access(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    User = apps.get_model(*settings.AUTH_USER_MODEL.split("."))
    Membership = apps.get_model("core", "Membership")
    groups = Group.objects.filter(name__in=ROLE_GROUPS)
    staff = User.objects.filter(is_superuser=False, is_staff=True)
    staff.filter(groups__in=groups).update(is_staff=False)
    staff.filter(pk__in=Membership.objects.filter(role__in=ADMIN_ROLES).values("user_id")) \
        .update(is_staff=False)
    groups.delete()


class Migration(migrations.Migration):

    dependencies = [
        ("core", "0002_api_tokens"),
        ("auth", "0012_alter_user_first_name_max_length"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RunPython(take_back_admin_access, migrations.RunPython.noop, elidable=True),
    ]
