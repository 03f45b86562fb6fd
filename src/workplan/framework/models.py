"""The Regional Strategic Plan that annual plans cite: objectives ("1.1.1") and milestones."""

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from workplan.core.models import TimeStampedModel

from .querysets import ObjectiveQuerySet, StrategicPlanQuerySet


class StrategicPlan(TimeStampedModel):
    region = models.ForeignKey("directory.Region", on_delete=models.PROTECT,
                               related_name="strategic_plans", verbose_name=_("region"))
    title = models.CharField(_("title"), max_length=200)
    start_year = models.PositiveSmallIntegerField(_("first year"))
    end_year = models.PositiveSmallIntegerField(_("last year"))
    region_path = "region"
    history = HistoricalRecords()

    objects = StrategicPlanQuerySet.as_manager()

    class Meta:
        ordering = ["-start_year"]
        verbose_name = _("strategic plan")
        verbose_name_plural = _("strategic plans")
        constraints = [models.UniqueConstraint(fields=["region", "start_year", "end_year"],
                                               name="one_strategic_plan_per_span")]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("framework:strategicplan_detail", args=[self.pk])

    @property
    def period(self) -> str:
        return f"{self.start_year}-{self.end_year}"


def objective_sort_key(code: str) -> str:
    """'1.10.2' sorts after '1.9.1': zero-padded parts."""
    return ".".join(part.zfill(3) for part in code.split("."))


class Objective(TimeStampedModel):
    """An RSP objective: entered on the strategic plan's page by the region's office admins,
    or created the first time a plan cites it (its title then filled in on its page)."""

    strategic_plan = models.ForeignKey(StrategicPlan, on_delete=models.CASCADE,
                                       related_name="objectives",
                                       verbose_name=_("strategic plan"))
    code = models.CharField(_("code"), max_length=20)
    sort_key = models.CharField(max_length=40, editable=False)
    title = models.CharField(_("title"), max_length=300, blank=True)
    region_path = "strategic_plan__region"
    history = HistoricalRecords()

    objects = ObjectiveQuerySet.as_manager()

    class Meta:
        ordering = ["strategic_plan", "sort_key"]
        verbose_name = _("objective")
        verbose_name_plural = _("objectives")
        constraints = [models.UniqueConstraint(fields=["strategic_plan", "code"],
                                               name="unique_objective_code")]

    def __str__(self):
        return f"RSP {self.code}" + (f" {self.title}" if self.title else "")

    def save(self, *args, **kwargs):
        self.sort_key = objective_sort_key(self.code)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("framework:objective_detail", args=[self.pk])


class Milestone(TimeStampedModel):
    objective = models.ForeignKey(Objective, on_delete=models.CASCADE, related_name="milestones",
                                  verbose_name=_("objective"))
    number = models.PositiveSmallIntegerField(_("number"))
    title = models.CharField(_("title"), max_length=300, blank=True)
    region_path = "objective__strategic_plan__region"
    history = HistoricalRecords()

    class Meta:
        ordering = ["objective", "number"]
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")
        constraints = [models.UniqueConstraint(fields=["objective", "number"],
                                               name="unique_milestone_number")]

    def __str__(self):
        return f"{self.objective.code} milestone {self.number}"
