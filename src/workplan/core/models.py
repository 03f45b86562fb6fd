"""Base models and the office roles that scope every user's view of the data."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .access import RestrictedQuerySet


class TimeStampedModel(models.Model):
    created = models.DateTimeField(_("created"), auto_now_add=True)
    modified = models.DateTimeField(_("modified"), auto_now=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        abstract = True


class VersionedModel(TimeStampedModel):
    """A record two people may edit at once: saves carry the version they started from
    (``core.concurrency.save_versioned``; a stale version is an ``EditConflict``)."""

    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        abstract = True


class LinkMail(models.Model):
    """The e-mail that carries a record's one-time link (an office invitation, a registration's
    personal link), sent by a task of Django's Tasks API (``core.mailing``).

    The task mints the link when it sends it: only record ids go into the task table, the
    token exists in memory and in the e-mail, and only its hash is stored on the record. These
    fields say where the sending is, for the pages ("being sent", "sending failed")."""

    class EmailState(models.TextChoices):
        NONE = "none", _("No e-mail")
        QUEUED = "queued", _("Being sent")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Sending failed")

    email_state = models.CharField(_("e-mail"), max_length=8, choices=EmailState.choices,
                                   default=EmailState.NONE)
    email_attempts = models.PositiveSmallIntegerField(_("sending attempts"), default=0)
    email_error = models.CharField(_("sending error"), max_length=300, blank=True)
    emailed_at = models.DateTimeField(_("e-mailed"), null=True, blank=True)

    # Not in the records' history: the sending is the worker's, not a person's change.
    MAIL_FIELDS = ("email_state", "email_attempts", "email_error", "emailed_at")

    class Meta:
        abstract = True


class Role(models.TextChoices):
    ADMIN = "admin", _("Office admin")
    STAFF = "staff", _("Office staff")
    FOCAL_POINT = "focal_point", _("Member focal point")
    EXPERT = "expert", _("Expert")
    VIEWER = "viewer", _("Viewer")


class Membership(TimeStampedModel):
    """A user's role in one office (a user may hold roles in several offices)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships",
        verbose_name=_("user"),
    )
    office = models.ForeignKey(
        "directory.Office", on_delete=models.CASCADE, related_name="memberships",
        verbose_name=_("office"),
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    member = models.ForeignKey(
        "directory.Member", on_delete=models.PROTECT, null=True, blank=True,
        related_name="focal_points", verbose_name=_("member"),
        help_text=_("For member focal points: the administration they speak for."),
    )
    history = HistoricalRecords()
    office_path = "office"

    class Meta:
        verbose_name = _("office role")
        verbose_name_plural = _("office roles")
        constraints = [
            models.UniqueConstraint(fields=["user", "office"], name="one_role_per_office"),
        ]

    def __str__(self):
        return f"{self.user} – {self.get_role_display()} ({self.office})"


class OfficeInvitationQuerySet(RestrictedQuerySet):
    def pending(self, now=None):
        """Invitations that can still be accepted: neither accepted, revoked nor expired."""
        from django.utils import timezone

        return self.filter(accepted_at__isnull=True, revoked_at__isnull=True,
                           expires_at__gt=now or timezone.now())


class OfficeInvitation(LinkMail, TimeStampedModel):
    """An invitation to hold a role in an office, sent by e-mail to someone with no account.

    The e-mail carries a one-time link to set a password (``core.office.invitation_accept``);
    only the SHA-256 of its token is stored (``token_hash``), as for survey links, and the link
    expires (``expires_at``). The token is made by the task that sends the e-mail
    (``core.tasks.send_invitation``): ``token_hash`` is empty until the e-mail has gone, and
    inviting the same address again or sending again empties it (the old link stops working)
    until the new e-mail goes. Accepting creates the account and gives the role
    (``core.services``).
    """

    office = models.ForeignKey("directory.Office", on_delete=models.CASCADE,
                               related_name="invitations", verbose_name=_("office"))
    email = models.EmailField(_("e-mail"))
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    member = models.ForeignKey("directory.Member", on_delete=models.PROTECT, null=True,
                               blank=True, related_name="+", verbose_name=_("member"))
    # NULL while the e-mail carrying the link has not gone (several NULLs are unique).
    token_hash = models.CharField(max_length=64, unique=True, null=True,  # noqa: DJ001
                                  blank=True, editable=False)
    expires_at = models.DateTimeField(_("expires"))
    invited_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                   null=True, blank=True, related_name="+",
                                   verbose_name=_("invited by"))
    accepted_at = models.DateTimeField(_("accepted"), null=True, blank=True)
    accepted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                    null=True, blank=True, related_name="+",
                                    verbose_name=_("account"))
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    history = HistoricalRecords(excluded_fields=["token_hash", *LinkMail.MAIL_FIELDS])
    office_path = "office"

    objects = OfficeInvitationQuerySet.as_manager()

    class Meta:
        ordering = ["-created", "-pk"]
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        indexes = [models.Index(fields=["office", "email"])]

    def __str__(self):
        return f"{self.email} – {self.get_role_display()} ({self.office})"

    def state(self, now=None) -> str:
        """"accepted", "revoked", "expired" or "pending"."""
        from django.utils import timezone

        if self.accepted_at is not None:
            return "accepted"
        if self.revoked_at is not None:
            return "revoked"
        if self.expires_at <= (now or timezone.now()):
            return "expired"
        return "pending"

    def page_url(self) -> str:
        """Where an admin sees it (and sends it again): its row on the office's page."""
        from django.urls import reverse

        return (reverse("core:office_admin", kwargs={"office_code": self.office.code})
                + f"#invitation-{self.pk}")


class ApiTokenQuerySet(models.QuerySet):
    def of(self, user):
        """The tokens of ``user`` (a user sees and revokes only their own)."""
        return self.filter(user=user) if getattr(user, "is_authenticated", False) \
            else self.none()

    def live(self):
        from django.utils import timezone

        return self.filter(models.Q(expires_at__isnull=True)
                           | models.Q(expires_at__gt=timezone.now()), revoked_at__isnull=True)


class ApiToken(models.Model):
    """A personal API token: what a user's other systems send instead of a password.

    Only the SHA-256 of the token is stored; its first characters (``prefix``) stay readable so
    that the owner can tell their tokens apart. The token itself is shown once, when it is
    created (``workplan.api.auth.issue_token``).
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="api_tokens", verbose_name=_("user"))
    name = models.CharField(_("name"), max_length=100,
                            help_text=_("What the token is for, e.g. “regional website”."))
    prefix = models.CharField(_("prefix"), max_length=16, editable=False)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    read_only = models.BooleanField(
        _("read only"), default=False,
        help_text=_("A read-only token may read everything its owner may read, and change "
                    "nothing."))
    created = models.DateTimeField(_("created"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True, editable=False)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        ordering = ["-created", "-pk"]
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"

    def state(self, now=None) -> str:
        """"active", "expired" or "revoked"."""
        from django.utils import timezone

        if self.revoked_at is not None:
            return "revoked"
        if self.expires_at is not None and self.expires_at <= (now or timezone.now()):
            return "expired"
        return "active"
