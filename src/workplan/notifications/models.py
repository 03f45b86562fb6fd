"""What a user is told (a stored notice, shown in the app and e-mailed) and how they want to
be told, per kind (notifications/kinds.py)."""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _

from . import kinds


class NotificationQuerySet(models.QuerySet):
    def of(self, user):
        """A user's own notifications (nobody reads another's)."""
        return self.filter(user=user) if getattr(user, "is_authenticated", False) \
            else self.none()

    def unread(self):
        return self.filter(read_at__isnull=True)

    def failed(self):
        return self.filter(email_state=Notification.EmailState.FAILED)


class Notification(models.Model):
    """One notice to one user. The text and link are snapshots taken when it was made: the
    notice reads the same after the record changes (or goes)."""

    class EmailState(models.TextChoices):
        NONE = "none", _("Not e-mailed")
        QUEUED = "queued", _("Queued")
        SENT = "sent", _("Sent")
        DIGEST = "digest", _("Waiting for the daily digest")
        FAILED = "failed", _("Failed")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="notifications", verbose_name=_("user"))
    office = models.ForeignKey("directory.Office", on_delete=models.CASCADE, null=True,
                               blank=True, related_name="notifications",
                               verbose_name=_("office"))
    kind = models.CharField(_("kind"), max_length=40)
    content_type = models.ForeignKey(ContentType, on_delete=models.SET_NULL, null=True,
                                     blank=True, related_name="+")
    object_id = models.PositiveBigIntegerField(null=True, blank=True)
    obj = GenericForeignKey("content_type", "object_id")
    text = models.CharField(_("text"), max_length=500)
    url = models.CharField(_("link"), max_length=500, blank=True)
    created = models.DateTimeField(_("created"), auto_now_add=True, db_index=True)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)
    email_state = models.CharField(_("e-mail"), max_length=8, choices=EmailState.choices,
                                   default=EmailState.NONE)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    emailed_at = models.DateTimeField(_("e-mailed"), null=True, blank=True)
    last_error = models.CharField(_("last error"), max_length=300, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        ordering = ["-created", "-pk"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        indexes = [models.Index(fields=["user", "read_at"]),
                   models.Index(fields=["email_state", "office"])]

    def __str__(self):
        return self.text

    @property
    def kind_label(self) -> str:
        return str(kinds.get(self.kind).label)


class Preference(models.Model):
    """How a user wants one kind of notification: e-mail at once, in a daily digest, or not
    at all. No row: the kind's default (kinds.py)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="notification_preferences", verbose_name=_("user"))
    kind = models.CharField(_("kind"), max_length=40)
    channel = models.CharField(_("how"), max_length=10, choices=kinds.CHANNELS)

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")
        constraints = [models.UniqueConstraint(fields=["user", "kind"],
                                               name="one_preference_per_kind")]

    def __str__(self):
        return f"{self.user} {self.kind}: {self.channel}"


class SendFailure(models.Model):
    """A message that could not be sent after its retries (a notification's e-mail, a survey
    link): listed for the office's admins (notifications/failed/), until resolved."""

    office = models.ForeignKey("directory.Office", on_delete=models.CASCADE, null=True,
                               blank=True, related_name="send_failures",
                               verbose_name=_("office"))
    what = models.CharField(_("what"), max_length=300)
    recipient = models.CharField(_("to"), max_length=254)
    error = models.CharField(_("error"), max_length=300)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=1)
    url = models.CharField(_("link"), max_length=500, blank=True)
    notification = models.ForeignKey(Notification, on_delete=models.CASCADE, null=True,
                                     blank=True, related_name="failures")
    created = models.DateTimeField(_("failed at"), auto_now_add=True)
    resolved_at = models.DateTimeField(_("resolved"), null=True, blank=True)

    class Meta:
        ordering = ["-created", "-pk"]
        verbose_name = _("failed send")
        verbose_name_plural = _("failed sends")

    def __str__(self):
        return f"{self.what} → {self.recipient}: {self.error}"
