"""Writes of the strategic plan: an office admin of the region keeps its RSP in the app (the
titles of objectives and milestones the importer only knows by their codes, and the next
strategic plan before the first annual plan cites it)."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from .models import Milestone, Objective, StrategicPlan


class FrameworkError(ValueError):
    """A change the strategic plan cannot take; the message names what and why."""


def save_strategic_plan(plan: StrategicPlan) -> StrategicPlan:
    """Create or retitle a strategic plan. Its span is its identity (annual plans find it by
    it), so the years of a plan already cited stay as they are."""
    if plan.end_year < plan.start_year:
        raise FrameworkError(_("The last year comes before the first."))
    overlapping = (StrategicPlan.objects.filter(region=plan.region_id)
                   .filter(start_year__lte=plan.end_year, end_year__gte=plan.start_year)
                   .exclude(pk=plan.pk).first())
    if overlapping is not None:
        raise FrameworkError(_("%(title)s already covers %(years)s.")
                             % {"title": overlapping.title, "years": overlapping.period})
    if plan.pk is not None:
        before = StrategicPlan.objects.get(pk=plan.pk)
        if (before.start_year, before.end_year) != (plan.start_year, plan.end_year) and (
                before.work_plans.exists() or Objective.objects.filter(
                    strategic_plan=plan, references__isnull=False).exists()):
            raise FrameworkError(_("Annual plans cite this strategic plan: its years cannot "
                                   "change."))
    plan.save()
    return plan


@transaction.atomic
def save_objective(objective: Objective, milestones: list[tuple[int, str]]) -> Objective:
    """Save an objective and set its milestones to ``milestones`` (number, title): numbers
    kept are retitled, new ones added, missing ones removed unless an action cites them (then
    nothing is saved)."""
    if Objective.objects.filter(strategic_plan=objective.strategic_plan_id,
                                code=objective.code).exclude(pk=objective.pk).exists():
        raise FrameworkError(_("Objective %(code)s is already in this strategic plan.")
                             % {"code": objective.code})
    objective.save()
    wanted = dict(milestones)
    existing = {m.number: m for m in objective.milestones.all()}
    gone = [m for number, m in existing.items() if number not in wanted]
    cited = sorted(m.number for m in gone if m.references.exists())
    if cited:
        raise FrameworkError(
            _("Milestone %(numbers)s of %(code)s is cited by an action and cannot be removed.")
            % {"numbers": ", ".join(map(str, cited)), "code": objective.code})
    for milestone in gone:
        milestone.delete()
    for number, title in wanted.items():
        milestone = existing.get(number) or Milestone(objective=objective, number=number)
        if milestone.pk is None or milestone.title != title:
            milestone.title = title
            milestone.save()
    return objective


def delete_objective(objective: Objective) -> None:
    """Remove an objective no action cites (a cited one stays: the plans' references)."""
    if objective.references.exists():
        raise FrameworkError(_("Actions cite RSP %(code)s: it cannot be removed.")
                             % {"code": objective.code})
    objective.delete()
