"""KPIs: each KPI text of an action is an Indicator, bound to a measure that computes it."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from workplan.core.models import TimeStampedModel


class Indicator(TimeStampedModel):
    """One KPI of an action, in the plan's words; the measure says how it is counted."""

    action = models.ForeignKey("plans.Action", on_delete=models.CASCADE,
                               related_name="indicators", verbose_name=_("action"))
    position = models.PositiveSmallIntegerField(_("position"), default=1)
    text = models.TextField(_("KPI as published"))
    measure = models.CharField(_("measure"), max_length=40, default="manual")
    measure_locked = models.BooleanField(
        _("measure chosen by staff"), default=False,
        help_text=_("Re-imports keep a measure that staff chose."),
    )
    history = HistoricalRecords()
    office_path = "action__work_plan__office"

    class Meta:
        ordering = ["action", "position"]
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        constraints = [models.UniqueConstraint(fields=["action", "position"],
                                               name="unique_indicator_position")]

    def __str__(self):
        return self.text
