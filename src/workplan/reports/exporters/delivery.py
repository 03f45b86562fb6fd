"""Lists of delivery records: the calendar of events."""

from django.utils.translation import gettext_lazy as _

from workplan.core.links import absolute
from workplan.delivery import ics
from workplan.delivery.models import Event

from ..registry import Export, Exporter, registry, scoped


@registry.register
class CalendarExporter(Exporter):
    identifier = "calendar"
    verbose_name = _("Calendar of events")
    file_format = "ics"
    description = _("Every event, for Outlook, Google Calendar or any calendar application.")

    def render(self, params, user=None):
        events = (scoped(Event.objects, user).select_related("office")
                  .order_by("start_date", "pk"))
        content = ics.calendar_bytes(events.iterator(chunk_size=500),
                                     url_for=lambda event: absolute(event.get_absolute_url()),
                                     name=str(_("Workplan events")))
        return Export("workplan-events.ics", "text/calendar; charset=utf-8", content)
