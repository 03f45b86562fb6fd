"""What each change of the office's records tells whom: called by the domain services (in
their transaction), so every way of making the change (page, API, command) tells the same."""

from __future__ import annotations

from django.utils.translation import gettext as _

from . import kinds
from .services import focal_points_of, notify, office_staff


def request_filed(req, actor=None):
    return notify(kinds.REQUEST_FILED, users=office_staff(req.office), obj=req,
                  office=req.office, actor=actor,
                  text=_("%(member)s filed a request: “%(topic)s”")
                  % {"member": req.member.name, "topic": req.topic})


REQUEST_TEXTS = {
    "accepted": (kinds.REQUEST_ACCEPTED, "Your request “%(topic)s” was accepted by %(office)s"),
    "scheduled": (kinds.REQUEST_SCHEDULED,
                  "Your request “%(topic)s” is scheduled as “%(event)s” (%(dates)s)"),
    "declined": (kinds.REQUEST_DECLINED, "Your request “%(topic)s” was declined by %(office)s"),
    "withdrawn": (kinds.REQUEST_WITHDRAWN, "%(member)s withdrew the request “%(topic)s”"),
}


def request_moved(req, status: str, actor=None):
    """Accepted, scheduled, declined: the member's focal points (and whoever filed it);
    withdrawn: the office's staff."""
    if status not in REQUEST_TEXTS:
        return []
    kind, text = REQUEST_TEXTS[status]
    values = {"topic": req.topic, "office": req.office.short_name, "member": req.member.name,
              "event": req.event.title if req.event_id else "",
              "dates": _date_range(req.event) if req.event_id else ""}
    if status == "withdrawn":
        users = office_staff(req.office)
    else:
        users = [*focal_points_of(req.office, req.member), req.filed_by]
    return notify(kind, users=users, obj=req, office=req.office, actor=actor,
                  text=_(text) % values)


def expert_deployed(participation, actor=None):
    """An expert (a person with an account) named resource person of an event."""
    user = participation.person.user
    if user is None:
        return []
    event = participation.event
    return notify(kinds.EXPERT_DEPLOYED, users=[user], obj=event, office=event.office,
                  actor=actor, text=_("You are a resource person of “%(event)s” (%(dates)s)")
                  % {"event": event.title, "dates": _date_range(event)})


def value_moved(value, status: str, actor=None):
    """Submitted: the office's staff review it; returned or approved: whoever entered it."""
    indicator = value.indicator
    office = indicator.action.work_plan.office
    values = {"action": indicator.action.code, "value": value.value,
              "on": value.on.isoformat(), "note": value.review_note}
    if status == "submitted":
        return notify(kinds.VALUE_SUBMITTED, users=office_staff(office), obj=indicator,
                      office=office, actor=actor,
                      text=_("A KPI value of %(action)s (%(value)s on %(on)s) waits for "
                             "review") % values)
    if status in ("returned", "approved"):
        kind = kinds.VALUE_RETURNED if status == "returned" else kinds.VALUE_APPROVED
        text = (_("Your KPI value of %(action)s (%(value)s on %(on)s) was returned: "
                  "%(note)s") if status == "returned" else
                _("Your KPI value of %(action)s (%(value)s on %(on)s) was approved"))
        return notify(kind, users=[value.entered_by], obj=indicator, office=office,
                      actor=actor, text=text % values)
    return []


def survey_opened(survey, actor=None):
    """A needs assessment opened: each member's focal points answer it for their member."""
    from workplan.core.models import Membership, Role

    if survey.kind != "needs":
        return []
    users = [m.user for m in Membership.objects.filter(
        office=survey.office, role=Role.FOCAL_POINT, member__isnull=False,
        user__is_active=True).select_related("user")]
    text = _("“%(title)s” is open: please answer it for your administration") % {
        "title": survey.title}
    if survey.closes_on:
        text += " " + _("(closes %(day)s)") % {"day": survey.closes_on.isoformat()}
    return notify(kinds.SURVEY_TO_ANSWER, users=users, obj=survey, office=survey.office,
                  actor=actor, text=text, url=_survey_answer_url(survey))


def _survey_answer_url(survey) -> str:
    from django.urls import reverse

    return reverse("surveys:member_response", args=[survey.pk])


def _date_range(event) -> str:
    if event.start_date == event.end_date:
        return event.start_date.isoformat()
    return f"{event.start_date.isoformat()} – {event.end_date.isoformat()}"
