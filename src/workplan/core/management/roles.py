"""What the role commands (``grant_role``, ``revoke_role``) share: finding the user and the
office they name, or saying clearly which one does not exist."""

from django.contrib.auth import get_user_model
from django.core.management.base import CommandError

from workplan.directory.models import Office


def find_user(username: str):
    User = get_user_model()
    try:
        return User.objects.get(username=username)
    except User.DoesNotExist:
        raise CommandError(f"no user {username!r} (create one with createsuperuser or "
                           "in the admin)") from None


def find_office(code: str) -> Office:
    try:
        return Office.objects.get(code__iexact=code)
    except Office.DoesNotExist:
        codes = ", ".join(Office.objects.order_by("code").values_list("code", flat=True))
        raise CommandError(f"no office with code {code!r} (offices: {codes or 'none'})") \
            from None
