"""One truth: every figure an office quotes is the same on every surface that shows it.

On a year of demonstration data (``year``, built once for the module) and a second office of
the same region with its own demonstration year, each figure (events held, participants, women,
members reached, the mean evaluation, and one event's headcount) is read from every page,
export and API response that shows it, and all readings must be equal. A surface that counts
its own way fails here. The figures' definitions are in docs/kpis.md ("Figures").
"""

from __future__ import annotations

import datetime as dt
import io
import re
from collections import defaultdict

import pytest
from django.db import transaction
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from workplan.core.figures import mean_text
from workplan.core.models import Membership, Role
from workplan.delivery.models import Event, Participation
from workplan.directory.models import Member, Office, Person
from workplan.indicators.measures import Frame, registry
from workplan.reports.data.annual import annual_report
from workplan.reports.data.newsletter import newsletter
from workplan.reports.registry import registry as exporters

pytestmark = pytest.mark.django_db

FY = 2024
PERIOD = "2024-2025"
DAY = dt.date(2024, 9, 10)


@pytest.fixture(scope="module")
def world(year, django_db_blocker):
    """The demonstration year of ROCB-AP, a second office of the region with its own year, a
    staff user and a focal point in each, and one event whose people are of every kind:
    12 participants (6 women), 2 resource persons, 1 observer and 1 absentee."""
    from django.contrib.auth import get_user_model

    from workplan.delivery.demo import Demo
    from workplan.plans.models import Action, ActionActivity, Activity, Pillar, WorkPlan

    with django_db_blocker.unblock(), transaction.atomic():
        office = year.office
        second = Office.objects.create(code="SECOND-AP", name="A second Asia/Pacific office",
                                       short_name="Second A/P", region=office.region)
        plan_b = WorkPlan.objects.create(office=second, strategic_plan=year.plan.strategic_plan,
                                         title="Second plan (2024-2025)", period=PERIOD,
                                         start_year=FY)
        pillar = Pillar.objects.create(work_plan=plan_b, number=1, title="Pillar one")
        action = Action.objects.create(work_plan=plan_b, pillar=pillar, letter="a",
                                       code="1-(a)", position=1, text="Workshops on demand")
        activity = Activity.objects.create(work_plan=plan_b, key="regional workshop",
                                           title="Regional workshop", kind="regional_workshop",
                                           position=1)
        ActionActivity.objects.create(action=action, activity=activity, listed=True,
                                      listed_position=1)
        Demo(second, seed=5).run()

        fiji, japan = Member.objects.get(iso3="FJI"), Member.objects.get(iso3="JPN")
        mixed = Event.objects.create(
            office=office, title="Mixed roll of people", kind="workshop", level="national",
            start_date=DAY, end_date=DAY, status="held",
            host_member=fiji, city="Suva", country="FJI")
        mixed.beneficiaries.set([fiji])
        roles = ([("participant", True, "female")] * 6 + [("participant", True, "male")] * 6
                 + [("expert", True, "male")] * 2 + [("observer", True, "female")]
                 + [("participant", False, "female")])
        for n, (role, attended, gender) in enumerate(roles):
            # the resource persons come from Japan: a focal point of Fiji may not see them
            member = japan if role == "expert" else fiji
            person = Person.objects.create(office=office, full_name=f"Roll Person {n}",
                                           gender=gender, member=member)
            Participation.objects.create(event=mixed, person=person, role=role,
                                         attended=attended, member=member)

        User = get_user_model()
        users = {}
        for code, the_office in (("a", office), ("b", second)):
            staff = User.objects.create_user(f"staff-{code}")
            Membership.objects.create(user=staff, office=the_office, role=Role.STAFF)
            users[f"staff-{code}"] = staff
        focal = User.objects.create_user("focal-fji")
        Membership.objects.create(user=focal, office=office, role=Role.FOCAL_POINT,
                                  member=fiji)
        users["focal"] = focal
        yield {"A": (office, year.plan), "B": (second, plan_b), "users": users,
               "mixed": mixed, "today": year.today}
        transaction.set_rollback(True)


def client_of(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def api_events(client, query: str) -> list[dict]:
    """Every event the API lists for ``query``, following the cursor's ``next`` links."""
    rows, url = [], f"/api/v1/events/?{query}&page_size=100"
    while url:
        body = client.get(url).json()
        rows += body["results"]
        url = body["next"]
    return rows


def sheet_rows(content: bytes, title: str) -> tuple[list[str], list[list]]:
    sheet = load_workbook(io.BytesIO(content), read_only=True)[title]
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    header_at = next(i for i, row in enumerate(rows)
                     if row and row[0] in ("Title", "Member (ISO 3166)"))
    return [str(v) for v in rows[header_at]], rows[header_at + 1:]


def readings(office, plan, staff, today) -> dict[str, dict[str, object]]:
    """Each figure of the office's fiscal year as each surface shows it."""
    found: dict[str, dict[str, object]] = defaultdict(dict)
    client = client_of(staff)

    # the dashboard
    response = client.get(reverse("indicators:dashboard", args=[office.code, PERIOD]))
    assert response.status_code == 200
    board = response.context["board"]
    found["events held"]["dashboard"] = board.events_total
    found["participants"]["dashboard"] = board.participants_total
    found["women"]["dashboard"] = board.participants.get("female", 0)
    found["members reached"]["dashboard"] = board.reached_total
    if board.evaluation is not None and board.evaluation.actual is not None:
        found["mean evaluation"]["dashboard page"] = re.search(
            r"([0-9]\.[0-9]+) / 5", response.content.decode()).group(1)

    # the annual report's data (the Word, PDF and web versions render these rows)
    report = annual_report(plan, today=today)
    figures = {f.key: f for f in report.figures}
    found["events held"]["annual report"] = figures["events"].value
    found["events held"]["annual report, events listed"] = len(report.events)
    found["participants"]["annual report, events listed"] = sum(
        e.participants for e in report.events)
    found["women"]["annual report, events listed"] = sum(e.women for e in report.events)
    found["members reached"]["annual report"] = figures["members"].value
    if "mean evaluation" in found:
        found["mean evaluation"]["annual report"] = figures["evaluation"].text

    # plan versus delivery
    response = client.get(reverse("delivery:plan_delivery", args=[office.code, PERIOD]))
    year_held = response.context["delivery"].year
    found["events held"]["plan versus delivery"] = year_held.total
    found["events held"]["plan versus delivery, in parts"] = (
        year_held.for_activities + year_held.for_actions + year_held.other)

    # the staff home's year at a glance
    glance = client.get(reverse("core:home"), {"fy": FY}).context["glance"]
    found["events held"]["home, year at a glance"] = glance.events_held
    found["participants"]["home, year at a glance"] = glance.participants
    found["women"]["home, year at a glance"] = glance.women
    found["members reached"]["home, year at a glance"] = glance.members_reached

    # the events list (its pager count) and its rows
    response = client.get(reverse("delivery:event_list"), {"fy": FY, "status": "held"})
    found["events held"]["events list"] = response.context["page"].paginator.count

    # the API
    rows = api_events(client, f"fy={FY}&status=held")
    found["events held"]["API"] = len(rows)
    found["participants"]["API"] = sum(r["participant_count"] for r in rows)
    found["women"]["API"] = sum(r["women_count"] for r in rows)

    # the XLSX lists
    content = exporters.get("participants").run({"office": office.code, "period": PERIOD},
                                                user=staff).content
    headers, body = sheet_rows(content, "By member and gender")
    total_row = next(r for r in body if r[1] == "Total")
    found["participants"]["participants XLSX"] = total_row[headers.index("Total")]
    found["women"]["participants XLSX"] = total_row[2]  # the first gender column: female
    content = exporters.get("events").run({"office": office.code, "period": PERIOD,
                                           "status": "held"}, user=staff).content
    headers, body = sheet_rows(content, "Events")
    listed = [r for r in body if r and r[0]]
    found["events held"]["events XLSX"] = len(listed)
    found["participants"]["events XLSX"] = sum(r[headers.index("Participants")] or 0
                                               for r in listed)

    # the newsletter's four quarters add up to the year
    quarters = [newsletter(office, FY, q, events=Event.objects.all(),
                           publications=_publications(), today=today) for q in (1, 2, 3, 4)]
    by_key = [{f.key: f.value for f in news.figures} for news in quarters]
    found["events held"]["newsletter, four quarters"] = sum(f["events"] for f in by_key)
    found["participants"]["newsletter, four quarters"] = sum(f["participants"] for f in by_key)
    found["women"]["newsletter, four quarters"] = sum(f["women"] for f in by_key)

    # the KPI measures, counted office-wide for the year (what the IPTT shows)
    frame = Frame(office.pk, office.region_id, FY, office.fiscal_year_start_month)
    for figure, key in (("events held", "events_held"), ("participants", "participants"),
                        ("women", "women_participations"),
                        ("members reached", "members_assisted")):
        measure = registry.get(key)
        facts = list(measure.facts(frame, None, {}, None))
        found[figure]["KPI measure " + key] = measure.series(facts, True, {})["FY"].actual or 0
    evaluation = registry.get("evaluation_result")
    cell = evaluation.series(list(evaluation.facts(frame, None, {}, None)), False)["FY"]
    if cell.actual is not None and "mean evaluation" in found:
        found["mean evaluation"]["KPI measure evaluation_result"] = mean_text(cell.actual)
    return found


def _publications():
    from workplan.reports.models import Publication

    return Publication.objects.all()


def disagreements(found) -> list[str]:
    wrong = []
    for figure, surfaces in found.items():
        values = {str(v) if figure == "mean evaluation" else int(v) for v in surfaces.values()}
        if len(values) != 1:
            wrong.append(f"{figure}: " + ", ".join(f"{k} {v}" for k, v in surfaces.items()))
    return wrong


@pytest.mark.parametrize("which", ["A", "B"])
def test_every_figure_agrees_on_every_surface(world, which, django_db_blocker):
    office, plan = world[which]
    staff = world["users"]["staff-a" if which == "A" else "staff-b"]
    found = readings(office, plan, staff, world["today"])
    assert found["events held"]["dashboard"] > 0 and found["participants"]["dashboard"] > 0
    assert all(len(surfaces) >= 3 for surfaces in found.values()), found
    assert not disagreements(found), "\n".join(disagreements(found))
    if which == "A":
        assert "mean evaluation" in found, "the demonstration year has evaluations"


def test_the_second_office_is_not_in_the_first_offices_figures(world):
    office_a, plan_a = world["A"]
    office_b, plan_b = world["B"]
    a = readings(office_a, plan_a, world["users"]["staff-a"], world["today"])
    b = readings(office_b, plan_b, world["users"]["staff-b"], world["today"])
    held = Event.objects.held().filter(start_date__year__in=(FY, FY + 1))
    assert a["events held"]["API"] + b["events held"]["API"] <= held.count()
    # staff of A asking the API for everything see none of B's events
    rows = api_events(client_of(world["users"]["staff-a"]), "status=held")
    assert {r["office"] for r in rows} <= {office_a.pk, office_a.code}


def headcount_readings(event, user) -> dict[str, tuple]:
    """One event's (participants, women, resource persons) on each surface ``user`` opens."""
    client = client_of(user)
    found = {}
    response = client.get(event.get_absolute_url())
    assert response.status_code == 200
    h = response.context["headcount"]
    found["event page"] = (h.participants, h.women, h.resource_persons, h.others, h.absent)
    page = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))
    assert f"{h.participants} participants" in page
    response = client.get(reverse("delivery:event_list"), {"q": event.title})
    row = next(e for e in response.context["page"].object_list if e.pk == event.pk)
    found["events list"] = (row.n_participants, row.n_women, row.n_resource_persons,
                            row.n_others, row.n_absent)
    body = client.get(f"/api/v1/events/{event.pk}/").json()
    found["API"] = (body["participant_count"], body["women_count"],
                    body["resource_person_count"], body["other_count"], body["absent_count"])
    return found


def test_one_events_headcount_is_the_same_everywhere_and_for_everyone(world):
    mixed = world["mixed"]
    office, plan = world["A"]
    expected = (12, 6, 2, 1, 1)
    for who in ("staff-a", "focal"):
        found = headcount_readings(mixed, world["users"][who])
        assert set(found.values()) == {expected}, (who, found)
    facts = next(e for e in annual_report(plan, today=world["today"]).events
                 if e.pk == mixed.pk)
    assert (facts.participants, facts.women, facts.experts) == expected[:3]
    # The certificates page (staff): one line, and one certificate, per participant.
    response = client_of(world["users"]["staff-a"]).get(
        reverse("registration:event_certificates", args=[mixed.pk]))
    assert response.context["headcount"].participants == expected[0]
    assert len(response.context["participants"]) == expected[0]


def test_a_focal_point_sees_totals_labelled_and_names_scoped(world):
    """Counts are the event's whole; names are those the focal point may see, and the page
    says so rather than "No expert recorded"."""
    mixed = world["mixed"]
    response = client_of(world["users"]["focal"]).get(mixed.get_absolute_url())
    page = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))
    assert "12 participants" in page and "6 women (50%)" in page
    assert "2 resource persons" in page and "1 absent" in page
    assert "No expert recorded" not in page
    assert "Roll Person 12" not in page  # an expert from Japan: not named to Fiji
    assert "their names are shown to office staff" in page
    staff_page = client_of(world["users"]["staff-a"]).get(mixed.get_absolute_url())
    assert "Roll Person 12" in staff_page.content.decode()
