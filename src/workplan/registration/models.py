"""Records of the way from nomination to certificate, and the person records that stay right.

- ``PersonMerge``: two records of one person made one; what the merged record held is kept.
- ``ColumnMemory``: how an office's attendance sheets name their columns (remembered).
- ``SheetRemainder``: the rows of a sheet that could not be imported yet, kept for later.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from workplan.core.access import RestrictedQuerySet
from workplan.core.models import LinkMail, TimeStampedModel

from .querysets import CertificateQuerySet


class PersonMerge(models.Model):
    """Two records of one person merged into ``kept``: who did it, when, and what the removed
    record held (its fields and the ids of what moved), so the merge can be read back."""

    office = models.ForeignKey("directory.Office", on_delete=models.CASCADE,
                               related_name="person_merges", verbose_name=_("office"))
    kept = models.ForeignKey("directory.Person", on_delete=models.CASCADE,
                             related_name="merges", verbose_name=_("person kept"))
    merged_id = models.PositiveBigIntegerField(_("id of the merged record"))
    merged = models.JSONField(_("the merged record"), default=dict)
    moved = models.JSONField(_("what moved"), default=dict)
    at = models.DateTimeField(_("merged"), auto_now_add=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                           blank=True, related_name="+")
    office_path = "office"
    private = True

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("merge of two person records")
        verbose_name_plural = _("merges of person records")

    def __str__(self):
        return f"{self.merged_id} → {self.kept_id}"

    @classmethod
    def narrow_scope(cls, user, action):
        return None


class ColumnMemory(models.Model):
    """A column heading an office's sheets use, and the field it was last read as."""

    office = models.ForeignKey("directory.Office", on_delete=models.CASCADE,
                               related_name="sheet_columns", verbose_name=_("office"))
    heading = models.CharField(_("heading"), max_length=200)  # folded: lower case, one space
    field = models.CharField(_("field"), max_length=20)
    updated = models.DateTimeField(auto_now=True)
    office_path = "office"

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("remembered column")
        verbose_name_plural = _("remembered columns")
        constraints = [models.UniqueConstraint(fields=["office", "heading"],
                                               name="one_field_per_heading")]

    def __str__(self):
        return f"{self.heading} → {self.field}"


class SheetRemainder(models.Model):
    """The rows of an attendance sheet left out of an import (they had errors), kept as a
    small CSV so staff fix them later on the same check page."""

    event = models.ForeignKey("delivery.Event", on_delete=models.CASCADE,
                              related_name="sheet_remainders", verbose_name=_("event"))
    source_name = models.CharField(_("from the sheet"), max_length=200)
    data = models.BinaryField(_("rows (CSV)"))
    rows = models.PositiveIntegerField(_("rows"))
    created = models.DateTimeField(_("kept"), auto_now_add=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                           blank=True, related_name="+")
    office_path = "event__office"
    private = True

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["-created", "-pk"]
        verbose_name = _("rows kept for later")
        verbose_name_plural = _("rows kept for later")

    def __str__(self):
        return f"{self.source_name} ({self.rows})"

    @classmethod
    def narrow_scope(cls, user, action):
        return None


# --- registration by link, nominations, check-in ----------------------------------------------


class RegistrationWindow(models.Model):
    """An event's registration: open or not, until when, how many per member, and the public
    link (only the SHA-256 of its token is stored; the token is derived again from
    ``link_nonce`` and the installation's secret key to show it to staff)."""

    event = models.OneToOneField("delivery.Event", on_delete=models.CASCADE,
                                 related_name="registration_window", verbose_name=_("event"))
    is_open = models.BooleanField(_("open"), default=True)
    closes_at = models.DateTimeField(_("registration closes"))
    cap_per_member = models.PositiveSmallIntegerField(
        _("places per member"), null=True, blank=True,
        help_text=_("Empty: no limit. Counts registrations waiting and confirmed."))
    link_nonce = models.CharField(max_length=32, editable=False)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    created = models.DateTimeField(auto_now_add=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                           blank=True, related_name="+")
    history = HistoricalRecords(excluded_fields=["link_nonce", "token_hash"])
    office_path = "event__office"
    private = True

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("registration window")
        verbose_name_plural = _("registration windows")

    def __str__(self):
        return f"{self.event_id} until {self.closes_at:%Y-%m-%d}"

    @classmethod
    def narrow_scope(cls, user, action):
        return None


class Registration(LinkMail, TimeStampedModel):
    """Someone registered for an event (by the public link), or nominated by their member's
    focal point or by staff; confirming it records them at the event (a Participation, absent
    until they check in) and e-mails them their personal link: the task that sends the e-mail
    makes the link (``registration.tasks.send_confirmation``), so ``ticket_hash`` is empty
    until it has gone (``LinkMail``'s fields say where the sending is)."""

    class State(models.TextChoices):
        PENDING = "pending", _("Waiting for confirmation")
        CONFIRMED = "confirmed", _("Confirmed")
        DECLINED = "declined", _("Declined")

    class Source(models.TextChoices):
        LINK = "link", _("Registration link")
        FOCAL_POINT = "focal_point", _("Nominated by the focal point")
        STAFF = "staff", _("Added by staff")

    event = models.ForeignKey("delivery.Event", on_delete=models.CASCADE,
                              related_name="registrations", verbose_name=_("event"))
    full_name = models.CharField(_("full name"), max_length=200)
    member = models.ForeignKey("directory.Member", on_delete=models.PROTECT, null=True,
                               blank=True, related_name="registrations",
                               verbose_name=_("member administration"))
    position = models.CharField(_("position"), max_length=200, blank=True)
    gender = models.CharField(_("gender"), max_length=12,
                              choices=[("female", _("Female")), ("male", _("Male")),
                                       ("other", _("Other")),
                                       ("undisclosed", _("Prefer not to say"))])
    email = models.EmailField(_("e-mail"))
    consent_at = models.DateTimeField(_("consented"), null=True, blank=True)
    state = models.CharField(_("state"), max_length=10, choices=State.choices,
                             default=State.PENDING)
    source = models.CharField(_("source"), max_length=12, choices=Source.choices,
                              default=Source.LINK)
    nominated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                     null=True, blank=True, related_name="+")
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                   null=True, blank=True, related_name="+")
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    person = models.ForeignKey("directory.Person", on_delete=models.SET_NULL, null=True,
                               blank=True, related_name="registrations")
    participation = models.OneToOneField("delivery.Participation", on_delete=models.SET_NULL,
                                         null=True, blank=True, related_name="registration")
    # NULL until the confirmation e-mail has gone: the personal link (and QR code) it carries.
    ticket_hash = models.CharField(max_length=64, unique=True, null=True,  # noqa: DJ001
                                   blank=True, editable=False)
    history = HistoricalRecords(excluded_fields=["ticket_hash", *LinkMail.MAIL_FIELDS])
    office_path = "event__office"
    private = True

    class Meta:
        ordering = ["event", "full_name", "pk"]
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        constraints = [models.UniqueConstraint(Lower("email"), "event",
                                               name="one_registration_per_email")]

    def __str__(self):
        return f"{self.full_name} ({self.get_state_display()})"

    def page_url(self) -> str:
        """Where staff see it (and send its e-mail again): its row on the event's
        registration page."""
        from django.urls import reverse

        return (reverse("registration:event_registration", args=[self.event_id])
                + f"#registration-{self.pk}")

    @classmethod
    def narrow_scope(cls, user, action):
        """A focal point sees, and confirms, the registrations of their own member."""
        from workplan.core.access import CHANGE, VIEW, focal_points

        if action not in (VIEW, CHANGE):
            return None
        condition = models.Q(pk__in=[])
        for office, member in focal_points(user):
            condition |= models.Q(event__office_id=office, member_id=member)
        return condition


class CheckIn(models.Model):
    """Someone marked present at the event: when, by whom, how (found by name, their QR code
    scanned, or added at the door)."""

    class Method(models.TextChoices):
        SEARCH = "search", _("Found by name")
        QR = "qr", _("QR code scanned")
        WALK_IN = "walk_in", _("Walk-in")

    participation = models.ForeignKey("delivery.Participation", on_delete=models.CASCADE,
                                      related_name="check_ins")
    at = models.DateTimeField(auto_now_add=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                           blank=True, related_name="+")
    method = models.CharField(max_length=8, choices=Method.choices)
    office_path = "participation__event__office"
    private = True

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("check-in")
        verbose_name_plural = _("check-ins")

    def __str__(self):
        return f"{self.participation_id} at {self.at:%Y-%m-%d %H:%M}"

    @classmethod
    def narrow_scope(cls, user, action):
        return None


# --- certificates of participation ------------------------------------------------------------


def layout_image_path(instance, filename):
    return f"certificates/{instance.office_id}/{filename}"


class CertificateLayout(TimeStampedModel):
    """An office's certificate of participation: its wording, the head of office's name, title
    and signature, and the office's logo (PNG or JPEG, checked by their header), uploaded by
    the office's admins. One per office; every change is kept in the history."""

    office = models.OneToOneField("directory.Office", on_delete=models.CASCADE,
                                  related_name="certificate_layout", verbose_name=_("office"))
    # Empty: the words of the certificate in the reader's language (``CERTIFICATE_WORDS``).
    heading = models.CharField(_("heading"), max_length=120, blank=True,
                               help_text=_("Empty: “Certificate of participation”."))
    statement = models.CharField(_("words before the event's title"), max_length=200,
                                 blank=True, help_text=_("Empty: “participated in”."))
    head_name = models.CharField(_("head of office's name"), max_length=200, blank=True)
    head_title = models.CharField(_("head of office's title"), max_length=200, blank=True,
                                  help_text=_("e.g. Head of the Regional Office"))
    signature = models.FileField(_("signature (PNG or JPEG)"), upload_to=layout_image_path,
                                 max_length=300, blank=True)
    logo = models.FileField(_("logo (PNG or JPEG)"), upload_to=layout_image_path,
                            max_length=300, blank=True)
    history = HistoricalRecords()
    office_path = "office"

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("certificate layout")
        verbose_name_plural = _("certificate layouts")

    def __str__(self):
        return f"{self.office_id}: {self.heading}"


def withdraw_certificate(collector, field, sub_objs, using):
    """``on_delete`` of a certificate's participation: the certificate stays, withdrawn (its
    code is on paper: the verification page must keep answering, now "withdrawn"). Those
    withdrawn before keep their date and reason."""
    model = field.model
    manager = model._base_manager.using(using)
    pending = list(manager.filter(pk__in=[c.pk for c in sub_objs], withdrawn_at__isnull=True)
                   .values_list("pk", flat=True))
    if pending:
        # By primary key: these updates do not depend on the order the collector runs them.
        chosen = manager.filter(pk__in=pending)
        collector.add_field_update(model._meta.get_field("withdrawn_at"), timezone.now(),
                                   chosen)
        collector.add_field_update(model._meta.get_field("withdrawal_reason"),
                                   model.Withdrawal.REMOVED, chosen)
    collector.add_field_update(field, None, sub_objs)


class Certificate(models.Model):
    """The certificate of participation of one participation (someone who attended as a
    participant). ``code`` is printed on it and opens its public verification page: a lookup
    key, not a credential (it is on paper), so it is stored as it is. ``full_name`` is the
    name as printed, kept even if the person's record changes later; ``event`` and ``person``
    are kept too, so the certificate outlives its participation.

    A revoked certificate stays, and its page says it was revoked (staff may issue it again).
    A withdrawn one stays too: its participation was removed, or the person's data erased
    (then the name is gone); its page says only that it was withdrawn, and when. It is never
    printed, e-mailed or issued again."""

    class Withdrawal(models.TextChoices):
        REMOVED = "removed", _("The participation was removed from the event")
        ERASED = "erased", _("The person's data was erased on their request")
        DUPLICATE = "duplicate", _("A second certificate of one person (two records merged)")

    participation = models.OneToOneField("delivery.Participation",
                                         on_delete=withdraw_certificate, null=True,
                                         blank=True, related_name="certificate",
                                         verbose_name=_("participation"))
    event = models.ForeignKey("delivery.Event", on_delete=models.SET_NULL, null=True,
                              blank=True, related_name="certificates",
                              verbose_name=_("event"))
    person = models.ForeignKey("directory.Person", on_delete=models.SET_NULL, null=True,
                               blank=True, related_name="certificates",
                               verbose_name=_("person"))
    code = models.CharField(_("verification code"), max_length=16, unique=True,
                            editable=False)
    full_name = models.CharField(_("name as printed"), max_length=200)
    issued_at = models.DateTimeField(_("issued"), auto_now_add=True)
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                  null=True, blank=True, related_name="+")
    emailed_at = models.DateTimeField(_("e-mailed"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    revoked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                   null=True, blank=True, related_name="+")
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)
    withdrawal_reason = models.CharField(_("why it was withdrawn"), max_length=10,
                                         choices=Withdrawal.choices, blank=True)
    office_path = "event__office"
    private = True

    objects = CertificateQuerySet.as_manager()

    class Meta:
        ordering = ["full_name", "pk"]
        verbose_name = _("certificate of participation")
        verbose_name_plural = _("certificates of participation")

    def __str__(self):
        return f"{self.full_name} ({self.display_code})"

    @classmethod
    def narrow_scope(cls, user, action):
        return None

    @property
    def display_code(self) -> str:
        """The code as printed, in groups of four: "K7MX-Q4PA-2HZD"."""
        return "-".join(self.code[i:i + 4] for i in range(0, len(self.code), 4))

    @property
    def is_valid(self) -> bool:
        return self.revoked_at is None and self.withdrawn_at is None
