"""The work plan in its four formats."""

from django.utils.translation import gettext_lazy as _

from workplan.plans.export import FORMATS, export_plan
from workplan.plans.models import WorkPlan

from ..registry import OFFICE, PERIOD, Export, Exporter, ExportError, format_param, registry, scoped


def plan_for(params, user):
    plan = (scoped(WorkPlan.objects, user).select_related("office__region")
            .filter(office__code=params["office"], period=params["period"]).first())
    if plan is None:
        raise ExportError(_("period: %(office)s has no work plan for %(period)s")
                          % params, "period")
    return plan


@registry.register
class WorkPlanExporter(Exporter):
    identifier = "work-plan"
    verbose_name = _("Annual work plan")
    description = _("The plan as imported: JSON (canonical), the published text layout, Word "
                    "(the annual report's annex table) or Excel.")
    params = (OFFICE, PERIOD, format_param(tuple(FORMATS), "docx"))
    years_from = "plans"

    def render(self, params, user=None):
        return Export(*export_plan(plan_for(params, user), params["format"]))
