"""One benchmark process for the KPI pages: build the data, or measure the pages on it.

    kpi_case.py build small|large     migrate, import the sample plan, fill the demo data
    kpi_case.py measure small|large   render the IPTT (plain and by member) and the dashboard
                                      as an office staff user and as a member focal point

``measure`` prints one JSON object per line: page, role, median ms over several runs, SQL
queries of one render, the floor (the same aggregates in hand-written SQL, run with a raw
cursor and fetched, nothing else) and the process's peak RSS. Run by bench/run.py, one process
per step so that peak memory is the step's own.
"""

from __future__ import annotations

import json
import resource
import sys
import time

from common import setup, timed  # bench/, the script's own folder

RUNS = 7




def build(scale: str) -> None:
    setup()
    from django.core.management import call_command

    from workplan.directory.models import Office
    from workplan.plans.services import import_plan
    from workplan.plans.textplan.synthetic import sample_bytes

    call_command("migrate", verbosity=0)
    office = Office.objects.select_related("region").get(code="ROCB-AP")
    started = time.perf_counter()
    import_plan(sample_bytes(), office, source_name="sample")
    if scale == "small":
        call_command("demo", scale="small", verbosity=0)
    else:
        call_command("demo", scale="large", verbosity=0)
    print(json.dumps({"built": scale, "seconds": round(time.perf_counter() - started, 1)}))


def quarter_sql(vendor: str, column: str) -> str:
    if vendor == "postgresql":
        return f"((EXTRACT(MONTH FROM {column})::int + 5) %% 12) / 3 + 1"
    return f"((CAST(strftime('%%m', {column}) AS INTEGER) + 5) %% 12) / 3 + 1"


def floor_statements(plan, vendor: str, dashboard: bool) -> list[tuple[str, list]]:
    """The aggregates the pages need, written by hand (fiscal year July-June)."""
    from workplan.indicators.periods import Period

    period = Period(plan.start_year, 0, 7)
    first, last = period.start.isoformat(), period.end.isoformat()
    office, region = plan.office_id, plan.office.region_id
    q = quarter_sql(vendor, "e.start_date")
    held = "e.office_id = %s AND e.status = 'held' AND e.start_date BETWEEN %s AND %s"
    window = [office, first, last]
    actions = ("SELECT a.id FROM plans_action a JOIN plans_pillar pl ON pl.id = a.pillar_id "
               "WHERE pl.work_plan_id = %s")
    by_action = ("JOIN delivery_eventaction ea ON ea.event_id = e.id "
                 f"AND ea.action_id IN ({actions})")
    statements = [
        ("SELECT i.id, i.measure, i.params, i.cumulative, a.code, a.text, pl.number "
         "FROM indicators_indicator i JOIN plans_action a ON a.id = i.action_id "
         "JOIN plans_pillar pl ON pl.id = a.pillar_id WHERE pl.work_plan_id = %s "
         "ORDER BY pl.number, a.position, i.position", [plan.pk]),
        ("SELECT t.indicator_id, t.quarter, t.target, t.baseline FROM indicators_target t "
         "JOIN indicators_indicator i ON i.id = t.indicator_id JOIN plans_action a ON "
         "a.id = i.action_id JOIN plans_pillar pl ON pl.id = a.pillar_id "
         "WHERE pl.work_plan_id = %s AND t.fiscal_year = %s", [plan.pk, plan.start_year]),
        # members assisted, by action and quarter
        (f"SELECT DISTINCT ea.action_id, {q}, b.member_id FROM delivery_event e {by_action} "
         f"JOIN delivery_event_beneficiaries b ON b.event_id = e.id WHERE {held}",
         [plan.pk, *window]),
        # events held, by action and quarter (all kinds; meetings; workshops)
        (f"SELECT ea.action_id, {q}, COUNT(DISTINCT e.id) FROM delivery_event e {by_action} "
         f"WHERE {held} GROUP BY 1, 2", [plan.pk, *window]),
        (f"SELECT ea.action_id, {q}, COUNT(DISTINCT e.id) FROM delivery_event e {by_action} "
         f"WHERE {held} AND e.kind IN ('meeting', 'conference') GROUP BY 1, 2",
         [plan.pk, *window]),
        (f"SELECT ea.action_id, {q}, COUNT(DISTINCT e.id) FROM delivery_event e {by_action} "
         f"WHERE {held} AND e.kind IN ('workshop', 'training', 'accreditation') GROUP BY 1, 2",
         [plan.pk, *window]),
        # members participating, by action
        (f"SELECT DISTINCT ea.action_id, {q}, p.member_id FROM delivery_participation p "
         f"JOIN delivery_event e ON e.id = p.event_id {by_action} WHERE {held} "
         "AND p.role = 'participant' AND p.attended", [plan.pk, *window]),
        # experts: office-wide and by action
        (f"SELECT {q}, COUNT(DISTINCT p.person_id) FROM delivery_participation p "
         f"JOIN delivery_event e ON e.id = p.event_id WHERE {held} AND p.role = 'expert' "
         "AND p.attended GROUP BY 1", window),
        (f"SELECT ea.action_id, {q}, COUNT(DISTINCT p.person_id) FROM delivery_participation p "
         f"JOIN delivery_event e ON e.id = p.event_id {by_action} WHERE {held} "
         "AND p.role = 'expert' AND p.attended GROUP BY 1, 2", [plan.pk, *window]),
        # women participations, office-wide
        (f"SELECT {q}, COUNT(*) FROM delivery_participation p JOIN delivery_event e ON "
         "e.id = p.event_id JOIN directory_person pe ON pe.id = p.person_id "
         f"WHERE {held} AND p.role = 'participant' AND p.attended AND pe.gender = 'female' "
         "GROUP BY 1", window),
        # the adoption register up to the year's end
        ("SELECT ins.code, ad.member_id, ad.since, ad.status FROM indicators_adoption ad "
         "JOIN indicators_instrument ins ON ins.id = ad.instrument_id JOIN directory_member m "
         "ON m.id = ad.member_id WHERE m.region_id = %s AND ad.since <= %s "
         "ORDER BY ad.since, ad.id", [region, last]),
        # approved manual values
        ("SELECT v.indicator_id, v.member_id, SUM(v.value) FROM indicators_value v "
         "WHERE v.status = 'approved' AND v.\"on\" BETWEEN %s AND %s GROUP BY 1, 2",
         [first, last]),
    ]
    if dashboard:
        statements += [
            (f"SELECT e.kind, e.level, COUNT(*) FROM delivery_event e WHERE {held} "
             "GROUP BY 1, 2", window),
            ("SELECT DISTINCT m.sub_region, b.member_id FROM delivery_event e JOIN "
             "delivery_event_beneficiaries b ON b.event_id = e.id JOIN directory_member m ON "
             f"m.id = b.member_id WHERE {held}", window),
            ("SELECT COUNT(*) FROM directory_member WHERE region_id = %s", [region]),
            ("SELECT pe.gender, COUNT(*) FROM delivery_participation p JOIN delivery_event e "
             "ON e.id = p.event_id JOIN directory_person pe ON pe.id = p.person_id "
             f"WHERE {held} AND p.role = 'participant' AND p.attended GROUP BY 1", window),
            ("SELECT COUNT(DISTINCT p.person_id) FROM delivery_participation p JOIN "
             f"delivery_event e ON e.id = p.event_id WHERE {held} AND p.role = 'expert' "
             "AND p.attended", window),
            ("SELECT COUNT(DISTINCT ep.partner_id) FROM delivery_eventpartner ep JOIN "
             f"delivery_event e ON e.id = ep.event_id WHERE {held}", window),
        ]
    return statements




def measure(scale: str) -> None:
    setup()
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from workplan.core.models import Membership
    from workplan.directory.models import Member
    from workplan.plans.models import WorkPlan

    plan = (WorkPlan.objects.select_related("office__region")
            .get(office__code="ROCB-AP", period="2024-2025"))
    users = {}
    User = get_user_model()
    member = Member.objects.get(iso3="FJI")
    for role in ("staff", "focal_point"):
        user, _created = User.objects.get_or_create(username=f"bench-{role}")
        Membership.objects.get_or_create(user=user, office=plan.office, role=role,
                                         member=member if role == "focal_point" else None)
        users[role] = user
    pages = {
        "iptt": reverse("indicators:iptt", args=[plan.office.code, plan.period]),
        "iptt_by_member": reverse("indicators:iptt", args=[plan.office.code, plan.period])
        + "?by=member",
        "dashboard": reverse("indicators:dashboard", args=[plan.office.code, plan.period]),
    }
    floors = {}
    for page in pages:
        statements = floor_statements(plan, connection.vendor, page == "dashboard")

        def run_floor(statements=statements):
            with connection.cursor() as cursor:
                for sql, params in statements:
                    cursor.execute(sql, params)
                    cursor.fetchall()

        floors[page] = timed(run_floor, RUNS)
    for role, user in users.items():
        client = Client()
        client.force_login(user)
        for page, url in pages.items():
            def get(url=url, client=client):
                response = client.get(url, HTTP_HOST="127.0.0.1")
                assert response.status_code == 200, (url, response.status_code)

            median = timed(get, RUNS)
            with CaptureQueriesContext(connection) as captured:
                get()
            print(json.dumps({
                "name": f"{page} ({role.replace('_', ' ')})", "scale": scale,
                "median_ms": median, "queries": len(captured), "floor_ms": floors[page],
                "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
                                     / 1024, 1)}))
    # The staff home: what needs doing across every event, request, survey and KPI value of
    # the office (a fixed number of queries; core/homes.py).
    client = Client()
    client.force_login(users["staff"])

    def home(client=client):
        response = client.get(reverse("core:home"), HTTP_HOST="127.0.0.1")
        assert response.status_code == 200, response.status_code

    median = timed(home, RUNS)
    with CaptureQueriesContext(connection) as captured:
        home()
    print(json.dumps({
        "name": "home (staff)", "scale": scale, "median_ms": median,
        "queries": len(captured), "floor_ms": None,
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)}))


if __name__ == "__main__":
    {"build": build, "measure": measure}[sys.argv[1]](sys.argv[2])
