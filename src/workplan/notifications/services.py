"""Writes of notifications: who is told what, preferences, reading, sending again.

``notify`` stores the notices inside the caller's transaction (they exist exactly when the
change they tell of does) and hands the e-mails to the task queue once that transaction has
committed: a page never waits on the mail server, and a rolled-back change tells nobody.
"""

from __future__ import annotations

from functools import partial

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import timezone

from workplan.core.models import Membership, Role

from . import kinds
from .models import Notification, Preference, SendFailure

OFFICE_ROLES = (Role.ADMIN, Role.STAFF)


# --- who ----------------------------------------------------------------------------------------


def office_staff(office):
    """Active admins and staff of ``office`` (those who answer requests, review values)."""
    return [m.user for m in Membership.objects.filter(
        office=office, role__in=OFFICE_ROLES, user__is_active=True).select_related("user")]


def focal_points_of(office, member):
    """Active focal points of ``member`` in ``office``."""
    return [m.user for m in Membership.objects.filter(
        office=office, role=Role.FOCAL_POINT, member=member, user__is_active=True)
        .select_related("user")]


# --- preferences --------------------------------------------------------------------------------


def channels_for(users, kind: str) -> dict[int, str]:
    """Each user's channel for ``kind`` (their preference, else the kind's default); one
    query."""
    default = kinds.get(kind).default
    chosen = dict(Preference.objects.filter(user__in=[u.pk for u in users], kind=kind)
                  .values_list("user_id", "channel"))
    return {user.pk: chosen.get(user.pk, default) for user in users}


def preferences_of(user) -> list[tuple[kinds.Kind, str]]:
    chosen = dict(Preference.objects.filter(user=user).values_list("kind", "channel"))
    return [(kind, chosen.get(kind.code, kind.default)) for kind in kinds.all_kinds()]


@transaction.atomic
def set_preferences(user, choices: dict[str, str]) -> None:
    """Save ``{kind code: channel}``; unknown kinds or channels are refused (ValueError) and
    nothing is saved."""
    known = {kind.code for kind in kinds.all_kinds()}
    channels = {code for code, _label in kinds.CHANNELS}
    for code, channel in choices.items():
        if code not in known or channel not in channels:
            raise ValueError(f"{code}: {channel}")
    for code, channel in choices.items():
        Preference.objects.update_or_create(user=user, kind=code,
                                            defaults={"channel": channel})


# --- telling ------------------------------------------------------------------------------------


def notify(kind: kinds.Kind | str, *, users, text: str, obj=None, office=None, url: str = "",
           actor=None) -> list[Notification]:
    """Tell ``users`` (each once; never the ``actor`` who did it) that something happened.
    Each user's preference for the kind decides: e-mail at once, in the daily digest, or
    nothing at all. Returns the notices stored."""
    code = kind.code if isinstance(kind, kinds.Kind) else kind
    seen, recipients = set(), []
    for user in users:
        if user is None or user.pk in seen or not user.is_active:
            continue
        if actor is not None and getattr(actor, "pk", None) == user.pk:
            continue
        seen.add(user.pk)
        recipients.append(user)
    if not recipients:
        return []
    channels = channels_for(recipients, code)
    if obj is not None and not url and hasattr(obj, "get_absolute_url"):
        url = obj.get_absolute_url()
    content_type = ContentType.objects.get_for_model(obj) if obj is not None else None
    rows = []
    for user in recipients:
        channel = channels[user.pk]
        if channel == kinds.OFF:
            continue
        if not user.email:
            state = Notification.EmailState.NONE
        elif channel == kinds.DIGEST:
            state = Notification.EmailState.DIGEST
        else:
            state = Notification.EmailState.QUEUED
        rows.append(Notification(
            user=user, office=office, kind=code, content_type=content_type,
            object_id=obj.pk if obj is not None else None, text=text[:500], url=url[:500],
            email_state=state))
    created = Notification.objects.bulk_create(rows)
    queued = [n.pk for n in created if n.email_state == Notification.EmailState.QUEUED]
    if queued:
        transaction.on_commit(partial(enqueue_emails, queued))
    return created


def enqueue_emails(ids) -> None:
    from .tasks import send_notification

    for pk in ids:
        send_notification.enqueue(pk)


# --- reading ------------------------------------------------------------------------------------


def mark_read(user, ids=None) -> int:
    """Mark the user's notifications read (those of ``ids``, or all)."""
    rows = Notification.objects.of(user).unread()
    if ids is not None:
        rows = rows.filter(pk__in=list(ids))
    return rows.update(read_at=timezone.now())


# --- failures -----------------------------------------------------------------------------------


@transaction.atomic
def resend(failure: SendFailure) -> bool:
    """Send a failed notification's e-mail again (a new round of attempts); the failure is
    marked resolved. False if it is not a notification's (a survey link is sent again from
    its survey's page)."""
    if failure.notification_id is None:
        return False
    Notification.objects.filter(pk=failure.notification_id).update(
        email_state=Notification.EmailState.QUEUED, attempts=0, last_error="")
    failure.resolved_at = timezone.now()
    failure.save(update_fields=["resolved_at"])
    transaction.on_commit(partial(enqueue_emails, [failure.notification_id]))
    return True


def dismiss(failure: SendFailure) -> None:
    failure.resolved_at = timezone.now()
    failure.save(update_fields=["resolved_at"])


def queue_digests() -> int:
    """Enqueue one digest e-mail per user with notices waiting for it (run daily by cron:
    ``workplan notifications digest``). Returns the number of users."""
    from .tasks import send_digest

    users = list(Notification.objects.filter(email_state=Notification.EmailState.DIGEST)
                 .order_by().values_list("user_id", flat=True).distinct())
    for user_id in users:
        send_digest.enqueue(user_id)
    return len(users)
