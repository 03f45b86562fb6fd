"""The IPTT and the adoption register as workbooks."""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from workplan.indicators import iptt
from workplan.indicators.export import iptt_workbook

from ..registry import OFFICE, PERIOD, Export, Exporter, Param, registry
from .plans import plan_for

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@registry.register
class IpttExporter(Exporter):
    identifier = "iptt"
    verbose_name = _("Indicator performance tracking table")
    description = _("Every KPI of the plan by quarter: target, actual, % met, numerators and "
                    "denominators; optionally broken down.")
    params = (OFFICE, PERIOD, Param("by", _("Breakdown"), required=False,
                                    choices=("member", "subregion", "gender"),
                                    labels={"": _("No breakdown"), "member": _("By member"),
                                            "subregion": _("By sub-region"),
                                            "gender": _("By gender")}))
    file_format = "xlsx"
    years_from = "plans"

    def render(self, params, user=None):
        plan = plan_for(params, user)
        table = iptt.compute(plan, dimension=params["by"])
        table.assess(timezone.localdate())
        return Export(f"IPTT-{plan.office.code}-{plan.period}.xlsx", XLSX,
                      iptt_workbook(table, today=timezone.localdate()))
