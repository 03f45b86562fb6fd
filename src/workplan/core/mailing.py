"""The e-mails that carry a one-time link (an office invitation's set-password link, a
registration's personal link), sent by tasks of Django's Tasks API.

Why the task makes the link: a task's arguments are stored in the task table
(django-tasks-db's ``DBTaskResult``) and kept after it ran, so a token passed as an argument
would sit there in clear. The page marks the record "queued" (``queue``: its old link emptied)
and enqueues the task with the record's id and the site's address; the task makes a new token,
stores its hash on the record and sends the e-mail, in one transaction. The token exists in
memory and in the e-mail only.

Retries follow notifications (``notifications.tasks``): a failed send is tried again after 1,
5 and 30 minutes, each time with a new token (the failed attempt's token was never stored: it
reached nobody); after the fourth failure the record says "sending failed" and a
``SendFailure`` lists it for the office's admins at /notifications/failed/, linking to the
record's row on its page, where it is sent again.
"""

from __future__ import annotations

from functools import partial

from django.db import transaction
from django.utils import timezone

from .models import LinkMail

QUEUED, SENT, FAILED, NONE = (LinkMail.EmailState.QUEUED, LinkMail.EmailState.SENT,
                              LinkMail.EmailState.FAILED, LinkMail.EmailState.NONE)


def queue(record, *, hash_field: str) -> None:
    """Mark ``record`` (the caller saves it) as waiting for its e-mail: its link emptied, so
    the old one stops working now, and a new round of attempts."""
    setattr(record, hash_field, None)
    record.email_state, record.email_attempts = QUEUED, 0
    record.email_error, record.emailed_at = "", None


def enqueue_on_commit(the_task, *args) -> None:
    """Enqueue ``the_task`` once the caller's transaction commits (a rolled-back change sends
    nothing)."""
    transaction.on_commit(partial(the_task.enqueue, *args))


def resolve_failures(url: str) -> int:
    """The failed sends listed for the record whose page is ``url`` are resolved (it was sent
    again, or withdrawn)."""
    from workplan.notifications.models import SendFailure

    return SendFailure.objects.filter(url=url, resolved_at__isnull=True).update(
        resolved_at=timezone.now())


def send(the_task, rows, pk: int, *args, attempt: int, compose, failure) -> str:
    """Run one attempt of ``the_task`` for the record ``pk`` of ``rows``.

    ``compose(record)`` makes the new token and returns ``(message, fields)``: the e-mail
    carrying the link and the fields to store (the token's hash, an expiry), or None when
    there is nothing to send any more (withdrawn, declined). ``failure(record)`` gives the
    ``SendFailure``'s office, what and url. Returns "sent", "failed" or "nothing to send"
    (never the token: the result is stored in the task table too).

    A task of an earlier round (the record was sent again since) does nothing: each round
    counts its attempts on the record.
    """
    from workplan.notifications.models import SendFailure
    from workplan.notifications.tasks import MAX_ATTEMPTS, error_text, retry_later

    model = rows.model
    with transaction.atomic():
        record = rows.select_for_update(of=("self",)).filter(pk=pk).first()
        if (record is None or record.email_state != QUEUED
                or record.email_attempts != attempt - 1):
            return "nothing to send"
        same = model._base_manager.filter(pk=pk)
        try:
            # A savepoint: a link whose e-mail did not go is not kept.
            with transaction.atomic():
                composed = compose(record)
                if composed is not None:
                    message, fields = composed
                    same.update(**fields)
                    message.send()
        except Exception as error:  # noqa: BLE001 - any failure is retried, then listed
            text = error_text(error)
            final = attempt >= MAX_ATTEMPTS
            same.update(email_attempts=attempt, email_error=text,
                        email_state=FAILED if final else QUEUED)
            if final:
                SendFailure.objects.create(recipient=record.email[:254], error=text,
                                           attempts=attempt, **failure(record))
            outcome = "failed"
        else:
            if composed is None:
                same.update(email_state=NONE)
                return "nothing to send"
            same.update(email_state=SENT, emailed_at=timezone.now(), email_attempts=attempt,
                        email_error="")
            outcome = "sent"
    # After the commit: the next attempt reads what this one recorded.
    if outcome == "failed" and attempt < MAX_ATTEMPTS:
        retry_later(the_task, pk, *args, attempt=attempt + 1)
    return outcome
