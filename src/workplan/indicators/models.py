"""KPIs: each KPI text of an action is an Indicator, bound to a measure that computes it.

Targets and baselines are set per fiscal year (quarter 0) and per quarter. Manual measures
read dated values that staff enter with evidence and that a second person approves. Outcome
KPIs ("Number of contracting Members") read the adoption register: a dated history of each
member's status for each WCO instrument, so any past period can be recomputed.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from workplan.core.access import RestrictedQuerySet
from workplan.core.models import TimeStampedModel, VersionedModel

from .querysets import IndicatorQuerySet


class Indicator(VersionedModel):
    """One KPI of an action, in the plan's words; the measure says how it is counted."""

    class Direction(models.TextChoices):
        INCREASE = "increase", _("Higher is better")
        DECREASE = "decrease", _("Lower is better")

    action = models.ForeignKey("plans.Action", on_delete=models.CASCADE,
                               related_name="indicators", verbose_name=_("action"))
    position = models.PositiveSmallIntegerField(_("position"), default=1)
    text = models.TextField(_("KPI as published"))
    measure = models.CharField(_("measure"), max_length=40, default="manual")
    params = models.JSONField(_("measure settings"), default=dict, blank=True)
    measure_locked = models.BooleanField(
        _("measure chosen by staff"), default=False,
        help_text=_("Re-imports keep a measure that staff chose."),
    )
    cumulative = models.BooleanField(
        _("cumulative"), default=True,
        help_text=_("Cumulative: a quarter shows the total since the fiscal year began. "
                    "Otherwise each quarter counts only its own records."))
    direction = models.CharField(_("direction"), max_length=8, choices=Direction.choices,
                                 default=Direction.INCREASE)
    archived_at = models.DateTimeField(
        _("no longer in the plan since"), null=True, blank=True, editable=False,
        help_text=_("Set by a re-import that dropped this KPI: its targets and values are "
                    "kept, read-only, and still count in the years they were recorded for."))
    history = HistoricalRecords()
    office_path = "action__work_plan__office"

    objects = IndicatorQuerySet.as_manager()

    class Meta:
        ordering = ["action", "position"]
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        constraints = [models.UniqueConstraint(fields=["action", "position"],
                                               condition=Q(archived_at__isnull=True),
                                               name="unique_indicator_position")]

    def __str__(self):
        return self.text

    @property
    def archived(self) -> bool:
        """No longer in the plan: kept with its data, read-only."""
        return self.archived_at is not None

    def get_absolute_url(self):
        return reverse("indicators:indicator_detail", args=[self.pk])

    @property
    def measure_obj(self):
        from .measures import registry

        return registry.get(self.measure)


class Target(TimeStampedModel):
    """What an indicator should reach in a fiscal year (quarter 0) or one of its quarters,
    and where it started (baseline)."""

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="targets",
                                  verbose_name=_("indicator"))
    fiscal_year = models.PositiveSmallIntegerField(
        _("fiscal year (first calendar year)"), help_text=_("2024 for 2024-2025"))
    quarter = models.PositiveSmallIntegerField(
        _("quarter"), default=0, validators=[MaxValueValidator(4)],
        help_text=_("1-4 for a quarter of the fiscal year; 0 for the whole year"))
    target = models.DecimalField(_("target"), max_digits=12, decimal_places=2, null=True,
                                 blank=True)
    baseline = models.DecimalField(_("baseline"), max_digits=12, decimal_places=2, null=True,
                                   blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)
    history = HistoricalRecords()
    office_path = "indicator__action__work_plan__office"

    class Meta:
        ordering = ["indicator", "fiscal_year", "quarter"]
        verbose_name = _("target")
        verbose_name_plural = _("targets")
        constraints = [
            models.UniqueConstraint(fields=["indicator", "fiscal_year", "quarter"],
                                    name="unique_target_period"),
            models.CheckConstraint(condition=Q(quarter__lte=4), name="target_quarter_0_to_4"),
        ]

    def __str__(self):
        period = f"Q{self.quarter} " if self.quarter else ""
        return f"{self.indicator}: {period}{self.fiscal_year} → {self.target}"


class Value(TimeStampedModel):
    """A value of a manual indicator, dated, with its evidence; it counts once approved."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted for review")
        APPROVED = "approved", _("Approved")
        RETURNED = "returned", _("Returned for changes")

    TRANSITIONS = {
        Status.DRAFT: {Status.SUBMITTED},
        Status.SUBMITTED: {Status.APPROVED, Status.RETURNED},
        Status.RETURNED: {Status.SUBMITTED},
        Status.APPROVED: set(),
    }

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="values",
                                  verbose_name=_("indicator"))
    on = models.DateField(_("date"), help_text=_("When it happened: decides its period."))
    value = models.DecimalField(_("value"), max_digits=12, decimal_places=2)
    member = models.ForeignKey("directory.Member", on_delete=models.PROTECT, null=True,
                               blank=True, related_name="indicator_values",
                               verbose_name=_("member (if it concerns one)"))
    description = models.TextField(_("what was achieved"))
    evidence_url = models.URLField(_("evidence (link)"), blank=True, max_length=500)
    evidence = models.TextField(_("evidence (reference or note)"), blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices,
                              default=Status.DRAFT)
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                   null=True, blank=True, related_name="+")
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                    null=True, blank=True, related_name="+")
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    review_note = models.TextField(_("review note"), blank=True)
    history = HistoricalRecords()
    office_path = "indicator__action__work_plan__office"

    class Meta:
        ordering = ["indicator", "-on", "pk"]
        verbose_name = _("value")
        verbose_name_plural = _("values")
        indexes = [models.Index(fields=["indicator", "status", "on"])]

    def __str__(self):
        return f"{self.value} on {self.on} ({self.get_status_display()})"

    def clean(self):
        if not (self.evidence_url or self.evidence):
            raise ValidationError({"evidence": _("Give the evidence: a link or a reference.")})


# --- the adoption register ----------------------------------------------------------------------


class Instrument(TimeStampedModel):
    """A WCO instrument or programme whose adoption by members is tracked (shared by every
    office: the Revised Kyoto Convention is the same everywhere)."""

    class Kind(models.TextChoices):
        CONVENTION = "convention", _("Convention")
        AGREEMENT = "agreement", _("Agreement")
        PROGRAMME = "programme", _("Programme")
        RECOMMENDATION = "recommendation", _("Recommendation")
        TOOL = "tool", _("Tool or system")

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200, unique=True)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    top_status_label = models.CharField(
        _("name of the highest status"), max_length=60, default="operating",
        help_text=_('e.g. "contracting party", "operating", "signed", "accepted"'))
    keywords = models.JSONField(
        _("words that name it in a plan"), default=list, blank=True,
        help_text=_("Used to bind KPIs of actions that mention the instrument."))
    position = models.PositiveSmallIntegerField(_("position"), default=100)
    history = HistoricalRecords()

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["position", "name"]
        verbose_name = _("instrument")
        verbose_name_plural = _("instruments")

    def __str__(self):
        return self.name

    def status_label(self, level: int) -> str:
        if level == Adoption.Status.OPERATING:
            return self.top_status_label
        return str(Adoption.Status(level).label)


class Adoption(TimeStampedModel):
    """From ``since`` on, ``member`` stands at ``status`` for ``instrument``. Rows are never
    overwritten by a later status: a new row is added, so every past date can be read back."""

    class Status(models.IntegerChoices):
        NONE = 0, _("None")
        PLANNING = 1, _("Planning")
        IMPLEMENTING = 2, _("Implementing")
        OPERATING = 3, _("Operating / contracting party")

    member = models.ForeignKey("directory.Member", on_delete=models.PROTECT,
                               related_name="adoptions", verbose_name=_("member"))
    instrument = models.ForeignKey(Instrument, on_delete=models.PROTECT,
                                   related_name="adoptions", verbose_name=_("instrument"))
    status = models.PositiveSmallIntegerField(_("status"), choices=Status.choices)
    since = models.DateField(_("since"))
    evidence = models.TextField(_("evidence"))
    evidence_url = models.URLField(_("evidence (link)"), blank=True, max_length=500)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                    null=True, blank=True, related_name="+")
    history = HistoricalRecords()
    region_path = "member__region"

    class Meta:
        ordering = ["member", "instrument", "-since"]
        verbose_name = _("adoption status")
        verbose_name_plural = _("adoption register")
        constraints = [models.UniqueConstraint(fields=["member", "instrument", "since"],
                                               name="one_status_per_member_instrument_day")]
        indexes = [models.Index(fields=["instrument", "since"])]

    def __str__(self):
        return f"{self.member} – {self.instrument}: {self.get_status_display()} since {self.since}"
