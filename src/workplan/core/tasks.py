"""Background tasks of core (Django's Tasks API, as notifications' e-mail): the office
invitation's e-mail. The task makes the set-password link's token when it sends the e-mail
(``core.mailing``): its arguments, kept in the task table, are the invitation's id and the
site's address, never a secret."""

from __future__ import annotations

from django_tasks import task


@task()
def send_invitation(invitation_id: int, base_url: str, attempt: int = 1) -> str:
    """E-mail the invitation with a new set-password link (retried, then listed for the
    office's admins; an invitation withdrawn, used or expired meanwhile is not sent)."""
    from django.urls import reverse
    from django.utils.translation import gettext as _

    from . import mailing, services
    from .models import OfficeInvitation

    def compose(invitation):
        if invitation.state() != "pending":
            return None
        raw = services.mint_invitation_link(invitation)
        url = base_url.rstrip("/") + reverse("core:invitation_accept", args=[raw])
        return (services.invitation_message(invitation, url),
                {"token_hash": invitation.token_hash, "expires_at": invitation.expires_at})

    def failure(invitation):
        return {"office": invitation.office,
                "what": (_("Invitation to %(office)s as %(role)s")
                         % {"office": invitation.office.code,
                            "role": invitation.get_role_display()})[:300],
                "url": invitation.page_url()}

    rows = OfficeInvitation.objects.select_related("office", "invited_by")
    return mailing.send(send_invitation, rows, invitation_id, base_url, attempt=attempt,
                        compose=compose, failure=failure)
