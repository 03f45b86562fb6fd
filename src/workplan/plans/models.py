"""The annual work plan: pillars, actions, planned activities and the links between them."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from workplan.core.access import RestrictedQuerySet
from workplan.core.models import TimeStampedModel

from .querysets import ActionQuerySet, ActivityQuerySet, PlanPartQuerySet, WorkPlanQuerySet


class WorkPlan(TimeStampedModel):
    """One office's plan for one fiscal year (1 July - 30 June for the WCO offices).

    Its life cycle: draft -> in review -> adopted; an adopted plan is revised by opening
    revision n (with its reason), which goes through draft and review again and is adopted
    as "revised". Each step keeps the plan as it then stood (``PlanRevision``)."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        IN_REVIEW = "in_review", _("In review")
        ADOPTED = "adopted", _("Adopted")
        REVISED = "revised", _("Adopted, revised")

    office = models.ForeignKey("directory.Office", on_delete=models.PROTECT,
                               related_name="work_plans", verbose_name=_("office"))
    strategic_plan = models.ForeignKey("framework.StrategicPlan", on_delete=models.PROTECT,
                                       null=True, blank=True, related_name="work_plans",
                                       verbose_name=_("strategic plan"))
    title = models.CharField(_("title"), max_length=300)
    period = models.CharField(_("fiscal year"), max_length=9, help_text=_("e.g. 2024-2025"))
    start_year = models.PositiveSmallIntegerField(_("first year"))
    source_name = models.CharField(_("source file"), max_length=300, blank=True)
    source_sha256 = models.CharField(_("source checksum"), max_length=64, blank=True)
    warnings = models.JSONField(_("import warnings"), default=list, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.ADOPTED,
        help_text=_("A plan imported from its published text is adopted; a plan drafted in "
                    "Workplan starts as a draft."))
    revision = models.PositiveSmallIntegerField(
        _("revision"), default=0, help_text=_("0 for the plan as first adopted; n for its "
                                              "n-th revision."))
    revision_reason = models.TextField(_("reason for the revision"), blank=True)
    drafted_from = models.ForeignKey("self", on_delete=models.SET_NULL, null=True, blank=True,
                                     related_name="+", verbose_name=_("drafted from"))
    history = HistoricalRecords()
    office_path = "office"

    objects = WorkPlanQuerySet.as_manager()

    class Meta:
        ordering = ["office", "-start_year"]
        verbose_name = _("work plan")
        verbose_name_plural = _("work plans")
        constraints = [models.UniqueConstraint(fields=["office", "period"],
                                               name="one_plan_per_office_year")]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("plans:workplan_detail", args=[self.office.code, self.period])

    @property
    def editable(self) -> bool:
        """Staff edit a draft or a plan in review; an adopted plan changes by a revision."""
        return self.status in (self.Status.DRAFT, self.Status.IN_REVIEW)

    @property
    def in_force(self) -> bool:
        return self.status in (self.Status.ADOPTED, self.Status.REVISED)


class Pillar(TimeStampedModel):
    work_plan = models.ForeignKey(WorkPlan, on_delete=models.CASCADE, related_name="pillars",
                                  verbose_name=_("work plan"))
    number = models.PositiveSmallIntegerField(_("number"))
    title = models.CharField(_("title"), max_length=300)
    office_path = "work_plan__office"

    objects = PlanPartQuerySet.as_manager()

    class Meta:
        ordering = ["work_plan", "number"]
        verbose_name = _("pillar")
        verbose_name_plural = _("pillars")
        constraints = [models.UniqueConstraint(fields=["work_plan", "number"],
                                               name="unique_pillar_number")]

    def __str__(self):
        return f"{self.number}. {self.title}"


class Action(TimeStampedModel):
    """A specific action of the office, e.g. 1-(a), with its RSP references and KPIs."""

    work_plan = models.ForeignKey(WorkPlan, on_delete=models.CASCADE, related_name="actions",
                                  verbose_name=_("work plan"))
    pillar = models.ForeignKey(Pillar, on_delete=models.CASCADE, related_name="actions",
                               verbose_name=_("pillar"))
    letter = models.CharField(_("letter"), max_length=3)
    code = models.CharField(_("code"), max_length=10)
    position = models.PositiveIntegerField(_("position in the plan"))
    text = models.TextField(_("text"))
    rocb_specific = models.BooleanField(
        _("office-specific"), default=False,
        help_text=_("An action of the office's own, not mentioned in the strategic plan."),
    )
    upon_request = models.BooleanField(_("upon request"), default=False)
    objectives = models.ManyToManyField("framework.Objective", through="ActionReference",
                                        related_name="actions", verbose_name=_("RSP objectives"))
    activities = models.ManyToManyField("Activity", through="ActionActivity",
                                        related_name="actions", verbose_name=_("activities"))
    source_line = models.PositiveIntegerField(_("line in the source"), null=True, blank=True)
    archived_at = models.DateTimeField(
        _("no longer in the plan since"), null=True, blank=True, editable=False,
        help_text=_("Set by a re-import that dropped this action while KPI data was recorded "
                    "on it: the action and that data are kept, read-only."))
    history = HistoricalRecords()
    office_path = "work_plan__office"

    objects = ActionQuerySet.as_manager()

    class Meta:
        ordering = ["work_plan", "position"]
        verbose_name = _("action")
        verbose_name_plural = _("actions")
        constraints = [models.UniqueConstraint(fields=["work_plan", "code"],
                                               condition=models.Q(archived_at__isnull=True),
                                               name="unique_action_code")]

    def __str__(self):
        return f"{self.code} {self.text[:80]}"

    @property
    def archived(self) -> bool:
        """No longer in the plan: kept (read-only) for the KPI data recorded on it."""
        return self.archived_at is not None

    def get_absolute_url(self):
        return reverse("plans:action_detail", args=[self.pk])


class ActionReference(models.Model):
    """An action's citation of an RSP objective, with the milestones it names."""

    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="references")
    objective = models.ForeignKey("framework.Objective", on_delete=models.PROTECT,
                                  related_name="references")
    position = models.PositiveSmallIntegerField(default=0)
    milestones = models.ManyToManyField("framework.Milestone", blank=True,
                                        related_name="references")

    class Meta:
        ordering = ["action", "position"]
        constraints = [models.UniqueConstraint(fields=["action", "objective"],
                                               name="unique_action_objective")]

    def __str__(self):
        return f"{self.action.code} → RSP {self.objective.code}"


class Activity(TimeStampedModel):
    """A planned activity; listed under several actions it is still one activity."""

    class Kind(models.TextChoices):
        """The kinds ``textplan.kinds`` recognises (same values, translatable labels)."""

        NATIONAL_WORKSHOP = "national_workshop", _("National workshop")
        SUBREGIONAL_WORKSHOP = "subregional_workshop", _("Sub-regional workshop")
        REGIONAL_WORKSHOP = "regional_workshop", _("Regional workshop")
        TRAINING = "training", _("Training")
        DIAGNOSTIC_MISSION = "diagnostic_mission", _("Diagnostic mission")
        MEETING = "meeting", _("Meeting")
        SURVEY = "survey", _("Survey")
        PUBLICATION = "publication", _("Publication")
        STANDING_TASK = "standing_task", _("Standing task")

    work_plan = models.ForeignKey(WorkPlan, on_delete=models.CASCADE, related_name="activities",
                                  verbose_name=_("work plan"))
    key = models.CharField(_("matching key"), max_length=500, editable=False)
    title = models.TextField(_("title"))
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    position = models.PositiveIntegerField(_("position in the plan"))
    members = models.ManyToManyField("directory.Member", blank=True, related_name="activities",
                                     verbose_name=_("beneficiary members"))
    unknown_members = models.JSONField(
        _("names that are not members"), default=list, blank=True,
        help_text=_("Names in the title that are not members of the office's region."),
    )
    source_line = models.PositiveIntegerField(_("line in the source"), null=True, blank=True)
    history = HistoricalRecords()
    office_path = "work_plan__office"

    objects = ActivityQuerySet.as_manager()

    class Meta:
        ordering = ["work_plan", "position"]
        verbose_name = _("activity")
        verbose_name_plural = _("activities")
        constraints = [models.UniqueConstraint(fields=["work_plan", "key"],
                                               name="unique_activity_key")]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("plans:activity_detail", args=[self.pk])


class ActionActivity(models.Model):
    """Why an activity serves an action: listed under it, named in a See also, or both."""

    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="activity_links")
    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="action_links")
    listed = models.BooleanField(_("listed under the action"), default=False)
    see_also = models.BooleanField(_("named in a See also"), default=False)
    listed_position = models.PositiveIntegerField(null=True, blank=True)
    listed_title = models.TextField(_("title as listed"), blank=True)
    see_also_codes = models.JSONField(
        _("See also as written"), default=list, blank=True,
        help_text=_("The action codes this listing names in its See also, as written."),
    )
    source_line = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["action", "listed_position"]
        verbose_name = _("action–activity link")
        verbose_name_plural = _("action–activity links")
        constraints = [models.UniqueConstraint(fields=["action", "activity"],
                                               name="unique_action_activity")]

    def __str__(self):
        return f"{self.action.code} ↔ {self.activity}"


class ImportRun(TimeStampedModel):
    """A record of every import: who, what file, what it found and changed."""

    class Outcome(models.TextChoices):
        CREATED = "created", _("Created")
        UPDATED = "updated", _("Updated")
        UNCHANGED = "unchanged", _("Unchanged")

    office = models.ForeignKey("directory.Office", on_delete=models.CASCADE,
                               related_name="import_runs")
    work_plan = models.ForeignKey(WorkPlan, on_delete=models.SET_NULL, null=True, blank=True,
                                  related_name="import_runs")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                             blank=True, related_name="+")
    source_name = models.CharField(max_length=300, blank=True)
    source_sha256 = models.CharField(max_length=64)
    outcome = models.CharField(max_length=12, choices=Outcome.choices)
    counts = models.JSONField(default=dict)
    changes = models.JSONField(default=list)
    warnings = models.JSONField(default=list)
    office_path = "office"

    class Meta:
        ordering = ["-created"]
        verbose_name = _("plan import")
        verbose_name_plural = _("plan imports")

    def __str__(self):
        return f"{self.source_name} ({self.get_outcome_display()})"


class PlanRevision(models.Model):
    """The whole plan as it stood at one step of its life (Wagtail's ``Revision``): the
    canonical JSON of ``snapshot``, so any two versions can be compared and shown again."""

    class Event(models.TextChoices):
        IMPORTED = "imported", _("Imported")
        DRAFTED = "drafted", _("Drafted from the previous plan")
        SAVED = "saved", _("Saved as a version")
        SUBMITTED = "submitted", _("Sent for review")
        CHANGES_REQUESTED = "changes_requested", _("Returned to draft")
        ADOPTED = "adopted", _("Adopted")
        REVISION_OPENED = "revision_opened", _("Revision opened")

    work_plan = models.ForeignKey(WorkPlan, on_delete=models.CASCADE, related_name="revisions",
                                  verbose_name=_("work plan"))
    number = models.PositiveIntegerField(_("version"))
    event = models.CharField(_("event"), max_length=20, choices=Event.choices)
    status = models.CharField(_("status"), max_length=10, choices=WorkPlan.Status.choices)
    revision = models.PositiveSmallIntegerField(_("revision"), default=0)
    reason = models.TextField(_("reason or note"), blank=True)
    content = models.JSONField(_("the plan (canonical JSON)"))
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                             blank=True, related_name="+", verbose_name=_("by"))
    created = models.DateTimeField(_("at"), auto_now_add=True)
    office_path = "work_plan__office"

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["work_plan", "number"]
        verbose_name = _("plan version")
        verbose_name_plural = _("plan versions")
        constraints = [models.UniqueConstraint(fields=["work_plan", "number"],
                                               name="unique_plan_version")]

    def __str__(self):
        return f"{self.work_plan} v{self.number} ({self.get_event_display()})"


class PlanComment(TimeStampedModel):
    """A remark on an action (or the whole plan) while the plan is in review, by office staff
    or a focal point of the region. The action's code is kept should the action go."""

    work_plan = models.ForeignKey(WorkPlan, on_delete=models.CASCADE, related_name="comments",
                                  verbose_name=_("work plan"))
    action = models.ForeignKey(Action, on_delete=models.SET_NULL, null=True, blank=True,
                               related_name="comments", verbose_name=_("action"))
    action_code = models.CharField(_("action"), max_length=10, blank=True)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                               related_name="+", verbose_name=_("author"))
    text = models.TextField(_("comment"), max_length=4000)
    revision = models.PositiveSmallIntegerField(_("revision"), default=0)
    office_path = "work_plan__office"

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["work_plan", "created", "pk"]
        verbose_name = _("plan comment")
        verbose_name_plural = _("plan comments")

    def __str__(self):
        return f"{self.action_code or self.work_plan}: {self.text[:60]}"


class PlanSuggestion(TimeStampedModel):
    """Something drafting the next plan proposes; staff accept it (it enters the draft) or
    drop it. ``payload`` holds what accepting writes (an activity listing, a target)."""

    class Kind(models.TextChoices):
        STANDING = "standing", _("Standing task carried over")
        UNDELIVERED = "undelivered", _("Planned activity not delivered")
        REQUEST = "request", _("Accepted request not yet scheduled")
        NEED = "need", _("Members' need not covered")
        TARGET = "target", _("Target from this year's actuals")

    class Status(models.TextChoices):
        PENDING = "pending", _("Proposed")
        ACCEPTED = "accepted", _("Accepted")
        DROPPED = "dropped", _("Dropped")

    work_plan = models.ForeignKey(WorkPlan, on_delete=models.CASCADE,
                                  related_name="suggestions", verbose_name=_("work plan"))
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    action_code = models.CharField(_("action"), max_length=10)
    title = models.TextField(_("suggestion"))
    reason = models.TextField(_("why"))
    payload = models.JSONField(default=dict, blank=True)
    position = models.PositiveIntegerField(default=0)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices,
                              default=Status.PENDING)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                   null=True, blank=True, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    office_path = "work_plan__office"

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["work_plan", "position", "pk"]
        verbose_name = _("plan suggestion")
        verbose_name_plural = _("plan suggestions")

    def __str__(self):
        return f"{self.get_kind_display()}: {self.title[:60]}"
