"""Base models and the office roles that scope every user's view of the data."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .access import RestrictedQuerySet


class TimeStampedModel(models.Model):
    created = models.DateTimeField(_("created"), auto_now_add=True)
    modified = models.DateTimeField(_("modified"), auto_now=True)

    objects = RestrictedQuerySet.as_manager()

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
    office_path = "office"

    class Meta:
        verbose_name = _("office role")
        verbose_name_plural = _("office roles")
        constraints = [
            models.UniqueConstraint(fields=["user", "office"], name="one_role_per_office"),
        ]

    def __str__(self):
        return f"{self.user} – {self.get_role_display()} ({self.office})"
