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


# --- invitations ---------------------------------------------------------------------------------

INVITATION_DAYS = 14
INVITATION_TOKEN_BYTES = 32  # secrets.token_urlsafe(32): 43 characters, 256 bits


class InvitationError(ValueError):
    """An invitation that is refused or can no longer be used; nothing was changed.

    ``existing_user`` is set when the address already belongs to an account: that account can
    be given the role directly instead (``assign_role``)."""

    def __init__(self, message, *, existing_user=None):
        super().__init__(message)
        self.existing_user = existing_user


def invitation_token_hash(raw: str) -> str:
    """What is stored of an invitation link's token: its SHA-256, hex (as for survey links)."""
    import hashlib

    return hashlib.sha256(raw.encode("utf-8", "surrogatepass")).hexdigest()


def account_for_email(email: str):
    """The active or inactive account whose e-mail or user name is ``email`` (any case), or
    None: one address, one account."""
    from django.contrib.auth import get_user_model
    from django.db.models import Q

    User = get_user_model()
    return (User.objects.filter(Q(email__iexact=email) | Q(username__iexact=email))
            .order_by("pk").first())


def check_invite(office, email: str, role: str, *, member=None):
    """What ``invite`` would refuse, without changing anything (``InvitationError`` or
    ``RoleError``); returns the member the role keeps."""
    existing = account_for_email(email)
    if existing is not None:
        raise InvitationError(
            _("%(email)s already has an account (%(user)s): give that account the role "
              "instead of inviting the address.") % {"email": email,
                                                     "user": existing.get_username()},
            existing_user=existing)
    # A new account holds no role yet: only the role and member are checked.
    return check_assign(None, office, role, member=member)


@transaction.atomic
def invite(office, email: str, role: str, *, member=None, invited_by=None,
           base_url: str | None = None):
    """Invite ``email`` to hold ``role`` in ``office``; returns the invitation.

    The e-mail with the set-password link is sent by a task once the transaction commits
    (``core.tasks.send_invitation``, which makes the link's token: only its hash is stored,
    and nothing secret goes into the task table). A pending invitation of the same address to
    the same office is replaced: its old link stops working now, the new one is valid for
    ``INVITATION_DAYS`` days from when it is sent. An address that already has an account is
    refused (``InvitationError.existing_user``): that account gets the role directly."""
    import datetime as dt

    from django.utils import timezone

    from .models import OfficeInvitation

    office = _lock_office(office)
    email = email.strip()
    member = check_invite(office, email, role, member=member)
    now = timezone.now()
    invitation = (OfficeInvitation.objects.pending(now)
                  .filter(office=office, email__iexact=email).first()
                  or OfficeInvitation(office=office, email=email))
    invitation.role, invitation.member, invitation.invited_by = role, member, invited_by
    invitation.expires_at = now + dt.timedelta(days=INVITATION_DAYS)
    _queue_invitation(invitation, base_url)
    return invitation


def _queue_invitation(invitation, base_url: str | None) -> None:
    """Save ``invitation`` waiting for its e-mail (no link until the task makes one) and
    enqueue the task once the transaction commits; failures listed for it are resolved."""
    from . import mailing
    from .links import base_url as site_url
    from .tasks import send_invitation

    mailing.queue(invitation, hash_field="token_hash")
    invitation.save()
    mailing.resolve_failures(invitation.page_url())
    mailing.enqueue_on_commit(send_invitation, invitation.pk,
                              (base_url or site_url()).rstrip("/"))


@transaction.atomic
def resend_invitation(invitation, *, base_url: str | None = None):
    """E-mail the invitation again with a new link (its old link stops working now), valid
    for ``INVITATION_DAYS`` days from when it is sent: after a failed send, a lost e-mail or
    an expiry. Refused (``InvitationError``, nothing changed) once it was used or withdrawn,
    or when the address has an account meanwhile."""
    import datetime as dt

    from django.utils import timezone

    from .models import OfficeInvitation

    invitation = (OfficeInvitation.objects.select_for_update(of=("self",))
                  .select_related("office").get(pk=invitation.pk))
    state = invitation.state()
    if state == "accepted":
        raise InvitationError(_("The invitation of %(email)s was used: it is not sent again.")
                              % {"email": invitation.email})
    if state == "revoked":
        raise InvitationError(_("The invitation of %(email)s was withdrawn: invite the "
                                "address again instead.") % {"email": invitation.email})
    if account_for_email(invitation.email) is not None:
        raise InvitationError(_("%(email)s has an account now: give that account the role "
                                "instead.") % {"email": invitation.email})
    invitation.expires_at = timezone.now() + dt.timedelta(days=INVITATION_DAYS)
    _queue_invitation(invitation, base_url)
    return invitation


def mint_invitation_link(invitation, now=None) -> str:
    """A new token for the invitation's link, set on ``invitation`` (hash and expiry; the
    caller stores them): returns the token, to be put in the e-mail and forgotten. Only the
    sending task calls it (and tests that need a live link without a mail server)."""
    import datetime as dt
    import secrets

    from django.utils import timezone

    raw = secrets.token_urlsafe(INVITATION_TOKEN_BYTES)
    invitation.token_hash = invitation_token_hash(raw)
    invitation.expires_at = (now or timezone.now()) + dt.timedelta(days=INVITATION_DAYS)
    return raw


def invitation_message(invitation, url: str):
    """The invitation's e-mail, carrying the set-password link ``url``."""
    from django.conf import settings
    from django.core.mail import EmailMessage
    from django.utils import formats

    office = invitation.office
    inviter = invitation.invited_by
    lines = [
        _("You are invited to Workplan, the work-plan system of %(office)s, as %(role)s.")
        % {"office": office.name, "role": invitation.get_role_display()},
        "",
        _("Choose your password here to open your account (the link works once, until "
          "%(date)s):") % {"date": formats.date_format(invitation.expires_at, "DATE_FORMAT")},
        url,
        "",
    ]
    if inviter is not None:
        lines.append(_("Invited by %(name)s.")
                     % {"name": inviter.get_full_name() or inviter.get_username()})
    return EmailMessage(
        subject=_("Your Workplan account at %(office)s") % {"office": office.short_name
                                                             or office.name},
        body="\n".join(lines), from_email=settings.DEFAULT_FROM_EMAIL, to=[invitation.email])


def find_invitation(raw: str):
    """The pending invitation whose link carries ``raw``, or ``InvitationError``."""
    from .models import OfficeInvitation

    invitation = (OfficeInvitation.objects.select_related("office", "member")
                  .filter(token_hash=invitation_token_hash(raw or "")).first())
    state = invitation.state() if invitation is not None else None
    if state == "pending":
        return invitation
    messages = {
        None: _("This invitation link is not valid. Ask the office's admin for a new one."),
        "accepted": _("This invitation was already used: sign in with the password you "
                      "chose."),
        "revoked": _("This invitation was withdrawn. Ask the office's admin for a new one."),
        "expired": _("This invitation has expired. Ask the office's admin to invite you "
                     "again."),
    }
    raise InvitationError(messages[state])


@transaction.atomic
def accept_invitation(raw: str, *, password: str, first_name: str = "", last_name: str = ""):
    """Create the invited account with ``password`` and give it the invitation's role, once.

    Refused (``InvitationError``, nothing changed) when the link is unknown, used, withdrawn
    or expired, or when the address got an account meanwhile."""
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from .models import OfficeInvitation

    found = find_invitation(raw)
    invitation = OfficeInvitation.objects.select_for_update().get(pk=found.pk)
    if invitation.state() != "pending":
        raise InvitationError(_("This invitation was already used: sign in with the "
                                "password you chose."))
    if account_for_email(invitation.email) is not None:
        raise InvitationError(_("%(email)s has an account already: sign in with it, or ask "
                                "the office's admin.") % {"email": invitation.email})
    user = get_user_model().objects.create_user(
        invitation.email, email=invitation.email, password=password,
        first_name=first_name.strip()[:150], last_name=last_name.strip()[:150])
    assign_role(user, invitation.office, invitation.role, member=invitation.member)
    invitation.accepted_at, invitation.accepted_by = timezone.now(), user
    invitation.save(update_fields=["accepted_at", "accepted_by", "modified"])
    return user


@transaction.atomic
def revoke_invitation(invitation):
    """Withdraw a pending invitation: its link stops working at once (and an e-mail not sent
    yet is not sent; a failed send listed for the admins is resolved)."""
    from django.utils import timezone

    from . import mailing

    if invitation.state() != "pending":
        raise InvitationError(_("The invitation of %(email)s is no longer pending.")
                              % {"email": invitation.email})
    invitation.revoked_at = timezone.now()
    invitation.save(update_fields=["revoked_at", "modified"])
    mailing.resolve_failures(invitation.page_url())
    return invitation
