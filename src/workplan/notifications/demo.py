"""Demonstration notifications: what the office's users would have been told about the
demonstration year's records, dated when it happened, none e-mailed.

The office's staff and admins: the requests members filed in the last two months of the year
and the KPI values waiting for their review; each focal point: the answers to their member's
requests. What is older than two weeks before the cut-off is read already.
"""

from __future__ import annotations

import datetime as dt

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from . import kinds
from .models import Notification
from .services import focal_points_of, office_staff
from .tell import REQUEST_TEXTS, _date_range

READ_AFTER = dt.timedelta(days=14)


@transaction.atomic
def populate_demo(office, cutoff: dt.date) -> dict:
    """Notifications for the office's users (none if it has no users, or they have some
    already). ``cutoff``: the demonstration's "now" (the year's end, or today if earlier)."""
    from workplan.delivery.models import Request
    from workplan.indicators.models import Value

    staff = office_staff(office)
    if Notification.objects.filter(office=office).exists():
        return {"notifications": 0}
    rows: list[tuple[Notification, dt.datetime]] = []
    until = timezone.make_aware(dt.datetime.combine(cutoff, dt.time(0, 0)))

    def add(users, kind, obj, text, at, url=""):
        content_type = ContentType.objects.get_for_model(obj)
        for user in users:
            rows.append((Notification(
                user=user, office=office, kind=kind.code, content_type=content_type,
                object_id=obj.pk, text=text[:500], url=(url or obj.get_absolute_url())[:500],
                read_at=at + dt.timedelta(hours=3) if at < until - READ_AFTER else None), at))

    requests = (Request.objects.filter(office=office).select_related("member", "event")
                .prefetch_related("steps").order_by("created", "pk"))
    for req in requests:
        if staff and req.created >= until - dt.timedelta(days=60):
            add(staff, kinds.REQUEST_FILED, req,
                _("%(member)s filed a request: “%(topic)s”")
                % {"member": req.member.name, "topic": req.topic}, req.created)
        focal = focal_points_of(office, req.member)
        for step in req.steps.all() if focal else ():
            if step.status not in REQUEST_TEXTS or step.status == "withdrawn":
                continue
            kind, text = REQUEST_TEXTS[step.status]
            add(focal, kind, req, _(text) % {
                "topic": req.topic, "office": office.short_name, "member": req.member.name,
                "event": req.event.title if req.event_id else "",
                "dates": _date_range(req.event) if req.event_id else ""}, step.at)
    if staff:
        for value in (Value.objects.filter(indicator__action__work_plan__office=office,
                                           status=Value.Status.SUBMITTED)
                      .select_related("indicator__action").order_by("on", "pk")):
            at = timezone.make_aware(dt.datetime.combine(value.on, dt.time(16, 0)))
            add(staff, kinds.VALUE_SUBMITTED, value.indicator,
                _("A KPI value of %(action)s (%(value)s on %(on)s) waits for review")
                % {"action": value.indicator.action.code, "value": value.value,
                   "on": value.on.isoformat()}, at)
    made = Notification.objects.bulk_create([n for n, _at in rows])
    for notification, (_n, at) in zip(made, rows, strict=True):
        Notification.objects.filter(pk=notification.pk).update(created=at)
    return {"notifications": len(made)}
