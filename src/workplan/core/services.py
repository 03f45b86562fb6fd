"""Writes of core: giving people a role in an office, and taking it away.

A role is one ``Membership`` row and nothing else: what a user may see and change follows from
their memberships (``core.access``), so changing or removing the row is all it takes to change
or remove what the role gave. Roles give no ``is_staff`` and no Django groups: the Django
admin is for the installation's operators (superusers) only (``core.adminsite``).

These functions are where the rules of roles live (an office keeps at least one admin), so the
command line (``workplan grant_role`` / ``revoke_role``) and the office-administration pages
get the same answers.
"""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from .models import Membership, Role


class RoleError(ValueError):
    """A role change that is refused; nothing was changed. The message names the office."""


def _forget_memberships(user) -> None:
    """Drop the memberships ``core.access`` cached on this user object."""
    user.__dict__.pop("_workplan_memberships", None)


def _lock_office(office):
    """Lock the office's row for the rest of the transaction, so two role changes of one
    office (two admins demoting each other at once) are decided one after the other."""
    from workplan.directory.models import Office

    return Office.objects.select_for_update().get(pk=office.pk)


def _refuse_if_last_admin(user, office) -> None:
    """Refuse a change that would take away the office's last admin (``user``'s role)."""
    others = (Membership.objects.filter(office=office, role=Role.ADMIN, user__is_active=True)
              .exclude(user=user))
    if not others.exists():
        raise RoleError(_(
            "%(office)s must keep at least one admin, and %(user)s is its only one. Make "
            "someone else admin of %(office)s first.")
            % {"user": user.get_username(), "office": office.code})


def check_assign(user, office, role: str, *, member=None):
    """What ``assign_role`` would refuse, without changing anything: raises ``RoleError``,
    or returns the member the role keeps (None unless a focal point's). Forms call it to
    show the refusal on the form."""
    if role not in Role.values:
        raise RoleError(_("No role is called %(role)s (give one of: %(roles)s).")
                        % {"role": role, "roles": ", ".join(Role.values)})
    if role == Role.FOCAL_POINT and member is None:
        raise RoleError(_("A member focal point speaks for a member: give the member."))
    if role != Role.FOCAL_POINT:
        member = None
    elif member.region_id != office.region_id:
        raise RoleError(_("The member %(member)s is not of the region of %(office)s.")
                        % {"member": member.iso3, "office": office.code})
    current = Membership.objects.filter(user=user, office=office).first()
    if current is not None and current.role == Role.ADMIN and role != Role.ADMIN:
        _refuse_if_last_admin(user, office)
    return member


def check_revoke(user, office) -> Membership:
    """What ``revoke_role`` would refuse, without changing anything: raises ``RoleError``, or
    returns the membership it would remove."""
    current = Membership.objects.filter(user=user, office=office).first()
    if current is None:
        raise RoleError(_("There is no role of %(user)s in %(office)s to take away.")
                        % {"user": user.get_username(), "office": office.code})
    if current.role == Role.ADMIN:
        _refuse_if_last_admin(user, office)
    return current


@transaction.atomic
def assign_role(user, office, role: str, *, member=None) -> Membership:
    """Give ``user`` the role ``role`` in ``office``, replacing any role they held there.

    The new role replaces what the old one gave (a demoted admin keeps nothing of it). A
    focal point speaks for a member of the office's region; other roles have none. Demoting
    the office's only admin is refused (``RoleError``), and changes nothing.
    """
    office = _lock_office(office)
    member = check_assign(user, office, role, member=member)
    membership, _created = Membership.objects.update_or_create(
        user=user, office=office, defaults={"role": role, "member": member})
    _forget_memberships(user)
    return membership


@transaction.atomic
def revoke_role(user, office) -> Membership:
    """Take away ``user``'s role in ``office``: they no longer see or change anything of it.

    Returns the removed membership (unsaved). Refused (``RoleError``, nothing changed) when the
    user holds no role there, or is the office's only admin.
    """
    office = _lock_office(office)
    current = check_revoke(user, office)
    current.delete()
    _forget_memberships(user)
    return current
