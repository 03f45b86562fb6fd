"""Writes of core: giving people a role in an office."""

from __future__ import annotations

from django.contrib.auth.models import Group, Permission
from django.db import transaction

from .models import Membership, Role

# Apps whose records office admins and staff keep in the Django admin (scoped to their office
# by each ModelAdmin's queryset). Staff may not delete there; admins may.
ADMIN_APPS = ["core", "directory", "framework", "plans", "indicators", "delivery"]
GROUPS = {
    Role.ADMIN: ("Office admins", ("view", "add", "change", "delete")),
    Role.STAFF: ("Office staff", ("view", "add", "change")),
}


def role_group(role: str) -> Group | None:
    """The Django group that carries the admin-site permissions of an office role."""
    if role not in GROUPS:
        return None
    name, verbs = GROUPS[role]
    group, _ = Group.objects.get_or_create(name=name)
    permissions = Permission.objects.filter(
        content_type__app_label__in=ADMIN_APPS,
        codename__regex=rf"^({'|'.join(verbs)})_")
    group.permissions.set(permissions)
    return group


@transaction.atomic
def assign_role(user, office, role: str, *, member=None) -> Membership:
    """Give ``user`` one role in ``office`` (replacing any other role there).

    Office admins and staff get into the Django admin (``is_staff`` and the role's group);
    what they see there is still limited to their offices.
    """
    if role == Role.FOCAL_POINT and member is None:
        raise ValueError("a member focal point speaks for a member: give the member")
    membership, _ = Membership.objects.update_or_create(
        user=user, office=office, defaults={"role": role, "member": member})
    group = role_group(role)
    if group is not None:
        user.groups.add(group)
        if not user.is_staff:
            user.is_staff = True
            user.save(update_fields=["is_staff"])
    user.__dict__.pop("_workplan_memberships", None)
    return membership
