"""The XLSX lists: events, participants (by member and gender), requests, publications.

Each is scoped to what the user may see (a focal point gets their member's part), so they
take the office parameter of any role.
"""

from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from workplan.core.years import parse_fiscal_year
from workplan.delivery.models import Event, Participation, Request
from workplan.indicators.periods import Period

from ..data.lists import events_sheets, participants_sheets, publications_sheets, requests_sheets
from ..models import Publication
from ..registry import (
    OFFICE,
    PERIOD,
    Export,
    Exporter,
    Param,
    fiscal_year,
    office_for,
    registry,
    scoped,
)
from ..render.xlsx import CONTENT_TYPE, workbook

PERIOD_OPTIONAL = Param("period", _("Fiscal year"), required=False, pattern=r"\d{4}-\d{4}",
                        help=_("e.g. 2024-2025; empty: every year"), check=parse_fiscal_year)


def _window(params, office):
    if not params.get("period"):
        return None
    return Period(fiscal_year(params), 0, office.fiscal_year_start_month)


def _about(what, office, params, user) -> list[str]:
    year = params.get("period") or gettext("every fiscal year")
    lines = [f"{office.name}: {what}, {year}",
             gettext("Exported from Workplan on %(day)s.") % {
                 "day": timezone.localdate().strftime("%d %B %Y")}]
    if user is not None:
        lines.append(gettext("Only the records %(user)s may see are listed.")
                     % {"user": user.get_username()})
    return lines


@registry.register
class EventsExporter(Exporter):
    identifier = "events"
    verbose_name = _("Events")
    file_format = "xlsx"
    description = _("Every event of the fiscal year: kind, level, status, dates, place, "
                    "beneficiaries, actions served, participants and women, experts, partners, "
                    "funding and its summary.")
    params = (OFFICE, PERIOD, Param("status", _("Status"), required=False,
                                    choices=tuple(Event.Status.values),
                                    labels={"": _("Every status"), **dict(Event.Status.choices)}))

    def render(self, params, user=None):
        office = office_for(params, user)
        period = _window(params, office)
        events = scoped(Event.objects, user).filter(
            office=office, start_date__gte=period.start, start_date__lte=period.end)
        if params.get("status"):
            events = events.filter(status=params["status"])
        sheets = events_sheets(events.order_by("start_date", "pk"), region_id=office.region_id)
        return Export(f"{office.code.lower()}-events-{params['period']}.xlsx", CONTENT_TYPE,
                      workbook(sheets, about=_about(gettext("events"), office, params, user)))


@registry.register
class ParticipantsExporter(Exporter):
    identifier = "participants"
    verbose_name = _("Participants by member and gender")
    file_format = "xlsx"
    description = _("Participants of the fiscal year's held events by member and gender "
                    "(as the KPIs count them), and every participation one by one.")
    params = (OFFICE, PERIOD)

    def render(self, params, user=None):
        office = office_for(params, user)
        period = _window(params, office)
        people = scoped(Participation.objects, user).filter(
            event__office=office, event__start_date__gte=period.start,
            event__start_date__lte=period.end)
        return Export(f"{office.code.lower()}-participants-{params['period']}.xlsx",
                      CONTENT_TYPE, workbook(participants_sheets(people), about=_about(
                          gettext("participants"), office, params, user)))


@registry.register
class RequestsExporter(Exporter):
    identifier = "requests"
    verbose_name = _("Requests for assistance")
    file_format = "xlsx"
    description = _("Members' requests (filed in the fiscal year, or all): topic, action, "
                    "preferred dates, status and the event they became.")
    params = (OFFICE, PERIOD_OPTIONAL)

    def render(self, params, user=None):
        office = office_for(params, user)
        period = _window(params, office)
        requests = scoped(Request.objects, user).filter(office=office)
        if period is not None:
            requests = requests.filter(created__date__gte=period.start,
                                       created__date__lte=period.end)
        suffix = params.get("period") or "all"
        return Export(f"{office.code.lower()}-requests-{suffix}.xlsx", CONTENT_TYPE,
                      workbook(requests_sheets(requests), about=_about(
                          gettext("requests for assistance"), office, params, user)))


@registry.register
class PublicationsExporter(Exporter):
    identifier = "publications"
    verbose_name = _("Publications register")
    file_format = "xlsx"
    description = _("Newsletter issues, good practice reports, articles members submitted "
                    "and website items, with the actions they serve.")
    params = (OFFICE, PERIOD_OPTIONAL)

    def render(self, params, user=None):
        office = office_for(params, user)
        period = _window(params, office)
        items = scoped(Publication.objects, user).filter(office=office)
        if period is not None:
            items = items.within(period.start, period.end)
        suffix = params.get("period") or "all"
        return Export(f"{office.code.lower()}-publications-{suffix}.xlsx", CONTENT_TYPE,
                      workbook(publications_sheets(items), about=_about(
                          gettext("publications register"), office, params, user)))
