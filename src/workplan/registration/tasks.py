"""Background tasks of registration (Django's Tasks API, as notifications' e-mail): a page that
confirms a registration or e-mails an event's certificates never waits on the mail server or
on Typst."""

from __future__ import annotations

from django_tasks import task


@task()
def email_certificates(event_pk: int, certificate_ids: list[int]) -> str:
    """E-mail the certificates not e-mailed yet among ``certificate_ids`` (a task run twice
    sends once: ``send_certificates`` skips those already sent)."""
    from .services import send_certificates

    return f"{send_certificates(event_pk, certificate_ids)} sent"


@task()
def send_confirmation(registration_id: int, base_url: str, attempt: int = 1) -> str:
    """E-mail a confirmed registration its personal link (and QR code, and the event as ICS).
    The task makes the link's token when it sends (``core.mailing``): its arguments, kept in
    the task table, are the registration's id and the site's address, never a secret.
    Retried, then listed for the office's admins; a registration no longer confirmed is not
    sent."""
    from django.utils.translation import gettext as _

    from workplan.core import mailing

    from . import services
    from .models import Registration

    def compose(registration):
        if registration.state != Registration.State.CONFIRMED:
            return None
        raw = services.mint_ticket(registration)
        link = services.ticket_url(raw, base_url)
        return (services.confirmation_message(registration, link),
                {"ticket_hash": registration.ticket_hash})

    def failure(registration):
        event = registration.event
        return {"office": event.office,
                "what": (_("Registration confirmed: %(title)s") % {"title": event.title})[:300],
                "url": registration.page_url()}

    rows = Registration.objects.select_related("event__office")
    return mailing.send(send_confirmation, rows, registration_id, base_url, attempt=attempt,
                        compose=compose, failure=failure)
