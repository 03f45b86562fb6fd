"""Background tasks of registration (Django's Tasks API, as notifications' e-mail): a page that
e-mails an event's certificates never waits on the mail server or on Typst."""

from __future__ import annotations

from django_tasks import task


@task()
def email_certificates(event_pk: int, certificate_ids: list[int]) -> str:
    """E-mail the certificates not e-mailed yet among ``certificate_ids`` (a task run twice
    sends once: ``send_certificates`` skips those already sent)."""
    from .services import send_certificates

    return f"{send_certificates(event_pk, certificate_ids)} sent"
