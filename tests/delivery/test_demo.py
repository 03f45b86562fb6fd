"""The small demonstration (``workplan demo``, ``workplan setup``): everything the running
app shows, credible (dates in the plan year, past events closed, names as members write them,
targets within what is possible), and the same records for the same seed."""

import datetime as dt
import io
import re

import pytest
from django.core.management import call_command
from django.db import transaction

from workplan.delivery.demo import fy_bounds, populate
from workplan.delivery.demo_names import NAMES
from workplan.delivery.models import Event, Participation, Request, RequestStep
from workplan.directory.models import Member, Person
from workplan.indicators.models import Target, Value
from workplan.notifications.models import Notification
from workplan.reports.models import Publication
from workplan.surveys.models import Response, Survey

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 1, 15)


def snapshot() -> dict:
    """The demonstration's records without their ids, in a fixed order."""
    return {
        "people": sorted(Person.objects.values_list("full_name", "email", "gender",
                                                    "member__iso3")),
        "events": sorted(Event.objects.values_list("title", "start_date", "end_date",
                                                   "status", "city", "summary", "mode")),
        "participations": sorted(Participation.objects.values_list(
            "event__title", "event__start_date", "person__email", "role", "attended")),
        "requests": sorted((r.member.iso3, r.topic, r.status, r.created.isoformat())
                           for r in Request.objects.select_related("member")),
        "steps": sorted(RequestStep.objects.values_list("request__topic", "status", "at")),
        "surveys": sorted(Survey.objects.values_list("kind", "status", "opens_on", "closes_on",
                                                     "event__title", "event__start_date")),
        "responses": Response.objects.count(),
        "targets": sorted(Target.objects.values_list("indicator__text", "quarter", "target")),
        "values": sorted(Value.objects.values_list("indicator__text", "on", "value",
                                                   "status")),
        "publications": sorted(Publication.objects.values_list("title", "date")),
        "notifications": sorted(Notification.objects.values_list(
            "user__username", "kind", "text", "created", "read_at")),
    }


def test_demo_fills_what_the_app_shows_credibly_and_the_same_for_a_seed(
        office, seed_plan, make_user):
    make_user("staff", username="staff")
    fiji = Member.objects.get(iso3="FJI")
    make_user("focal_point", username="fiji", member=fiji)
    with transaction.atomic():
        counts = populate(office, seed=11, today=TODAY)
        first = snapshot()
        transaction.set_rollback(True)
    assert not Event.objects.exists()
    out = io.StringIO()
    call_command("demo", "--seed", "11", "--today", TODAY.isoformat(), stdout=out)
    assert snapshot() == first
    printed = out.getvalue()
    for part in ("Delivery:", "Surveys:", "KPI data:", "Publications:", "Notifications:"):
        assert part in printed
    assert counts["delivery"]["events"] == Event.objects.count() >= 140
    assert counts["surveys"]["surveys"] == Survey.objects.count() > 50
    assert Target.objects.exists() and Value.objects.filter(status="submitted").exists()
    assert counts["publications"]["publications"] == Publication.objects.count() > 10
    assert counts["notifications"]["notifications"] == Notification.objects.count()

    first_day, last_day = fy_bounds(seed_plan.start_year)
    # Past events are held or cancelled (the whole year is past on TODAY).
    assert not Event.objects.exclude(status__in=["held", "cancelled"]).exists()
    assert Event.objects.filter(status="cancelled").exists()
    assert not Event.objects.filter(start_date__lt=first_day).exists()
    assert not Event.objects.filter(end_date__gt=last_day).exists()
    # Requests of the year are filed and answered in the year.
    for request in Request.objects.all():
        assert first_day <= request.created.date() <= last_day, request
    assert not RequestStep.objects.filter(at__date__lt=first_day).exists()
    assert not RequestStep.objects.filter(at__date__gt=last_day).exists()
    for request in Request.objects.prefetch_related("steps"):
        moments = [step.at for step in request.steps.order_by("pk")]
        assert moments == sorted(moments), request
        assert request.steps.order_by("pk").last().status == request.status
    # Names as the members write them: no numbers, each member's own names.
    assert not Person.objects.filter(full_name__regex=r"\d").exists()
    japanese = {name for _o, women, men, family in NAMES["JPN"] for name in (*women, *men)}
    for name in Person.objects.filter(member__iso3="JPN").values_list("full_name", flat=True):
        assert name.split()[0] in japanese
    assert Person.objects.filter(member__iso3="MYS", full_name__contains=" bin").exists()
    assert Person.objects.values("email").distinct().count() == Person.objects.count()
    # Targets within what is possible: members counted are at most the region's 35.
    members = Member.objects.filter(region=office.region).count()
    for target in Target.objects.filter(indicator__measure__in=[
            "members_assisted", "members_participating", "adoption"]):
        assert target.target <= members, target.indicator.text
    # Concise summaries: no summary names members one by one.
    names = list(Member.objects.filter(region=office.region).values_list("name", flat=True))
    for summary in Event.objects.exclude(summary="").values_list("summary", flat=True):
        assert len(summary) < 300
        assert sum(name in summary for name in names) <= 1
    # The office's users are told what happened, at the time it happened.
    staff_notes = Notification.objects.filter(user__username="staff")
    assert staff_notes.filter(kind="request_filed").exists()
    assert staff_notes.filter(kind="value_submitted").exists()
    assert not Notification.objects.exclude(email_state="none").exists()
    assert Notification.objects.filter(user__username="fiji").count() == sum(
        1 for step in RequestStep.objects.filter(request__member=fiji)
        if step.status in ("accepted", "scheduled", "declined"))
    assert all(re.match(r"\d{4}-", n.created.isoformat())
               and n.created.date() <= last_day for n in Notification.objects.all())


def test_events_still_to_come_are_open(office, seed_plan):
    """Seen from inside the year, what is past is closed and what is to come is planned,
    confirmed or postponed."""
    from workplan.delivery.demo import Demo

    today = dt.date(seed_plan.start_year + 1, 2, 1)
    Demo(office, seed=3, today=today).run()
    assert not Event.objects.filter(end_date__lt=today).exclude(
        status__in=["held", "cancelled"]).exists()
    assert not Event.objects.filter(end_date__gte=today, status="held").exists()
    assert Event.objects.filter(end_date__gte=today, status__in=["planned",
                                                                 "confirmed"]).exists()
    assert not Request.objects.filter(created__date__gt=today).exists()
    assert not Participation.objects.filter(event__end_date__gte=today).exists()
