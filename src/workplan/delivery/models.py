"""What the office delivers against its plan: requests, events, participation, funding."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from workplan.core.access import CHANGE, VIEW, RestrictedQuerySet, focal_points, role_offices
from workplan.core.models import TimeStampedModel, VersionedModel

from .querysets import EventQuerySet, FundingQuerySet, ParticipationQuerySet, RequestQuerySet

# --- requests ---------------------------------------------------------------------------------


class Request(VersionedModel):
    """A member administration's request for assistance, and its life cycle."""

    class Status(models.TextChoices):
        RECEIVED = "received", _("Received")
        ACCEPTED = "accepted", _("Accepted")
        SCHEDULED = "scheduled", _("Scheduled")
        DELIVERED = "delivered", _("Delivered")
        DECLINED = "declined", _("Declined")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    # Forward only: a request never goes back in its life cycle.
    TRANSITIONS = {
        Status.RECEIVED: {Status.ACCEPTED, Status.DECLINED, Status.WITHDRAWN},
        Status.ACCEPTED: {Status.SCHEDULED, Status.DECLINED, Status.WITHDRAWN},
        Status.SCHEDULED: {Status.DELIVERED, Status.WITHDRAWN},
        Status.DELIVERED: set(),
        Status.DECLINED: set(),
        Status.WITHDRAWN: set(),
    }

    office = models.ForeignKey("directory.Office", on_delete=models.PROTECT,
                               related_name="requests", verbose_name=_("office"))
    member = models.ForeignKey("directory.Member", on_delete=models.PROTECT,
                               related_name="requests", verbose_name=_("member"))
    topic = models.CharField(_("topic"), max_length=300)
    action = models.ForeignKey("plans.Action", on_delete=models.PROTECT, null=True, blank=True,
                               related_name="requests", verbose_name=_("action of the plan"))
    activity = models.ForeignKey("plans.Activity", on_delete=models.PROTECT, null=True,
                                 blank=True, related_name="requests",
                                 verbose_name=_("planned activity"))
    preferred_start = models.DateField(_("preferred from"), null=True, blank=True)
    preferred_end = models.DateField(_("preferred until"), null=True, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices,
                              default=Status.RECEIVED)
    event = models.ForeignKey("Event", on_delete=models.SET_NULL, null=True, blank=True,
                              related_name="requests", verbose_name=_("event"))
    filed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                 null=True, blank=True, related_name="+")
    history = HistoricalRecords()
    office_path = "office"
    private = True

    objects = RequestQuerySet.as_manager()

    @classmethod
    def narrow_scope(cls, user, action):
        """Focal points see, file and withdraw their own member's requests."""
        if action not in (VIEW, CHANGE):
            return None
        pairs = focal_points(user)
        if not pairs:
            return None
        condition = Q(pk__in=[])
        for office, member in pairs:
            condition |= Q(office_id=office, member_id=member)
        return condition

    class Meta:
        ordering = ["-created"]
        verbose_name = _("request")
        verbose_name_plural = _("requests")
        constraints = [
            models.CheckConstraint(
                condition=Q(preferred_end__isnull=True) | Q(preferred_start__isnull=True)
                | Q(preferred_end__gte=models.F("preferred_start")),
                name="request_dates_in_order"),
        ]

    def __str__(self):
        return f"{self.member}: {self.topic}"

    def get_absolute_url(self):
        return reverse("delivery:request_detail", args=[self.pk])

    def clean(self):
        if (self.preferred_start and self.preferred_end
                and self.preferred_end < self.preferred_start):
            raise ValidationError({"preferred_end": _("The preferred period ends before it "
                                                      "starts.")})


class RequestStep(models.Model):
    """One step of a request's life cycle: when, by whom, with what note."""

    request = models.ForeignKey(Request, on_delete=models.CASCADE, related_name="steps")
    status = models.CharField(max_length=12, choices=Request.Status.choices)
    at = models.DateTimeField(auto_now_add=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                           blank=True, related_name="+")
    note = models.TextField(blank=True)
    office_path = "request__office"
    private = True

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["request", "at", "pk"]

    def __str__(self):
        return f"{self.request_id} → {self.status}"

    @classmethod
    def narrow_scope(cls, user, action):
        inner = Request.narrow_scope(user, action)
        return None if inner is None else Q(request__in=Request.objects.filter(inner))


# --- events -----------------------------------------------------------------------------------


class Event(VersionedModel):
    """One delivered (or to be delivered) occurrence of an activity, or an unplanned one."""

    class Kind(models.TextChoices):
        WORKSHOP = "workshop", _("Workshop")
        TRAINING = "training", _("Training")
        MISSION = "mission", _("Diagnostic / advisory mission")
        MEETING = "meeting", _("Meeting")
        CONFERENCE = "conference", _("Conference")
        ACCREDITATION = "accreditation", _("Accreditation workshop")
        OTHER = "other", _("Other")

    class Level(models.TextChoices):
        NATIONAL = "national", _("National")
        SUBREGIONAL = "subregional", _("Sub-regional")
        REGIONAL = "regional", _("Regional")
        GLOBAL = "global", _("Global")

    class Mode(models.TextChoices):
        IN_PERSON = "in_person", _("In person")
        VIRTUAL = "virtual", _("Virtual")
        HYBRID = "hybrid", _("Hybrid")

    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        CONFIRMED = "confirmed", _("Confirmed")
        HELD = "held", _("Held")
        POSTPONED = "postponed", _("Postponed")
        CANCELLED = "cancelled", _("Cancelled")

    TRANSITIONS = {
        Status.PLANNED: {Status.CONFIRMED, Status.HELD, Status.POSTPONED, Status.CANCELLED},
        Status.CONFIRMED: {Status.HELD, Status.POSTPONED, Status.CANCELLED},
        Status.POSTPONED: {Status.PLANNED, Status.CONFIRMED, Status.CANCELLED},
        Status.HELD: set(),
        Status.CANCELLED: set(),
    }

    class OfficeRole(models.TextChoices):
        ORGANISED = "organised", _("Organised")
        CO_ORGANISED = "co_organised", _("Co-organised")
        ATTENDED = "attended", _("Attended")

    office = models.ForeignKey("directory.Office", on_delete=models.PROTECT,
                               related_name="events", verbose_name=_("office"))
    activity = models.ForeignKey("plans.Activity", on_delete=models.PROTECT, null=True,
                                 blank=True, related_name="events",
                                 verbose_name=_("planned activity"))
    actions = models.ManyToManyField("plans.Action", through="EventAction", blank=True,
                                     related_name="events", verbose_name=_("actions served"))
    title = models.CharField(_("title"), max_length=300)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    level = models.CharField(_("level"), max_length=12, choices=Level.choices)
    start_date = models.DateField(_("start"))
    end_date = models.DateField(_("end"))
    city = models.CharField(_("city"), max_length=100, blank=True)
    country = models.CharField(_("country (ISO 3166 alpha-3)"), max_length=3, blank=True)
    mode = models.CharField(_("mode"), max_length=10, choices=Mode.choices,
                            default=Mode.IN_PERSON)
    host_member = models.ForeignKey("directory.Member", on_delete=models.PROTECT, null=True,
                                    blank=True, related_name="hosted_events",
                                    verbose_name=_("host member"))
    beneficiaries = models.ManyToManyField("directory.Member", blank=True,
                                           related_name="events",
                                           verbose_name=_("beneficiary members"))
    partners = models.ManyToManyField("directory.Partner", through="EventPartner", blank=True,
                                      related_name="events", verbose_name=_("partners"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices,
                              default=Status.PLANNED)
    office_role = models.CharField(_("office's role"), max_length=14,
                                   choices=OfficeRole.choices, default=OfficeRole.ORGANISED)
    summary = models.TextField(_("summary"), blank=True,
                               help_text=_("A paragraph for the annual report."))
    history = HistoricalRecords(m2m_fields=[beneficiaries])
    office_path = "office"
    private = True

    objects = EventQuerySet.as_manager()

    @classmethod
    def narrow_scope(cls, user, action):
        """Focal points see the events their member hosts or benefits from; experts the
        events they were deployed to."""
        if action != VIEW:
            return None
        condition = Q(office_id__in=role_offices(user), pk__in=Participation.objects.filter(
            person__user=user, person__user__isnull=False, role=Participation.Role.EXPERT,
        ).values("event_id"))
        through = cls.beneficiaries.through
        for office, member in focal_points(user):
            condition |= Q(office_id=office, host_member_id=member)
            condition |= Q(office_id=office, pk__in=through.objects.filter(
                member_id=member).values("event_id"))
        return condition

    class Meta:
        ordering = ["-start_date", "title"]
        verbose_name = _("event")
        verbose_name_plural = _("events")
        indexes = [models.Index(fields=["office", "start_date"]),
                   models.Index(fields=["status", "start_date"])]
        constraints = [
            models.CheckConstraint(condition=Q(end_date__gte=models.F("start_date")),
                                   name="event_dates_in_order",
                                   violation_error_message=_("The event ends before it "
                                                             "starts.")),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("delivery:event_detail", args=[self.pk])

    @property
    def place(self) -> str:
        """Where it was held, for people: "Suva, Fiji" (the host member's name for its own
        country, when the host is loaded), else the recorded ISO code."""
        country = self.country
        host = self.host_member if self.host_member_id and "host_member" in \
            self._state.fields_cache else None
        if country and host is not None and host.iso3 == country:
            country = host.name
        return ", ".join(part for part in (self.city, country) if part)

    def clean(self):
        if self.start_date and self.end_date and self.end_date < self.start_date:
            raise ValidationError({"end_date": _("The event ends before it starts.")})


class EventAction(models.Model):
    """An action of the plan an event serves (its activity's actions, or chosen for an
    unplanned event). PROTECT: a re-import cannot silently drop an action with events."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="action_links")
    action = models.ForeignKey("plans.Action", on_delete=models.PROTECT,
                               related_name="event_links")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["event", "action"],
                                               name="unique_event_action")]

    def __str__(self):
        return f"{self.event_id} → {self.action_id}"


class EventPartner(models.Model):
    class Role(models.TextChoices):
        FUNDER = "funder", _("Funder")
        CO_ORGANISER = "co_organiser", _("Co-organiser")
        VENUE = "venue", _("Venue")
        OTHER = "other", _("Other")

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="partner_roles")
    partner = models.ForeignKey("directory.Partner", on_delete=models.PROTECT,
                                related_name="event_roles", verbose_name=_("partner"))
    role = models.CharField(_("role"), max_length=14, choices=Role.choices)

    class Meta:
        ordering = ["event", "role", "partner__name"]
        constraints = [models.UniqueConstraint(fields=["event", "partner", "role"],
                                               name="unique_event_partner_role")]

    def __str__(self):
        return f"{self.partner} ({self.get_role_display()})"


class Funding(TimeStampedModel):
    """Money (or in-kind support) for an event, from a partner or a member administration."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="fundings",
                              verbose_name=_("event"))
    partner = models.ForeignKey("directory.Partner", on_delete=models.PROTECT, null=True,
                                blank=True, related_name="fundings", verbose_name=_("partner"))
    member = models.ForeignKey("directory.Member", on_delete=models.PROTECT, null=True,
                               blank=True, related_name="fundings",
                               verbose_name=_("member administration"))
    amount = models.DecimalField(_("amount"), max_digits=14, decimal_places=2,
                                 validators=[MinValueValidator(Decimal("0"))])
    currency = models.CharField(_("currency (ISO 4217)"), max_length=3, default="USD")
    in_kind = models.BooleanField(_("in kind"), default=False)
    note = models.CharField(_("note"), max_length=300, blank=True)
    history = HistoricalRecords()
    office_path = "event__office"
    private = True  # money: office-wide roles only

    objects = FundingQuerySet.as_manager()

    @classmethod
    def narrow_scope(cls, user, action):
        return None

    class Meta:
        ordering = ["event", "pk"]
        verbose_name = _("funding")
        verbose_name_plural = _("funding")
        constraints = [
            models.CheckConstraint(
                condition=(Q(partner__isnull=False, member__isnull=True)
                           | Q(partner__isnull=True, member__isnull=False)),
                name="funding_has_one_source"),
            models.CheckConstraint(condition=Q(amount__gte=0), name="funding_not_negative"),
        ]

    def __str__(self):
        return f"{self.amount} {self.currency} from {self.partner or self.member}"

    @property
    def source(self):
        return self.partner or self.member


def attachment_path(instance, filename):
    return f"events/{instance.event_id}/{filename}"


class Attachment(TimeStampedModel):
    class Kind(models.TextChoices):
        AGENDA = "agenda", _("Agenda")
        REPORT = "report", _("Report")
        PHOTO = "photo", _("Photo")
        ATTENDANCE = "attendance", _("Attendance sheet")
        OTHER = "other", _("Other")

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="attachments")
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    file = models.FileField(_("file"), upload_to=attachment_path, max_length=300)
    name = models.CharField(_("file name"), max_length=200)
    size = models.PositiveIntegerField(_("size (bytes)"))
    content_type = models.CharField(_("type"), max_length=100)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                    null=True, blank=True, related_name="+")
    office_path = "event__office"
    private = True

    @classmethod
    def narrow_scope(cls, user, action):
        inner = Event.narrow_scope(user, action)
        return None if inner is None else Q(event__in=Event.objects.filter(inner))

    class Meta:
        ordering = ["event", "kind", "name"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self):
        return self.name


class Participation(TimeStampedModel):
    """A person at an event, in a role; an expert's deployments are their expert roles."""

    class Role(models.TextChoices):
        PARTICIPANT = "participant", _("Participant")
        EXPERT = "expert", _("Expert / resource person")
        OBSERVER = "observer", _("Observer")
        ORGANISER = "organiser", _("Organiser")

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="participations",
                              verbose_name=_("event"))
    person = models.ForeignKey("directory.Person", on_delete=models.PROTECT,
                               related_name="participations", verbose_name=_("person"))
    role = models.CharField(_("role"), max_length=12, choices=Role.choices,
                            default=Role.PARTICIPANT)
    attended = models.BooleanField(_("attended"), default=True)
    # The person's administration at the time of the event (people move).
    member = models.ForeignKey("directory.Member", on_delete=models.PROTECT, null=True,
                               blank=True, related_name="participations",
                               verbose_name=_("member administration"))
    history = HistoricalRecords()
    office_path = "event__office"
    private = True

    objects = ParticipationQuerySet.as_manager()

    @classmethod
    def narrow_scope(cls, user, action):
        """Focal points see their own member's officials; experts their own deployments."""
        if action != VIEW:
            return None
        condition = Q(event__office_id__in=role_offices(user), person__user=user,
                      person__user__isnull=False)
        for office, member in focal_points(user):
            condition |= Q(event__office_id=office, member_id=member)
        return condition

    class Meta:
        ordering = ["event", "person__full_name"]
        verbose_name = _("participation")
        verbose_name_plural = _("participations")
        constraints = [models.UniqueConstraint(fields=["event", "person"],
                                               name="one_participation_per_person")]

    def __str__(self):
        return f"{self.person} at {self.event} ({self.get_role_display()})"
