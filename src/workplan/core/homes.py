"""What each role's home shows: the office's day, as items that say what needs doing and link
to where it is done. Every count goes through the domain querysets (the figure definitions of
docs/kpis.md, the "to do" conditions of delivery/querysets.py), so it agrees with the page it
links to; each home is a fixed number of queries whatever the data.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from .access import CHANGE, VIEW, WIDE_ROLES, focal_points, memberships, office_ids
from .figures import share, share_text

LIST_LIMIT = 8


@dataclass
class Item:
    """One line of a home: a count (or a text), what it is, where it is done."""

    label: str
    count: int | None
    url: str
    hint: str = ""
    rows: list = field(default_factory=list)

    @property
    def done(self) -> bool:
        return self.count == 0


def role_of(user) -> str:
    """The home a user gets: the widest of their roles (staff over focal point over viewer
    over expert); superusers get the staff home."""
    if user.is_superuser:
        return "staff"
    roles = {role for _office, role, _member in memberships(user)}
    for home, having in (("staff", {"admin", "staff"}), ("focal_point", {"focal_point"}),
                         ("viewer", {"viewer"}), ("expert", {"expert"})):
        if roles & having:
            return home
    return "none"


def _first_office(user):
    from workplan.directory.models import Office

    ids = office_ids(user, VIEW)
    offices = Office.objects.all() if ids is None else Office.objects.filter(pk__in=ids)
    return offices.order_by("pk").first()


def fiscal_year_of(office, today: dt.date) -> int:
    month = office.fiscal_year_start_month if office else 7
    return today.year if today.month >= month else today.year - 1


def glance_year(office, today: dt.date) -> int:
    """The year the glance shows by default: today's fiscal year, or, when the office has no
    plan for it yet, the latest year it has a plan for (1 query): a new fiscal year does not
    open on a glance of zeros while the last plan's year is still being reported on."""
    year = fiscal_year_of(office, today)
    if office is None:
        return year
    planned = (office.work_plans.filter(start_year__lte=year).order_by("-start_year")
               .values_list("start_year", flat=True).first())
    return planned if planned is not None else year


def _url(name: str, **query) -> str:
    url = reverse(name)
    return f"{url}?{urlencode(query)}" if query else url


# --- the year at a glance (viewers; staff too) -------------------------------------------------


@dataclass
class Glance:
    year: int
    label: str
    events_held: int
    participants: int
    women: int
    women_share: str
    members_reached: int
    url: str


def glance(user, office, year: int) -> Glance:
    """The office's fiscal year in four figures (3 queries): events held, participants and
    women (the headcount of those events), members reached."""
    from workplan.delivery.filters import fiscal_year_label
    from workplan.delivery.models import Event

    events = Event.objects.restrict(user, VIEW).in_fiscal_year(office, year).held()
    held = events.count()
    headcount = events.headcount()
    reached = events.members_reached().count()
    return Glance(year=year, label=fiscal_year_label(year), events_held=held,
                  participants=headcount.participants, women=headcount.women,
                  women_share=share_text(headcount.women_share), members_reached=reached,
                  url=_url("delivery:event_list", fy=year, status="held"))


# --- staff and admins ---------------------------------------------------------------------------


def staff_home(user, today: dt.date, office) -> dict:
    from workplan.delivery.models import Event, Request
    from workplan.indicators.models import Value
    from workplan.surveys.models import Survey
    from workplan.surveys.services import follow_ups

    year = fiscal_year_of(office, today)
    first = dt.date(year, office.fiscal_year_start_month if office else 7, 1)
    last = dt.date(first.year + 1, first.month, 1) - dt.timedelta(days=1)
    events = Event.objects.restrict(user, CHANGE)
    counts = events.todo_counts(today, first, last)  # 1 query

    requests = (Request.objects.restrict(user, CHANGE).to_answer().for_list()
                .order_by("created", "pk"))
    request_rows = list(requests[:LIST_LIMIT + 1])  # 1 query
    request_count = (len(request_rows) if len(request_rows) <= LIST_LIMIT
                     else requests.count())

    def event_item(key, label, hint, **query):
        return Item(label, counts[key], _url("delivery:event_list", todo=key, **query), hint)

    fy = {"fy": year}
    items = [
        Item(_("Requests to answer"), request_count,
             _url("delivery:request_list", status="received"),
             _("Received from members, not yet accepted or declined."),
             rows=request_rows[:LIST_LIMIT]),
        event_item("past_open", _("Past events not closed"),
                   _("Ended, still planned or confirmed: mark them held or cancelled.")),
        event_item("no_attendance", _("Events without attendance"),
                   _("Held this fiscal year, nobody recorded: import the attendance sheet."),
                   **fy),
        event_item("no_summary", _("Events without a summary"),
                   _("Held this fiscal year: a paragraph for the annual report."), **fy),
        event_item("no_evaluation", _("Events without an evaluation"),
                   _("Workshops and trainings held this fiscal year with no evaluation "
                     "survey."), **fy),
    ]

    surveys = list(Survey.objects.restrict(user, CHANGE).filter(status="open")
                   .for_list().order_by("closes_on", "pk")[:LIST_LIMIT])  # 1 query
    for survey in surveys:
        survey.rate = share_text(share(survey.responded_count, survey.invitation_count)) \
            if survey.kind != "needs" else None
    due = follow_ups(events)  # 1 query
    values = (Value.objects.restrict(user, CHANGE).filter(status=Value.Status.SUBMITTED)
              .exclude(entered_by=user).select_related("indicator__action", "entered_by")
              .order_by("on", "pk"))
    value_rows = list(values[:LIST_LIMIT + 1])  # 1 query
    value_count = len(value_rows) if len(value_rows) <= LIST_LIMIT else values.count()
    upcoming = list(events.todo("next_30_days", today).select_related("host_member")
                    .order_by("start_date", "pk")[:LIST_LIMIT])  # 1 query
    return {
        "year": year,
        "items": items,
        "surveys": surveys,
        "surveys_url": _url("surveys:survey_list", status="open"),
        "follow_ups": due[:LIST_LIMIT],
        "follow_up_count": len(due),
        "values": value_rows[:LIST_LIMIT],
        "value_count": value_count,
        "upcoming": upcoming,
        "upcoming_count": counts["next_30_days"],
        "upcoming_url": _url("delivery:event_list", todo="next_30_days"),
    }


# --- focal points -------------------------------------------------------------------------------


def focal_point_home(user, today: dt.date) -> dict:
    from django.db.models import Q

    from workplan.delivery.models import Event, Request
    from workplan.directory.models import Member
    from workplan.surveys.models import Response, Survey

    pairs = focal_points(user)
    members = list(Member.objects.filter(pk__in=[m for _o, m in pairs]).order_by("name"))
    requests = list(Request.objects.restrict(user, VIEW).for_list().select_related("event")
                    .order_by("-created", "-pk")[:LIST_LIMIT])
    upcoming = list(Event.objects.restrict(user, VIEW).filter(end_date__gte=today)
                    .exclude(status="cancelled").select_related("host_member")
                    .order_by("start_date", "pk")[:LIST_LIMIT])
    answered = Q(pk__in=[])
    for office, member in pairs:
        answered |= Q(office_id=office, pk__in=Response.objects.filter(
            member_id=member, for_member=True).values("survey_id"))
    to_answer = list(Survey.objects.restrict(user, VIEW).filter(kind="needs", status="open")
                     .exclude(answered).order_by("closes_on", "pk")[:LIST_LIMIT])
    return {"members": members, "requests": requests, "upcoming": upcoming,
            "to_answer": to_answer}


# --- experts ------------------------------------------------------------------------------------

def expert_home(user, today: dt.date) -> dict:
    """The expert's deployments, and their profile as one to-do item: how many of the things
    an office needs to deploy them are missing (``Person.profile_missing``, the one definition
    the profile page and the experts registry show too), linking to the page where they
    complete it. Two queries: the person, the deployments."""
    from django.utils.text import format_lazy

    from workplan.delivery.models import Participation
    from workplan.directory.models import Person

    person = (Person.objects.expert_profile_of(user).select_related("member", "partner")
              .first())
    deployments = list(Participation.objects.restrict(user, VIEW).experts()
                       .filter(person__user=user).select_related("event__host_member")
                       .order_by("-event__start_date", "-event__pk")[:LIST_LIMIT * 2])
    url = reverse("directory:expert_profile")
    if person is None:
        profile = Item(_("Your expert profile"), None, url,
                       _("Your account is not linked to an expert record yet: ask the office "
                         "to link it."))
    else:
        missing = person.profile_missing()
        hint = (format_lazy(_("Missing: {items}."), items=", ".join(str(m.label)
                                                                    for m in missing))
                if missing else _("Complete: the office has what it needs to deploy you."))
        profile = Item(_("Profile items to complete"), len(missing), url, hint)
    return {"person": person, "items": [profile],
            "upcoming_deployments": [p for p in deployments if p.event.end_date >= today],
            "past_deployments": [p for p in deployments if p.event.end_date < today]}


def wide(user) -> bool:
    ids = office_ids(user, VIEW, roles=WIDE_ROLES)
    return ids is None or bool(ids)
