"""IATI 2.03 activities of an office's fiscal year (one per event; see ``data.iati``)."""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from workplan.delivery.models import Event
from workplan.indicators.periods import Period

from ..data.iati import iati_file
from ..registry import (
    OFFICE_WIDE,
    PERIOD,
    Export,
    Exporter,
    ExportError,
    fiscal_year,
    office_for,
    registry,
    scoped,
)


@registry.register
class IatiExporter(Exporter):
    identifier = "iati-activities"
    verbose_name = _("IATI activities")
    file_format = "xml"
    description = _("The fiscal year's events as IATI 2.03 activities (status, dates, "
                    "participating organisations, recipient countries, sector, budgets and "
                    "transactions from their funding), for the aid transparency registry.")
    params = (OFFICE_WIDE, PERIOD)

    def render(self, params, user=None):
        year = fiscal_year(params)
        office = office_for(params, user)
        if not office.iati_org_ref.strip():
            raise ExportError(_("office: %(office)s has no IATI organisation identifier (the "
                                "office's setting \"IATI organisation identifier\", e.g. "
                                "XM-DAC-47066): an office admin sets it under Office "
                                "administration, Settings, before the office publishes to IATI")
                              % {"office": office.code}, "office")
        period = Period(year, 0, office.fiscal_year_start_month)
        events = scoped(Event.objects, user).filter(
            office=office, start_date__gte=period.start, start_date__lte=period.end)
        if not events.exists():
            raise ExportError(_("period: %(office)s has no event in %(period)s (an IATI file "
                                "holds at least one activity)")
                              % {"office": office.code, "period": params["period"]}, "period")
        from ..render.iati import render_iati

        data = iati_file(office, period, events, now=timezone.now())
        return Export(f"{office.code.lower()}-iati-activities-{params['period']}.xml",
                      "application/xml", render_iati(data))
