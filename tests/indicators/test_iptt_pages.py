"""The IPTT page, its XLSX and the dashboard, as the people who use them."""

from __future__ import annotations

import datetime as dt
import io
import xml.etree.ElementTree as ET

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from workplan.delivery.models import Event, Participation
from workplan.indicators import iptt
from workplan.indicators.models import Indicator, Target

from .world import build_world

pytestmark = pytest.mark.django_db


def iptt_url(plan, **query):
    url = reverse("indicators:iptt", args=[plan.office.code, plan.period])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def dashboard_url(plan):
    return reverse("indicators:dashboard", args=[plan.office.code, plan.period])


def test_staff_see_every_kpi_of_the_plan_with_targets(client, make_user, seed_plan):
    indicator = Indicator.objects.get(action__work_plan=seed_plan, action__code="3-(e)")
    Target.objects.create(indicator=indicator, fiscal_year=seed_plan.start_year, target=400)
    client.force_login(make_user("staff"))
    response = client.get(iptt_url(seed_plan))
    assert response.status_code == 200
    html = response.content.decode()
    for text in Indicator.objects.filter(action__work_plan=seed_plan).values_list("text",
                                                                                  flat=True):
        assert text.replace("'", "&#x27;") in html
    assert "/ 400" in html  # the target of 3-(e)
    assert len(response.context["table"].rows) == 60


def test_filters_narrow_the_rows_and_bad_filters_say_so(client, make_user, seed_plan):
    client.force_login(make_user("viewer"))
    rows = client.get(iptt_url(seed_plan, pillar=3)).context["table"].rows
    assert rows and {r.pillar.number for r in rows} == {3}
    rows = client.get(iptt_url(seed_plan, measure="events_held")).context["table"].rows
    assert rows and {r.indicator.measure for r in rows} == {"events_held"}
    rows = client.get(iptt_url(seed_plan, status="no_target")).context["table"].rows
    assert len(rows) == 60  # no targets set yet
    response = client.get(iptt_url(seed_plan, by="shoe-size", pillar="x"))
    assert response.status_code == 200
    assert response.context["form"].errors.keys() == {"by", "pillar"}
    assert len(response.context["table"].rows) == 60


def test_htmx_gets_the_table_alone(client, make_user, seed_plan):
    client.force_login(make_user("staff"))
    response = client.get(iptt_url(seed_plan, pillar=4), HTTP_HX_REQUEST="true",
                          HTTP_HX_TARGET="iptt-content")
    html = response.content.decode()
    assert "<table" in html and "<html" not in html


def test_a_focal_point_sees_the_office_totals_and_only_their_own_member_line(
        client, make_user, kpi_world):
    plan = kpi_world["plan"]
    member = kpi_world["members"][0]
    client.force_login(make_user("focal_point", member=member))
    Indicator.objects.filter(action__work_plan=plan).update(measure="participants",
                                                            params={"scope": "office"})
    table = client.get(iptt_url(plan, by="member")).context["table"]
    full = iptt.compute(plan, dimension="member")
    assert [r.columns["FY"].actual for r in table.rows] == \
        [r.columns["FY"].actual for r in full.rows]
    keys = {part.key for row in table.rows for part in row.breakdown}
    assert keys <= {member.pk} and len({p.key for p in full.rows[0].breakdown}) > 1


def test_another_office_and_strangers_get_nothing(client, make_user, seed_plan, other_office):
    client.force_login(make_user("staff", office=other_office))
    assert client.get(iptt_url(seed_plan)).status_code == 404
    assert client.get(dashboard_url(seed_plan)).status_code == 404
    client.logout()
    assert client.get(iptt_url(seed_plan)).status_code == 302


def _count(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries.captured_queries)


@pytest.mark.parametrize("role", ["staff", "focal_point"])
def test_pages_take_a_fixed_number_of_queries(client, make_user, office, seed_plan, role):
    from workplan.directory.models import Member

    user = make_user(role, member=Member.objects.get(iso3="FJI")) if role == "focal_point" \
        else make_user(role)
    client.force_login(user)
    urls = [iptt_url(seed_plan), iptt_url(seed_plan, by="member"), dashboard_url(seed_plan)]
    before = [_count(client, url) for url in urls]
    build_world(office, seed_plan, 4, events=40)
    assert [_count(client, url) for url in urls] == before
    assert before == EXPECTED_QUERIES[role]


# Staff: session + user + memberships, the plan, then the IPTT (indicators, targets, one per
# measure setting in use: items_shared's two settings among them) and the page's pillars; the
# dashboard adds its delivery aggregates.
EXPECTED_QUERIES = {"staff": [25, 26, 34], "focal_point": [25, 26, 34]}


def test_the_xlsx_holds_the_table_and_neutralises_formulas(client, make_user, kpi_world):
    plan = kpi_world["plan"]
    indicator = Indicator.objects.filter(action__work_plan=plan).first()
    indicator.text = "=HYPERLINK(\"http://evil\")"
    indicator.save()
    client.force_login(make_user("staff"))
    response = client.get(reverse("indicators:iptt_xlsx", args=[plan.office.code,
                                                                plan.period]) + "?by=gender")
    assert response.status_code == 200
    assert "IPTT-ROCB-AP-2024-2025.xlsx" in response["Content-Disposition"]
    book = load_workbook(io.BytesIO(response.content))
    sheet = book["IPTT"]
    header = [c.value for c in sheet[1]]
    assert header[:4] == ["Pillar", "Action", "KPI", "Measure"]
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert len(rows) == 60
    table = iptt.compute(plan)
    fy_actual = header.index("2024-2025 actual")
    assert [r[fy_actual] for r in rows] == [
        None if r.columns["FY"].actual is None else int(r.columns["FY"].actual)
        for r in table.rows]
    cell = sheet.cell(row=2, column=3)
    assert cell.value.startswith("=") and cell.data_type == "s" and cell.quotePrefix
    assert "By gender" in book.sheetnames


def test_the_dashboard_figures_are_the_records(client, make_user, kpi_world):
    plan, office = kpi_world["plan"], kpi_world["office"]
    client.force_login(make_user("viewer"))
    response = client.get(dashboard_url(plan))
    assert response.status_code == 200
    board = response.context["board"]
    first, last = dt.date(plan.start_year, 7, 1), dt.date(plan.start_year + 1, 6, 30)
    held = [e for e in Event.objects.filter(office=office, status="held")
            if first <= e.start_date <= last]
    assert board.events_total == len(held)
    assert board.reached_total == len({m.pk for e in held for m in e.beneficiaries.all()})
    people = [p for p in Participation.objects.select_related("person")
              if p.event_id in {e.pk for e in held} and p.attended]
    participants = [p for p in people if p.role == "participant"]
    assert board.participants_total == len(participants)
    assert board.participants.get("female", 0) == sum(
        1 for p in participants if p.person.gender == "female")
    assert board.experts == len({p.person_id for p in people if p.role == "expert"})
    html = response.content.decode()
    assert html.count("<svg") >= 4
    for chart in response.context["charts"].values():
        ET.fromstring(str(chart))
    assert reverse("delivery:event_list") + f"?status=held&amp;fy={plan.start_year}" in html


def test_a_year_without_plan_still_has_a_dashboard_and_bad_years_are_404(
        client, make_user, seed_plan):
    client.force_login(make_user("staff"))
    response = client.get(reverse("indicators:dashboard", args=["ROCB-AP", "2019-2020"]))
    assert response.status_code == 200
    assert "No work plan was imported for this fiscal year" in response.content.decode()
    assert client.get(reverse("indicators:dashboard",
                              args=["ROCB-AP", "2019-2021"])).status_code == 404
    assert client.get(reverse("indicators:indicators_home")).status_code == 302
