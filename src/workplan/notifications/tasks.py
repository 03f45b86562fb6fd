"""The e-mail tasks of notifications (Django's Tasks API, the ``django-tasks`` backport; the
database backend and its ``db_worker`` run them by default, see docs/deployment.md).

django-tasks has no retries: a failed send re-enqueues itself with ``run_after`` (a minute,
then five, then thirty) and its attempt number, up to ``MAX_ATTEMPTS``; then it is recorded as
a ``SendFailure`` for the office's admins. Every task re-reads its rows and does nothing when
they were already sent, so a task run twice sends once.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task

from .models import Notification, SendFailure

MAX_ATTEMPTS = 4
RETRY_DELAYS = (60, 300, 1800)  # seconds before attempts 2, 3, 4


def retry_later(the_task, *args, attempt: int) -> None:
    """Enqueue ``the_task`` again for attempt ``attempt`` (>= 2), after its delay when the
    backend can defer (the database backend can; the test backends run it at once)."""
    delay = RETRY_DELAYS[min(attempt - 2, len(RETRY_DELAYS) - 1)]
    if the_task.get_backend().supports_defer:
        the_task = the_task.using(run_after=timezone.now() + dt.timedelta(seconds=delay))
    the_task.enqueue(*args, attempt=attempt)


def absolute(url: str) -> str:
    return (settings.WORKPLAN_BASE_URL.rstrip("/") + url) if url.startswith("/") else url


def error_text(error: Exception) -> str:
    """What is kept of a failed send's error (its message, else its kind), at most 300
    characters."""
    return (str(error) or type(error).__name__)[:300]


@task()
def send_notification(notification_id: int, attempt: int = 1) -> str:
    """E-mail one notification to its user."""
    with transaction.atomic():
        item = (Notification.objects.select_for_update(of=("self",))
                .select_related("user", "office").filter(pk=notification_id).first())
        if item is None or item.email_state != Notification.EmailState.QUEUED:
            return "nothing to send"
        lines = [item.text, ""]
        if item.url:
            lines += [absolute(item.url), ""]
        lines += [_("You receive this because of your notification settings in Workplan:"),
                  absolute("/notifications/preferences/")]
        message = EmailMessage(subject=" ".join(item.text.split())[:150], body="\n".join(lines),
                               from_email=settings.DEFAULT_FROM_EMAIL, to=[item.user.email])
        item.attempts = attempt
        try:
            message.send()
        except Exception as error:  # noqa: BLE001 - any mail failure is retried, then recorded
            item.last_error = error_text(error)
            if attempt >= MAX_ATTEMPTS:
                item.email_state = Notification.EmailState.FAILED
                SendFailure.objects.create(
                    office=item.office, what=item.text[:300], recipient=item.user.email,
                    error=item.last_error, attempts=attempt, url=item.url, notification=item)
            item.save(update_fields=["attempts", "last_error", "email_state"])
            outcome = "failed"
        else:
            item.email_state, item.emailed_at, item.last_error = (
                Notification.EmailState.SENT, timezone.now(), "")
            item.save(update_fields=["attempts", "last_error", "email_state", "emailed_at"])
            outcome = "sent"
    # After the commit: the next attempt reads what this one recorded.
    if outcome == "failed" and attempt < MAX_ATTEMPTS:
        retry_later(send_notification, notification_id, attempt=attempt + 1)
    return outcome


@task()
def send_digest(user_id: int, attempt: int = 1) -> str:
    """One e-mail with every notice of the user waiting for the daily digest."""
    with transaction.atomic():
        items = list(Notification.objects.select_for_update(of=("self",))
                     .select_related("user", "office")
                     .filter(user_id=user_id, email_state=Notification.EmailState.DIGEST)
                     .order_by("created", "pk"))
        if not items or not items[0].user.email:
            return "nothing to send"
        user = items[0].user
        lines = [_("What happened in Workplan since the last digest:"), ""]
        for item in items:
            lines.append("- " + item.text)
            if item.url:
                lines.append("  " + absolute(item.url))
        lines += ["", _("Change what you receive:"), absolute("/notifications/preferences/")]
        message = EmailMessage(
            subject=_("Workplan: %(count)d notifications") % {"count": len(items)},
            body="\n".join(lines), from_email=settings.DEFAULT_FROM_EMAIL, to=[user.email])
        try:
            message.send()
        except Exception as error:  # noqa: BLE001
            text = error_text(error)
            ids = [item.pk for item in items]
            Notification.objects.filter(pk__in=ids).update(attempts=attempt, last_error=text)
            if attempt >= MAX_ATTEMPTS:
                Notification.objects.filter(pk__in=ids).update(
                    email_state=Notification.EmailState.FAILED)
                SendFailure.objects.create(
                    office=items[0].office, recipient=user.email, error=text,
                    attempts=attempt, what=_("Daily digest (%(count)d notifications)")
                    % {"count": len(items)}, url="/notifications/")
            outcome = "failed"
        else:
            Notification.objects.filter(pk__in=[item.pk for item in items]).update(
                email_state=Notification.EmailState.SENT, emailed_at=timezone.now(),
                attempts=attempt, last_error="")
            outcome = "sent"
    if outcome == "failed" and attempt < MAX_ATTEMPTS:
        retry_later(send_digest, user_id, attempt=attempt + 1)
    return outcome
